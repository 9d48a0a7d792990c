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

  // A form posted after the session ended was kept on the server (kokona/drafts.py): put what
  // she typed back into the form of this page.
  function restoreDraft() {
    var blob = document.getElementById("kokona-draft");
    if (!blob) return;
    var kept = JSON.parse(blob.textContent);
    var fields = kept.fields || {};
    var names = Object.keys(fields);
    var forms = Array.prototype.slice.call(document.querySelectorAll("main form[method=post]"));
    // The form she sent: the one posting where hers did, else one holding her fields.
    var form =
      forms.find(function (f) { return new URL(f.action, window.location.href).pathname === kept.action; }) ||
      forms.find(function (f) {
        return names.some(function (name) { return f.elements.namedItem(name); });
      });
    if (!form) return;
    var panel = form.closest("details");
    if (panel) panel.open = true;
    names.forEach(function (name) {
      var values = fields[name];
      var nth = 0; // several text fields of one name take the values in order
      form.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.indexOf(el.value) !== -1;
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (option) {
            option.selected = values.indexOf(option.value) !== -1;
          });
        } else if (el.type !== "file" && el.type !== "submit" && el.type !== "button") {
          // Hidden fields too: a record's version as she saw it, so that a change someone
          // else saved meanwhile is caught as a conflict, not overwritten.
          if (nth < values.length) el.value = values[nth];
          nth += 1;
        }
      });
    });
    // Boxes she left unticked stay unticked.
    form.querySelectorAll("input[type=checkbox]").forEach(function (el) {
      if (!(el.name in fields)) el.checked = false;
    });
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    dirty = true;
    if (form.getBoundingClientRect().top > window.innerHeight) form.scrollIntoView();
  }

  // The idle timeout: a warning two minutes before it, 「続ける」 asks the server to keep the
  // session. Every request to the server counts, in any tab of this browser (localStorage).
  function watchIdleTimeout(keepAliveUrl) {
    var idle = parseInt(document.body.getAttribute("data-idle-seconds"), 10) * 1000;
    var box = document.querySelector("[data-timeout-warning]");
    if (!idle || !box) return;
    var WARN_BEFORE = 2 * 60 * 1000;
    var ended = false;
    function heard() {
      try {
        window.localStorage.setItem("kokona-last-request", String(Date.now()));
      } catch (error) {
        /* storage may be refused; this tab's own clock still works */
      }
      lastRequest = Date.now();
    }
    var lastRequest = 0;
    heard();
    function last() {
      var shared = 0;
      try {
        shared = parseInt(window.localStorage.getItem("kokona-last-request"), 10) || 0;
      } catch (error) {
        shared = 0;
      }
      return Math.max(lastRequest, shared);
    }
    function show(state) {
      box.querySelectorAll("[data-timeout-soon]").forEach(function (el) { el.hidden = state !== "soon"; });
      box.querySelectorAll("[data-timeout-ended]").forEach(function (el) { el.hidden = state !== "ended"; });
      box.setAttribute("aria-labelledby", state === "ended" ? "timeout-ended-title" : "timeout-title");
      var wasHidden = box.hidden;
      box.hidden = state === "none";
      if (wasHidden && !box.hidden) {
        var button = box.querySelector("button:not([hidden])");
        if (button) button.focus();
      }
    }
    function check() {
      if (ended) return;
      var left = idle - (Date.now() - last());
      if (left <= 0) {
        ended = true;
        show("ended");
      } else if (left <= WARN_BEFORE) {
        show("soon");
      } else if (!box.hidden) {
        show("none");
      }
    }
    document.body.addEventListener("htmx:afterRequest", heard);
    document.addEventListener("kokona:keptAlive", heard);
    box.querySelector("[data-timeout-continue]").addEventListener("click", function () {
      fetch(keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        if (response.status === 204) {
          heard();
          show("none");
        } else {
          ended = true;
          show("ended");
        }
      });
    });
    box.querySelector("[data-timeout-close]").addEventListener("click", function () {
      box.hidden = true;
    });
    window.setInterval(check, 5000);
  }

  ready(function () {
    restoreDraft();

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
          }).then(function (response) {
            if (response.status === 204) document.dispatchEvent(new Event("kokona:keptAlive"));
          });
        }
      }, ASK_EVERY);
      watchIdleTimeout(keepAliveUrl);
    }
  });
})();
