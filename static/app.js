// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";

  // Ask before destructive actions (buttons marked .danger with data-confirm).
  document.addEventListener("submit", function (ev) {
    var btn = ev.submitter;
    if (btn && btn.classList.contains("danger") && btn.dataset.confirm) {
      if (!window.confirm(btn.dataset.confirm)) ev.preventDefault();
    }
  });

  // Show times in the reader's time zone.
  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (t) {
      var s = t.getAttribute("datetime").replace(" ", "T");
      // Times carry their offset (RFC 3339); older ones were UTC without it.
      if (!/(Z|[+-]\d\d:?\d\d)$/i.test(s)) s += "Z";
      var d = new Date(s);
      if (!isNaN(d)) t.textContent = d.toLocaleString(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" });
    });
  }
  localTimes(document);
  window.grapevineLocalTimes = localTimes;

  // Reply at any node without leaving the page: move the one reply form
  // under the post being answered. Without script the links reload the page
  // with the form set up for that post.
  var box = document.getElementById("reply");
  var parentField = document.getElementById("parent-id");
  var textarea = document.getElementById("reply-body");
  var reset = document.getElementById("reply-reset");
  var heading = document.getElementById("reply-heading");
  if (!box || !parentField || !textarea) return;
  var home = box.parentNode, homeNext = box.nextSibling, defaultHeading = heading ? heading.textContent : "";

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("a.reply-link, a.quote-link");
    if (!link) return;
    ev.preventDefault();
    var article = link.closest("article.post");
    parentField.value = article.id.slice(1);
    if (link.classList.contains("quote-link")) {
      var body = article.querySelector(".body");
      var sel = String(window.getSelection());
      var text = sel && body && body.contains(window.getSelection().anchorNode) ? sel : (body ? body.innerText : "");
      textarea.value = text.trim().split("\n").map(function (l) { return "> " + l; }).join("\n") + "\n\n" + textarea.value;
    }
    var author = article.querySelector(".post-meta .author");
    if (heading) heading.textContent = link.textContent + " · " + (author ? author.textContent : "");
    article.insertAdjacentElement("afterend", box);
    box.classList.add("inline-reply");
    if (reset) reset.hidden = false;
    textarea.focus();
  });

  if (reset) reset.addEventListener("click", function () {
    parentField.value = "";
    home.insertBefore(box, homeNext);
    box.classList.remove("inline-reply");
    if (heading) heading.textContent = defaultHeading;
    reset.hidden = true;
  });
})();

