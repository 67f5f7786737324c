"""Wall figures say what they count (issue #15 §3): formula and case scope in every tooltip,
the status basis, a visible 不含执保, the teams' scope note, late never green."""
from __future__ import annotations

import json

from db.indicators.settings import load_indicator_settings
from db.indicators.texts import definitions
from layouts.wall import nodes, overview, teams
from tests.layouts.wall_sample import sample_nodes, sample_snapshot


def _snapshot() -> dict:
    snap = sample_snapshot()
    snap["definitions"] = definitions(load_indicator_settings(None))
    return snap


def _find(component, pred):
    found = []
    if pred(component):
        found.append(component)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += _find(child, pred)
    return found


def test_tiles_carry_formula_scope_and_basis() -> None:
    tiles = overview.tiles(_snapshot())
    by_key = {t.to_plotly_json()["props"]["data-key"]: t for t in tiles}
    title = by_key["accepted"].title
    assert "受理数 = 受理（旧存＋新收）数" in title and "口径：不含执保" in title
    assert "不含执保" in json.dumps(by_key["accepted"].to_plotly_json(), default=str, ensure_ascii=False)
    assert "结案用时" in by_key["first_avg_days"].title and "到账" not in by_key["first_avg_days"].title
    assert "仅首执" in by_key["first_avg_days"].title
    assert "全部案件类型" in by_key["pending_payout"].title


def test_team_table_explains_why_teams_do_not_add_up_to_the_court() -> None:
    snap = _snapshot()
    snap["views"]["ytd"]["court_parts"] = {"teams": [], "other": {"indicators": {
        "accepted": {"numerator": 4, "denominator": None}}}}
    text = json.dumps([c.to_plotly_json() for c in teams.cards(snap) if c is not None],
                      default=str, ensure_ascii=False)
    assert "团队数字含执保，全院数字不含执保" in text and "未分配/其他" in text and "受理 4 件" in text


def test_late_is_never_green() -> None:
    snap = _snapshot()
    snap["nodes"] = sample_nodes()
    late = [c for c in _find_all(nodes.content(snap)) if "超期完成" in _text(c)
            and "w-nh-label" in (getattr(c, "className", "") or "")]
    assert late, "the 超期完成 headline is shown"
    classes = json.dumps(late[0].to_plotly_json(), default=str)
    assert "w-urg--warn" in classes and "w-urg--flat" not in classes


def _find_all(items):
    found = []
    for item in items:
        if item is not None and not isinstance(item, str):
            found += _find(item, lambda _c: True)
    return found


def _text(component) -> str:
    return json.dumps(component.to_plotly_json(), default=str, ensure_ascii=False)
