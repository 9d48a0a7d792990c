// Names the admin's script-built controls that arrive without one (WCAG 4.1.2), once the admin's
// own scripts have built them:
// - the two-box picker (filter_horizontal) puts aria-label on a bare <span> icon, a role that
//   cannot carry a name (axe: aria-prohibited-attr): it is a small picture, so role="img";
// - an autocomplete box (select2) is a combobox, and the text showing its choice a textbox, both
//   named by the current choice, so nothing while empty (axe: aria-input-field-name): they take
//   the name of the field's label;
// - a field in a table of inline rows has its name in the column heading only (axe: label).
(function () {
  "use strict";

  function name() {
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    document.querySelectorAll("select.admin-autocomplete[id]").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var container = select.nextElementSibling;
      if (!label || !container) return;
      var text = label.textContent.replace(/[:：]\s*$/, "").trim();
      // The box (a combobox) and the text inside it that shows the choice (a textbox).
      container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (box) {
        box.setAttribute("aria-label", text);
      });
    });
    document.querySelectorAll(".tabular table").forEach(function (table) {
      var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
            if (!field.labels.length && !field.hasAttribute("aria-label") && headings[index]) {
              field.setAttribute("aria-label", headings[index]);
            }
          });
        });
      });
    });
  }

  window.addEventListener("load", function () {
    window.setTimeout(name, 0);
  });
})();
