// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  // Ask before destructive actions (buttons marked .danger).
  document.addEventListener("submit", function (ev) {
    var btn = ev.submitter;
    if (btn && btn.classList.contains("danger") && btn.dataset.confirm) {
      if (!window.confirm(btn.dataset.confirm)) ev.preventDefault();
    }
  });
})();
