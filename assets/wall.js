/* Video wall (/wall) client side: live clock, screen rotation, kiosk behaviour, periodic
 * safe reload and a brief highlight of changed figures. Inert on every other page.
 * Long-running: every timer and observer is owned by `state` and replaced, never stacked. */
(function () {
  'use strict';

  var DESIGN_W = 1920;
  var DESIGN_H = 1080;
  var RETRY_RELOAD_MS = 60 * 1000;
  var state = {
    config: null, root: null, order: [], index: 0, paused: false,
    clock: null, rotation: null, reload: null, observer: null, armed: false, formats: {},
    texts: {}, pending: null, live: {}
  };

  function wallRoot() { return document.getElementById('wall-root'); }
  function isKiosk() { return !!(state.config && state.config.kiosk); }

  /* scale: charts are drawn at 1920×1080 and scaled like the rem-sized rest of the wall */
  function updateScale() {
    var s = Math.min(window.innerWidth / DESIGN_W, window.innerHeight / DESIGN_H) || 1;
    document.documentElement.style.setProperty('--wall-s', String(Math.round(s * 10000) / 10000));
  }

  /* clock in the court's time zone */
  function formatter(tz, options) {
    var key = tz + JSON.stringify(options);
    if (!state.formats[key]) {
      try {
        state.formats[key] = new Intl.DateTimeFormat('zh-CN', Object.assign({ timeZone: tz }, options));
      } catch (e) {
        state.formats[key] = new Intl.DateTimeFormat('zh-CN', options);
      }
    }
    return state.formats[key];
  }

  function tick() {
    var root = state.root;
    if (!root || !root.isConnected) { teardown(); return; }
    var tz = (state.config && state.config.timezone) || 'Asia/Shanghai';
    var now = new Date();
    var time = root.querySelector('.w-clock-time');
    var date = root.querySelector('.w-clock-date');
    var hms = formatter(tz, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(now);
    if (time && time.textContent !== hms) { time.textContent = hms; }
    var day = formatter(tz, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(now);
    if (date && date.textContent !== day) { date.textContent = day; }
  }

  /* screens */
  function restartBar() {
    var fill = state.root && state.root.querySelector('.w-rotate-fill');
    if (!fill) { return; }
    fill.style.animation = 'none';
    void fill.offsetWidth; // restart the CSS animation from zero
    if (state.rotation) {
      fill.style.animation = 'wall-rotate ' + state.config.rotate_s + 's linear forwards';
    }
  }

  /* a rotation slot: a screen, or one court's panel of the 法院 screen ("courts#2") */
  function screenOf(slot) { return String(slot).split('#')[0]; }
  function panelOf(slot) { return parseInt(String(slot).split('#')[1] || '0', 10) || 0; }

  function show(slot) {
    var root = state.root;
    if (!root) { return; }
    var key = screenOf(slot);
    root.setAttribute('data-screen', key);
    root.querySelectorAll('.w-screen').forEach(function (el) {
      el.classList.toggle('is-active', el.getAttribute('data-screen') === key);
    });
    if (key === 'courts') {
      var panel = String(panelOf(slot));
      root.querySelectorAll('.w-court-panel').forEach(function (el) {
        el.classList.toggle('is-active', el.getAttribute('data-index') === panel);
      });
    }
    root.querySelectorAll('.w-tab').forEach(function (el) {
      var on = el.getAttribute('data-screen') === key;
      el.classList.toggle('is-active', on);
      el.setAttribute('aria-selected', on ? 'true' : 'false');
    });
    restartBar();
  }

  function advance() {
    if (!state.order.length) { return; }
    state.index = (state.index + 1) % state.order.length;
    show(state.order[state.index]);
  }

  function startRotation() {
    clearInterval(state.rotation);
    state.rotation = null;
    var cfg = state.config;
    if (!state.paused && cfg.rotate_s > 0 && state.order.length > 1) {
      state.rotation = setInterval(advance, cfg.rotate_s * 1000);
    }
    state.root.classList.toggle('is-static', !state.rotation);
    restartBar();
  }

  function onTabClick(event) {
    var tab = event.target.closest && event.target.closest('.wall .w-tab');
    var resume = event.target.closest && event.target.closest('.wall .w-resume');
    if (!state.root || isKiosk() || (!tab && !resume)) { return; }
    var button = state.root.querySelector('.w-resume');
    if (tab) {
      state.paused = true;
      var key = tab.getAttribute('data-screen');
      var at = firstSlot(state.order, key);
      // the 法院 tab again: the next court's panel
      if (key === 'courts' && screenOf(state.order[state.index]) === 'courts' &&
          screenOf(state.order[(state.index + 1) % state.order.length]) === 'courts') {
        at = (state.index + 1) % state.order.length;
      }
      state.index = Math.max(0, at);
      show(at >= 0 ? state.order[at] : key);
      startRotation();
      if (button) { button.hidden = false; }
    } else {
      state.paused = false;
      startRotation();
      button.hidden = true;
    }
  }

  /* kiosk: no key, click or menu can leave the wall */
  function guard(event) {
    if (!isKiosk() || !state.root || !state.root.isConnected) { return; }
    if (event.type === 'keydown' && event.key !== 'Escape' && event.key !== 'Backspace' &&
        !(event.altKey && (event.key === 'ArrowLeft' || event.key === 'Home'))) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  /* periodic safe reload: only when the server answers, so a reload never lands on an error page */
  function safeReload() {
    fetch('/ping', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) {
        if (response.ok) { window.location.reload(); } else { retryReload(); }
      })
      .catch(retryReload);
  }
  function retryReload() {
    clearTimeout(state.reload);
    state.reload = setTimeout(safeReload, RETRY_RELOAD_MS);
  }

  /* highlight a figure whose text changed (not on the first fill) */
  function flash(el) {
    el.classList.remove('is-flashing');
    void el.offsetWidth;
    el.classList.add('is-flashing');
  }
  /* React may replace whole subtrees, so compare texts, not mutations: each figure is known by
   * its screen, the data-key around it and its place among its siblings of that key. */
  function scanFigures() {
    state.pending = null;
    if (!state.root || !state.root.isConnected) { return; }
    var seen = {};
    var texts = {};
    state.root.querySelectorAll('.w-flash-on-change').forEach(function (el) {
      var screen = el.closest('.w-screen');
      var holder = el.closest('[data-key]');
      var group = (screen ? screen.getAttribute('data-screen') : '') + ':' +
        (holder ? holder.getAttribute('data-key') : '');
      seen[group] = (seen[group] || 0) + 1;
      var key = group + ':' + seen[group];
      var text = el.textContent;
      texts[key] = text;
      if (state.armed && state.texts[key] !== undefined && state.texts[key] !== text) { flash(el); }
    });
    state.texts = texts;
  }
  function onMutations() {
    if (!state.pending) { state.pending = setTimeout(scanFigures, 60); }
  }
  function onAnimationEnd(event) {
    if (event.animationName === 'wall-flash') { event.target.classList.remove('is-flashing'); }
  }

  function teardown() {
    clearInterval(state.clock);
    clearInterval(state.rotation);
    clearTimeout(state.reload);
    clearTimeout(state.pending);
    state.pending = null;
    if (state.observer) { state.observer.disconnect(); }
    state.clock = state.rotation = state.reload = state.observer = null;
    state.root = null;
  }

  function firstSlot(order, key) {
    for (var i = 0; i < order.length; i += 1) { if (screenOf(order[i]) === key) { return i; } }
    return -1;
  }

  /* the rotation: the configured screens, plus the optional ones (专项行动, 辖区, 法院) while they
   * are live; 法院 takes one slot per court panel (live.courts of them). `live.only` (a wall
   * token of one court of the 辖区): those screens alone, whatever the configuration. */
  function rotationOrder(config, live) {
    var liveOnly = config.live_only || [];
    var order;
    if (live.only) {
      order = live.only.slice();
    } else {
      order = config.screens.filter(function (key) {
        return liveOnly.indexOf(key) < 0 || !!live[key] || config.pinned === key;
      });
      (config.optional || []).forEach(function (key) {
        if (live[key] && order.indexOf(key) < 0) { order.push(key); }
      });
    }
    var slots = [];
    order.forEach(function (key) {
      if (key !== 'courts') { slots.push(key); return; }
      var count = Math.max(1, live.courts || 0);
      for (var i = 0; i < count; i += 1) { slots.push('courts#' + i); }
    });
    return slots.length ? slots : config.screens.slice(0, 1);
  }

  function applyOrder() {
    var root = state.root;
    state.order = rotationOrder(state.config, state.live);
    root.setAttribute('data-rotation', state.order.join(','));
    root.querySelectorAll('.w-tab').forEach(function (el) {
      el.classList.toggle('is-hidden', firstSlot(state.order, el.getAttribute('data-screen')) < 0);
    });
  }

  /* a new snapshot says which optional screens have content: join or leave the rotation */
  function live(flags) {
    state.live = flags || {};
    if (!state.root || !state.config) { return window.dash_clientside.no_update; }
    var current = state.order[state.index];
    var before = state.order.join(',');
    applyOrder();
    if (state.order.join(',') === before) { return before; }
    var at = state.order.indexOf(current);
    if (at < 0) {
      state.index = state.index % state.order.length;
      show(state.order[state.index]);
    } else {
      state.index = at;
    }
    if (!state.paused) { startRotation(); }
    return state.order.join(',');
  }

  function configure(config) {
    var root = wallRoot();
    if (!config || !root) { return window.dash_clientside.no_update; }
    teardown();
    state.config = config;
    state.root = root;
    applyOrder();
    var current = root.getAttribute('data-screen');
    state.index = Math.max(0, firstSlot(state.order, current));
    state.paused = false;
    updateScale();
    show(state.order[state.index]);
    startRotation();
    tick();
    state.clock = setInterval(tick, 1000);
    if (config.reload_h > 0) { state.reload = setTimeout(safeReload, config.reload_h * 3600 * 1000); }
    state.observer = new MutationObserver(onMutations);
    state.observer.observe(root.querySelector('.wall-body'), { subtree: true, characterData: true, childList: true });
    return 'wall' + (config.kiosk ? ' wall--kiosk' : '') + (state.rotation ? '' : ' is-static');
  }

  /* the first snapshot fills the screens quietly; every later version highlights changes */
  function arm(version, first) {
    var root = wallRoot();
    if (root && version) { root.setAttribute('data-shown', String(version)); }
    if (first === null || first === undefined) { state.armed = false; return version || null; }
    state.armed = version !== first;
    return window.dash_clientside.no_update;
  }

  /* graphs: flash the panel when the plotted numbers changed */
  function figureKey(figure) {
    if (!figure || !figure.data) { return null; }
    return JSON.stringify(figure.data.map(function (trace) { return [trace.x, trace.y]; }));
  }
  function flashFigures(trend, teams, previous) {
    var keys = { trend: figureKey(trend), teams: figureKey(teams) };
    var ids = { trend: 'wall-trend', teams: 'wall-team-chart' };
    if (previous && state.armed) {
      Object.keys(keys).forEach(function (name) {
        var el = document.getElementById(ids[name]);
        var box = el && el.closest('.w-chart-box');
        if (box && previous[name] && keys[name] !== previous[name]) { flash(box); }
      });
    }
    return keys;
  }

  window.addEventListener('resize', updateScale);
  document.addEventListener('click', onTabClick);
  ['keydown', 'click', 'auxclick', 'dblclick', 'contextmenu', 'dragstart', 'selectstart'].forEach(function (type) {
    document.addEventListener(type, guard, true);
  });
  document.addEventListener('animationend', onAnimationEnd, true);
  updateScale();

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    wall: { configure: configure, arm: arm, flashFigures: flashFigures, live: live }
  });
}());
