"""专项行动 parts shared by the page, the wall screen and the printed 战报: number formats and
the two charts, drawn as SVG images on the server (no browser plotting, no kaleido), so the
screen and the print show the same picture of the same figures (db.campaigns.figures report)."""
from __future__ import annotations

import base64
import math
from html import escape
from typing import Any

from layouts.units import to_wan, wan

FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
INK, MUTED, GRID = "#1f2d3d", "#6b7785", "#dde3ea"
BAR, LINE, TIME, GOOD, BAD = "#2f6fb0", "#d9822b", "#8a94a3", "#2e8b57", "#c0392b"
TREND_BAR, TREND_LINE = "closed", "recovered"


def fmt_value(value: Any, unit: str) -> str:
    """Counts with thousands separators; money in 万元 with two decimals."""
    if value is None:
        return "—"
    if unit == "元":
        return f"{wan(value)} 万元"
    return f"{int(round(float(value))):,} {unit}"


def fmt_target(f: dict[str, Any]) -> str:
    """A registry indicator's target with its direction: 不低于 60% / 不高于 90 天."""
    target = float(f["target"])
    number = fmt_value(target, "元") if f["unit"] == "元" else (
        f"{target:g}%" if f["unit"] == "%" else f"{target:g} {f['unit']}")
    return f"{f['rule']} {number}"


def indicator_state(f: dict[str, Any]) -> tuple[str, bool | None]:
    """(状态 words, good?) of a targeted registry indicator (db.campaigns.indicators)."""
    if f.get("value") is None:
        return "暂无数据", None
    if f["met"]:
        return "达标", True
    if f["behind"]:
        return ("落后于时间进度", False) if f.get("denominator") is None else ("未达标", False)
    return "达到时间进度", True


def fmt_parts(f: dict[str, Any]) -> str:
    """Numerator / denominator of a ratio (counts, days or 元), "—" for a plain count."""
    if f.get("denominator") is None:
        return "—"
    def one(v: Any) -> str:
        number = float(v)
        return f"{number:,.2f}" if number != int(number) else f"{int(number):,}"
    return f"{one(f['numerator'])} / {one(f['denominator'])}"


def fmt_pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}" role="img">'
            f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, size: int = 14, fill: str = INK, anchor: str = "start",
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" text-anchor="{anchor}" '
            f'font-weight="{weight}">{escape(text)}</text>')


def progress_svg(report: dict[str, Any], width: int = 900, dark: bool = False, big: bool = False) -> str:
    """One bar per measure with a target: 行动进度 (bar) against 时间进度 (the dashed line).
    `big`: the wall's version (larger type, the percentage only)."""
    rows = [m for m in report.get("measures", []) if m.get("target")]
    ink, muted = ("#e8eef5", "#b4c2d3") if dark else (INK, MUTED)
    k = 1.5 if big else 1.0
    row_h, top, label_w, right = 46 * k, 34 * k, 150 * k, (110 if big else 250)
    height = int(top + row_h * max(len(rows), 1) + 10)
    bar_w = width - label_w - right
    share = float(report.get("time_progress") or 0)
    body = [_text(label_w, 22 * k, f"时间进度 {fmt_pct(share)}（虚线）", int(15 * k), muted)]
    if not rows:
        body.append(_text(label_w, top + 24 * k, "未设目标", int(16 * k), muted))
    for i, m in enumerate(rows):
        y = top + i * row_h
        progress = float(m.get("progress") or 0)
        color = BAD if m.get("behind") else GOOD
        figure = fmt_pct(progress) if big else (f"{fmt_pct(progress)}  {fmt_value(m['value'], m['unit'])}"
                                                f" / {fmt_value(m['target'], m['unit'])}")
        body += [
            _text(label_w - 12, y + 25 * k, m["label"], int(17 * k), ink, "end"),
            f'<rect x="{label_w}" y="{y + 8 * k:.1f}" width="{bar_w}" height="{22 * k:.1f}" fill="{GRID}" rx="3"/>',
            f'<rect x="{label_w}" y="{y + 8 * k:.1f}" width="{bar_w * min(progress, 1.0):.1f}" '
            f'height="{22 * k:.1f}" fill="{color}" rx="3"/>',
            _text(label_w + bar_w + 12, y + 25 * k, figure, int(15 * k), ink),
        ]
    x = label_w + bar_w * min(share, 1.0)
    body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 6}" stroke="{TIME}" '
                'stroke-width="2.5" stroke-dasharray="6 4"/>')
    return _svg(width, height, body, "行动进度与时间进度")


def _series(report: dict[str, Any], key: str) -> list[float]:
    return [float(v) for v in ((report.get("daily") or {}).get("series") or {}).get(key, [])]


def trend_svg(report: dict[str, Any], width: int = 900, height: int = 300, dark: bool = False,
              big: bool = False) -> str:
    """Daily 执结案件数 (bars, left scale) and cumulative 执行到位金额 (line, right scale, 万元)."""
    ink, muted = ("#e8eef5", "#b4c2d3") if dark else (INK, MUTED)
    days = (report.get("daily") or {}).get("days") or []
    f = 1.45 if big else 1.0
    left, right, top, bottom = 56 * f, 86 * f, 40 * f, 40 * f
    plot_w, plot_h = width - left - right, height - top - bottom
    bar_color = "#4f94d9" if dark else BAR
    body = [_text(left, 24 * f, "■ 每日执结（件）", int(15 * f), bar_color),
            _text(left + 180 * f, 24 * f, "— 累计到位（万元）", int(15 * f), LINE)]
    if not days:
        body.append(_text(width / 2, height / 2, "行动尚未开始", 18, muted, "middle"))
        return _svg(width, height, body, "每日趋势")
    bars = _series(report, TREND_BAR)
    running, cumulative = 0.0, []
    for value in _series(report, TREND_LINE):
        running += value
        cumulative.append(to_wan(running))
    top_bar = max(4, math.ceil(max(bars, default=0) / 4) * 4)  # four grid steps of whole cases
    top_line = max(max(cumulative, default=0), 0.01)
    step = plot_w / len(days)
    for i in range(5):
        y = top + plot_h * i / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 8, y + 5, f"{top_bar * (4 - i) / 4:.0f}", int(13 * f), muted, "end"))
        body.append(_text(left + plot_w + 8, y + 5, f"{top_line * (4 - i) / 4:,.1f}", int(13 * f), muted))
    for i, value in enumerate(bars):
        h = plot_h * value / top_bar
        body.append(f'<rect x="{left + i * step + step * 0.15:.1f}" y="{top + plot_h - h:.1f}" '
                    f'width="{step * 0.7:.1f}" height="{h:.1f}" fill="{bar_color}"/>')
    points = " ".join(f"{left + (i + 0.5) * step:.1f},{top + plot_h - plot_h * v / top_line:.1f}"
                      for i, v in enumerate(cumulative))
    body.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="3"/>')
    every = max(1, len(days) // (6 if big else 8))
    for i, day in enumerate(days):
        if i % every == 0:
            body.append(_text(left + (i + 0.5) * step, height - 12 * f, day[5:], int(13 * f), muted, "middle"))
    return _svg(width, height, body, "每日趋势")
