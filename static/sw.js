/* Grapevine's service worker, version __VERSION__. It keeps the capture
   pages and their assets for use without a network, catches a share made
   offline, and sends the outbox when Background Sync says the network is
   back and no page is open to do it. Only the capture pages are kept: they
   hold nothing of anyone but the signed-in rep, and signing out forgets
   them. */
"use strict";
var VERSION = "__VERSION__";
var ASSETS = __ASSETS__;
var PAGES = "pages-" + VERSION, STATIC = "static-" + VERSION;
importScripts(__OUTBOX__);

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(STATIC).then(function (c) { return c.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== PAGES && k !== STATIC; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function capturePage(url) {
  return url.pathname === "/report" || /^\/report\/[a-z0-9-]+$/.test(url.pathname) && url.pathname !== "/report/share";
}

async function keep(cache, key, res) {
  if (res.ok && res.type === "basic" && !res.redirected) await cache.put(key, res.clone());
  return res;
}

async function networkFirst(req, url) {
  var cache = await caches.open(PAGES);
  try {
    return await keep(cache, url.pathname, await fetch(req));
  } catch (e) {
    return (await cache.match(url.pathname)) || Response.error();
  }
}

/* A share made without a network: its files wait in IndexedDB and the
   kinds of report open with them. */
async function share(req) {
  try {
    return await fetch(req.clone());
  } catch (e) {
    var data = await req.formData();
    var files = data.getAll("files").filter(function (f) { return f && f.size; })
      .map(function (f) { return { blob: f, name: f.name }; });
    var text = [data.get("text"), data.get("url")].filter(Boolean).join("\n");
    await self.GrapevineOutbox.keepShared({ files: files, text: text, title: data.get("title") || "" });
    return Response.redirect("/report?shared=local", 303);
  }
}

self.addEventListener("fetch", function (e) {
  var req = e.request, url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (req.method === "GET" && req.mode === "navigate" && capturePage(url)) {
    e.respondWith(networkFirst(req, url));
  } else if (req.method === "GET" && url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
  } else if (req.method === "POST" && url.pathname === "/report/share") {
    e.respondWith(share(req));
  }
  // Everything else (the API, other pages) goes to the network untouched.
});

self.addEventListener("message", function (e) {
  var msg = e.data || {};
  if (msg.type === "warm") {
    e.waitUntil(caches.open(PAGES).then(function (cache) {
      return Promise.all(msg.urls.map(function (u) {
        return fetch(u, { credentials: "same-origin" }).then(function (res) { return keep(cache, u, res); }).catch(function () { /* offline */ });
      }));
    }).then(function () { if (e.ports[0]) e.ports[0].postMessage("warmed"); }));
  } else if (msg.type === "signed-out") {
    e.waitUntil(caches.delete(PAGES));
  }
});

self.addEventListener("sync", function (e) {
  if (e.tag !== "outbox") return;
  e.waitUntil(self.clients.matchAll({ type: "window" }).then(function (list) {
    if (list.length) {
      list.forEach(function (c) { c.postMessage({ type: "drain" }); });
      return undefined;
    }
    return self.GrapevineOutbox.drain(true);
  }));
});
