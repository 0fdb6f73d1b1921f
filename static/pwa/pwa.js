// The worker's pages on a phone with a bad network (issue 22): register the service worker;
// with no network, "New request" and "Confirm delivery" save the form in the phone's outbox
// (outbox.js) instead of losing it; the outbox is shown on every page ("waiting to send",
// then the outcome) and sent when the network is back, when a page opens, or on "Send now".
// A page shown from the phone's copy says how old it is. Texts come translated from the
// page (data-text-* on #outbox); no inline script (Content-Security-Policy).
/* global Outbox */
(function () {
  "use strict";
  var box = document.getElementById("outbox");
  if (!box || !("indexedDB" in window)) { return; }
  var text = box.dataset;
  var lang = document.documentElement.lang || "zh-hans";

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }
  function csrf() { return cookie("csrftoken"); }
  function when(iso) {
    return new Date(iso).toLocaleString(lang, { month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" });
  }
  function ago(iso) {
    var minutes = Math.round((Date.now() - new Date(iso).getTime()) / 60000);
    var format = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    if (Math.abs(minutes) < 60) { return format.format(-minutes, "minute"); }
    if (Math.abs(minutes) < 48 * 60) { return format.format(-Math.round(minutes / 60), "hour"); }
    return format.format(-Math.round(minutes / 1440), "day");
  }
  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content) { node.textContent = content; }
    return node;
  }

  // --- The outbox, shown on every page while it holds something of this person.
  function render() {
    return Outbox.all().then(function (rows) {
      rows = rows.filter(function (row) { return row.user === text.user; });
      var list = box.querySelector("ul");
      list.textContent = "";
      rows.forEach(function (row) {
        var item = el("li", "outbox-" + row.state);
        item.dataset.key = row.key;
        item.appendChild(el("b", null, row.label));
        var state;
        if (row.state === "waiting") {
          state = text.waiting + " · " + text.saved + " " + when(row.saved_at);
        } else if (row.state === "sent") {
          state = text.sent + " " + when(row.sent_at) + " (" + text.saved + " " + when(row.saved_at) + ")";
        } else {
          state = text.refused + ": " + row.reason;
        }
        item.appendChild(el("span", "state", " " + state));
        if (row.state === "sent" && row.result_id && row.kind === "request") {
          var link = el("a", null, " #" + row.result_id);
          link.href = text.requestUrl.replace("0", String(row.result_id));
          item.appendChild(link);
        }
        if (row.state !== "waiting") {
          var dismiss = el("button", "link", text.dismiss);
          dismiss.type = "button";
          dismiss.dataset.dismiss = row.key;
          item.appendChild(dismiss);
        }
        list.appendChild(item);
      });
      box.hidden = rows.length === 0;
      box.querySelector("[data-send-now]").hidden = !rows.some(function (r) { return r.state === "waiting"; });
    });
  }

  function flush() {
    if (!navigator.onLine) { return render(); }
    return Outbox.all().then(function (before) {
      var waiting = before.filter(function (r) { return r.state === "waiting"; }).map(function (r) { return r.key; });
      return Outbox.flush(csrf()).catch(function () { /* no network after all: later */ }).then(function () {
        return Outbox.all();
      }).then(function (after) {
        var done = after.filter(function (r) { return waiting.indexOf(r.key) >= 0 && r.state !== "waiting"; });
        if (done.length) { document.getElementById("outbox-saved").hidden = true; }
        // This page's form was what just went: show the page as it is now.
        var here = document.querySelector("form[data-offline=delivery]");
        if (here && done.some(function (r) { return r.url === here.dataset.api; })) { window.location.reload(); }
      });
    }).then(render);
  }

  box.addEventListener("click", function (event) {
    var target = event.target;
    if (target.matches("[data-send-now]")) { flush(); }
    if (target.dataset.dismiss) { Outbox.remove(target.dataset.dismiss).then(render); }
  });
  window.addEventListener("online", flush);

  // --- Reading the two forms into what the API takes.
  function digits(value) {
    // Full-width digits (the phone's Chinese keyboard) read as ASCII.
    return String(value || "").trim().replace(/[\uff10-\uff19]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/[,\uff0c\s]/g, "");
  }
  function whole(value) {
    var v = digits(value);
    return /^\d{1,12}$/.test(v) ? parseInt(v, 10) : NaN;
  }

  function requestBody(form, submitter) {
    var data = new FormData(form);
    var lines = [];
    var total = parseInt(data.get("lines-TOTAL_FORMS"), 10) || 0;
    for (var i = 0; i < total; i++) {
      var item = data.get("lines-" + i + "-item");
      if (!item) { continue; }
      var unknown = data.get("lines-" + i + "-unknown");
      var quantity = unknown ? null : whole(data.get("lines-" + i + "-quantity"));
      if (quantity !== null && !(quantity > 0)) { throw new Error(text.needQuantity); }
      lines.push({ item: item, quantity: quantity, note: "" });
    }
    if (!lines.length) { throw new Error(text.needItem); }
    var people = whole(data.get("people_served") || "0");
    return {
      served_unit: parseInt(data.get("served_unit"), 10),
      priority: data.get("priority") || "normal",
      needed_by: data.get("needed_by") || null,
      people_served: isNaN(people) ? 0 : people,
      reason: data.get("reason") || "",
      lines: lines,
      submit: !submitter || submitter.value !== "draft",
    };
  }

  function deliveryBody(form) {
    var data = new FormData(form);
    var lines = [];
    form.querySelectorAll("input[name^='received-']").forEach(function (input) {
      var id = input.name.slice("received-".length);
      var received = whole(input.value);
      if (isNaN(received)) { throw new Error(text.needQuantity); }
      lines.push({
        id: parseInt(id, 10),
        quantity_received: received,
        reason: data.get("reason-" + id) || null,
        note: data.get("note-" + id) || "",
      });
    });
    var handed = data.get("handed_over_at");
    return {
      lines: lines,
      // The moment it was confirmed at the door, not when the phone finds a network.
      received_at: new Date().toISOString(),
      handed_over_at: handed ? new Date(handed).toISOString() : null,
      photo: form.dataset.photo || null,
    };
  }

  // --- A photo is made smaller on the phone before it is sent (online or from the outbox).
  function shrink(file) {
    return new Promise(function (resolve, reject) {
      var image = new Image();
      image.onload = function () {
        var scale = Math.min(1, 1280 / Math.max(image.width, image.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(image.width * scale);
        canvas.height = Math.round(image.height * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(image.src);
        resolve(canvas.toDataURL("image/jpeg", 0.7));
      };
      image.onerror = reject;
      image.src = URL.createObjectURL(file);
    });
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "photo" || !input.files || !input.files[0] || !input.form) { return; }
    shrink(input.files[0]).then(function (dataUrl) {
      input.form.dataset.photo = dataUrl;
      return fetch(dataUrl).then(function (r) { return r.blob(); });
    }).then(function (blob) {
      var transfer = new DataTransfer();
      transfer.items.add(new File([blob], "photo.jpg", { type: "image/jpeg" }));
      input.files = transfer.files;
    }).catch(function () { /* keep the original file */ });
  });

  // --- With no network, the two forms go to the outbox instead of the server. The phone may
  // say it is online on a network that carries nothing: a page loaded less than a minute ago
  // proves the network; one open longer (a form typed at the door, or the phone's copy) gets
  // a short look at the server first.
  var pageLoaded = Date.now();
  function doubtful() {
    var rendered = new Date(document.body.dataset.renderedAt || 0).getTime();
    return Date.now() - Math.min(pageLoaded, rendered) > 60000;
  }
  function reachable() {
    if (!navigator.onLine) { return Promise.resolve(false); }
    if (!doubtful()) { return Promise.resolve(true); }
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, 5000);
    return fetch(text.health, { cache: "no-store", credentials: "same-origin", signal: controller.signal })
      .then(function (response) { window.clearTimeout(timer); return response.ok; }, function () { return false; });
  }
  function sendAsUsual(form, submitter) {
    if (submitter && submitter.name) {
      var pressed = document.createElement("input");
      pressed.type = "hidden";
      pressed.name = submitter.name;
      pressed.value = submitter.value;
      form.appendChild(pressed);
    }
    HTMLFormElement.prototype.submit.call(form);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.dataset.offline;
    // A second tap while the first is on its way was already stopped (forms.js).
    if (!kind || event.defaultPrevented) { return; }
    if (navigator.onLine && !doubtful()) { return; }  // sent as usual, at once
    event.preventDefault();
    var submitter = event.submitter;
    reachable().then(function (online) {
      if (online) { sendAsUsual(form, submitter); } else { keep(form, kind, submitter); }
    });
  });
  function keep(form, kind, submitter) {
    var body;
    try {
      body = kind === "request" ? requestBody(form, submitter) : deliveryBody(form);
    } catch (error) {
      window.alert(error.message);
      release(form);
      return;
    }
    Outbox.save({
      kind: kind, url: form.dataset.api, body: body, csrf: csrf(), label: form.dataset.label, user: text.user,
    }).then(function () {
      if ("serviceWorker" in navigator && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (reg) {
          return reg.sync ? reg.sync.register("outbox") : null;
        }).catch(function () { /* no Background Sync: sent when a page opens */ });
      }
      form.reset();
      release(form);
      var note = document.getElementById("outbox-saved");
      note.hidden = false;
      note.textContent = text.offlineSaved;
      return render();
    }).then(function () { box.scrollIntoView(); });
  }
  function release(form) {
    delete form.dataset.sending;
    window.setTimeout(function () {
      form.querySelectorAll("button.sending").forEach(function (b) { b.disabled = false; b.classList.remove("sending"); });
    }, 10);
  }

  // --- A page's age when it may be the phone's copy.
  var rendered = document.body.dataset.renderedAt;
  var age = document.getElementById("page-age");
  if (rendered && age && (!navigator.onLine || Date.now() - new Date(rendered).getTime() > 60000)) {
    age.hidden = false;
    age.textContent = text.asOf + " " + when(rendered) + " (" + ago(rendered) + ")";
  }

  // --- Sign-out forgets this person's copies and outbox on the phone.
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-sign-out]") && navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "forget" });
    }
  }, true);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(text.sw, { scope: text.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      var urls = Array.prototype.map.call(document.querySelectorAll(".tabs a, [data-offline-warm]"), function (a) { return a.href; });
      if (reg.active && navigator.onLine) { reg.active.postMessage({ type: "warm", urls: urls }); }
    }).catch(function () { /* no service worker: the pages still work online */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-sent") { render(); }
    });
  }
  Outbox.signedIn(text.user).then(flush);
})();
