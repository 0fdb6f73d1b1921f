// The progress bar of an import that runs in the background: poll the job's status every
// second, move the bar, and reload the page (which then shows the result) once it is done.
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  if (!bar) {
    return;
  }
  var label = document.getElementById("import-progress-label");
  function poll() {
    fetch(bar.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) { return reply.json(); })
      .then(function (status) {
        bar.value = status.percent;
        if (label) {
          label.textContent = status.label + " · " + status.percent + "%";
        }
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
