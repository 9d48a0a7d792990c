// The public pages' one script (no inline script anywhere: CSP). The quick exit leaves for a
// neutral site with location.replace, so the back button does not bring this page back.
(function () {
  "use strict";

  function leave(url) {
    document.body.innerHTML = "";
    document.title = "";
    window.location.replace(url);
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var exit = document.querySelector("[data-quick-exit]");
    var summary = document.querySelector("[data-autofocus]");
    if (summary) summary.focus();
    if (!exit) return;
    exit.addEventListener("click", function (event) {
      event.preventDefault();
      leave(exit.href);
    });
    // Esc twice within a second: the quick exit from the keyboard.
    var lastEscape = 0;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var now = Date.now();
      if (now - lastEscape < 1000) leave(exit.href);
      lastEscape = now;
    });
  });
})();
