// kokona's small enhancements. Pages work without them; no inline script anywhere (CSP).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // An error summary takes the focus, so a screen reader hears what went wrong first.
    var summary = document.querySelector("[data-autofocus]");
    if (summary) summary.focus();

    document.addEventListener("click", function (event) {
      var print = event.target.closest("[data-print]");
      if (print) window.print();
      var confirmer = event.target.closest("[data-confirm]");
      if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
