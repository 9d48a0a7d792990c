// kokona's small enhancements. Pages work without them; no inline script anywhere (CSP).
(function () {
  "use strict";

  var TYPING_COUNTS_FOR = 5 * 60 * 1000; // typing in the last 5 minutes keeps the session
  var ASK_EVERY = 4 * 60 * 1000;
  var lastInput = 0;
  var dirty = false;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
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

    // Enter in a one-line field presses the form's own button (記録する), not the first button
    // in the page's order (検索, which would reload the page as a search); Enter in the search
    // field searches in place. Without JavaScript Enter presses 検索, which loses nothing typed.
    // Enter that confirms a Japanese IME conversion is the IME's, never a submit.
    var ONE_LINE = /^(text|search|email|tel|url|number|password|date|datetime-local|time)$/;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
      var field = event.target;
      if (field.tagName !== "INPUT" || !ONE_LINE.test(field.type) || !field.form) return;
      var button = field.form.querySelector("[data-default-submit]");
      if (!button) return;
      event.preventDefault();
      if (field.hasAttribute("data-enter-searches")) {
        field.dispatchEvent(new Event("search"));
      } else {
        field.form.requestSubmit(button);
      }
    });

    // A record being typed late at night must not be lost: warn before leaving the page, and
    // keep the session alive while she is still typing.
    document.addEventListener("input", function (event) {
      lastInput = Date.now();
      if (event.target.closest("form[data-warn-unsaved]")) dirty = true;
    });
    document.addEventListener("submit", function () {
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    // 主訴: offer only the concerns ticked above (the whole list stays without JavaScript).
    document.querySelectorAll("[data-main-concern]").forEach(function (box) {
      var form = box.closest("form");
      function sync() {
        var ticked = {};
        form.querySelectorAll('input[name="categories"]:checked').forEach(function (input) {
          ticked[input.value] = true;
        });
        var any = false;
        box.querySelectorAll('input[name="primary_concern"]').forEach(function (radio) {
          var shown = !!ticked[radio.value];
          radio.closest("label").hidden = !shown;
          if (!shown) radio.checked = false;
          any = any || shown;
        });
        box.hidden = !any;
      }
      form.addEventListener("change", function (event) {
        if (event.target.name === "categories") sync();
      });
      sync();
    });

    var keepAliveUrl = document.body.getAttribute("data-keep-alive-url");
    if (keepAliveUrl) {
      window.setInterval(function () {
        if (Date.now() - lastInput < TYPING_COUNTS_FOR) {
          fetch(keepAliveUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrfToken() },
          });
        }
      }, ASK_EVERY);
    }
  });
})();
