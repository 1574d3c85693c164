/* debrief: copy buttons, status-template preview and list filters.
   Plain script (no modules, no fetch) so it works from file:// too. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }

  function legacyCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function flash(button, label) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = label;
    button.classList.toggle("copied", label === "Copied");
    setTimeout(function () { button.textContent = original; button.classList.remove("copied"); }, 1600);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy");
    if (!button) return;
    var box = button.closest(".code");
    var source = box && box.querySelector("pre");
    if (!source) return;
    copyText(source.innerText.replace(/\n$/, "")).then(
      function () { flash(button, "Copied"); },
      function () { flash(button, "Press Ctrl+C"); selectText(source); }
    );
  });

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // Status templates: fill {{ placeholders }} from the fields; blanks stay visible.
  var PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
  Array.prototype.forEach.call(document.querySelectorAll("[data-template]"), function (card) {
    var source = card.getAttribute("data-source") || "";
    var preview = card.querySelector("[data-preview]");
    var inputs = card.querySelectorAll("input[name]");
    function update() {
      var values = {};
      Array.prototype.forEach.call(inputs, function (input) { values[input.name] = input.value; });
      preview.textContent = source.replace(PLACEHOLDER, function (whole, name) {
        var v = values[name];
        return v !== undefined && v.trim() !== "" ? v : whole;
      });
    }
    Array.prototype.forEach.call(inputs, function (input) { input.addEventListener("input", update); });
    update();
  });

  // Search forms filter in place; without JS they do nothing harmful.
  Array.prototype.forEach.call(document.querySelectorAll("form.find"), function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  });

  // List filters: hide items whose text does not contain every typed word.
  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), function (input) {
    var scope = document.querySelector(input.getAttribute("data-filter"));
    if (!scope) return;
    var empty = scope.parentNode.querySelector(".empty-filter") || document.querySelector(".empty-filter");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(scope.querySelectorAll("[data-filter-item]"), function (item) {
        var group = item.closest("[data-filter-group]");
        var text = (item.textContent + " " + (group ? group.querySelector("h2, h3").textContent : "")).toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        item.hidden = !match;
        if (match) shown++;
      });
      Array.prototype.forEach.call(scope.querySelectorAll("[data-filter-group]"), function (group) {
        group.hidden = !group.querySelector("[data-filter-item]:not([hidden])");
      });
      if (empty) empty.hidden = shown !== 0;
    });
  });
})();

/* Table filters (/action-items/): each select narrows the rows by the data
   attribute of its name; "open" also keeps overdue rows. Without JS the
   form stays hidden and every row shows. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-table-filter]"), function (form) {
    var table = document.querySelector(form.getAttribute("data-table-filter"));
    if (!table) return;
    var count = form.querySelector("[data-filter-count]");
    var rows = table.querySelectorAll("tbody tr[data-state]");
    function apply() {
      var want = {};
      Array.prototype.forEach.call(form.querySelectorAll("select"), function (s) { if (s.value) want[s.name] = s.value; });
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var ok = Object.keys(want).every(function (k) {
          var v = row.getAttribute("data-" + k);
          return v === want[k] || (k === "state" && want[k] === "open" && v === "overdue");
        });
        row.hidden = !ok;
        if (ok) shown++;
      });
      // Grouped as the page's own counts are (the theme's `thousands` filter).
      if (count) count.textContent = shown.toLocaleString("en-US") + " of " + rows.length.toLocaleString("en-US") + " shown";
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  });
})();
