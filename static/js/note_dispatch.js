// Sum each line's batches as the keeper types, and flag a total outside the tolerance.
document.querySelectorAll("[data-line-card]").forEach(function (card) {
  var out = card.querySelector("[data-line-total]");
  if (!out) return;
  var want = parseFloat(card.dataset.quantity), tol = parseFloat(card.dataset.tolerance);
  function update() {
    var sum = 0;
    card.querySelectorAll("input[data-line]").forEach(function (el) {
      var v = parseFloat(el.value.replace(",", "."));
      if (!isNaN(v)) sum += v;
    });
    out.textContent = (Math.round(sum * 1000) / 1000).toString();
    var ok = Math.abs(sum - want) <= tol + 1e-9;
    out.classList.toggle("text-danger", !ok);
    out.classList.toggle("text-success", ok);
  }
  card.addEventListener("input", update);
  update();
});
