"""督办, 终本合格 and 专项行动 commands: `supervision …`, `compliance`, `campaign …`."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import click

from dashboard.cli.common import (
    DATE,
    actor_id,
    case_ref,
    court_today,
    echo_json,
    echo_table,
    open_session,
)
from db.campaigns import figures
from db.campaigns import measures as campaigns
from db.indicators import load_indicator_settings
from db.nodes import compliance
from db.supervision import orders as sv

TARGETS = click.Choice(list(sv.TARGET_KINDS))


@click.group(help="督办：下发、反馈、办结、逾期与统计")
def supervision() -> None:
    pass


@supervision.command("issue", help="下发督办（对节点、案件、承办人或团队）")
@click.option("--target", "target_kind", type=TARGETS, required=True, help="督办对象类型")
@click.option("--case", "case", help="案号或案件 id（节点、案件督办）")
@click.option("--node", "node_key", help="节点键（节点督办）")
@click.option("--team", "team_id", type=int)
@click.option("--officer", "officer_id", type=int)
@click.option("--subject", required=True, help="督办事项")
@click.option("--reason", default="", help="督办理由")
@click.option("--due", type=DATE, required=True, help="办理期限 YYYY-MM-DD")
@click.option("--actor", required=True, help="下发人用户名")
def issue(target_kind: str, case: str | None, node_key: str | None, team_id: int | None,
          officer_id: int | None, subject: str, reason: str, due: dt.datetime, actor: str) -> None:
    with open_session(write=True) as (session, _):
        order_id = sv.issue(
            session, target_kind=target_kind, subject=subject, reason=reason, due_on=due.date(),
            actor_id=actor_id(session, actor), case_id=case_ref(session, case), node_key=node_key,
            team_id=team_id, officer_id=officer_id,
        )
    click.echo(f"已下发督办 {order_id}")


def _step_command(action: str, help_text: str) -> click.Command:
    @click.command(action.replace("_", "-"), help=help_text)
    @click.argument("order_id", type=int)
    @click.option("--note", required=True, help="说明（反馈内容、办结意见或退回理由）")
    @click.option("--actor", required=True, help="操作人用户名")
    def command(order_id: int, note: str, actor: str) -> None:
        with open_session(write=True) as (session, _):
            status = sv.apply(session, order_id, action, note=note, actor_id=actor_id(session, actor))
        click.echo(f"督办 {order_id} 现为“{sv.ORDER_STATUSES[status]}”")

    return command


for _action, _help in (("answer", "反馈督办（承办人填写办理情况）"), ("close", "办结督办"),
                       ("send_back", "退回重办")):
    supervision.add_command(_step_command(_action, _help))


@supervision.command("sweep", help="把到期未反馈的督办记为逾期（定时任务也可调用）")
@click.option("--today", type=DATE)
def sweep(today: dt.datetime | None) -> None:
    with open_session(write=True) as (session, settings):
        ids = sv.sweep_overdue(session, court_today(settings, today))
    click.echo(f"新记逾期 {len(ids)} 件：{ids}")


@supervision.command("list", help="督办列表（按状态、团队筛选）")
@click.option("--status", type=click.Choice(list(sv.ORDER_STATUSES)))
@click.option("--team", "team_id", type=int)
@click.option("--today", type=DATE)
@click.option("--json", "as_json", is_flag=True)
def list_cmd(status: str | None, team_id: int | None, today: dt.datetime | None, as_json: bool) -> None:
    with open_session() as (session, settings):
        rows = sv.list_orders(session, court_today(settings, today), status=status, team_id=team_id)
    if as_json:
        return echo_json(rows)
    echo_table([[o["id"], o["status_label"], f"期限 {o['due_on']}", o["subject"], o["case_number"],
                 o["team_name"], o["officer_name"]] for o in rows])


@supervision.command("show", help="一件督办的全部流转记录（谁、何时、做了什么）")
@click.argument("order_id", type=int)
def show(order_id: int) -> None:
    with open_session() as (session, _):
        steps = sv.order_steps(session, order_id)
    if not steps:
        raise click.ClickException(f"督办“{order_id}”不存在")
    echo_table([[step["at"], step["status_label"], step["actor"], step["note"]] for step in steps])


@supervision.command("stats", help="各团队督办统计：在办、逾期、办结、按期办结")
@click.option("--today", type=DATE)
def stats(today: dt.datetime | None) -> None:
    with open_session() as (session, settings):
        rows = sv.team_stats(session, court_today(settings, today))
    echo_table([[t["name"], f"共 {t['total']}", f"在办 {t['open']}", f"逾期 {t['overdue']}",
                 f"办结 {t['closed']}", f"按期办结 {t['closed_on_time']}"] for t in rows])


@click.command("compliance", help="终本合格率与不合格案件（按结案日期区间）")
@click.option("--from", "start", type=DATE, required=True)
@click.option("--to", "end", type=DATE, required=True)
@click.option("--team", "team_id", type=int)
@click.option("--cases", "show_cases", is_flag=True, help="列出不合格案件及其不合格项")
@click.option("--json", "as_json", is_flag=True)
def compliance_cmd(start: dt.datetime, end: dt.datetime, team_id: int | None, show_cases: bool,
                   as_json: bool) -> None:
    teams = (team_id,) if team_id else ()
    with open_session() as (session, _):
        summary = compliance.compliance_summary(session, start.date(), end.date(), team_ids=teams)
        rows = compliance.compliance_cases(session, start.date(), end.date(), team_ids=teams) if show_cases else []
    if as_json:
        return echo_json({**summary, "failing_cases": rows})
    click.echo(f"终本案件 {summary['cases']} 件，合格 {summary['compliant']} 件，终本合格率 {summary['rate']}%")
    echo_table([[f"  {c['label']}", f"不合格 {c['failing']} 件"] for c in summary["failing_by_check"]])
    echo_table([[r["case_number"], r["closed_on"], "；".join(r["failing_labels"])] for r in rows])


@click.group(help="专项行动：定义与实时战果")
def campaign() -> None:
    pass


@campaign.command("list", help="专项行动列表：起止日期、目标案件数、是否进行中")
@click.option("--today", type=DATE)
def campaign_list(today: dt.datetime | None) -> None:
    with open_session() as (session, settings):
        rows = campaigns.list_campaigns(session, court_today(settings, today))
    echo_table([[c["id"], c["name"], c["started_on"], c["ended_on"], f"目标案件 {c['targets']}",
                 "进行中" if c["running"] else ""] for c in rows])


@campaign.command("show", help="一次专项行动的战果")
@click.argument("campaign_id", type=int)
@click.option("--today", type=DATE)
def campaign_show(campaign_id: int, today: dt.datetime | None) -> None:
    with open_session() as (session, settings):
        echo_json(campaigns.campaign_results(session, campaign_id, court_today(settings, today)))


@campaign.command("report", help="专项行动战报的数字（与页面、大屏、战报、Excel 相同）：各统计项的完成、目标与进度")
@click.argument("campaign_id", type=int)
@click.option("--today", type=DATE)
@click.option("--explain", "explain_key", default=None,
              help="列出该统计项背后的案件/款项/事项，如 closed；指标目标写 ind.<指标>，如 ind.closure_rate")
def campaign_report_cmd(campaign_id: int, today: dt.datetime | None, explain_key: str | None) -> None:
    with open_session() as (session, settings):
        day = court_today(settings, today)
        tz = ZoneInfo(settings["TIMEZONE"])
        indicator_settings = load_indicator_settings(settings["INDICATOR_SETTINGS"] or None)
        if explain_key and explain_key.startswith("ind."):
            parts = figures.explain_indicator(session, campaign_id, explain_key, day,
                                              settings=indicator_settings)
            for part, title in (("numerator", "分子"), ("denominator", "分母")):
                click.echo(f"{title}：{len(parts[part])} 条")
                echo_table([[r["case_number"], r["filed_on"], r["closed_on"] or "", r.get("value", "")]
                            for r in parts[part]])
            return
        if explain_key:
            offset = int((dt.datetime.combine(day, dt.time(12), tzinfo=tz).utcoffset() or dt.timedelta(0))
                         .total_seconds() // 60)
            rows = figures.explain(session, campaign_id, explain_key, day, offset_minutes=offset)
            echo_table([[r["day"], r["case_number"], "" if r["amount"] is None else f"{r['amount']:.2f}"]
                        for r in rows])
            return
        report = figures.campaign_report(session, campaign_id, day, tz=tz, settings=indicator_settings)
    click.echo(f"{report['name']}  {report['start']} 至 {report['end']}  {report['status_label']}  "
               f"时间进度 {report['time_progress'] * 100:.1f}%  数据截至 {report['as_of'] or '—'}")
    echo_table([[m["key"], m["label"], m["value"], m["unit"], m["target"] or "",
                 "" if m["progress"] is None else f"{m['progress'] * 100:.1f}%", "落后" if m["behind"] else ""]
                for m in report["measures"]])
    if report["indicators"]:
        click.echo("指标目标（全院口径，限本行动范围和期间）：")
        echo_table([[f["key"], f["label"], f["display"], f["numerator"], "" if f["denominator"] is None
                     else f["denominator"], f"{f['rule']} {f['target']:g}",
                     "" if f["progress"] is None else f"{f['progress'] * 100:.1f}%",
                     "暂无数据" if f["value"] is None else "达标" if f["met"] else
                     ("未达标" if f["denominator"] is not None else "落后") if f["behind"] else "达到时间进度"]
                    for f in report["indicators"]])


@campaign.command("create", help="定义专项行动：目标为给定案件及所选团队开始时在办的案件")
@click.option("--court", "court_id", type=int, required=True)
@click.option("--name", required=True)
@click.option("--from", "start", type=DATE, required=True)
@click.option("--to", "end", type=DATE, required=True)
@click.option("--case", "cases", multiple=True, help="案号或案件 id，可重复")
@click.option("--team", "team_ids", type=int, multiple=True, help="团队 id，可重复")
@click.option("--description", default="")
def campaign_create(court_id: int, name: str, start: dt.datetime, end: dt.datetime,
                    cases: tuple[str, ...], team_ids: tuple[int, ...], description: str) -> None:
    with open_session(write=True) as (session, _):
        new_id = campaigns.create_campaign(
            session, court_id=court_id, name=name, started_on=start.date(), ended_on=end.date(),
            description=description, case_ids=[i for c in cases if (i := case_ref(session, c)) is not None], team_ids=team_ids,
        )
    click.echo(f"已创建专项行动 {new_id}")


def register(group: click.Group) -> None:
    for command in (supervision, compliance_cmd, campaign):
        group.add_command(command)
