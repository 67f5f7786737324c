/* 分流台 (/triage) keyboard: j/k or ↑/↓ move, Enter primary action, o override (focus the reason),
   Ctrl+Enter submit the override, 1–9 pick an officer, Esc back to the list. Clicking a row selects
   it. The selection lives in the dcc.Store "triage-selected" ({id, index}); the server renders the
   detail from it. Does nothing on other pages. */
(function () {
  "use strict";
  var ROOT = "triage-root";

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#" + ROOT + " tr.triage-row")); }
  function current() {
    var all = rows();
    for (var i = 0; i < all.length; i++) { if (all[i].classList.contains("selected")) { return i; } }
    return all.length ? 0 : -1;
  }
  function select(index, focus) {
    var all = rows();
    if (!all.length) { return; }
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (tr, i) {
      var on = i === index;
      tr.classList.toggle("selected", on);
      tr.setAttribute("aria-selected", on ? "true" : "false");
      tr.tabIndex = on ? 0 : -1;
    });
    var row = all[index];
    if (focus !== false) { row.focus({ preventScroll: true }); }
    row.scrollIntoView({ block: "nearest" });
    var id = parseInt(row.getAttribute("data-case"), 10);
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("triage-selected", { data: { id: id, index: index } });
    }
  }
  function click(id) {
    var el = document.getElementById(id);
    if (el && !el.disabled && el.offsetParent !== null) { el.click(); return true; }
    return false;
  }
  function typing(el) {
    return el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type !== "radio"));
  }

  document.addEventListener("keydown", function (ev) {
    if (!document.getElementById(ROOT) || ev.altKey || ev.metaKey) { return; }
    var el = document.activeElement;
    if (ev.key === "Escape") {
      if (el && el.blur) { el.blur(); }
      select(current());
      ev.preventDefault();
      return;
    }
    if (el && el.id === "triage-reason") {
      if (ev.key === "Enter" && ev.ctrlKey) { click("triage-override"); ev.preventDefault(); }
      return;
    }
    if (typing(el) || ev.ctrlKey) { return; }
    if (el && el.closest && el.closest(".triage-team")) { return; }  // the team dropdown has its own keys
    var k = ev.key;
    if (k === "j" || k === "ArrowDown") { select(current() + 1); ev.preventDefault(); }
    else if (k === "k" || k === "ArrowUp") { select(current() - 1); ev.preventDefault(); }
    else if (k === "Enter") {
      if (el && el.tagName === "BUTTON") { return; }  // a focused button handles its own Enter
      click("triage-primary"); ev.preventDefault();
    }
    else if (k === "o") {
      var reason = document.getElementById("triage-reason");
      if (reason && reason.offsetParent !== null) { reason.focus(); ev.preventDefault(); }
    }
    else if (/^[1-9]$/.test(k)) {
      var radios = document.querySelectorAll("#triage-officer input[type=radio]");
      var pick = radios[parseInt(k, 10) - 1];
      if (pick && pick.offsetParent !== null) { pick.click(); ev.preventDefault(); }
    }
  });

  document.addEventListener("click", function (ev) {
    var tr = ev.target && ev.target.closest ? ev.target.closest("#" + ROOT + " tr.triage-row") : null;
    if (tr) { select(rows().indexOf(tr)); }
  });

  // After the server re-renders the queue (an action, a refresh), keep focus on the selected row
  // unless the clerk is typing somewhere.
  var observer = new MutationObserver(function () {
    var root = document.getElementById(ROOT);
    if (!root) { return; }
    var el = document.activeElement;
    if (el && el !== document.body && root.contains(el) && !el.classList.contains("triage-row")) { return; }
    if (el && el !== document.body && !root.contains(el)) { return; }
    var all = rows();
    var i = current();
    if (i >= 0 && all[i] !== document.activeElement) { all[i].focus({ preventScroll: true }); }
  });
  function watch() {
    var queue = document.getElementById("triage-queue");
    if (queue && !queue.dataset.watched) {
      queue.dataset.watched = "1";
      observer.observe(queue, { childList: true, subtree: true });
    }
  }
  setInterval(watch, 500);
})();
