// What the workbench's charts share: plotly's font and options, the world maps' layout, and the
// note left in place of a chart when plotly.js could not be loaded. Served locally, like plotly.
window.WorkbenchCharts = (function () {
  "use strict";
  const font = { family: getComputedStyle(document.body).fontFamily, color: "#1c2430" };
  return {
    font: font,
    config: { displayModeBar: false, responsive: true, scrollZoom: false },
    // Whether plotly.js is there; if not, every chart's status line says `message`.
    ready: function (message) {
      if (typeof Plotly !== "undefined") {
        return true;
      }
      document.querySelectorAll(".map-status").forEach(function (status) {
        status.textContent = message || "The chart could not be drawn.";
      });
      return false;
    },
    // A world map: natural-earth projection, light land, white borders, no frame, no dragging.
    worldLayout: function () {
      return {
        geo: {
          projection: { type: "natural earth" }, showframe: false, showcoastlines: false,
          showland: true, landcolor: "#eceef2", showcountries: true, countrycolor: "#ffffff",
          countrywidth: 0.6, showocean: false, showlakes: false, bgcolor: "rgba(0,0,0,0)",
          lataxis: { range: [-57, 84] },
        },
        margin: { l: 0, r: 0, t: 0, b: 0 },
        paper_bgcolor: "rgba(0,0,0,0)",
        font: font,
        dragmode: false,
      };
    },
  };
})();
