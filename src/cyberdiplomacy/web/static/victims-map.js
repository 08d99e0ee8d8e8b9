// The dashboard's world map of victim states, drawn by the locally served plotly.js from the
// locally served topojson (config.topojsonURL), so that it works without any outside network.
(function () {
  "use strict";
  const map = document.getElementById("victims-map");
  const status = map.querySelector(".map-status");
  const charts = window.WorkbenchCharts;
  if (!charts.ready("The map could not be drawn; the table lists the most affected states.")) {
    return;
  }
  const victims = JSON.parse(document.getElementById("victims-data").textContent);
  const trace = {
    type: "choropleth",
    locationmode: "ISO-3",
    locations: victims.iso3,
    z: victims.incidents,
    text: victims.name,
    hovertemplate: "<b>%{text}</b><br>%{z} incident(s)<extra></extra>",
    zmin: 1,
    colorscale: [
      [0, "#b4cae5"],
      [0.2, "#7fa3cf"],
      [0.5, "#3f6a9f"],
      [1, "#16304f"],
    ],
    marker: { line: { color: "#ffffff", width: 0.6 } },
    colorbar: {
      title: { text: "Incidents", side: "top", font: { size: 12 } },
      thickness: 10,
      len: 0.42,
      x: 0.02,
      y: 0.24,
      outlinewidth: 0,
      tickfont: { size: 11 },
    },
  };
  const layout = Object.assign(charts.worldLayout(), {
    hoverlabel: { bgcolor: "#16304f", bordercolor: "#16304f", font: { color: "#ffffff" } },
  });
  const config = Object.assign({ topojsonURL: map.dataset.topojson }, charts.config);
  Plotly.newPlot(map, [trace], layout, config)
    .then(function () {
      status.remove();
      map.classList.add("drawn");
      map.on("plotly_click", function (event) {
        window.location.href = "/incidents?state=" + encodeURIComponent(event.points[0].location);
      });
    })
    .catch(function () {
      status.textContent = "The map could not be drawn; the table lists the most affected states.";
    });
})();
