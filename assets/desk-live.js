/* Live desk pages (callbacks/desk/live.py): flash the figures a refresh changed, and mark when
 * a page's data is on screen.
 *
 * The server sends a desk page new figures only when the data version moved. This script
 * remembers the text of every figure tile (KPI cards, the start page's counts, the rows of the
 * indicator tables) per address; when a figure's text changes while the address stays the same
 * (a live refresh, not a new period or a new page), the tile gets the class `desk-flash` for a
 * few seconds. Changed grid cells flash by themselves (AG Grid's enableCellChangeFlash).
 *
 * Page-load marker: the first time the page's 「数据截至」 stamp is filled (it comes in the same
 * response as the figures and rows), two frames later, <html data-desk-ready="ms"> is set to
 * performance.now(): the time from navigation start until the data is rendered
 * (bench/desk_pages.py reads it). */
(function () {
  'use strict';

  var TILES = [
    // [tile selector, key inside the tile, value inside the tile]
    ['.kpi-card', '.kpi-name', '.kpi-figure'],
    ['.stat[data-stat]', null, '.stat-value'],
    ['.indicator-table tbody:not(.t-head) tr', 'td', null]
  ];
  var FLASH_MS = 2600;
  var state = { href: null, texts: {}, stamp: null, filled: false, readyHref: null, queued: false };

  function keyOf(el, rule, index) {
    if (rule[1] === null) { return rule[0] + '#' + (el.getAttribute('data-stat') || index); }
    var named = el.querySelector(rule[1]);
    return rule[0] + '#' + (named ? named.textContent : index);
  }

  function valueOf(el, rule) {
    var part = rule[2] ? el.querySelector(rule[2]) : el;
    return part ? part.textContent : '';
  }

  function flash(el) {
    el.classList.remove('desk-flash');
    void el.offsetWidth; // restart the animation when it is already running
    el.classList.add('desk-flash');
    window.setTimeout(function () { el.classList.remove('desk-flash'); }, FLASH_MS);
  }

  function markReady() {
    var stamp = document.querySelector('.desk-as-of');
    if (!stamp || !stamp.textContent || state.readyHref === window.location.href) { return; }
    state.readyHref = window.location.href;
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () {
        document.documentElement.setAttribute('data-desk-ready', String(Math.round(performance.now())));
      });
    });
  }

  function scan() {
    state.queued = false;
    markReady();
    var href = window.location.href;
    var stamp = document.querySelector('.desk-as-of');
    // a refresh keeps the page (the same stamp element, already filled once); a new page or a
    // new period replaces the layout, whose first figures are not "changes"
    var same = href === state.href && stamp !== null && stamp === state.stamp && state.filled;
    var texts = {};
    TILES.forEach(function (rule) {
      document.querySelectorAll('.page ' + rule[0]).forEach(function (el, index) {
        var key = keyOf(el, rule, index);
        var value = valueOf(el, rule);
        texts[key] = value;
        if (same && state.texts[key] !== undefined && state.texts[key] !== value) { flash(el); }
      });
    });
    state.href = href;
    state.texts = texts;
    state.stamp = stamp;
    state.filled = stamp !== null && stamp.textContent !== '';
  }

  function queue() {
    if (state.queued) { return; }
    state.queued = true;
    window.requestAnimationFrame(scan);
  }

  function start() {
    new MutationObserver(queue).observe(document.body, { childList: true, subtree: true, characterData: true });
    queue();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
