// World maps of the positions pages: each state's stance on one contested question, and each
// state's expected support for a package of provisions. Drawn by the locally served plotly.js
// from the locally served topojson, without any outside network.
(function () {
  "use strict";
  const charts = window.WorkbenchCharts;
  if (!charts.ready("The map could not be drawn.")) {
    return;
  }
  const config = charts.config;
  const stances = { yes: 1, qualified: 2, unclear: 3, no: 4 };
  const layout = charts.worldLayout();

  function draw(element, trace) {
    const options = Object.assign({ topojsonURL: element.dataset.topojson }, config);
    Plotly.newPlot(element, [trace], layout, options)
      .then(function () {
        const status = element.querySelector(".map-status");
        if (status) status.remove();
        element.classList.add("drawn");
      })
      .catch(function () { element.querySelector(".map-status").textContent = "The map could not be drawn."; });
  }

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  const positions = document.getElementById("positions-map");
  if (positions) {
    const data = JSON.parse(document.getElementById("positions-map-data").textContent);
    draw(positions, {
      type: "choropleth",
      locationmode: "ISO-3",
      locations: data.iso3,
      z: data.stance.map(function (s) { return stances[s]; }),
      text: data.name.map(function (name, i) {
        const meaning = data.labels[data.stance[i]] ? " (" + data.labels[data.stance[i]] + ")" : "";
        const summary = data.summary[i].length > 140 ? data.summary[i].slice(0, 137) + "…" : data.summary[i];
        return "<b>" + escape(name) + "</b>: " + data.stance[i] + escape(meaning) + "<br>" + escape(summary);
      }),
      hovertemplate: "%{text}<extra></extra>",
      zmin: 1,
      zmax: 4,
      colorscale: [
        [0, "#2f7d4a"], [0.25, "#2f7d4a"],
        [0.25, "#d9a327"], [0.5, "#d9a327"],
        [0.5, "#8d96a3"], [0.75, "#8d96a3"],
        [0.75, "#b3342b"], [1, "#b3342b"],
      ],
      showscale: false,
      marker: { line: { color: "#ffffff", width: 0.6 } },
    });
    // Choosing another question shows its map at once (the button stays for browsers without JS).
    const select = document.getElementById("issue-select");
    if (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    }
  }

  const support = document.getElementById("support-map");
  if (support) {
    const data = JSON.parse(document.getElementById("support-map-data").textContent);
    draw(support, {
      type: "choropleth",
      locationmode: "ISO-3",
      locations: data.iso3,
      z: data.support,
      text: data.name.map(function (name, i) {
        return "<b>" + escape(name) + "</b><br>support " + data.support[i].toFixed(2) +
          (data.estimated[i] ? " (partly estimated from its voting peers)" : "");
      }),
      hovertemplate: "%{text}<extra></extra>",
      zmin: 0,
      zmax: 1,
      colorscale: [[0, "#b3342b"], [0.5, "#f0e2b6"], [1, "#2f7d4a"]],
      marker: { line: { color: "#ffffff", width: 0.6 } },
      colorbar: {
        tickvals: [0, 0.5, 1], ticktext: ["rejects", "½", "accepts"],
        thickness: 10, len: 0.42, x: 0.02, y: 0.24, outlinewidth: 0, tickfont: { size: 11 },
      },
    });
  }
})();
