// Searchable pickers: every <select data-picker="URL"> becomes a Tom Select that asks
// its URL for what the person typed (customers, products, batches, notes). Keyboard
// only works: type, arrows, Enter. No inline script: the CSP forbids it.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") return;

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function setup(select) {
    if (select.tomselect) return;
    const data = select.dataset;
    const ts = new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: 50,
      preload: "focus",
      loadThrottle: 200,
      openOnFocus: true,
      closeAfterSelect: true,
      selectOnTab: true,
      allowEmptyOption: false,
      placeholder: data.pickerPlaceholder || "",
      shouldLoad: function () { return true; },
      // The server already matched (codes, Chinese names, pinyin): keep its order.
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        const url = new URL(data.picker, window.location.origin);
        url.searchParams.set("q", query);
        if (data.pickerProductFrom) {
          const product = document.querySelector(data.pickerProductFrom);
          if (product && product.value) url.searchParams.set("product", product.value);
        }
        if (data.pickerStatus) url.searchParams.set("status", data.pickerStatus);
        const self = this;
        // While the list is asked for it holds a spinner, not options: busy.
        const list = self.dropdown_content;
        list.setAttribute("aria-busy", "true");
        function done(results) {
          callback(results);
          list.removeAttribute("aria-busy");
        }
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (json) { self.clearOptions(); done(json.results); })
          .catch(function () { done(); });
      },
      render: {
        option: function (item) { return "<div>" + escapeHtml(item.text) + "</div>"; },
        item: function (item) { return "<div>" + escapeHtml(item.text) + "</div>"; },
        no_results: function () {
          return '<div class="no-results">' + escapeHtml(data.pickerEmpty || "") + "</div>";
        },
        // No role=status inside the listbox (only options belong there); the
        // listbox is aria-busy meanwhile.
        loading: function () {
          return '<div class="spinner-border spinner-border-sm m-2"><span class="visually-hidden">' +
            escapeHtml(data.pickerLoading || "") + "</span></div>";
        },
      },
    });
    // Until its first answer the list is empty (the asking waits for a pause in
    // the typing): busy, not a listbox without options.
    ts.dropdown_content.setAttribute("aria-busy", "true");
    // Tom Select moves the label to its typing box; the hidden original keeps the
    // same name (its label's new id) for whoever reads the form.
    const label = document.getElementById(select.id + "-ts-label");
    if (label) select.setAttribute("aria-labelledby", label.id);
    else if (data.pickerPlaceholder) select.setAttribute("aria-label", data.pickerPlaceholder);
    // Tab accepts the highlighted match (selectOnTab); Shift+Tab goes back
    // without choosing: the list closes before Tom Select sees the key.
    ts.wrapper.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && event.shiftKey && ts.isOpen) ts.close();
    }, true);
    // Extra facts of the chosen row (a product's unit) travel on its <option>, set
    // before the form's own change listeners read them.
    select.addEventListener("change", function () {
      const row = ts.options[select.value];
      const option = select.selectedOptions[0];
      if (row && option && row.unit) option.dataset.unit = row.unit;
    });
    // The autofocus moves to the typing box (htmx would otherwise focus the hidden select).
    if (select.hasAttribute("autofocus")) {
      select.removeAttribute("autofocus");
      ts.focus();
    }
  }

  function setupAll(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(setup);
  }
  document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  if (document.readyState !== "loading") setupAll(document);
  // Rows added by htmx (an order's new line) get their pickers too.
  document.addEventListener("htmx:load", function (event) { setupAll(event.target); });
})();
