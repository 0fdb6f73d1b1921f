// Behaviour the pages used to carry in inline handlers, which the Content-Security-Policy
// (script-src 'self') no longer runs: a select that submits its form, a print button.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target.closest("[data-print]") : null;
  if (target) {
    window.print();
  }
});
