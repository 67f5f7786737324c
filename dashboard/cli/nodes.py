"""Node-control commands: `nodes` (status, rules, renewals, payments)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import click

from dashboard.cli.common import (
    DATE,
    court_today,
    echo_json,
    echo_row,
    echo_table,
    open_session,
    rules_for,
)
from dashboard.cli.indicators import chosen_court
from dashboard.config import load_settings
from db.nodes.ageing import payment_ageing
from db.nodes.counts import node_list, node_summary
from db.nodes.rules import RuleSet, source_parts
from db.nodes.sql import STATUSES, NodeFilter
from db.nodes.views import renewal_reminders
from db.snapshot.builder import load_org, node_courts


@click.group(help="节点管控：节点状态、规则、续封提醒、案款账龄")
def nodes() -> None:
    pass


@nodes.command("rules", help="列出生效的节点规则（全国默认 + 本地规则）并校验规则文件")
def nodes_rules() -> None:
    try:
        rules = rules_for(load_settings())
    except ValueError as exc:  # the loader names the node and field in Chinese
        raise click.ClickException(str(exc)) from None
    click.echo(f"规则文件：{'，'.join(rules.files)}  版本 {rules.digest()}")
    for r in rules.nodes:
        start = "、".join(r.start) or "到账日"
        local = "（本地）" if r.local else ""
        echo_row([f"{r.key}{local}", r.name, r.kind, f"起算 {start}", f"期限 {r.limit_text()}",
              f"提前 {r.warn} 天预警", "/".join(r.categories)])
        text, tag, _note = source_parts(r.source)
        click.echo(f"      依据：{text}" + (f"（{tag}）" if tag else ""))
    cover = rules.calendar.coverage()
    click.echo(f"节假日日历：完整年度 {cover['complete']}，待补全年度 {cover['incomplete']}")
    warn_calendar(rules, court_today(load_settings(), None))


def warn_calendar(rules: RuleSet, day: dt.date) -> None:
    """Warn (stderr) when this or next year's holiday schedule is missing from the calendar."""
    for line in rules.calendar.coverage_warnings(day):
        click.secho(f"警告：{line}", fg="yellow", err=True)


@nodes.command("status", help="节点状态汇总（按节点、按团队），或 --list 列出超期/临期明细")
@click.option("--today", type=DATE, help="统计日（默认法院所在时区的今天）")
@click.option("--team", "team_id", type=int, help="只看某团队")
@click.option("--officer", "officer_id", type=int, help="只看某承办人")
@click.option("--node", "node_key", help="只看某节点")
@click.option("--list", "as_list", is_flag=True, help="列出超期和临期的节点明细")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--court", "court_code", help="汇总哪个法院及其辖区（法院代字；默认 COURT_CODE，即看板的法院）")
def nodes_status(today: dt.datetime | None, team_id: int | None, officer_id: int | None,
                 node_key: str | None, as_list: bool, limit: int, as_json: bool,
                 court_code: str | None) -> None:
    with open_session() as (session, settings):
        day, rules = court_today(settings, today), rules_for(settings)
        warn_calendar(rules, day)
        if as_list or team_id or officer_id or node_key:
            flt = NodeFilter(team_ids=(team_id,) if team_id else (),
                             officer_ids=(officer_id,) if officer_id else (),
                             nodes=(node_key,) if node_key else ())
            rows = node_list(session, day, rules, filters=flt, limit=limit)
            return echo_json(rows) if as_json else _print_rows(rows, day)
        # the wall's 节点管控 section: the court and its 辖区 (builder.node_courts)
        court = chosen_court(session, court_code)
        summary = node_summary(session, day, rules,
                               courts=node_courts(session, load_org(session, court)))
    if as_json:
        return echo_json(summary)
    click.echo(f"{court.name}节点状态（{summary['as_of']}，规则 {summary['rules']}）")
    labels = [STATUSES[s].label for s in STATUSES]
    echo_table([["节点", *labels], *[[n["name"], *[n[s] for s in STATUSES]] for n in summary["by_node"]],
                ["合计", *[summary["totals"][s] for s in STATUSES]]])
    echo_table([[f"团队 {t['name']}", f"超期 {t['overdue']}", f"临期 {t['due_soon']}",
                 f"在办 {t['open_cases']}", f"平均超期 {t['avg_overdue']}"] for t in summary["by_team"]])
    s = summary["supervision"]
    click.echo(f"督办：在办 {s['open']}（逾期 {s['overdue']}），已办结 {s['closed']}")


def _print_rows(rows: list[dict[str, Any]], day: dt.date) -> None:
    click.echo(f"{day} 共 {len(rows)} 条")
    echo_table([[r["case_number"], r["node_name"], r["status_label"], f"期限 {r['deadline']}",
                 f"剩 {r['days_left']} 天" if r["days_left"] >= 0 else f"超 {-r['days_left']} 天",
                 r["team_name"], r["officer_name"]] for r in rows])


@nodes.command("renewals", help="续封提醒：即将届满或已届满未续的查封、扣押、冻结")
@click.option("--today", type=DATE)
@click.option("--team", "team_id", type=int)
@click.option("--limit", default=100, show_default=True)
def nodes_renewals(today: dt.datetime | None, team_id: int | None, limit: int) -> None:
    with open_session() as (session, settings):
        day = court_today(settings, today)
        flt = NodeFilter(team_ids=(team_id,) if team_id else ())
        rows = renewal_reminders(session, day, rules_for(settings), filters=flt, limit=limit)
    click.echo(f"{day} 续封提醒 {len(rows)} 条")
    echo_table([[r["case_number"], r["measure_label"], f"届满 {r['deadline']}",
                 f"剩 {r['days_left']} 天" if r["days_left"] >= 0 else f"已过期 {-r['days_left']} 天",
                 r["team_name"], r["officer_name"]] for r in rows])


@nodes.command("payments", help="案款账龄：已到账未发放的案款（5/10/15/30 日分段）")
@click.option("--today", type=DATE)
@click.option("--team", "team_id", type=int)
def nodes_payments(today: dt.datetime | None, team_id: int | None) -> None:
    with open_session() as (session, settings):
        day = court_today(settings, today)
        ageing = payment_ageing(session, day, team_ids=(team_id,) if team_id else ())
    click.echo(f"{day} 未发放案款 {ageing['count']} 笔，{ageing['amount']} 元，最久 {ageing['oldest_days']} 天")
    echo_table([[b["label"], f"{b['count']} 笔", f"{b['amount']} 元"] for b in ageing["bands"]])


def register(group: click.Group) -> None:
    group.add_command(nodes)
