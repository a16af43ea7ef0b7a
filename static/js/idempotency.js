/* Safe retries for the pages' forms (salesadmin/idempotency): every POST form
   carries an idempotency_key, one per submission. A double tap, or a resend
   after the network dropped the answer, carries the same key, so the server
   acts once and answers the resend with the first answer. Once an answer has
   arrived, the form gets a new key: submitting it again is a new action. */
(function () {
  "use strict";

  var FIELD = "idempotency_key";

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function isPost(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post" || form.hasAttribute("hx-post");
  }

  function field(form) {
    return form.querySelector('input[name="' + FIELD + '"]');
  }

  function ensure(form) {
    if (!isPost(form)) return;
    var input = field(form);
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = FIELD;
      form.appendChild(input);
    }
    if (!input.value) input.value = newKey();
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.tagName === "FORM") ensure(root);
    Array.prototype.forEach.call(root.querySelectorAll("form"), ensure);
  }

  function renew(form) {
    var input = form && field(form);
    if (input) input.value = newKey();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
  // Forms that htmx swaps in.
  document.addEventListener("htmx:load", function (event) { scan(event.detail.elt); });
  // An answer arrived: the next submission is a new action. No answer
  // (offline, timeout), 503 (busy, nothing done) or 409 (the same submission
  // still running): keep the key, so sending again is a retry.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || !xhr.status || xhr.status === 503 || xhr.status === 409) return;
    var elt = event.detail.elt;
    var form = elt && (elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form"));
    if (form && form.isConnected) renew(form);
  });
  // A page restored from the back/forward cache: what is submitted now is new.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      if (isPost(form)) renew(form);
    });
  });
})();
