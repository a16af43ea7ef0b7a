/* Safe retries for the pages' forms (salesadmin/idempotency): every POST
   submission of a form carries an idempotency_key, one per submission. A
   double tap, or a resend after the network dropped the answer, carries the
   same key, so the server acts once and answers the resend with the first
   answer. Once an answer has arrived, the form gets a new key: submitting it
   again is a new action.

   Only a form's own submission carries the key: the htmx requests that a
   field inside a form makes (a price quote, a new line row) do not, so they
   never share a key with the submission. */
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

  // The form's current key: the one rendered by the server ({% idempotency_field %}), else ours.
  function keyOf(form) {
    var input = field(form);
    if (input && input.value) return input.value;
    if (!form.dataset.idempotencyKey) form.dataset.idempotencyKey = newKey();
    return form.dataset.idempotencyKey;
  }

  function renew(form) {
    var key = newKey();
    form.dataset.idempotencyKey = key;
    var input = field(form);
    if (input) input.value = key;
  }

  // A plain submission (and htmx's, which starts from the same event).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !isPost(form)) return;
    var key = keyOf(form);
    var input = field(form);
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = FIELD;
      form.appendChild(input);
    }
    input.value = key;
  }, true);

  // htmx: the key goes with the form's own submission only.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    var params = event.detail.parameters;
    if (elt && elt.tagName === "FORM" && event.detail.verb === "post") {
      var key = keyOf(elt);
      if (params instanceof FormData) params.set(FIELD, key);
      else params[FIELD] = key;
    } else if (params instanceof FormData) {
      params.delete(FIELD);
    } else if (params) {
      delete params[FIELD];
    }
  });

  // An answer arrived: the next submission is a new action. No answer
  // (offline, timeout), 503 (busy, nothing done) or 409 (the same submission
  // still running): keep the key, so sending again is a retry.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    var elt = event.detail.elt;
    if (!elt || elt.tagName !== "FORM" || !elt.isConnected) return;
    if (!xhr || !xhr.status || xhr.status === 503 || xhr.status === 409) return;
    renew(elt);
  });

  // A page restored from the back/forward cache: what is submitted now is new.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      if (isPost(form)) renew(form);
    });
  });
})();
