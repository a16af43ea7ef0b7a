(function () {
  "use strict";
  // Available stock (on hand − reserved) per warehouse, so changing the warehouse updates the column.
  const stock = JSON.parse(document.getElementById("stock-by-warehouse").textContent);
  const select = document.getElementById("id_warehouse");
  function number(text) { const n = Number(String(text || "").replace(/,/g, "")); return Number.isFinite(n) ? n : null; }
  function refresh() {
    const levels = stock[select.value] || {};
    document.querySelectorAll("#issue-form tr[data-product]").forEach(function (row) {
      const cell = row.querySelector("[data-available]");
      const available = levels[row.dataset.product] || "0";
      cell.textContent = Number(available).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 3 });
      const wanted = number(row.querySelector("input").value);
      cell.classList.toggle("text-danger", wanted !== null && wanted > Number(available));
    });
  }
  if (select) { select.addEventListener("change", refresh); document.getElementById("issue-form").addEventListener("input", refresh); refresh(); }
})();
