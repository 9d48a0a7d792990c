// The counselors' inbox on their home refreshes itself every 10 seconds (htmx), but only while
// someone is at the screen: polling must not keep an unattended session alive past its idle limit.
(function () {
  "use strict";
  var EVERY = 10 * 1000;
  var IDLE_AFTER = 25 * 60 * 1000;
  var lastActivity = Date.now();
  ["keydown", "pointerdown", "pointermove", "scroll", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });
  window.setInterval(function () {
    var inbox = document.querySelector("[data-inbox]");
    if (!inbox || !window.htmx || document.hidden) return;
    if (Date.now() - lastActivity < IDLE_AFTER) window.htmx.trigger(inbox, "inbox-refresh");
  }, EVERY);
})();
