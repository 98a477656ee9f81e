/* The phone's outbox: reports kept in IndexedDB (photos as Blobs) until
   the server has them. Each carries a client_id, so sending one twice files
   it once. Loaded by every signed-in page and by the service worker; the
   open page drains it at start, when the network returns and when the
   worker's Background Sync asks, with backoff between failed tries. */
(function (scope) {
  "use strict";
  var DB = "grapevine", OUTBOX = "outbox", SHARED = "shared";
  var MAX_WAIT = 10 * 60 * 1000;

  function open() {
    return new Promise(function (ok, fail) {
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () {
        r.result.createObjectStore(OUTBOX, { keyPath: "client_id" });
        r.result.createObjectStore(SHARED, { keyPath: "id" });
      };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
  }

  function tx(store, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction(store, mode);
        var req = fn(t.objectStore(store));
        t.oncomplete = function () { db.close(); ok(req ? req.result : undefined); };
        t.onerror = function () { db.close(); fail(t.error); };
      });
    });
  }

  var Outbox = {
    all: function () { return tx(OUTBOX, "readonly", function (s) { return s.getAll(); }); },
    get: function (id) { return tx(OUTBOX, "readonly", function (s) { return s.get(id); }); },
    put: function (item) { return tx(OUTBOX, "readwrite", function (s) { s.put(item); }); },
    remove: function (id) { return tx(OUTBOX, "readwrite", function (s) { s.delete(id); }); },
    shared: function () { return tx(SHARED, "readonly", function (s) { return s.get("last"); }); },
    keepShared: function (value) {
      return tx(SHARED, "readwrite", function (s) { value.id = "last"; s.put(value); });
    },
    dropShared: function () { return tx(SHARED, "readwrite", function (s) { s.delete("last"); }); },
    uuid: function () {
      if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
      var b = scope.crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
      var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
      return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
    }
  };

  var channel = scope.BroadcastChannel ? new BroadcastChannel("grapevine-outbox") : null;
  function changed(what) {
    if (channel) channel.postMessage(what || {});
    if (Outbox.onchange) Outbox.onchange(what || {});
  }

  async function later(item) {
    item.attempts = (item.attempts || 0) + 1;
    item.next_at = Date.now() + Math.min(5000 * Math.pow(2, item.attempts - 1), MAX_WAIT);
    await Outbox.put(item);
  }

  /* A refusal the rep must fix (a removed account, a wrong answer) is a
     failed item with the server's reasons; anything that may pass later
     (signed out, server busy) waits. */
  async function refused(item, res) {
    var s = res.status;
    if (s === 401 || s === 403 || s === 408 || s === 429 || s >= 500) return later(item);
    var err = {};
    try { err = (await res.json()).error || {}; } catch (e) { /* not JSON */ }
    item.state = "failed";
    item.error = err.message || ("HTTP " + s);
    item.fields = err.fields || {};
    await Outbox.put(item);
  }

  async function send(item, csrf) {
    var headers = { "X-CSRF-Token": csrf || "", Accept: "application/json" };
    try {
      item.uploaded = item.uploaded || [];
      while (item.uploaded.length < (item.files || []).length) {
        var f = item.files[item.uploaded.length];
        var fd = new FormData();
        fd.append("file", f.blob, f.name || "photo.jpg");
        var up = await fetch("/api/v1/uploads", { method: "POST", body: fd, credentials: "same-origin", headers: headers });
        if (!up.ok) return refused(item, up);
        item.uploaded.push((await up.json()).id);
        await Outbox.put(item);
      }
      var body = Object.assign({}, item.request, {
        client_id: item.client_id,
        attachments: (item.request.attachments || []).concat(item.uploaded)
      });
      var res = await fetch("/api/v1/threads", {
        method: "POST", body: JSON.stringify(body), credentials: "same-origin",
        headers: Object.assign({ "Content-Type": "application/json" }, headers)
      });
      if (!res.ok) return refused(item, res);
      var thread = await res.json();
      await Outbox.remove(item.client_id);
      return "/t/" + thread.id;
    } catch (e) {
      return later(item);
    }
  }

  var running = null;
  /* Sends what is due (everything with `now`), for the signed-in user
     only: a report stays with whoever wrote it. Resolves to
     {client_id: thread URL} for what was sent. */
  Outbox.drain = function (now) {
    if (running) return running.then(function () { return Outbox.drain(now); });
    running = (async function () {
      var sent = {};
      var due = (await Outbox.all()).filter(function (i) {
        return i.state === "waiting" && (now || !i.next_at || i.next_at <= Date.now());
      });
      if (!due.length) return sent;
      var me;
      try {
        var r = await fetch("/api/v1/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!r.ok) return sent;
        me = await r.json();
      } catch (e) {
        for (var i = 0; i < due.length; i++) await later(due[i]);
        return sent;
      }
      for (var j = 0; j < due.length; j++) {
        if (due[j].user_id !== me.id) continue;
        var url = await send(due[j], me.csrf_token);
        if (typeof url === "string") sent[due[j].client_id] = url;
      }
      return sent;
    })().finally(function () { running = null; changed({ drained: true }); });
    return running;
  };

  /* Keeps a report and asks the worker to send it when it can. */
  Outbox.add = async function (item) {
    item.state = "waiting";
    item.attempts = 0;
    item.next_at = 0;
    item.uploaded = item.uploaded || [];
    await Outbox.put(item);
    changed({ added: item.client_id });
    if (scope.navigator && navigator.serviceWorker && navigator.serviceWorker.ready) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.sync) reg.sync.register("outbox").catch(function () { /* not granted */ });
      });
    }
  };

  scope.GrapevineOutbox = Outbox;

  if (typeof document === "undefined") return; // the service worker

  /* ---- on a page ---- */
  var timer = null;
  function schedule(items) {
    clearTimeout(timer);
    var next = items.filter(function (i) { return i.state === "waiting"; })
      .map(function (i) { return i.next_at || 0; })
      .sort(function (a, b) { return a - b; })[0];
    if (next !== undefined) timer = setTimeout(function () { Outbox.drain(false); }, Math.max(1000, next - Date.now()));
  }

  function text(el, key, n) {
    return (el.dataset[key] || "").replace("{n}", n);
  }

  function me() {
    var bell = document.getElementById("bell");
    return bell ? Number(bell.dataset.userId) : 0;
  }

  async function render() {
    var items = (await Outbox.all()).filter(function (i) { return i.user_id === me(); });
    var waiting = items.filter(function (i) { return i.state === "waiting"; });
    var failed = items.filter(function (i) { return i.state === "failed"; });
    document.querySelectorAll("[data-outbox-badge]").forEach(function (b) {
      b.textContent = String(waiting.length + failed.length);
      b.hidden = !(waiting.length + failed.length);
    });
    var box = document.getElementById("outbox");
    if (box) {
      var count = document.getElementById("outbox-count");
      count.textContent = waiting.length ? text(box, waiting.length === 1 ? "one" : "many", waiting.length) : "";
      var list = document.getElementById("outbox-failed");
      list.textContent = "";
      failed.forEach(function (item) {
        var li = document.createElement("li");
        var what = document.createElement("span");
        what.textContent = (item.label ? item.label + " — " : "") + text(box, "failed", "").replace("{reason}", item.error || "");
        var fix = document.createElement("a");
        fix.href = "/report/" + encodeURIComponent(item.request.form) + "?fix=" + encodeURIComponent(item.client_id);
        fix.textContent = text(box, "fix");
        fix.className = "button";
        var drop = document.createElement("button");
        drop.type = "button";
        drop.textContent = text(box, "discard");
        drop.addEventListener("click", function () { Outbox.remove(item.client_id).then(function () { changed({}); }); });
        li.append(what, " ", fix, " ", drop);
        list.appendChild(li);
      });
      if (!waiting.length && box.dataset.note && !box.classList.contains("sent")) {
        // What was kept on the phone has gone: the offline note is over.
        var n = document.getElementById("outbox-note");
        if (n) n.remove();
        box.dataset.note = "";
      }
      var quiet = !waiting.length && !failed.length && !box.dataset.note;
      box.hidden = quiet;
      box.dataset.waitingCount = String(waiting.length);
      box.dataset.failedCount = String(failed.length);
    }
    schedule(items);
  }
  Outbox.render = render;
  Outbox.me = me;

  if (channel) channel.onmessage = function () { render(); };
  Outbox.onchange = function () { render(); };

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* no worker: pages still work online */ });
    navigator.serviceWorker.addEventListener("message", function (e) {
      if (e.data && e.data.type === "drain") Outbox.drain(true);
    });
    /* Signing out forgets the pages kept for offline use. */
    document.querySelectorAll("form[action='/logout']").forEach(function (f) {
      f.addEventListener("submit", function () {
        if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({ type: "signed-out" });
      });
    });
  }
  /* The capture pages are kept by the worker for use without a network;
     `data-offline-ready` tells they are. */
  var capture = document.querySelector("[data-capture]");
  if (capture && "serviceWorker" in navigator) {
    var keys = (capture.dataset.forms || "").split(",").filter(Boolean);
    var urls = ["/report"].concat(keys.map(function (k) { return "/report/" + k; }));
    if (urls.indexOf(location.pathname) < 0) urls.push(location.pathname);
    var warm = function () {
      navigator.serviceWorker.ready.then(function (reg) {
        var worker = navigator.serviceWorker.controller || reg.active;
        var ch = new MessageChannel();
        ch.port1.onmessage = function () { document.documentElement.dataset.offlineReady = "1"; };
        worker.postMessage({ type: "warm", urls: urls }, [ch.port2]);
        // A worker still starting may miss it: ask again until it answers.
        setTimeout(function () { if (!document.documentElement.dataset.offlineReady) warm(); }, 3000);
      });
    };
    warm();
    if (new URLSearchParams(location.search).get("shared") === "local") {
      capture.querySelectorAll("a.kind").forEach(function (a) {
        if (!a.classList.contains("other")) a.href = a.pathname + "?shared=local";
      });
    }
  }
  window.addEventListener("online", function () { Outbox.drain(true); });
  render();
  if (me()) Outbox.drain(true);
})(self);
