/* The report grid: answers, photos and words go to the outbox first, then
   to the server; offline, the report waits on the phone. Account search
   picks the account by itself when only one matches what was typed. */
(function () {
  "use strict";
  var Outbox = window.GrapevineOutbox;
  var form = document.getElementById("report-form");
  if (!form || !Outbox) return;
  var box = document.getElementById("outbox");
  var picked = []; // {blob, name, type}
  var thumbs = form.querySelector("[data-report-thumbs]");
  var photo = document.getElementById("report-photo");
  var params = new URLSearchParams(location.search);

  function newId() { form.elements.client_id.value = Outbox.uuid(); }
  newId();

  function addFile(blob, name) {
    picked.push({ blob: blob, name: name || blob.name || "photo.jpg", type: blob.type });
    if (/^image\//.test(blob.type)) {
      var img = document.createElement("img");
      img.src = URL.createObjectURL(blob);
      img.alt = "";
      img.width = 96; img.height = 96;
      img.dataset.local = "1";
      thumbs.appendChild(img);
    } else {
      var span = document.createElement("span");
      span.className = "chip";
      span.textContent = name || blob.name || "PDF";
      span.dataset.local = "1";
      thumbs.appendChild(span);
    }
  }
  photo.addEventListener("change", function () {
    Array.prototype.forEach.call(photo.files, function (f) { addFile(f, f.name); });
    photo.value = "";
  });

  /* ---- account search ---- */
  form.querySelectorAll("[data-account-search]").forEach(function (input) {
    var name = input.dataset.accountSearch;
    var fieldset = input.closest("fieldset");
    var results = fieldset.querySelector("[data-account-results]");
    var known = fieldset.querySelector("[data-account-chips]");
    var wait = null;
    function chip(key, label, checked) {
      var l = document.createElement("label");
      l.className = "chip";
      var i = document.createElement("input");
      i.type = "radio"; i.name = name; i.value = key; i.checked = !!checked;
      l.append(i, " " + label);
      return l;
    }
    function show(list) {
      results.textContent = "";
      if (!list.length) {
        var p = document.createElement("p");
        p.className = "hint";
        p.textContent = form.dataset.noMatch;
        results.appendChild(p);
        return;
      }
      list.forEach(function (a) {
        var already = known.querySelector("input[value='" + CSS.escape(a[0]) + "']");
        if (already) { if (list.length === 1) already.checked = true; return; }
        results.appendChild(chip(a[0], a[1], list.length === 1));
      });
    }
    function offline(q) {
      var low = q.toLowerCase();
      return Array.prototype.filter.call(known.querySelectorAll("label"), function (l) {
        return l.textContent.toLowerCase().indexOf(low) >= 0;
      }).map(function (l) { return [l.querySelector("input").value, l.textContent.trim()]; });
    }
    input.addEventListener("input", function () {
      clearTimeout(wait);
      var q = input.value.trim();
      if (!q) { results.textContent = ""; return; }
      wait = setTimeout(function () {
        fetch("/api/v1/accounts?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (list) {
            if (input.value.trim() !== q) return;
            show(list.slice(0, 8).map(function (a) { return [a.external_id, a.name]; }));
          })
          .catch(function () { show(offline(q)); });
      }, 200);
    });
  });

  /* ---- reading and filling the grid ---- */
  function answers() {
    var out = {};
    form.querySelectorAll("fieldset[data-key]").forEach(function (fs) {
      var key = fs.dataset.key, type = fs.dataset.type, name = "a." + key;
      var inputs = Array.prototype.filter.call(form.elements, function (e) { return e.name === name; });
      if (type === "check") out[key] = inputs.some(function (i) { return i.checked; });
      else if (type === "choices") out[key] = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      else if (type === "number" || type === "text") { if (inputs[0] && inputs[0].value.trim()) out[key] = inputs[0].value.trim(); }
      else {
        var on = inputs.filter(function (i) { return i.checked; })[0];
        if (on) out[key] = on.value;
      }
    });
    return out;
  }

  function fill(item) {
    var req = item.request;
    Object.keys(req.answers || {}).forEach(function (key) {
      var v = req.answers[key], name = "a." + key;
      Array.prototype.forEach.call(form.elements, function (e) {
        if (e.name !== name) return;
        if (e.type === "checkbox" || e.type === "radio") {
          e.checked = Array.isArray(v) ? v.indexOf(e.value) >= 0 : (v === true || e.value === v);
        } else e.value = v;
      });
      var fs = form.querySelector("fieldset[data-key='" + CSS.escape(key) + "']");
      if (fs && fs.dataset.type === "account" && typeof v === "string" && !form.querySelector("input[name='" + CSS.escape(name) + "']:checked")) {
        var search = fs.querySelector("[data-account-search]");
        search.value = v;
      }
    });
    form.elements.title.value = req.title || "";
    form.elements.body.value = req.body || "";
    form.elements.attachments.value = (req.attachments || []).join(",");
    form.elements.client_id.value = item.client_id;
    (item.files || []).forEach(function (f) { addFile(f.blob, f.name); });
  }

  function clearErrors() {
    form.querySelectorAll(".field-error").forEach(function (p) { p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
  }

  function showErrors(fields, message) {
    clearErrors();
    var first = null;
    Object.keys(fields || {}).forEach(function (f) {
      var key = f.replace(/^answers\./, "");
      var p = document.getElementById("err-" + key) || document.getElementById("err-" + (key === "attachments" ? "files" : key));
      if (!p) return;
      p.textContent = fields[f];
      var fs = p.closest("fieldset");
      if (fs) fs.setAttribute("aria-invalid", "true");
      if (key === "title") p.closest("details").open = true;
      first = first || p;
    });
    if (!first && message) {
      first = document.getElementById("err-files");
      first.textContent = message;
    }
    if (first) first.closest("fieldset, details").scrollIntoView({ block: "center" });
  }

  function note(text, sent) {
    if (!box) return;
    box.dataset.note = text ? "1" : "";
    var p = document.getElementById("outbox-note") || document.createElement("p");
    p.id = "outbox-note";
    p.textContent = text;
    box.insertBefore(p, box.firstChild);
    box.classList.toggle("sent", !!sent);
    box.hidden = false;
    Outbox.render();
  }

  function reset() {
    form.reset();
    form.elements.attachments.value = "";
    picked = [];
    thumbs.textContent = "";
    form.querySelectorAll("[data-account-results]").forEach(function (r) { r.textContent = ""; });
    clearErrors();
    newId();
  }

  var fixing = params.get("fix");
  if (fixing) {
    Outbox.get(fixing).then(function (item) {
      if (!item) return;
      fill(item);
      showErrors(item.fields, item.error);
    });
  }
  if (params.get("shared") === "local") {
    Outbox.shared().then(function (s) {
      if (!s) return;
      (s.files || []).forEach(function (f) { addFile(f.blob, f.name); });
      if (s.text && !form.elements.body.value) form.elements.body.value = s.text;
      if (s.title && !form.elements.title.value) form.elements.title.value = s.title;
      Outbox.dropShared();
    });
  }

  var send = document.getElementById("report-send");
  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    if (send.disabled) return;
    send.disabled = true;
    var label = send.textContent;
    send.textContent = form.dataset.sending;
    try {
      var ids = form.elements.attachments.value.split(",").map(Number).filter(Boolean);
      var item = {
        client_id: form.elements.client_id.value,
        user_id: Outbox.me(),
        created: Date.now(),
        label: form.elements.title.value.trim() || document.querySelector("h1").textContent,
        request: {
          form: form.dataset.form,
          answers: answers(),
          title: form.elements.title.value.trim(),
          body: form.elements.body.value,
          attachments: ids
        },
        files: picked.slice()
      };
      await Outbox.add(item);
      var sent = await Outbox.drain(true);
      if (sent[item.client_id]) {
        location.assign(sent[item.client_id]);
        return;
      }
      var after = await Outbox.get(item.client_id);
      if (after && after.state === "failed") {
        // The rep is here to fix it: the grid keeps the answers.
        await Outbox.remove(item.client_id);
        showErrors(after.fields, after.error);
        if (after.uploaded && after.uploaded.length) {
          // Photos already sent stay sent; only their ids travel again.
          form.elements.attachments.value = ids.concat(after.uploaded).join(",");
          picked = []; thumbs.querySelectorAll("[data-local]").forEach(function (t) { t.dataset.local = "sent"; });
        }
        Outbox.render();
        return;
      }
      reset();
      note(box ? box.dataset.offline : "");
      window.scrollTo(0, 0);
    } finally {
      send.disabled = false;
      send.textContent = label;
    }
  });
})();
