/* 会议模式 (/meeting): keyboard and pointer navigation, compare marks, full screen, print.
 *
 * The server renders one level into #meeting-view: rows carry data-focus (where Enter goes), the
 * view carries data-up (where Esc goes), crumbs carry data-focus. This file only moves the
 * selection and writes the chosen focus into the session store "meeting-focus"; the server
 * checks scope and renders. Keys: ↑/↓ (and PageUp/PageDown, Home/End) select, Enter drills down,
 * Esc or Backspace goes up, Space marks a row for comparison, C compares the two marked rows,
 * F toggles full screen. Keys typed into inputs (the date pickers) are left alone.
 */
(function () {
  var ROOT = "meeting-root", FOCUS = "meeting-focus", TRAIL = "meeting-trail";
  var state = { index: 0, marked: [], markKind: null, viewKey: null, cameFrom: null };

  function root() { return document.getElementById(ROOT); }
  function body() { var r = root(); return r ? r.querySelector(".meeting-body") : null; }
  function rows() {
    var r = root();
    return r ? Array.prototype.slice.call(r.querySelectorAll(".meeting-row")) : [];
  }

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function parse(text) {
    try { return text ? JSON.parse(text) : null; } catch (e) { return null; }
  }

  function select(i) {
    var all = rows();
    if (!all.length) { state.index = 0; return; }
    state.index = Math.max(0, Math.min(i, all.length - 1));
    all.forEach(function (row, n) {
      var on = n === state.index;
      row.classList.toggle("is-selected", on);
      row.setAttribute("aria-selected", on ? "true" : "false");
    });
    all[state.index].scrollIntoView({ block: "nearest" });
  }

  function paintMarks() {
    rows().forEach(function (row) {
      var on = row.dataset.kind === state.markKind && state.marked.indexOf(row.dataset.id) >= 0;
      row.classList.toggle("is-marked", on);
    });
    var button = document.getElementById("meeting-compare");
    if (button) { button.classList.toggle("is-ready", state.marked.length === 2); }
  }

  function go(focus) {
    if (!focus) { return; }
    setProps(FOCUS, { data: focus });
  }

  function drill() {
    var row = rows()[state.index];
    if (row) { go(parse(row.dataset.focus)); }
  }

  function up() {
    var view = body();
    if (!view) { go({ level: "top", at: Date.now() }); return; }  // a refused level: back to the start
    if (!view.dataset.up) { return; }
    state.cameFrom = view.dataset.focus;
    go(parse(view.dataset.up));
  }

  function mark() {
    var row = rows()[state.index];
    if (!row || (row.dataset.kind !== "team" && row.dataset.kind !== "officer")) { return; }
    if (state.markKind !== row.dataset.kind) { state.marked = []; state.markKind = row.dataset.kind; }
    var at = state.marked.indexOf(row.dataset.id);
    if (at >= 0) { state.marked.splice(at, 1); } else { state.marked.push(row.dataset.id); }
    if (state.marked.length > 2) { state.marked.shift(); }
    paintMarks();
  }

  function compare() {
    if (state.marked.length !== 2) { return; }
    var view = body();
    state.cameFrom = null;
    go({ level: "compare", kind: state.markKind, ids: state.marked.map(Number) });
    if (view) { view.dataset.pending = "1"; }
  }

  function fullscreen() {
    var r = root();
    if (!r) { return; }
    if (document.fullscreenElement) { document.exitFullscreen(); return; }
    if (!r.requestFullscreen) { return; }
    r.requestFullscreen().then(function () {
      // Let Esc reach the page (go up a level) while full-screen; holding Esc still leaves it.
      if (navigator.keyboard && navigator.keyboard.lock) { navigator.keyboard.lock(["Escape"]).catch(function () {}); }
    }).catch(function () {});
  }

  function reset() {
    state.marked = []; state.cameFrom = null;
    setProps(TRAIL, { data: [] });
    setProps(FOCUS, { data: { level: "top", at: Date.now() } });
  }

  // After each render: keep the row we came up from selected, else the first row.
  function onRender() {
    var view = body();
    var key = view ? view.dataset.focus : null;
    if (!view || key === state.viewKey) { return; }
    state.viewKey = key;
    var all = rows(), found = 0;
    if (state.cameFrom) {
      all.forEach(function (row, n) { if (row.dataset.focus === state.cameFrom) { found = n; } });
      state.cameFrom = null;
    }
    select(found);
    if (!all.some(function (row) { return row.dataset.kind === state.markKind; })) {
      state.marked = []; state.markKind = null;
    }
    paintMarks();
  }

  var KEYS = {
    ArrowDown: function () { select(state.index + 1); },
    ArrowUp: function () { select(state.index - 1); },
    PageDown: function () { select(state.index + 10); },
    PageUp: function () { select(state.index - 10); },
    Home: function () { select(0); },
    End: function () { select(rows().length - 1); },
    Enter: drill,
    Escape: up,
    Backspace: up,
    " ": mark,
    c: compare, C: compare,
    f: fullscreen, F: fullscreen
  };

  document.addEventListener("keydown", function (event) {
    if (!root() || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    var target = event.target || {};
    var tag = (target.tagName || "").toUpperCase();
    if (target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    if ((tag === "BUTTON" || tag === "A") && (event.key === "Enter" || event.key === " ")) { return; }
    var action = KEYS[event.key];
    if (!action) { return; }
    event.preventDefault();
    action();
  });

  document.addEventListener("click", function (event) {
    if (!root()) { return; }
    var el = event.target.closest ? event.target.closest("[id], .meeting-row, .meeting-crumb") : null;
    if (!el) { return; }
    if (el.classList.contains("meeting-row")) {
      select(Number(el.dataset.index));
      if (event.detail !== 0) { drill(); }
    } else if (el.classList.contains("meeting-crumb")) {
      state.cameFrom = body() ? body().dataset.focus : null;
      go(parse(el.dataset.focus));
    } else if (el.id === "meeting-full") { fullscreen(); el.blur(); }
    else if (el.id === "meeting-compare") { compare(); el.blur(); }
    else if (el.id === "meeting-reset") { reset(); el.blur(); }
    else if (el.id === "meeting-print") { window.print(); el.blur(); }
    else if (el.id === "meeting-export") { el.blur(); }
  });

  document.addEventListener("fullscreenchange", function () {
    var r = root();
    if (r) { r.classList.toggle("is-fullscreen", document.fullscreenElement === r); }
  });

  new MutationObserver(onRender).observe(document.documentElement, { childList: true, subtree: true });
})();
