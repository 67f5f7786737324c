"""Indicator commands: `indicators` (values per scope of one court, `--court CODE`; `--children`:
the 辖区法院排名 of /region), `explain` (the cases behind one) and
`indicators-reference` (docs/indicators.md from the registry and the settings)."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from callbacks.desk.region_data import has_own_cases, rank_results, region_courts
from dashboard.cli.common import table_lines
from dashboard.config import load_settings
from db.indicators import Period, compute, explain, load_indicator_settings
from db.indicators.reference import COMMAND, REFERENCE_PATH, render_reference
from db.indicators.registry import CENTER
from db.indicators.settings import DEFAULT_PATH, IndicatorSettings
from db.indicators.texts import STATUS_WORDS
from db.models import Court, Officer, Team
from db.org.courts import court_tree
from db.session import make_engine
from db.snapshot.builder import pick_court

SCOPE_CHOICE = click.Choice(["court", "team", "officer"])
FORMAT_CHOICE = click.Choice(["table", "json"])
STATUS_LABELS = STATUS_WORDS


@contextmanager
def _session() -> Iterator[tuple[Session, IndicatorSettings]]:
    """Open a read session on DATABASE_URL and load INDICATOR_SETTINGS."""
    settings = load_settings()
    try:
        indicator_settings = load_indicator_settings(settings["INDICATOR_SETTINGS"] or None)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    engine = make_engine(settings["DATABASE_URL"])
    try:
        with Session(engine) as session:
            yield session, indicator_settings
    finally:
        engine.dispose()


def _period(_ctx: Any, _param: Any, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _run(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise click.ClickException(
            f"数据库查询失败：{reason}（数据库未初始化时请先运行 python -m dashboard init-db）"
        ) from None


def _table(results: list[dict[str, Any]]) -> str:
    header = ("指标", "数值", "分子/分母", "对比期", "变化", "状态")
    lines = []
    for entity in results:
        lines.append(f"== {entity['name']}（{entity['scope']} {entity['id']}）==")
        rows: list[list[Any]] = [list(header)]
        for item in entity["indicators"].values():
            ratio = str(item["numerator"])
            if item["denominator"] is not None:
                ratio += f"/{item['denominator']}"
            rows.append([item["name"], item["display"], ratio, item["compare_display"] or "",
                         item["delta_display"] or "", STATUS_LABELS[item["status"]]])
        lines.extend(table_lines(rows))
        lines.append("")
    return "\n".join(lines)


def chosen_court(session: Session, code: str | None) -> Court:
    """The court of --court CODE, else the configured one (COURT_CODE, else the first court)."""
    chosen = code if code is not None else load_settings()["COURT_CODE"] or ""
    court = pick_court(session, chosen)
    if court is None:
        raise click.ClickException(f"法院代字“{chosen}”不存在" if chosen else
                                   "数据库中还没有法院数据，请先载入（python -m dashboard seed-demo）")
    return court


def _of_court(session: Session, scope: str, court: Court,
              results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """compute()'s default team or officer list narrowed to the court's own."""
    if scope == "court":
        return results
    model = Team if scope == "team" else Officer
    mine = set(session.scalars(select(model.id).where(model.court_id == court.id)))
    return [r for r in results if r["id"] in mine]


def _ranking(session: Session, settings: IndicatorSettings, court: Court, key: str,
             period: Period, compare: Period | bool | None) -> list[dict[str, Any]]:
    """The 辖区法院排名 of /region: the court's child courts (and the court itself as 本院 when it
    has its own cases) ranked on `key`, with the same figures, ranks and 名次变化."""
    if key not in settings.indicators:
        raise click.ClickException(f"未知的指标“{key}”（可选：{'、'.join(settings.indicators)}）")
    tree = court_tree(session)
    if not tree[court.id].children:
        raise click.ClickException(f"{court.name}没有下级法院（辖区法院排名只对有下级法院的法院计算）")
    rows = region_courts(tree, court.id, has_own_cases(session, court.id))
    labels = {r.node.id: r.label for r in rows}
    wanted = None if settings.indicators[key].group != CENTER else [key]
    results = compute(session, "court", ids=list(labels), period=period, compare=compare,
                      settings=settings, keys=wanted)
    out = []
    for ranked in rank_results(results, key, settings.indicators[key].direction):
        entry = ranked.result["indicators"][key]
        out.append({"rank": ranked.rank, "court_id": ranked.result["id"],
                    "court": labels[ranked.result["id"]], "key": key, "name": entry["name"],
                    "display": entry["display"], "value": entry["value"],
                    "numerator": entry["numerator"], "denominator": entry["denominator"],
                    "compare_display": entry["compare_display"], "delta_display": entry["delta_display"],
                    "status": entry["status"], "previous_rank": ranked.previous, "move": ranked.move})
    return out


def _ranking_table(court: Court, rows: list[dict[str, Any]]) -> str:
    name = rows[0]["name"] if rows else ""
    head = ["名次", "法院", name, "分子/分母", "对比期", "变化", "状态", "名次变化"]
    body: list[list[Any]] = [head]
    for r in rows:
        ratio = str(r["numerator"]) + (f"/{r['denominator']}" if r["denominator"] is not None else "")
        body.append([r["rank"] or "—", r["court"], r["display"], ratio, r["compare_display"] or "",
                     r["delta_display"] or "", STATUS_LABELS[r["status"]], r["move"]])
    return "\n".join([f"== {court.name}辖区法院排名：{name} ==", *table_lines(body)])


@click.command("indicators", help="计算质效指标（全院/团队/承办人），可与对比期比较；"
                                  "--children 为辖区法院排名")
@click.option("--period", required=True, callback=_period, help="统计期间 起始日:截止日")
@click.option("--scope", type=SCOPE_CHOICE, default="court", show_default=True)
@click.option("--id", "ids", type=int, multiple=True, help="只计算这些 id（可重复）")
@click.option("--court", "court_code", default=None,
              help="法院代字（如 内0221；默认为配置的法院 COURT_CODE）")
@click.option("--children", is_flag=True,
              help="辖区法院排名：按 --key 指标（默认结案率）给 --court 的下级法院排名，与 /region 同一数字")
@click.option("--compare", callback=_period, help="对比期间 起始日:截止日（默认上年同期）")
@click.option("--no-compare", is_flag=True, help="不计算对比期")
@click.option("--key", "keys", multiple=True, help="只计算这些指标（可重复）；--children 时为排名指标")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
def indicators_command(period: Period, scope: str, ids: tuple[int, ...], court_code: str | None,
                       children: bool, compare: Period | None, no_compare: bool,
                       keys: tuple[str, ...], fmt: str) -> None:
    if compare is not None and no_compare:
        raise click.UsageError("--compare 与 --no-compare 不能同时使用")
    if children and (scope != "court" or ids or len(keys) > 1):
        raise click.UsageError("--children 只用于 --scope court，不与 --id 同用，--key 至多一个")
    cmp: Period | bool | None = False if no_compare else compare
    with _session() as (session, settings):
        court = _run(lambda: chosen_court(session, court_code))
        if children:
            ranking = _run(lambda: _ranking(session, settings, court, (keys or ("closure_rate",))[0],
                                            period, cmp))
            click.echo(json.dumps(ranking, ensure_ascii=False, indent=2) if fmt == "json"
                       else _ranking_table(court, ranking))
            return
        results = _run(lambda: compute(
            session, scope, ids=list(ids) or ([court.id] if scope == "court" else None), period=period,
            compare=cmp, settings=settings, keys=list(keys) or None,
        ))
        if not ids:
            results = _of_court(session, scope, court, results)
    if fmt == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        click.echo(_table(results))


def _explain_text(key: str, rows: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for part, label in (("numerator", "分子"), ("denominator", "分母")):
        items = rows[part]
        lines.append(f"{label}（{len(items)} 行）：")
        for r in items:
            name = r.get("case_number") or r.get("name")
            extra = " ".join(
                f"{k}={r[k]}" for k in ("filed_on", "closed_on", "closing_method", "team",
                                         "officer", "value") if r.get(k) is not None
            )
            lines.append(f"  {name}  {extra}")
    return "\n".join(lines)


@click.command("explain", help="列出某项指标分子、分母背后的案件（与汇总同一筛选条件）")
@click.argument("indicator")
@click.option("--period", required=True, callback=_period, help="统计期间 起始日:截止日")
@click.option("--scope", type=SCOPE_CHOICE, default="court", show_default=True)
@click.option("--id", "entity", type=int, required=True, help="法院、团队或承办人的 id")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
def explain_command(indicator: str, period: Period, scope: str, entity: int, fmt: str) -> None:
    with _session() as (session, settings):
        rows = _run(lambda: explain(session, indicator, scope, entity, period, settings))
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(_explain_text(indicator, rows))


@click.command("indicators-reference",
               help="由指标注册表与指标配置生成指标参考文档（docs/indicators.md）")
@click.option("--settings", "settings_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="指标配置文件（默认 config/indicators.toml，不读环境变量）")
@click.option("--write", is_flag=True, help=f"写入 {REFERENCE_PATH.name}（默认打印到标准输出）")
@click.option("--check", is_flag=True, help="只比对：文档与生成结果不同时退出码为 1")
def reference_command(settings_file: Path | None, write: bool, check: bool) -> None:
    path = settings_file or DEFAULT_PATH
    try:
        text = render_reference(load_indicator_settings(path), path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if check:
        current = REFERENCE_PATH.read_text(encoding="utf-8") if REFERENCE_PATH.exists() else ""
        if current != text:
            raise click.ClickException(f"{REFERENCE_PATH} 已过期，请运行 {COMMAND}")
        click.echo(f"{REFERENCE_PATH} 与注册表一致")
    elif write:
        REFERENCE_PATH.write_text(text, encoding="utf-8")
        click.echo(f"已写入 {REFERENCE_PATH}")
    else:
        click.echo(text, nl=False)


def register(group: click.Group) -> None:
    group.add_command(indicators_command)
    group.add_command(explain_command)
    group.add_command(reference_command)
