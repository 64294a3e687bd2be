// metering-charts.js draws the metering dashboard's and building page's
// consumption charts with uPlot from the JSON in each .chart[data-chart]
// element: {"x": [unix seconds], "y": [[values per series]], "names":
// [series names], "unit": "m³"}. The tables beside them carry the same
// figures as text, so the pages work without JavaScript.
(function () {
  "use strict";

  var colors = ["#1f4e8c", "#1d6b3a", "#a23b2a", "#7a5c00"];

  function draw(el) {
    if (typeof uPlot === "undefined" || el.dataset.drawn) return;
    var d;
    try {
      d = JSON.parse(el.getAttribute("data-chart"));
    } catch (e) {
      return;
    }
    if (!d.x || d.x.length === 0) return;
    el.dataset.drawn = "1";
    var series = [{}];
    for (var i = 0; i < d.y.length; i++) {
      series.push({ label: d.names[i], stroke: colors[i % colors.length], width: 2,
        value: function (u, v) { return v == null ? "—" : v.toFixed(2) + " " + d.unit; } });
    }
    function size() {
      return { width: Math.max(el.clientWidth, 280), height: 220 };
    }
    var opts = Object.assign(size(), {
      series: series,
      axes: [{}, { label: d.unit, size: 60 }],
      scales: { x: { time: true } }
    });
    var plot = new uPlot(opts, [d.x].concat(d.y), el);
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { plot.setSize(size()); }, 150);
    });
  }

  function init() {
    var charts = document.querySelectorAll(".chart[data-chart]");
    for (var i = 0; i < charts.length; i++) draw(charts[i]);
  }

  muni.ready(init);
})();
