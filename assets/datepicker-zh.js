/* Simplified Chinese for Dash's date pickers (dcc.DatePickerSingle / DatePickerRange, Dash 4).
 *
 * Dash 4's picker formats with date-fns and takes its locale from `window.dateFns.locale`: the
 * entry named after the browser's language, else the first entry. Nothing is fetched at run time
 * (intranet), so the zh-CN locale object is written out here: month names 一月…十二月 (12月 in
 * the abbreviated form the pickers' month_format "YYYY年MMM" uses), weekday headers 一…日, Monday
 * first. The pickers' English aria-labels (上一月/下一月/清除/关闭 buttons) are translated too. */
(function () {
  'use strict';

  var NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];
  var MONTHS = {
    narrow: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'],
    abbreviated: NUMERALS.map(function (_n, i) { return (i + 1) + '月'; }),
    wide: NUMERALS.map(function (n) { return n + '月'; })
  };
  var DAYS = {
    narrow: ['日', '一', '二', '三', '四', '五', '六'],
    short: ['日', '一', '二', '三', '四', '五', '六'],
    abbreviated: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
    wide: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六']
  };
  var ERAS = { narrow: ['前', '公元'], abbreviated: ['前', '公元'], wide: ['公元前', '公元'] };
  var QUARTERS = {
    narrow: ['1', '2', '3', '4'],
    abbreviated: ['第一季', '第二季', '第三季', '第四季'],
    wide: ['第一季度', '第二季度', '第三季度', '第四季度']
  };
  var PERIODS = { am: '上午', pm: '下午', midnight: '凌晨', noon: '中午', morning: '早上',
                  afternoon: '下午', evening: '晚上', night: '夜间' };

  function pick(table, width) { return table[width] || table.wide; }

  var localize = {
    ordinalNumber: function (n) { return '第 ' + Number(n); },
    era: function (i, o) { return pick(ERAS, o && o.width)[i]; },
    quarter: function (q, o) { return pick(QUARTERS, o && o.width)[q]; },
    month: function (m, o) { return pick(MONTHS, o && o.width)[m]; },
    day: function (d, o) { return pick(DAYS, o && o.width)[d]; },
    dayPeriod: function (p) { return PERIODS[p] || p; }
  };

  /* Parsing (typed dates): numbers need nothing; names are matched longest first. */
  function matcher(table, widths) {
    var names = [];
    widths.forEach(function (w) { (table[w] || []).forEach(function (s, i) { names.push([s, i]); }); });
    names.sort(function (a, b) { return b[0].length - a[0].length; });
    return function (text) {
      for (var i = 0; i < names.length; i++) {
        if (names[i][0] && text.indexOf(names[i][0]) === 0) {
          return { value: names[i][1], rest: text.slice(names[i][0].length) };
        }
      }
      return null;
    };
  }
  var match = {
    ordinalNumber: function (text) {
      var m = /^第?\s*(\d+)/.exec(text);
      return m ? { value: parseInt(m[1], 10), rest: text.slice(m[0].length) } : null;
    },
    era: matcher(ERAS, ['wide', 'abbreviated']),
    quarter: matcher({ all: QUARTERS.wide.concat(QUARTERS.abbreviated) }, ['all']),
    month: matcher(MONTHS, ['wide', 'abbreviated']),
    day: matcher(DAYS, ['wide', 'abbreviated', 'short']),
    dayPeriod: function (text) {
      var keys = Object.keys(PERIODS);
      for (var i = 0; i < keys.length; i++) {
        if (text.indexOf(PERIODS[keys[i]]) === 0) {
          return { value: keys[i], rest: text.slice(PERIODS[keys[i]].length) };
        }
      }
      return null;
    }
  };
  /* quarter values are 1-based in date-fns' parser */
  var quarterIndex = match.quarter;
  match.quarter = function (text) {
    var r = quarterIndex(text);
    return r ? { value: (r.value % 4) + 1, rest: r.rest } : null;
  };

  var formatLong = {
    date: function (o) {
      return { full: "y'年'M'月'd'日' EEEE", long: "y'年'M'月'd'日'", medium: 'yyyy-MM-dd',
               short: 'yy-MM-dd' }[(o && o.width) || 'full'];
    },
    time: function (o) {
      return { full: 'zzzz a h:mm:ss', long: 'z a h:mm:ss', medium: 'a h:mm:ss',
               short: 'a h:mm' }[(o && o.width) || 'full'];
    },
    dateTime: function () { return '{{date}} {{time}}'; }
  };

  var zhCN = {
    code: 'zh-CN',
    localize: localize,
    match: match,
    formatLong: formatLong,
    formatDistance: function (token, count) { return count + ' ' + token; },
    formatRelative: function () { return "yyyy-MM-dd"; },
    options: { weekStartsOn: 1, firstWeekContainsDate: 4 }
  };

  window.dateFns = window.dateFns || {};
  window.dateFns.locale = window.dateFns.locale || {};
  window.dateFns.locale.zhCN = zhCN;

  var LABELS = { 'Previous month': '上一月', 'Next month': '下一月', 'Clear date': '清除日期',
                 'Close calendar': '关闭日历', 'Clear dates': '清除日期',
                 'Decrease value': '减一', 'Increase value': '加一' };
  function translate(root) {
    if (!root.querySelectorAll) { return; }
    var nodes = root.querySelectorAll('[aria-label]');
    for (var i = 0; i < nodes.length; i++) {
      var zh = LABELS[nodes[i].getAttribute('aria-label')];
      if (zh) { nodes[i].setAttribute('aria-label', zh); nodes[i].setAttribute('title', zh); }
    }
  }
  function watch() {
    translate(document);
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        for (var j = 0; j < records[i].addedNodes.length; j++) { translate(records[i].addedNodes[j]); }
      }
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.body) { watch(); } else { document.addEventListener('DOMContentLoaded', watch); }
}());
