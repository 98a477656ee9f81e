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
      var d = new Date(t.getAttribute("datetime").replace(" ", "T") + "Z");
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
