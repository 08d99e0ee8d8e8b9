// Line charts over UNGA sessions: ideal points (rank or score) of chosen states, and the cohesion
// (Agreement Index or Rice index) of chosen blocs, drawn by the locally served plotly.js.
(function () {
  "use strict";
  const shared = window.WorkbenchCharts;
  if (!shared.ready()) {
    return;
  }
  const font = shared.font;
  const config = shared.config;
  const palette = [
    "#1f3a5f", "#b3342b", "#2f7d4a", "#c9a227", "#6b4c9a", "#1b8a8f", "#d86f2c", "#5b6675",
    "#8c2f6b", "#7a9a2a", "#3b6fb6", "#9a6b3f",
  ];

  function baseLayout(yTitle, reversed, sessions) {
    return {
      margin: { l: 60, r: 20, t: 10, b: 50 },
      height: 440,
      xaxis: {
        title: { text: "Session" }, dtick: sessions > 25 ? 5 : 1, tickfont: { size: 11 }, gridcolor: "#e8ebef",
      },
      yaxis: { title: { text: yTitle }, autorange: reversed ? "reversed" : true, gridcolor: "#e8ebef", zeroline: false },
      legend: { orientation: "h", y: -0.18 },
      hovermode: "closest",
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: font,
    };
  }

  const charts = {
    ideal: {
      measures: {
        rank: { title: "Rank (1: the anchor's end)", reversed: true },
        score: { title: "Score (standardised per session)", reversed: false },
      },
      traces: function (data, measure) {
        return data.states.map(function (s, i) {
          return {
            type: "scatter", mode: "lines+markers", name: s.code, x: s.session, y: s[measure],
            customdata: s.session.map(function (_, j) { return [s.rank[j], s.of[j], s.score[j]]; }),
            hovertemplate: "<b>" + s.name + "</b><br>session %{x}: rank %{customdata[0]} of %{customdata[1]}, score %{customdata[2]:+.2f}<extra></extra>",
            line: { color: palette[i % palette.length], width: 2 }, marker: { size: 5 },
          };
        });
      },
    },
    cohesion: {
      measures: {
        agreement_index: { title: "Agreement Index", reversed: false },
        rice: { title: "Rice index", reversed: false },
      },
      traces: function (data, measure) {
        return data.blocs.map(function (b, i) {
          return {
            type: "scatter", mode: "lines+markers", name: b.bloc.toUpperCase(), x: b.session, y: b[measure],
            customdata: b.session.map(function (_, j) { return [b.year[j], b.members[j]]; }),
            hovertemplate: "<b>" + b.bloc.toUpperCase() + "</b><br>session %{x} (%{customdata[0]}), %{customdata[1]} members: %{y:.2f}<extra></extra>",
            line: { color: palette[i % palette.length], width: 2 }, marker: { size: 5 }, connectgaps: false,
          };
        });
      },
    },
  };

  document.querySelectorAll(".line-chart").forEach(function (element) {
    const chart = charts[element.dataset.kind];
    const data = JSON.parse(document.getElementById(element.id + "-data").textContent);
    const toggle = document.querySelector('.chart-toggle[data-chart="' + element.id + '"]');

    function draw(measure) {
      const m = chart.measures[measure];
      const series = data.states || data.blocs;
      const sessions = new Set([].concat.apply([], series.map(function (s) { return s.session; })));
      const layout = baseLayout(m.title, m.reversed, sessions.size);
      if (measure === "rank") {
        const of = Math.max.apply(null, [].concat.apply([], data.states.map(function (s) { return s.of; })));
        layout.yaxis.range = [of + 4, -3];  // rank 1 on top, the last rank at the bottom
        layout.yaxis.autorange = false;
      }
      if (element.dataset.kind === "cohesion") {
        layout.yaxis.range = [0, 1.02];  // both indices run from 0 to 1: keep the scale honest
        layout.yaxis.autorange = false;
      }
      element.dataset.measure = measure;
      return Plotly.react(element, chart.traces(data, measure), layout, config);
    }

    draw(Object.keys(chart.measures)[0])
      .then(function () {
        const status = element.querySelector(".map-status");
        if (status) status.remove();
        element.classList.add("drawn");
      })
      .catch(function () { element.querySelector(".map-status").textContent = "The chart could not be drawn."; });

    if (toggle) {
      toggle.querySelectorAll("button").forEach(function (button) {
        button.addEventListener("click", function () {
          toggle.querySelectorAll("button").forEach(function (b) {
            b.setAttribute("aria-pressed", String(b === button));
          });
          draw(button.dataset.measure);
        });
      });
    }
  });
})();
