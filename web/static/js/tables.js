// Makes tables with data-sortable sortable by any column (a button in each
// heading, so the keyboard works; aria-sort says the order) and wires
// <input data-filter-for="ID"> to hide rows not containing the text.
// Cells sort on data-sort (numbers when both parse as numbers). A column
// headed data-sort-first="descending" (an amount still needed) sorts the
// largest first on its first click.
// The "只看未达标" switch (<input type="checkbox" data-unmet-for="ID">)
// works by CSS alone; here it is only ticked from the start on a phone,
// unless the address says ?unmet= itself.
// On a phone a long table shows its first rows and a button for the rest
// (the text is the body's data-show-all, %d the rows); a box wider than
// the screen gets a line saying it scrolls (data-scroll-hint).
(function () {
  "use strict";
  var phone = window.matchMedia ? window.matchMedia("(max-width: 640px)") : { matches: false };
  var firstRows = 20, longTable = 30;
  function key(td) {
    var v = td ? td.getAttribute("data-sort") : null;
    return v === null ? (td ? td.textContent.trim() : "") : v;
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a.trim() && String(y) === b.trim()) return x - y;
    return a.localeCompare(b, document.documentElement.lang || undefined);
  }
  function sortBy(table, col, th) {
    var cur = th.getAttribute("aria-sort");
    var dir;
    if (cur === "ascending") dir = "descending";
    else if (cur === "descending") dir = "ascending";
    else dir = th.getAttribute("data-sort-first") === "descending" ? "descending" : "ascending";
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) ths[i].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var c = compare(key(r1.cells[col]), key(r2.cells[col]));
      return dir === "ascending" ? c : -c;
    });
    for (var j = 0; j < rows.length; j++) body.appendChild(rows[j]);
    limit(table);
  }
  function setup(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) {
      var th = ths[i];
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      th.classList.add("sortable");
      b.addEventListener("click", sortBy.bind(null, table, i, th));
    }
  }
  function filter(input) {
    var table = document.getElementById(input.getAttribute("data-filter-for"));
    if (!table || !table.tBodies.length) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        rows[i].hidden = q !== "" && rows[i].textContent.toLowerCase().indexOf(q) < 0;
      }
      limit(table);
    });
  }
  function unmet(box) {
    if (!/[?&]unmet=/.test(window.location.search) && phone.matches) box.checked = true;
    box.addEventListener("change", function () {
      limit(document.getElementById(box.getAttribute("data-unmet-for")));
    });
  }
  // limit shows a long table's first rows on a phone (those the filter
  // and the switch let through) and offers the rest behind a button.
  function limit(table) {
    if (!table || !table.tBodies.length) return;
    var wrap = table.parentNode, box = wrap.parentNode;
    if (!box.classList || !box.classList.contains("table-box")) return;
    var sw = box.querySelector("input[data-unmet-for]");
    var onlyUnmet = sw && sw.checked;
    var rows = table.tBodies[0].rows, shown = 0, i;
    for (i = 0; i < rows.length; i++) {
      if (!rows[i].hidden && !(onlyUnmet && rows[i].classList.contains("met"))) shown++;
    }
    var cut = phone.matches && box.getAttribute("data-all") !== "1" && shown > longTable;
    var n = 0;
    for (i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (!r.hidden && !(onlyUnmet && r.classList.contains("met"))) n++;
      r.classList.toggle("beyond", cut && n > firstRows);
    }
    var more = box.querySelector("button.show-all");
    if (cut && !more) {
      more = document.createElement("button");
      more.type = "button";
      more.className = "show-all secondary";
      more.setAttribute("data-testid", table.id + "-all");
      more.addEventListener("click", function () {
        box.setAttribute("data-all", "1");
        limit(table);
      });
      box.appendChild(more);
    }
    if (more) {
      more.hidden = !cut;
      more.textContent = (document.body.getAttribute("data-show-all") || "%d").replace("%d", String(shown));
    }
  }
  function scrollHints() {
    var text = document.body.getAttribute("data-scroll-hint");
    var ws = document.querySelectorAll(".table-box > .table-wrap");
    for (var i = 0; i < ws.length; i++) {
      var w = ws[i], hint = w.previousElementSibling;
      if (!hint || !hint.classList.contains("scroll-hint")) {
        if (!text) continue;
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.textContent = text;
        w.parentNode.insertBefore(hint, w);
      }
      hint.hidden = w.scrollWidth <= w.clientWidth + 1;
    }
  }
  function limitAll() {
    var ts = document.querySelectorAll("table[data-sortable]");
    for (var i = 0; i < ts.length; i++) limit(ts[i]);
  }
  function init() {
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { limitAll(); scrollHints(); }, 100);
    });
    var ts = document.querySelectorAll("table[data-sortable]");
    for (var i = 0; i < ts.length; i++) setup(ts[i]);
    var fs = document.querySelectorAll("input[data-filter-for]");
    for (var j = 0; j < fs.length; j++) filter(fs[j]);
    var us = document.querySelectorAll("input[data-unmet-for]");
    for (var k = 0; k < us.length; k++) unmet(us[k]);
    limitAll();
    scrollHints();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