// Type-ahead picker for account and competitor fields. The server's field
// (comma-separated keys or exact names, which is all there is without
// script) becomes a hidden field of keys, a row of chips showing names (each
// with a remove button) and a text box to type in; what is typed and not
// chosen is sent too, and the server resolves an exact name. On a phone the
// field scrolls to the top when the keyboard opens so the suggestions show
// above it.
(function () {
  "use strict";
  document.querySelectorAll("input[data-picker]").forEach(function (input) {
    var kind = input.dataset.picker;
    var keys = document.createElement("input");
    keys.type = "hidden";
    keys.name = input.name;
    keys.value = input.value;
    keys.id = input.id + "-keys";
    keys.setAttribute("data-draft-field", "");
    input.removeAttribute("name");
    input.value = "";
    var wrap = document.createElement("div");
    wrap.className = "picker";
    input.parentNode.insertBefore(wrap, input);
    var chips = document.createElement("ul");
    chips.className = "picker-chips";
    chips.id = input.id + "-chips";
    var label = input.labels && input.labels[0] ? input.labels[0].textContent : "";
    chips.setAttribute("aria-label", label);
    wrap.appendChild(chips);
    wrap.appendChild(input);
    wrap.appendChild(keys);
    var list = document.createElement("ul");
    list.className = "picker-list";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var timer = null, active = -1, names = {}, asked = {};

    function terms() {
      return keys.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    }
    function setTerms(t) { keys.value = t.join(", "); render(); keys.dispatchEvent(new Event("change", { bubbles: true })); }
    // A chip shows a key's name, asked of the API once if not known.
    function nameOf(key) {
      if (names[key]) return names[key];
      if (!asked[key]) {
        asked[key] = true;
        fetch("/api/v1/" + kind + "/" + encodeURIComponent(key), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (r) { if (r && r.name) { names[key] = r.name; render(); } })
          .catch(function () {});
      }
      return key;
    }
    function render() {
      chips.innerHTML = "";
      terms().forEach(function (key) {
        var li = document.createElement("li");
        li.className = "picker-chip " + (kind === "accounts" ? "account" : "competitor");
        li.dataset.key = key;
        var text = document.createElement("span");
        text.textContent = nameOf(key);
        li.appendChild(text);
        var x = document.createElement("button");
        x.type = "button";
        x.className = "picker-remove";
        x.setAttribute("aria-label", (input.dataset.removeLabel || "Remove") + " " + text.textContent);
        x.textContent = "×";
        x.addEventListener("click", function () {
          setTerms(terms().filter(function (t) { return t !== key; }));
          input.focus();
        });
        li.appendChild(x);
        chips.appendChild(li);
      });
      chips.hidden = !chips.children.length;
    }
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    // What is typed before the last comma is kept as typed; the choice
    // stands for the last term.
    function choose(key, name) {
      names[key] = name;
      var t = terms();
      var earlier = input.value.split(",").slice(0, -1).map(function (s) { return s.trim(); });
      earlier.concat([key]).forEach(function (k) { if (k && t.indexOf(k) < 0) t.push(k); });
      input.value = "";
      setTerms(t);
      close();
      input.focus();
    }
    function show(items) {
      list.innerHTML = "";
      items.forEach(function (it, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = list.id + "-" + i;
        li.dataset.key = it.key;
        li.textContent = it.label;
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(it.key, it.name); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      fit();
    }
    // The list never runs under a phone's keyboard: it is as tall as the
    // visible viewport leaves below the field.
    function fit() {
      var vv = window.visualViewport;
      if (!vv || list.hidden) return;
      var room = vv.height + vv.offsetTop - input.getBoundingClientRect().bottom - 8;
      list.style.maxHeight = Math.max(room, 96) + "px";
    }
    render();
    // When a phone's keyboard opens under the field (the visible viewport
    // shrinks while it has focus), the field goes to the top. Keyed to the
    // keyboard rather than to focus, the page never moves when the script
    // gives focus back after a choice, nor under a tap about to land.
    var vv = window.visualViewport, tall = vv ? vv.height : 0;
    if (vv) vv.addEventListener("resize", function () {
      if (vv.height < tall - 100 && document.activeElement === input &&
          window.matchMedia("(max-width: 40rem)").matches) {
        var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        wrap.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
      }
      tall = vv.height;
      fit();
    });
    // Restored drafts fill the hidden field; the chips follow.
    keys.addEventListener("draft-restored", render);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.split(",").pop().trim();
      if (q.length < 1) { close(); return; }
      timer = setTimeout(function () {
        fetch("/api/v1/" + kind + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (rows) {
            show(rows.map(function (r) {
              return kind === "accounts"
                ? { key: r.external_id, name: r.name, label: r.name + " · " + r.external_id + (r.domain ? " · " + r.domain : "") }
                : { key: r.slug, name: r.name, label: r.name };
            }));
          })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Backspace" && !input.value && terms().length) {
        var t = terms(); t.pop(); setTerms(t);
        return;
      }
      var items = list.querySelectorAll("li");
      if (ev.key === "Enter" && !(active >= 0 && items.length && !list.hidden)) {
        // Enter takes what is typed as a chip rather than sending the form.
        if (input.value.trim()) {
          ev.preventDefault();
          var typed = input.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
          input.value = "";
          setTerms(terms().concat(typed.filter(function (s) { return terms().indexOf(s) < 0; })));
          close();
        }
        return;
      }
      if (list.hidden || !items.length) return;
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        active = (active + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        items.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
        input.setAttribute("aria-activedescendant", items[active].id);
      } else if (ev.key === "Enter") {
        ev.preventDefault();
        var chosen = items[active];
        choose(chosen.dataset.key, chosen.textContent.split(" · ")[0]);
      } else if (ev.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    // What was typed and not chosen goes too: the server resolves names.
    if (input.form) {
      input.form.addEventListener("submit", function () {
        var typed = input.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
        if (typed.length) keys.value = terms().concat(typed).join(", ");
      });
    }
  });
})();

// Similar ideas while typing a title (the form's "look for similar" button
// does the same without script).
(function () {
  "use strict";
  var input = document.querySelector("input[data-similar]");
  var box = input && document.getElementById(input.dataset.similar);
  if (!input || !box) return;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    timer = setTimeout(function () {
      if (q.length < 3) { box.innerHTML = ""; return; }
      fetch("/api/v1/ideas/similar?title=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (rows) {
          box.innerHTML = "";
          if (!rows.length) return;
          var ul = document.createElement("ul");
          rows.forEach(function (r) {
            var li = document.createElement("li"), a = document.createElement("a");
            a.href = "/ideas/" + r.id;
            a.textContent = r.title;
            li.appendChild(a);
            ul.appendChild(li);
          });
          box.appendChild(ul);
        });
    }, 250);
  });
})();

// The live feed: a websocket that subscribes to topics, resumes from the last
// event id it saw after any disconnect (laptop asleep, network gone), with
// backoff. Pages work without it.
window.grapevineLive = function (topics, since, onEvent) {
  "use strict";
  var last = since, delay = 1000, ws = null;
  function open() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(proto + location.host + "/api/v1/live");
    ws.onopen = function () {
      delay = 1000;
      var msg = { type: "subscribe", topics: topics };
      if (last !== null && last !== undefined) msg.since = last;
      ws.send(JSON.stringify(msg));
    };
    ws.onmessage = function (m) {
      var f = JSON.parse(m.data);
      if (f.type === "event") { last = f.id; onEvent(f); }
      else if (f.type === "caught_up") { last = Math.max(last || 0, f.id); }
    };
    ws.onclose = function () {
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  open();
  return { close: function () { ws.onclose = null; ws.close(); } };
};

// Thread page: new replies appear at their place in the tree, edits,
// deletions and moderation replace the post in place. Each post comes from
// the server rendered by the page's own template, for this reader (their
// links, placeholders for what they may not read).
(function () {
  "use strict";
  var thread = document.querySelector("[data-live-thread]");
  if (!thread || !window.WebSocket || !window.fetch || !window.DOMParser) return;
  var id = thread.dataset.liveThread;
  function childList(parent) {
    var holder = parent.classList.contains("opening") ? document.getElementById("replies") : parent.parentElement;
    var ol = null;
    for (var i = 0; i < holder.children.length; i++) if (holder.children[i].tagName === "OL") ol = holder.children[i];
    if (!ol) { ol = document.createElement("ol"); ol.className = "tree"; holder.appendChild(ol); }
    return ol;
  }
  function fragment(postId) {
    return fetch("/t/" + id + "/posts/" + postId, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return null;
        return new DOMParser().parseFromString(html, "text/html").querySelector("article.post");
      });
  }
  function place(art, parentId) {
    var parent = document.getElementById("p" + parentId);
    if (!parent || document.getElementById(art.id)) return;
    art.classList.add("unread");
    var li = document.createElement("li");
    li.appendChild(art);
    // Beyond the depth cap a reply is shown beside its parent, not under it.
    var beside = parent.dataset.depth && parent.dataset.depth === art.dataset.depth;
    if (beside && parent.parentElement.tagName === "LI") parent.parentElement.after(li);
    else childList(parent).appendChild(li);
  }
  function refresh(postId, parentId) {
    fragment(postId).then(function (art) {
      if (!art) return;
      var old = document.getElementById(art.id);
      if (old) { art.classList.remove("new"); old.replaceWith(art); }
      else if (parentId) place(art, parentId);
      else return;
      if (window.grapevineLocalTimes) window.grapevineLocalTimes(art);
    });
  }
  window.grapevineLive(["thread:" + id], Number(thread.dataset.since), function (ev) {
    var d = ev.data || {};
    if (ev.kind === "post.created") { if (!document.getElementById("p" + d.post_id)) refresh(d.post_id, d.parent_id); }
    else if (ev.kind === "post.edited" || ev.kind === "post.deleted") refresh(d.post_id, null);
    else if (ev.kind === "thread.moderated" && d.post_id) refresh(d.post_id, null);
  });
})();

// Lists (category, account, competitor, ideas): a banner counts what arrived
// since the page was rendered; following it reloads the list.
(function () {
  "use strict";
  var banner = document.getElementById("live-banner");
  if (!banner || !window.WebSocket) return;
  var kinds = banner.dataset.liveKinds.split(" "), n = 0;
  var count = document.getElementById("live-count");
  window.grapevineLive([banner.dataset.liveTopics], Number(banner.dataset.since), function (ev) {
    if (kinds.indexOf(ev.kind) < 0) return;
    n += 1;
    count.textContent = String(n);
    banner.hidden = false;
  });
})();

// The Live page: watch the chosen topics in one stream, with a pause.
(function () {
  "use strict";
  var form = document.getElementById("live-topics");
  if (!form || !window.WebSocket) return;
  var list = document.getElementById("live-stream");
  var status = document.getElementById("live-status");
  var pause = document.getElementById("live-pause");
  var labels = {};
  document.getElementById("live-labels").content.querySelectorAll("span").forEach(function (s) { labels[s.dataset.kind] = s.textContent; });
  var conn = null, paused = false, held = [];
  var votes = document.getElementById("live-votes").innerHTML.split("|");
  // "N votes" in the page's language: the template gives 0, 1 and 2.
  function votesText(n) {
    var form = n === 0 ? votes[0] : n === 1 ? votes[1] : votes[2];
    return form.replace(/\d+/, String(n));
  }
  function chip(cls, href, text) {
    var a = document.createElement("a");
    a.className = "chip " + cls;
    a.href = href;
    a.textContent = text;
    return a;
  }
  function show(ev) {
    var d = ev.data || {};
    if (ev.kind === "idea.voted") {
      // Votes on one idea are one line: the count rises, the line comes up.
      var same = list.querySelector('li[data-vote-idea="' + d.idea_id + '"]');
      if (same) {
        same.querySelector(".votes").textContent = votesText(d.votes);
        same.querySelector("time").textContent = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        list.insertBefore(same, list.firstChild);
        return;
      }
    }
    var li = document.createElement("li");
    li.className = "live-item new";
    var at = new Date(d.created_at || Date.now());
    var time = document.createElement("time");
    time.className = "meta";
    time.dateTime = at.toISOString();
    time.textContent = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    li.appendChild(time);
    li.appendChild(document.createTextNode(" "));
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = labels[ev.kind] || ev.kind;
    li.appendChild(kind);
    li.appendChild(document.createTextNode(" "));
    var a = document.createElement("a");
    a.href = d.url || "/";
    a.textContent = d.title || "";
    li.appendChild(a);
    if (ev.kind === "idea.voted") {
      li.dataset.voteIdea = d.idea_id;
      var v = document.createElement("span");
      v.className = "meta votes";
      v.textContent = votesText(d.votes);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(v);
    }
    if (d.author && d.author.name) {
      var who = document.createElement("span");
      who.className = "meta";
      who.textContent = " " + d.author.name;
      li.appendChild(who);
    }
    if ((d.accounts && d.accounts.length) || (d.competitors && d.competitors.length)) {
      var chips = document.createElement("span");
      chips.className = "chips";
      (d.accounts || []).forEach(function (k) { chips.appendChild(chip("account", "/accounts/" + encodeURIComponent(k), k)); });
      (d.competitors || []).forEach(function (k) { chips.appendChild(chip("competitor", "/competitors/" + encodeURIComponent(k), k)); });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(chips);
    }
    if (d.excerpt) {
      var p = document.createElement("p");
      p.className = "excerpt";
      p.textContent = d.excerpt;
      li.appendChild(p);
    }
    list.insertBefore(li, list.firstChild);
  }
  function watch() {
    var topics = Array.prototype.map.call(form.querySelectorAll("input[name=topic]:checked"), function (c) { return c.value; });
    if (!topics.length) return;
    if (conn) conn.close();
    conn = window.grapevineLive(topics, Number(form.dataset.since), function (ev) {
      if (paused) held.push(ev); else show(ev);
    });
    status.textContent = status.dataset.live;
    pause.hidden = false;
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    watch();
  });
  // What is ticked streams at once; "Watch" applies a new choice.
  watch();
  pause.addEventListener("click", function () {
    paused = !paused;
    pause.setAttribute("aria-pressed", paused ? "true" : "false");
    pause.textContent = paused ? pause.dataset.resume : pause.dataset.pause;
    status.textContent = paused ? status.dataset.paused : status.dataset.live;
    if (!paused) { held.forEach(show); held = []; }
  });
})();

