/* Client-side staleness watchdog of every page (wall and desk; issue #15 §5).
 *
 * The pages' own version poll runs through Dash callbacks, so with the server or the network
 * gone nothing on screen would change: the wall's clock would keep ticking over the last
 * figures, bright, as if live. This script asks /ping (no sign-in, no database: always 200 with
 * the cache's refresh state, the /healthz body) every poll interval, by itself, with a timeout:
 *   - no answer for WATCHDOG_LOST_S seconds  → 「连接中断 · 数据截至 HH:MM」
 *   - an answer whose snapshot was last confirmed current more than STALE_AFTER_INTERVALS
 *     refresh intervals ago (or that says "stale")  → 「数据未更新 · 截至 HH:MM」
 * Either way the page's figures are greyed (class on <html>, which React never rewrites) and
 * a marker is shown; the first good answer clears both, without a reload. HH:MM is the time,
 * in the court's zone, up to which the figures on screen are known to be current.
 * Settings come from data-watchdog-* attributes of the shell root (layouts/shell.py). */
(function () {
  'use strict';

  var ROOT_ID = 'shell-root';
  var MARK_ID = 'watchdog-mark';
  var state = { timer: null, busy: false, lastAnswer: Date.now(), goodUntil: null, kind: 'ok',
                failures: 0 };

  function config() {
    var root = document.getElementById(ROOT_ID);
    if (!root) { return null; }
    var num = function (name, fallback) {
      var v = parseFloat(root.getAttribute('data-watchdog-' + name));
      return isFinite(v) && v > 0 ? v : fallback;
    };
    return {
      pollMs: num('poll-ms', 5000), lostMs: num('lost-s', 15) * 1000,
      staleMs: num('stale-s', 90) * 1000, tz: root.getAttribute('data-watchdog-tz') || 'Asia/Shanghai'
    };
  }

  function hhmm(ms, tz) {
    var options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    try {
      return new Intl.DateTimeFormat('zh-CN', Object.assign({ timeZone: tz }, options)).format(new Date(ms));
    } catch (e) {
      return new Intl.DateTimeFormat('zh-CN', options).format(new Date(ms));
    }
  }

  function mark() {
    var el = document.getElementById(MARK_ID);
    if (!el) {
      el = document.createElement('div');
      el.id = MARK_ID;
      el.className = 'watchdog-mark';
      el.setAttribute('role', 'alert');
      el.hidden = true;
      document.body.appendChild(el);
    }
    return el;
  }

  function show(kind, cfg) {
    var html = document.documentElement;
    var el = mark();
    state.kind = kind;
    html.classList.toggle('wd-lost', kind === 'lost');
    html.classList.toggle('wd-stale', kind === 'stale');
    if (kind === 'ok') { el.hidden = true; el.textContent = ''; return; }
    var until = state.goodUntil ? hhmm(state.goodUntil, cfg.tz) : '—';
    el.textContent = kind === 'lost' ? '连接中断 · 数据截至 ' + until : '数据未更新 · 截至 ' + until;
    el.setAttribute('data-kind', kind);
    el.hidden = false;
  }

  function onAnswer(body, cfg) {
    var now = Date.now();
    state.lastAnswer = now;
    state.failures = 0;
    var age = body && typeof body.age_s === 'number' ? body.age_s * 1000 : null;
    if (age !== null) { state.goodUntil = now - age; }
    var stale = !body || body.status === 'stale' || age === null || age > cfg.staleMs;
    show(stale ? 'stale' : 'ok', cfg);
  }

  function onFailure(cfg) {
    state.failures += 1;
    if (Date.now() - state.lastAnswer >= cfg.lostMs && state.failures >= 2) { show('lost', cfg); }
  }

  function poll() {
    var cfg = config();
    if (!cfg) { schedule(5000); return; }
    schedule(cfg.pollMs);
    if (state.busy) { return; }
    state.busy = true;
    var abort = typeof AbortController === 'function' ? new AbortController() : null;
    var limit = setTimeout(function () { if (abort) { abort.abort(); } }, Math.max(1000, Math.min(cfg.pollMs, 4000)));
    fetch('/ping', { cache: 'no-store', credentials: 'same-origin', signal: abort ? abort.signal : undefined })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(function (body) {
        if (!body || !body.snapshot) { throw new Error('no refresh state'); }
        onAnswer(body.snapshot, cfg);
      })
      .catch(function () { onFailure(cfg); })
      .then(function () { clearTimeout(limit); state.busy = false; });
  }

  function schedule(ms) {
    clearTimeout(state.timer);
    state.timer = setTimeout(poll, ms);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { schedule(1000); });
  } else {
    schedule(1000);
  }
}());
