// A <select data-autosubmit> sends its form when changed (no inline handlers: the CSP forbids them).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
});