// The bell's unread count, kept current over the live feed: each new
// notification for this user arrives on the topic user:ID (the
// notifications page works without it).
(function () {
  "use strict";
  var count = document.getElementById("bell-count");
  var bell = document.getElementById("bell");
  if (!count || !bell || location.pathname === "/notifications") return;
  var pending = false, again = false;
  function done() {
    pending = false;
    if (again) { again = false; refresh(); }
  }
  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    fetch("/api/v1/me/notifications", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (n) {
        if (n) {
          // The Menu button carries the count too: on a phone the bell is inside the menu.
          [count, document.getElementById("menu-count")].forEach(function (c) {
            if (!c) return;
            c.textContent = String(n.unread);
            c.hidden = !(n.unread > 0);
          });
        }
        done();
      })
      .catch(done);
  }
  refresh();
  if (window.WebSocket && bell.dataset.userId) {
    window.grapevineLive(["user:" + bell.dataset.userId], Number(bell.dataset.since), function (ev) {
      if (ev.kind === "notification.created") refresh();
    });
  }
})();

// Attachments: files chosen, taken, dropped or pasted are sent at once to
// the upload API, each with a preview, a progress bar and a remove button;
// the form then names them in its `attachments` field. Without this script
// the file inputs upload with the form itself.
(function () {
  "use strict";
  var meta = document.querySelector("meta[name=csrf-token]");
  var csrf = meta ? meta.content : "";
  document.querySelectorAll("[data-uploader]").forEach(function (box) {
    var form = box.closest("form");
    var hidden = box.querySelector("[data-attachments]");
    var list = box.querySelector("[data-previews]");
    var inputs = box.querySelectorAll("input[type=file]");
    var pending = 0;
    // The labels become the buttons (in the page's language); the inputs
    // stay in the form, focusable, out of sight.
    box.classList.add("enhanced");
    function ids() { return hidden.value.split(",").filter(Boolean); }
    function setIds(a) { hidden.value = a.join(","); }
    function chip(label, previewUrl) {
      var li = document.createElement("li");
      li.className = "preview";
      if (previewUrl) {
        var img = document.createElement("img");
        img.src = previewUrl;
        img.alt = "";
        li.appendChild(img);
      } else {
        var doc = document.createElement("span");
        doc.className = "doc-badge";
        doc.textContent = "PDF";
        li.appendChild(doc);
      }
      var name = document.createElement("span");
      name.className = "preview-name";
      name.textContent = label;
      li.appendChild(name);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.textContent = box.dataset.remove;
      remove.addEventListener("click", function () {
        if (li.dataset.id) setIds(ids().filter(function (i) { return i !== li.dataset.id; }));
        if (li.xhr) { li.xhr.abort(); }
        li.remove();
      });
      li.appendChild(remove);
      list.appendChild(li);
      return li;
    }
    function settle() { pending -= 1; }
    function send(file) {
      var isImage = /^image\//.test(file.type);
      var li = chip(file.name, isImage ? URL.createObjectURL(file) : null);
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      li.insertBefore(bar, li.lastChild);
      var data = new FormData();
      data.append("file", file);
      var xhr = new XMLHttpRequest();
      li.xhr = xhr;
      pending += 1;
      xhr.open("POST", "/api/v1/uploads");
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded * 100) / e.total);
      });
      xhr.addEventListener("loadend", function () {
        li.xhr = null;
        settle();
        if (xhr.status === 201) {
          var a = JSON.parse(xhr.responseText);
          li.dataset.id = String(a.id);
          setIds(ids().concat([String(a.id)]));
          bar.value = 100;
          bar.hidden = true;
          li.classList.add("sent");
        } else if (xhr.status !== 0) {
          var msg = box.dataset.failed;
          try { msg = msg + ": " + JSON.parse(xhr.responseText).error.message; } catch (e) { /* keep the short message */ }
          bar.remove();
          var err = document.createElement("span");
          err.className = "error";
          err.setAttribute("role", "alert");
          err.textContent = msg;
          li.insertBefore(err, li.lastChild);
          li.classList.add("failed");
        }
      });
      xhr.send(data);
    }
    function take(files) {
      Array.prototype.forEach.call(files, send);
    }
    // Uploads kept by a refused submit are shown again.
    ids().forEach(function (id) {
      var li = chip("", "/files/" + id + "/thumbnail");
      li.dataset.id = id;
      li.classList.add("sent");
    });
    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        take(input.files);
        input.value = "";
      });
    });
    form.addEventListener("dragover", function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) {
        e.preventDefault();
        box.classList.add("dropping");
      }
    });
    form.addEventListener("dragleave", function () { box.classList.remove("dropping"); });
    form.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        e.preventDefault();
        box.classList.remove("dropping");
        take(e.dataTransfer.files);
      }
    });
    form.addEventListener("paste", function (e) {
      if (e.clipboardData && e.clipboardData.files.length) {
        e.preventDefault();
        take(e.clipboardData.files);
      }
    });
    form.addEventListener("submit", function (e) {
      if (pending > 0) {
        e.preventDefault();
        window.alert(box.dataset.wait);
      }
    });
  });
})();

