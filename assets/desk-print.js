/* Printing the desk pages (打印 button or Ctrl+P): every AG Grid switches to its print layout
   (domLayout "print": all rows rendered, not only the visible ones), collapsed groups open, and
   each sheet gets a header in the page margin — the page's name, its scope (court / team /
   officer) and the data's as-of time — plus 第 N 页 / 共 M 页. The screen comes back afterwards. */
(function () {
  var lastData = null; // when the page last received data (a Dash callback answer)
  var saved = null;
  var PRINT_ROW_HEIGHT = 30;

  if (window.fetch) {
    var plain = window.fetch;
    window.fetch = function (input, init) {
      var url = typeof input === "string" ? input : (input && input.url) || "";
      var pending = plain.apply(this, arguments);
      if (url.indexOf("_dash-update-component") >= 0) {
        pending.then(function (r) { if (r && r.ok) lastData = new Date(); }, function () {});
      }
      return pending;
    };
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function stamp(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function text(sel) {
    var el = document.querySelector(sel);
    return el ? (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim() : "";
  }
  function quoted(s) { return '"' + String(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"'; }

  function asOf() {
    // a page that shows its own 「数据截至 …」 wins; else the last data answer; else now
    var marks = document.querySelectorAll(".desk [data-as-of], .desk .as-of");
    for (var i = 0; i < marks.length; i++) {
      var t = marks[i].getAttribute("data-as-of") || marks[i].textContent || "";
      t = t.replace(/^\s*数据截至\s*/, "").trim();
      if (t) return t;
    }
    return stamp(lastData || new Date());
  }

  function scope() {
    var crumbs = text(".desk .crumbs");
    if (crumbs) return crumbs;
    var who = text(".user-role");
    var summary = text(".desk .list-summary");
    return (who ? who + "权限范围" : "") + (summary ? "；" + summary : "");
  }

  function header(title) {
    var name = title || (document.querySelector(".print-btn") || {}).dataset?.printTitle || document.title;
    var line = name + "｜范围：" + (scope() || "全部") + "｜数据截至 " + asOf();
    var note = text(".desk .print-note");  // a paged /cases list: 「仅打印前 N 行…」
    if (note) line += "｜" + note;
    var style = document.getElementById("desk-print-page");
    if (!style) {
      style = document.createElement("style");
      style.id = "desk-print-page";
      document.head.appendChild(style);
    }
    style.textContent = "@page { size: A4 landscape; margin: 16mm 10mm 12mm 10mm;" +
      " @top-left { content: " + quoted(line) + "; font-size: 9pt; color: #333; vertical-align: bottom; }" +
      " @top-right { content: \"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\"; font-size: 9pt; color: #333; vertical-align: bottom; }" +
      " @bottom-right { content: " + quoted("打印于 " + stamp(new Date())) + "; font-size: 8pt; color: #666; } }";
    return line;
  }

  function api(el) {
    try { return window.dash_ag_grid && el.id ? window.dash_ag_grid.getApi(el.id) : null; } catch (e) { return null; }
  }

  // The sheet has no horizontal scrollbar: share the grid's printable width among its visible
  // columns in proportion to their screen widths, a 案号 keeping room for its whole text.
  // (sizeColumnsToFit does nothing in the print layout, so the widths are set directly.)
  function least(colId) {
    if (colId === "case_number") return 170;  // （2026）内0221执保1234号 whole
    if (/_at$/.test(colId)) return 112;  // date and time
    if (/(_on|deadline)$/.test(colId)) return 80;  // a whole date
    return 44;
  }

  function fit(el) {
    var a = api(el);
    if (!a || !a.getColumns) return;
    var cols = (a.getColumns() || []).filter(function (c) { return c.isVisible(); });
    var room = el.getBoundingClientRect().width - 4;
    if (!cols.length || room <= 0) return;
    var min = function (c) { return least(c.getColId()); };
    var before = {};
    ((saved && saved.grids.filter(function (g) { return g[0] === el; })[0] || [])[2] || []).forEach(function (st) {
      before[st.colId] = st.width;
    });
    // proportions from the screen's widths (taken before any fitting), not from a previous pass
    var widths = cols.map(function (c) { return before[c.getColId()] || c.getActualWidth(); });
    for (var pass = 0; pass < 4; pass++) {
      var fixed = 0, free = 0;
      widths.forEach(function (w, i) { if (w <= min(cols[i])) fixed += min(cols[i]); else free += w; });
      var scale = free > 0 ? (room - fixed) / free : 1;
      widths = widths.map(function (w, i) { return Math.max(min(cols[i]), Math.floor(w > min(cols[i]) ? w * scale : w)); });
      if (widths.reduce(function (s, w) { return s + w; }, 0) <= room) break;
    }
    // the screen's minimum widths would keep the columns wider than the sheet: narrower ones
    var width = {};
    cols.forEach(function (c, i) { width[c.getColId()] = widths[i]; });
    var defs = (a.getColumnDefs() || []).map(function (d) {
      var id = d.colId || d.field;
      if (!(id in width)) return d;
      return Object.assign({}, d, { minWidth: least(id), width: width[id], flex: null });
    });
    a.setGridOption("columnDefs", defs);
  }

  function fitAll() {
    (saved ? saved.grids : []).forEach(function (g) { fit(g[0]); });
  }

  // Chromium repeats a table's column headers on every sheet only for a <thead>. The pages keep
  // their head rows in <tbody class="t-head"> instead (layouts/table.py: each <thead> a live page
  // re-renders leaves a style object behind), so while printing each table gets a <thead> copy
  // of its head row, and the original is hidden (a table re-rendered meanwhile keeps its own).
  function addHeads() {
    var heads = document.querySelectorAll("table > tbody.t-head");
    for (var i = 0; i < heads.length; i++) {
      var copy = document.createElement("thead");
      copy.setAttribute("data-print-head", "");
      copy.innerHTML = heads[i].innerHTML;
      heads[i].parentNode.insertBefore(copy, heads[i]);
      heads[i].classList.add("t-head-printed");
    }
  }

  function dropHeads() {
    var copies = document.querySelectorAll("thead[data-print-head]");
    for (var i = 0; i < copies.length; i++) copies[i].parentNode.removeChild(copies[i]);
    var heads = document.querySelectorAll("tbody.t-head-printed");
    for (var j = 0; j < heads.length; j++) heads[j].classList.remove("t-head-printed");
  }

  function prepare(title) {
    if (saved) restore();
    saved = { grids: [], details: [] };
    var line = header(title);
    document.body.classList.add("desk-printing");
    addHeads();
    var details = document.querySelectorAll(".desk details");
    for (var i = 0; i < details.length; i++) {
      saved.details.push([details[i], details[i].open]);
      details[i].open = true;
    }
    // a paged grid (infinite row model) has no print layout: its page prints the first rows
    // from its client-side copy instead (/cases, callbacks.desk.paging)
    var grids = document.querySelectorAll(".desk .desk-grid:not(.desk-grid-paged)");
    for (var j = 0; j < grids.length; j++) {
      var el = grids[j];
      var a = api(el);
      saved.grids.push([el, el.style.height, a && a.getColumnState ? a.getColumnState() : null,
                        a && a.getColumnDefs ? a.getColumnDefs() : null]);
      el.style.height = "auto";
      if (a) {
        a.setGridOption("rowHeight", PRINT_ROW_HEIGHT);  // 11px type, a wrapped text on two lines
        a.setGridOption("domLayout", "print");
        if (a.resetRowHeights) a.resetRowHeights();
      }
    }
    fitAll();
    setTimeout(fitAll, 200); // again once the grids have re-rendered every row
    return line;
  }

  function restore() {
    if (!saved) return;
    document.body.classList.remove("desk-printing");
    dropHeads();
    saved.grids.forEach(function (g) {
      var a = api(g[0]);
      if (a) {
        a.setGridOption("rowHeight", undefined);
        a.setGridOption("domLayout", "normal");
      }
      g[0].style.height = g[1];
      if (a && g[3]) a.setGridOption("columnDefs", g[3]);  // the screen's columns back
      if (a && g[2]) a.applyColumnState({ state: g[2] });
    });
    saved.details.forEach(function (d) { d[0].open = d[1]; });
    saved = null;
  }

  function printNow(title) {
    prepare(title);
    // let the grids render every row before the print dialog snapshots the page
    setTimeout(function () { window.print(); }, 600);
  }

  window.deskPrint = { prepare: prepare, restore: restore, print: printNow };

  document.addEventListener("click", function (e) {
    var button = e.target && e.target.closest ? e.target.closest(".print-btn") : null;
    if (!button) return;
    e.preventDefault();
    printNow(button.getAttribute("data-print-title"));
  });
  window.addEventListener("beforeprint", function () { if (!saved) prepare(null); });
  window.addEventListener("afterprint", function () { setTimeout(restore, 0); });
})();
