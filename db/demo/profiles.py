"""The demo region's courts as data: 包头市中级人民法院 and its eight basic courts.

Each profile says who the court is and how its docket differs from 土默特右旗's (a `CaseMix`),
plus how many 繁案 teams and how much staff it has; `court_spec` turns a profile into the
organisation `build_org` writes. The article court (土默特右旗, `article=True`) is built by the
single-court demo itself (db.demo.seed), so its published figures stay exactly as they were.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from db.demo.mix import CaseMix
from db.demo.org import (
    ARTICLE_COURT,
    COURT_CODE,
    COURT_NAME,
    COURT_SHORT,
    CourtSpec,
    TeamSpec,
)

INTERMEDIATE_CODE = "内02"
INTERMEDIATE_NAME = "包头市中级人民法院"


@dataclass(frozen=True)
class CourtProfile:
    code: str
    name: str
    short_name: str
    level: str  # intermediate / basic
    portrait: str  # the court's 画像 in one line (docs, seed summary)
    mix: CaseMix = field(default_factory=CaseMix)
    complex_teams: int = 2
    staff: float = 1.0  # team sizes × the article court's
    team_names: Mapping[str, str] = field(default_factory=dict)  # team key → name, when not the usual
    article: bool = False  # 土默特右旗: built by the single-court demo, figures as published


REGION: tuple[CourtProfile, ...] = (
    CourtProfile(INTERMEDIATE_CODE, INTERMEDIATE_NAME, "包头中院", "intermediate",
                 "中院执行局：案件少、标的额高（一审大额、金融借款），办理周期长",
                 CaseMix(size=0.1, categories={"preservation": 0.5, "review": 3.0}, finance=0.4,
                         target=12.0, speed=1.8),
                 complex_teams=1, staff=0.7,
                 team_names={"simple": "执行实施一庭", "complex1": "执行实施二庭",
                             "preservation": "保全执行团队"}),
    CourtProfile("内0203", "包头市昆都仑区人民法院", "昆区法院", "basic",
                 "城区大院：收案最多，金融借款、信用卡案件多，标的额高",
                 CaseMix(size=1.1, finance=0.45, target=2.5, simple_share=0.3),
                 complex_teams=3, staff=1.5),
    CourtProfile("内0204", "包头市青山区人民法院", "青山区法院", "basic",
                 "城区法院：案件结构均衡，运行平稳",
                 CaseMix(size=0.7, finance=0.25, target=1.6), staff=1.2),
    CourtProfile("内0202", "包头市东河区人民法院", "东河区法院", "basic",
                 "老城区法院：积案多、结案慢，结案率偏低",
                 CaseMix(size=0.6, speed=1.6, backlog=0.3, target=1.3), staff=1.0),
    CourtProfile("内0207", "包头市九原区人民法院", "九原区法院", "basic",
                 "案款发放偏弱：到账后逾期发放、未发放的案款多",
                 CaseMix(size=0.5, late_payout=0.45, target=1.4), staff=0.9),
    CourtProfile(COURT_CODE, COURT_NAME, COURT_SHORT, "basic",
                 "文章中的法院：指挥中心实体化运行后的公开数据（数字不变）", article=True),
    CourtProfile("内0222", "包头市固阳县人民法院", "固阳县法院", "basic",
                 "县域小院：民生案件（劳动报酬、抚养费、交通事故）多，结案快",
                 CaseMix(size=0.25, livelihood=0.4, target=0.6, speed=0.65, simple_share=0.5),
                 complex_teams=1, staff=0.6),
    CourtProfile("内0223", "包头市达尔罕茂明安联合旗人民法院", "达茂旗法院", "basic",
                 "牧区小院：民生案件多，标的额小，结案最快",
                 CaseMix(size=0.2, livelihood=0.5, target=0.5, speed=0.55, simple_share=0.55),
                 complex_teams=1, staff=0.5),
    CourtProfile("内0205", "包头市石拐区人民法院", "石拐区法院", "basic",
                 "矿区小院：收案最少，民生案件多，结案快",
                 CaseMix(size=0.12, livelihood=0.35, target=0.7, speed=0.7, simple_share=0.5),
                 complex_teams=1, staff=0.4),
)


def _n(base: int, staff: float) -> int:
    return max(1, round(base * staff))


def _teams(profile: CourtProfile) -> tuple[TeamSpec, ...]:
    s = profile.staff
    names = {"center": "执行指挥中心", "simple": "简案团队", "preservation": "保全团队"}
    numerals = "一二三四五"
    complex_keys = [f"complex{i + 1}" for i in range(profile.complex_teams)]
    for i, key in enumerate(complex_keys):
        names[key] = "繁案团队" if profile.complex_teams == 1 else f"繁案{numerals[i]}团队"
    names.update(profile.team_names)
    specs = [TeamSpec("center", names["center"], "center",
                      (("judge", 1), ("assistant", _n(4, s)), ("clerk", _n(2, s)), ("bailiff", _n(4, s)))),
             TeamSpec("simple", names["simple"], "simple",
                      (("judge", _n(3, s)), ("assistant", _n(3, s)), ("clerk", _n(3, s)), ("bailiff", 1)))]
    specs += [TeamSpec(key, names[key], "complex",
                       (("judge", _n(3, s)), ("assistant", _n(3, s)), ("clerk", _n(2, s)), ("bailiff", _n(2, s))))
              for key in complex_keys]
    specs.append(TeamSpec("preservation", names["preservation"], "preservation",
                          (("judge", _n(1, s)), ("assistant", _n(2, s)), ("clerk", 1))))
    return tuple(specs)


def court_spec(profile: CourtProfile, scale: float = 1.0) -> CourtSpec:
    """The organisation `build_org` writes for a profile; `scale` multiplies its case volume."""
    if profile.article:
        return ARTICLE_COURT
    return CourtSpec(code=profile.code, name=profile.name, short_name=profile.short_name,
                     level=profile.level, teams=_teams(profile), movers={},
                     mix=replace(profile.mix, size=profile.mix.size * scale))


def profile_of(code: str) -> CourtProfile | None:
    return next((p for p in REGION if p.code == code), None)
