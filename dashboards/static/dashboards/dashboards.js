/* Draws every figure of a dashboard page with Plotly and redraws it every minute.
 *
 * Each <section class="figure" data-src="…json?filters"> is fetched and drawn into its
 * .plot element with Plotly.react, which updates the chart in place: the page never
 * reloads, zoom and legend clicks survive a refresh. The filters live in the page's URL
 * and are already part of every data-src. Texts come from data-* attributes rendered by
 * Django, so they are translated like the rest of the page.
 */
(function () {
  "use strict";

  var root = document.querySelector(".dashboard");
  if (!root || typeof Plotly === "undefined") {
    return;
  }
  var seconds = parseInt(root.dataset.refreshSeconds || "60", 10);
  var config = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d"],
  };

  function stamp() {
    var now = new Date();
    return (
      String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0")
    );
  }

  function draw(section) {
    var plot = section.querySelector(".plot");
    var status = section.querySelector(".status");
    return fetch(section.dataset.src, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(section.dataset.name + ": HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (figure) {
        var loading = plot.querySelector(".loading");
        if (loading) {
          loading.remove();
        }
        var options = Object.assign({}, config, {
          toImageButtonOptions: { filename: section.dataset.name, scale: 2 },
        });
        return Plotly.react(plot, figure.data, figure.layout, options);
      })
      .then(function () {
        section.classList.remove("is-error");
        section.dataset.drawn = String(parseInt(section.dataset.drawn || "0", 10) + 1);
        status.textContent = root.dataset.textUpdated + " " + stamp();
      })
      .catch(function (error) {
        section.classList.add("is-error");
        status.textContent = root.dataset.textError;
        if (window.console) {
          console.warn(error);
        }
      });
  }

  function refresh() {
    var sections = Array.prototype.slice.call(root.querySelectorAll(".figure[data-src]"));
    return Promise.all(sections.map(draw));
  }

  window.reliefDashboards = { refresh: refresh };
  refresh();
  window.setInterval(function () {
    // A hidden tab has nobody to show it to: catch up when it is looked at again.
    if (!document.hidden) {
      refresh();
    }
  }, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      refresh();
    }
  });
})();
