/* Draws every figure of a dashboard page with Plotly and redraws it every minute.
 *
 * Each <section class="figure" data-src="…json?filters"> is fetched and drawn into its
 * .plot element with Plotly.react, which updates the chart in place: the page never
 * reloads, zoom and legend clicks survive a refresh. The filters live in the page's URL
 * and are already part of every data-src. Texts come from data-* attributes rendered by
 * Django, so they are translated like the rest of the page. On the unit dashboard a figure
 * is fetched (and a Plotly bundle loaded) only when its <details> is opened.
 */
(function () {
  "use strict";

  var root = document.querySelector(".dashboard");
  // The unit dashboard (issue 22) names its bundles instead of loading one: its charts are
  // fetched when opened, and drawn with the basic bundle when every trace is a kind it has.
  var lazy = root && root.dataset.plotlyBasic;
  if (!root || (!lazy && typeof Plotly === "undefined")) {
    return;
  }
  var BASIC_TRACES = ["scatter", "bar", "pie"];
  var bundles = {};
  var loading = {};

  function load(kind) {
    if (bundles[kind]) {
      return Promise.resolve(bundles[kind]);
    }
    if (!loading[kind]) {
      loading[kind] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = kind === "basic" ? root.dataset.plotlyBasic : root.dataset.plotlyFull;
        script.onload = function () {
          bundles[kind] = window.Plotly;
          resolve(window.Plotly);
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading[kind];
  }

  // The bundle for a figure: the full one once it is here (one Plotly per page after
  // that), the basic one when it can draw every trace.
  function plotlyFor(plot, figure) {
    if (!lazy) {
      return Promise.resolve(Plotly);
    }
    var basicWill = (figure.data || []).every(function (trace) {
      return BASIC_TRACES.indexOf(trace.type || "scatter") >= 0;
    });
    var kind = bundles.full || !basicWill ? "full" : "basic";
    return load(kind).then(function (instance) {
      if (plot.drawnWith && plot.drawnWith !== instance) {
        plot.drawnWith.purge(plot);
      }
      plot.drawnWith = instance;
      return instance;
    });
  }
  // On a touch screen a swipe over a chart must scroll it (a wide chart scrolls sideways in
  // its card, the page up and down), not draw a zoom box: Plotly's dragging is turned off
  // there. Hovering (a tap shows a bar's numbers) and the mode bar stay.
  var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
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
        if (touch) {
          figure.layout = Object.assign({}, figure.layout, { dragmode: false });
        }
        return plotlyFor(plot, figure).then(function (instance) {
          return instance.react(plot, figure.data, figure.layout, options);
        });
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
  if (lazy) {
    root.addEventListener("toggle", function (event) {
      var details = event.target;
      var section = details.open && details.querySelector(".figure[data-lazy-src]");
      if (section && !section.dataset.src) {
        section.dataset.src = section.dataset.lazySrc;
        draw(section);
      }
    }, true);
  }
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
