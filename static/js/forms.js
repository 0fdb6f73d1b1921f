// Forms that send once: a submit button disables itself while its form is being sent (a
// double tap on a slow network sends one request), and Enter in a form marked
// data-enter-moves goes to the next field instead of sending it (the phone's 前往 key after
// the first quantity must not send a one-line request). No inline script: the pages will
// be served under a Content-Security-Policy.
(function () {
  "use strict";

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.offsetParent !== null &&
        ["INPUT", "SELECT", "TEXTAREA"].indexOf(el.tagName) >= 0;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    // Disable after the browser has read the form, so the pressed button's value is sent.
    window.setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type])"),
        function (button) { button.disabled = true; button.classList.add("sending"); });
    }, 0);
  }, true);

  // Back to a page kept in the browser's memory: its buttons work again (the form's
  // one-time token still stops a second record).
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), function (form) {
      delete form.dataset.sending;
      Array.prototype.forEach.call(form.querySelectorAll("button.sending"), function (button) {
        button.disabled = false; button.classList.remove("sending");
      });
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) { return; }
    var el = event.target;
    var form = el.form;
    if (!form || el.tagName !== "INPUT" || ["submit", "button", "checkbox", "radio"].indexOf(el.type) >= 0) {
      return;
    }
    if (!("enterMoves" in form.dataset) && el.getAttribute("inputmode") !== "numeric") { return; }
    event.preventDefault();
    var list = fields(form);
    var next = list[list.indexOf(el) + 1];
    if (next) { next.focus(); }
  });
})();
