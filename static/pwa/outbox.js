// The phone's outbox (issue 22): submissions saved while offline, in IndexedDB, each with the
// Idempotency-Key made when it was saved. Sending replays the same key, so the server creates
// it once however often it is sent (a retry after a lost answer, the page and the service
// worker both sending, a double tap on "Send now"). Shared by the pages (pwa.js) and the
// service worker (sw.js, for Background Sync); no DOM here.
/* exported Outbox */
var Outbox = (function () {
  "use strict";
  var DB = "relief-outbox", STORE = "entries";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function newKey() {
    if (self.crypto && self.crypto.randomUUID) { return self.crypto.randomUUID(); }
    var bytes = self.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  var CURRENT = "__signed_in__";

  function rows() {
    return run("readonly", function (store) { return store.getAll(); });
  }

  function all() {
    return rows().then(function (found) {
      return (found || []).filter(function (row) { return row.key !== CURRENT; })
        .sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
    });
  }

  // Who is signed in on this phone, as the last page said: the outbox sends only that
  // person's entries (the session cookie decides who the server thinks is sending), and
  // nothing after a sign-out.
  function signedIn(user) {
    if (user === undefined) {
      return rows().then(function (found) {
        var row = (found || []).filter(function (r) { return r.key === CURRENT; })[0];
        return row ? row.user : "";
      });
    }
    return put({ key: CURRENT, user: user });
  }

  function put(entry) { return run("readwrite", function (store) { store.put(entry); }); }
  function remove(key) { return run("readwrite", function (store) { store.delete(key); }); }
  function clear() { return run("readwrite", function (store) { store.clear(); }); }

  // entry: {kind, url, body (an object), csrf, label, user}
  function save(entry) {
    entry.key = newKey();
    entry.saved_at = new Date().toISOString();
    entry.state = "waiting";
    return put(entry).then(function () { return entry; });
  }

  // The outcome of one answer: created, refused for good (with the server's reason), or
  // still waiting (no network, signed out, server trouble: sent again later).
  function settle(entry, response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      if (response.ok) {
        entry.state = "sent";
        entry.result_id = body.id;
      } else if ([401, 403, 408, 425, 429].indexOf(response.status) >= 0 || response.status >= 500) {
        entry.last_error = body.detail || String(response.status);
        return put(entry).then(function () { return entry; });
      } else {
        entry.state = "refused";
        entry.reason = body.detail || String(response.status);
        if (body.errors && body.errors.length) {
          entry.reason += " " + body.errors.map(function (e) { return e.msg || ""; }).join(" ");
        }
      }
      entry.sent_at = new Date().toISOString();
      return put(entry).then(function () { return entry; });
    });
  }

  function sendOne(entry, csrf) {
    return fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": entry.key,
        "X-CSRFToken": csrf || entry.csrf || "",
      },
      body: JSON.stringify(entry.body),
    }).then(function (response) { return settle(entry, response); });
  }

  var sending = null;
  // Send the signed-in person's waiting entries, one after another; a network failure
  // stops the round.
  function flush(csrf) {
    if (sending) { return sending; }
    sending = Promise.all([all(), signedIn()]).then(function (found) {
      var user = found[1];
      var waiting = found[0].filter(function (row) { return row.state === "waiting" && user && row.user === user; });
      return waiting.reduce(function (chain, entry) {
        return chain.then(function () { return sendOne(entry, csrf); });
      }, Promise.resolve());
    }).then(function () { sending = null; }, function (error) { sending = null; throw error; });
    return sending;
  }

  return { save: save, all: all, put: put, flush: flush, remove: remove, clear: clear, signedIn: signedIn };
})();
