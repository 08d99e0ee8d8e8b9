// The UNGA page's world map (one roll call, or its forecast) and agreement heat map, drawn by the
// locally served plotly.js from the locally served topojson, without any outside network.
(function () {
  "use strict";
  const charts = window.WorkbenchCharts;
  if (!charts.ready()) {
    return;
  }
  const font = charts.font;
  const config = charts.config;
  const codes = { yes: 1, abstain: 2, no: 3 };

  function drawn(element) {
    const status = element.querySelector(".map-status");
    if (status) status.remove();
    element.classList.add("drawn");
  }

  const map = document.getElementById("vote-map");
  if (map) {
    const data = JSON.parse(document.getElementById("vote-map-data").textContent);
    const text = data.name.map(function (name, i) {
      const p = data.probabilities[i];
      const detail = p
        ? "<br>yes " + p.yes.toFixed(2) + " · no " + p.no.toFixed(2) + " · abstain " + p.abstain.toFixed(2)
        : "";
      return "<b>" + name + "</b><br>" + data.vote[i] + detail;
    });
    const trace = {
      type: "choropleth",
      locationmode: "ISO-3",
      locations: data.iso3,
      z: data.vote.map(function (v) { return codes[v]; }),
      text: text,
      hovertemplate: "%{text}<extra></extra>",
      zmin: 1,
      zmax: 3,
      colorscale: [
        [0, "#2f7d4a"], [0.333, "#2f7d4a"],
        [0.333, "#d9a327"], [0.667, "#d9a327"],
        [0.667, "#b3342b"], [1, "#b3342b"],
      ],
      marker: { line: { color: "#ffffff", width: 0.6 } },
      colorbar: {
        tickvals: [1.33, 2, 2.67], ticktext: ["yes", "abstain", "no"],
        thickness: 10, len: 0.42, x: 0.02, y: 0.24, outlinewidth: 0, tickfont: { size: 11 },
      },
    };
    const layout = charts.worldLayout();
    Plotly.newPlot(map, [trace], layout, Object.assign({ topojsonURL: map.dataset.topojson }, config))
      .then(function () { drawn(map); })
      .catch(function () { map.querySelector(".map-status").textContent = "The map could not be drawn."; });
  }

  const heat = document.getElementById("agreement-heatmap");
  if (heat) {
    const m = JSON.parse(document.getElementById("agreement-data").textContent);
    const trace = {
      type: "heatmap",
      x: m.codes,
      y: m.codes,
      z: m.index,
      customdata: m.votes,
      zmin: 0,
      zmax: 1,
      colorscale: [[0, "#b3342b"], [0.5, "#f4efe6"], [1, "#16304f"]],
      hovertemplate: "%{y} · %{x}<br>agreement %{z:.2f} over %{customdata} votes<extra></extra>",
      colorbar: { thickness: 10, outlinewidth: 0, tickfont: { size: 11 } },
    };
    const layout = {
      margin: { l: 50, r: 10, t: 10, b: 50 },
      height: Math.max(360, 18 * m.codes.length + 80),
      yaxis: { autorange: "reversed", tickfont: { size: 10 } },
      xaxis: { tickfont: { size: 10 } },
      paper_bgcolor: "rgba(0,0,0,0)",
      font: font,
    };
    Plotly.newPlot(heat, [trace], layout, config)
      .then(function () { drawn(heat); })
      .catch(function () { heat.querySelector(".map-status").textContent = "The heat map could not be drawn."; });
  }
})();
