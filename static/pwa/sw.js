// The service worker (issue 22), served at /sw.js by core.pwa (which puts PWA_CONFIG before
// this file: the hashed static URLs to keep, the worker's page patterns, the version). Only
// the community worker's pages work offline: they are fetched from the network first and
// the last good copy is kept; static files (hashed names) come from the cache. Anything
// else needs the network, and a page that cannot be had shows the offline page.
/* global PWA_CONFIG, Outbox */
"use strict";
importScripts(PWA_CONFIG.outbox);

var PAGES = "pages-" + PWA_CONFIG.version, STATIC = "static-" + PWA_CONFIG.version;
var patterns = PWA_CONFIG.pages.map(function (p) { return new RegExp(p); });
// On a crowded network a page that has not answered in this long is shown from the phone.
var NETWORK_WAIT_MS = 4000;

function isWorkerPage(url) {
  return url.origin === self.location.origin && patterns.some(function (re) { return re.test(url.pathname); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(Promise.all([
    caches.open(STATIC).then(function (cache) { return cache.addAll(PWA_CONFIG.static); }),
    caches.open(PAGES).then(function (cache) { return cache.add(PWA_CONFIG.offline); }),
  ]).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name !== PAGES && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  // Only the page itself: not a redirect to the sign-in page, not an error.
  var wanted = new URL(request.url).pathname;
  if (response.ok && new URL(response.url).pathname === wanted) {
    var copy = response.clone();
    caches.open(PAGES).then(function (cache) { cache.put(request.url, copy); });
  }
  return response;
}

function fromNetworkFirst(request) {
  var network = fetch(request).then(function (response) { return keep(request, response); });
  var timeout = new Promise(function (resolve) {
    setTimeout(function () { resolve(null); }, NETWORK_WAIT_MS);
  });
  return Promise.race([network.catch(function () { return null; }), timeout]).then(function (first) {
    if (first) { return first; }
    return caches.match(request.url, { cacheName: PAGES }).then(function (cached) {
      return cached || network.catch(function () {
        return caches.match(PWA_CONFIG.offline, { cacheName: PAGES });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(PWA_CONFIG.static_prefix) === 0) {
    event.respondWith(caches.match(request, { cacheName: STATIC }).then(function (cached) {
      return cached || fetch(request);
    }));
  } else if (request.mode === "navigate" && isWorkerPage(url)) {
    event.respondWith(fromNetworkFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(PWA_CONFIG.offline, { cacheName: PAGES });
    }));
  }
});

// A page asks to keep copies of the worker's pages it links to (its tabs, the deliveries on
// their way), fetched once each, not on every visit.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "warm") {
    event.waitUntil(caches.open(PAGES).then(function (cache) {
      return Promise.all(data.urls.slice(0, 20).map(function (href) {
        var url = new URL(href, self.location.origin);
        if (!isWorkerPage(url)) { return null; }
        return cache.match(url.href).then(function (cached) {
          if (cached) { return null; }
          return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
            return keep(new Request(url.href), response);
          }).catch(function () { return null; });
        });
      }));
    }));
  } else if (data.type === "forget") {
    // Signed out: no copy of this person's pages stays on the phone, and the outbox waits
    // (unsent work is kept, sent when the same person signs in again).
    event.waitUntil(caches.delete(PAGES).then(function () { return Outbox.signedIn(""); }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") {
    event.waitUntil(Outbox.flush().then(function () {
      return self.clients.matchAll().then(function (clients) {
        clients.forEach(function (client) { client.postMessage({ type: "outbox-sent" }); });
      });
    }));
  }
});
