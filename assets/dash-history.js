/* Keep Dash's undo history empty (every page).
 *
 * The Dash renderer records every change of a callback input made in the browser in its redux
 * store (`history.past`, for the undo/redo buttons this app never shows), without a limit: each
 * version poll tick (shell-poll n_intervals, every POLL_INTERVAL_S) adds an entry, and the
 * wall's chart figures (inputs of its highlight callback) are recorded whole with each new
 * snapshot, for as long as the page is open (bench/wall_heap.py: +1.00 MB over 24 versions
 * before this, +0.76 MB after). Emptying the array in place every few seconds bounds it: the
 * reducer copies `past` into a new array on each change, so nothing else holds the old
 * entries, and no part of the app reads them (no undo/redo). */
(function () {
  'use strict';

  var EVERY_MS = 5000;

  function trim() {
    (window.dash_stores || []).forEach(function (store) {
      var history = store && store.getState && store.getState().history;
      if (history && history.past && history.past.length) { history.past.length = 0; }
    });
  }

  setInterval(trim, EVERY_MS);
}());
