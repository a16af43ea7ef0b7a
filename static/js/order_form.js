(function () {
  "use strict";
  const form = document.getElementById("order-form");
  const lines = document.getElementById("order-lines");
  const totalOut = document.getElementById("order-total");
  const addButton = document.getElementById("add-line");
  const TEN = 10n;

  // Exact decimal arithmetic on BigInt: "12.5" with 3 places is 12500n. Null if not a number.
  function scaled(text, places) {
    text = (text || "").trim().replace(/,/g, "");
    if (!/^\d+(\.\d*)?$|^\.\d+$/.test(text)) return null;
    const parts = text.split(".");
    const frac = parts[1] || "";
    if (frac.length > places) return null;
    return BigInt(parts[0] || "0") * TEN ** BigInt(places) + BigInt(frac.padEnd(places, "0") || "0");
  }
  function money(cents) {
    const whole = (cents / 100n).toLocaleString("en-US");
    return whole + "." + (cents % 100n).toString().padStart(2, "0");
  }
  function recompute() {
    let total = 0n;
    lines.querySelectorAll("[data-line]").forEach(function (row) {
      const product = row.querySelector("select[name$='-product']");
      const option = product.selectedOptions[0];
      row.querySelector("[data-unit-label]").textContent = (option && option.dataset.unit) || "";
      const quote = row.querySelector(".line-quote");
      const typed = row.querySelector("input[name$='-unit_price']").value.trim();
      const priceInput = row.querySelector("input[name$='-unit_price']");
      priceInput.placeholder = (quote && quote.dataset.price) || "";
      const priceText = typed || (quote ? quote.dataset.price : "");
      const qty = scaled(row.querySelector("input[name$='-quantity']").value, 3);
      const price = scaled(priceText, 2);
      const warning = row.querySelector("[data-warning]");
      warning.textContent = "";
      if (typed && price !== null && quote) {
        const min = scaled(quote.dataset.min, 2);
        const ref = scaled(quote.dataset.ref, 2);
        if (min !== null && price < min) warning.textContent = form.dataset.msgBelowMin;
        else if (ref !== null && price < ref) warning.textContent = form.dataset.msgBelowRef;
      }
      const out = row.querySelector("[data-amount]");
      if (qty === null || price === null || !product.value) { out.textContent = "—"; return; }
      const cents = (qty * price + 500n) / 1000n;  // half up, as the server rounds
      out.textContent = money(cents);
      total += cents;
    });
    totalOut.textContent = money(total);
  }
  form.addEventListener("input", recompute);
  form.addEventListener("change", recompute);
  document.body.addEventListener("htmx:afterSettle", recompute);

  lines.addEventListener("click", function (event) {
    const button = event.target.closest("[data-remove-line]");
    if (!button) return;
    button.closest("[data-line]").remove();
    recompute();
    addButton.focus();
  });

  // Enter moves on instead of submitting half an order; Ctrl+Enter saves the draft.
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    const target = event.target;
    if (target.tagName === "TEXTAREA" || target.tagName === "BUTTON" || target.tagName === "A") return;
    event.preventDefault();
    if (event.ctrlKey || event.metaKey) { form.requestSubmit(); return; }
    const row = target.closest("[data-line]");
    const rows = lines.querySelectorAll("[data-line]");
    if (row && row === rows[rows.length - 1] && /-unit_price$/.test(target.name)) {
      addButton.click();
      return;
    }
    // A searchable picker's own <select> is hidden: its typing box takes the focus.
    const fields = Array.from(form.querySelectorAll("input:not([type=hidden]), select:not(.tomselected), textarea"))
      .filter(function (el) { return !el.disabled && el.offsetParent !== null; });
    const next = fields[fields.indexOf(target) + 1];
    if (next) next.focus(); else addButton.focus();
  });
  recompute();
})();
