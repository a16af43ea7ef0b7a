// The dashboard's charts, drawn with the vendored Chart.js from the page's JSON.
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function numbers(list) {
    return list.map(function (v) { return Number(v); });
  }
  var money = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    maximumFractionDigits: 0,
  });
  var trend = data("trend-data");
  var trendCanvas = document.getElementById("trend-chart");
  if (trend && trendCanvas && window.Chart) {
    new Chart(trendCanvas, {
      type: "bar",
      data: {
        labels: trend.labels,
        datasets: [
          { type: "bar", label: trend.sales_label, data: numbers(trend.sales),
            backgroundColor: "rgba(29, 78, 137, 0.75)" },
          { type: "line", label: trend.ordered_label, data: numbers(trend.ordered),
            borderColor: "#d97706", backgroundColor: "#d97706", tension: 0.25, pointRadius: 2 },
        ],
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } },
          y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return money.format(v); } } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }
  var aging = data("aging-data");
  var agingCanvas = document.getElementById("aging-chart");
  if (aging && agingCanvas && window.Chart) {
    new Chart(agingCanvas, {
      type: "bar",
      data: {
        labels: aging.labels,
        datasets: [{ data: numbers(aging.amounts),
          backgroundColor: ["#198754", "#ffc107", "#fd7e14", "#dc3545", "#842029"] }],
      },
      options: {
        maintainAspectRatio: false,
        indexAxis: "y",
        scales: { x: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return money.format(v); } } } },
        plugins: { legend: { display: false } },
      },
    });
  }
})();
