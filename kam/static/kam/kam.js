// KAM page behaviour that several pages share. No inline scripts anywhere (strict CSP):
// pages mark elements with data-* attributes and this file wires them up.
(function () {
  "use strict";

  // <form data-confirm="…"> asks before submitting a destructive action.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  // <button data-print> opens the browser's print dialog (the page's print stylesheet applies).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });

  // <div class="sparkline" data-series="[1,2,3]"> draws a small line chart with ECharts.
  // <div class="chart" data-chart='{"echarts option"}'> draws a full chart.
  function drawCharts(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-series]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      el.dataset.drawn = "1";
      var series = JSON.parse(el.dataset.series);
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        animation: false, grid: { left: 2, right: 2, top: 4, bottom: 4 },
        xAxis: { type: "category", show: false, data: series.map(function (_, i) { return i; }) },
        yAxis: { type: "value", show: false, min: 0, max: 5 },
        series: JSON.parse(el.dataset.legend || "[]").map(function (name, i) {
          return { type: "line", name: name, data: series.map(function (row) { return row[i]; }),
                   symbol: "none", lineStyle: { width: 1.5 } };
        })
      });
    });
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      el.dataset.drawn = "1";
      window.echarts.init(el, null, { renderer: "svg" }).setOption(JSON.parse(el.dataset.chart));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
})();

/* ---- interactions ---- */
// On the interaction form, the reception notes (接待记录) only show for kind=reception, unless
// they already hold text or an error, so nothing typed is ever hidden.
(function () {
  "use strict";
  function syncReception(form) {
    var kind = form.querySelector("select[name=kind]");
    var box = form.querySelector("[data-reception-only]");
    if (!kind || !box) { return; }
    var notes = box.querySelector("textarea");
    var keep = (notes && notes.value.trim() !== "") || box.querySelector(".error");
    box.hidden = kind.value !== "reception" && !keep;
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.interaction-form").forEach(function (form) {
      syncReception(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") { syncReception(form); }
      });
    });
  });
})();

/* ---- notifications ---- */
(function () {
  // The bell polls its badge; when the session has expired the poll lands on the login page,
  // which must never be swapped into the top bar.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.classList || !elt.classList.contains("bell")) { return; }
    var url = (event.detail.xhr && event.detail.xhr.responseURL) || "";
    if (event.detail.xhr.status !== 200 || url.indexOf("/notifications/badge") === -1) {
      event.detail.shouldSwap = false;
    }
  });
})();

/* ---- opportunities ---- */
// <tbody data-sortable-stages="reorder-url"> lets managers drag open stages (rows without
// data-fixed); the new order is posted (stage=id repeated) with the CSRF header, then reloaded.
(function () {
  "use strict";
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Sortable) { return; }
    document.querySelectorAll("[data-sortable-stages]").forEach(function (body) {
      window.Sortable.create(body, {
        handle: ".drag-handle", filter: "[data-fixed]", draggable: "tr:not([data-fixed])",
        onEnd: function () {
          var data = new FormData();
          body.querySelectorAll("tr[data-stage-id]").forEach(function (row) {
            data.append("stage", row.getAttribute("data-stage-id"));
          });
          fetch(body.getAttribute("data-sortable-stages"), {
            method: "POST", body: data, credentials: "same-origin",
            headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
          }).then(function () { window.location.reload(); });
        }
      });
    });
  });
})();
