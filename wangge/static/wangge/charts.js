/* Dashboard charts: every element with data-chart="<id>" is drawn with ECharts from the JSON
   options in <script type="application/json" id="<id>">. Without JavaScript (or ECharts) the
   element stays hidden and the tables next to it carry the same numbers. */
(function () {
  "use strict";
  var charts = [];

  function init(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.ready) { return; }
      var src = document.getElementById(el.dataset.chart);
      if (!src) { return; }
      el.hidden = false;
      el.dataset.ready = "1";
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(src.textContent));
      charts.push(chart);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