/* Nobody is signed in on the sign-in page: the pages the service worker
   kept for offline use belonged to whoever was, so they go. */
(function () {
  "use strict";
  if (!document.getElementById("email") || !document.querySelector("form[action='/login']")) return;
  if ("serviceWorker" in navigator && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({ type: "signed-out" });
  }
})();

// A new category's slug follows its name until edited by hand (the server
// makes the same slug when the field is left empty).
(function () {
  "use strict";
  document.querySelectorAll("input[data-slug-from]").forEach(function (slug) {
    var name = document.getElementById(slug.dataset.slugFrom);
    if (!name) return;
    var suggested = slug.value;
    name.addEventListener("input", function () {
      if (slug.value !== suggested) return;
      suggested = name.value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50).replace(/-+$/, "");
      slug.value = suggested;
    });
  });
})();

// Drafts: what is typed in a new post or a reply is kept in this browser
// until the server has it (the page after a successful send names the
// draft in <meta name="draft-sent">), so leaving the page or losing the
// signal loses nothing.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) return;
  var sent = document.querySelector("meta[name=draft-sent]");
  if (sent && sent.content) store.removeItem("draft:" + sent.content);
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = "draft:" + form.dataset.draft;
    var marker = document.createElement("input");
    marker.type = "hidden";
    marker.name = "_draft";
    marker.value = form.dataset.draft;
    form.appendChild(marker);
    function fields() {
      return Array.prototype.filter.call(form.elements, function (f) {
        return f.name && f.name.charAt(0) !== "_" && (f.tagName === "TEXTAREA" || f.tagName === "SELECT" ||
          (f.tagName === "INPUT" && (f.type === "text" || f.type === "search" || f.hasAttribute("data-draft-field"))));
      });
    }
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved) {
      var restored = false;
      fields().forEach(function (f) {
        // What the server filled in (an error page keeps the input) wins.
        if (saved[f.name] && !f.value) {
          f.value = saved[f.name];
          restored = true;
          f.dispatchEvent(new Event("draft-restored"));
        }
      });
      if (restored && form.dataset.draftNote) {
        var note = document.createElement("p");
        note.className = "hint draft-note";
        note.setAttribute("role", "status");
        note.textContent = form.dataset.draftNote;
        form.insertBefore(note, form.firstChild);
      }
    }
    var timer = null;
    function save() {
      var data = {}, any = false;
      fields().forEach(function (f) {
        if (f.value && f.tagName !== "SELECT") any = true;
        data[f.name] = f.value;
      });
      if (any) store.setItem(key, JSON.stringify(data)); else store.removeItem(key);
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 300);
    });
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  });
})();

// A form sent back with problems: its summary takes the focus, so a screen
// reader reads it and a phone shows it first.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
