"""`import FILE`, `import history`, `import undo BATCH`, `import template`; `court add/list`."""
from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from dashboard.cli.common import echo_json, echo_table, open_session
from db.imports import (
    ImportFailed,
    Limits,
    UndoError,
    history,
    run_import,
    save_mapping,
    template_workbook,
    undo,
)
from db.models import Court

EXIT_REJECTED = 2


class _ImportGroup(click.Group):
    """`import FILE …` runs the hidden `file` command; `import history|undo|template` the others."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


@click.group("import", cls=_ImportGroup, help="导入本院数据：import 文件 [选项]；import history；import undo 批次号")
def import_group() -> None:
    pass


def _mapping(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
        return tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"列映射文件“{path}”无法读取：{exc}") from None


class _Progress:
    """A progress bar on a terminal (rows read of the sheet; a counter when the total is unknown)."""

    def __init__(self) -> None:
        self.on = sys.stderr.isatty()
        self.sheet = ""

    def __call__(self, sheet: str, done: int, total: int | None) -> None:
        if not self.on:
            return
        if total:
            width = 30
            filled = int(width * min(done, total) / total)
            bar = "#" * filled + "-" * (width - filled)
            click.echo(f"\r{sheet} [{bar}] {done:,}/{total:,} 行", nl=False, err=True)
        else:
            click.echo(f"\r{sheet} 已读 {done:,} 行", nl=False, err=True)
        self.sheet = sheet

    def close(self) -> None:
        if self.on and self.sheet:
            click.echo("", err=True)


def _failure(message: str, fmt: str) -> None:
    if fmt == "json":
        echo_json({"batch": None, "new": 0, "updated": 0, "unchanged": 0, "rejected": 0, "sheets": {},
                   "ignored_columns": {}, "errors": [{"sheet": None, "row": None, "column": None,
                                                      "value": None, "message": message}]})
    else:
        click.echo(f"文件被拒绝，未写入任何数据：{message}", err=True)
    sys.exit(EXIT_REJECTED)


def _report(result: Any, rejects: Path | None) -> None:
    data = result.as_dict()
    if result.rejected:
        click.echo(f"文件被拒绝，未写入任何数据：共 {len(result.errors)} 处错误")
    elif result.dry_run:
        click.echo("试运行（未写入）：")
    elif len(result.batches) > 1:
        click.echo(f"已导入 {len(result.batches)} 个法院的数据，每个法院一个批次（可分别撤销）：")
        for code, batch in result.batches.items():
            click.echo(f"  {code or '（未指定法院）'}：批次 {batch}（撤销：python -m dashboard import undo {batch}）")
    else:
        click.echo(f"已导入，批次 {result.batch}（撤销：python -m dashboard import undo {result.batch}）")
    click.echo(f"新增 {data['new']}  更新 {data['updated']}  未变 {data['unchanged']}  "
               f"删除 {data['deleted']}  拒绝 {data['rejected']}")
    echo_table([[f"  {name}", f"新增 {counts['new']}", f"更新 {counts['updated']}", f"未变 {counts['unchanged']}",
                 f"删除 {counts['deleted']}", f"拒绝 {counts['rejected']}"] for name, counts in data["sheets"].items()])
    for name, headers in data["ignored_columns"].items():
        click.echo(f"  {name}表中未识别、已忽略的列：{'、'.join(headers)}（可用 --mapping 指定）")
    if data["ignored_sheets"]:
        click.echo(f"  未识别、已忽略的工作表：{'、'.join(data['ignored_sheets'])}")
    for error in result.errors[:200]:
        click.echo(f"  ✗ {error['message']}")
    if len(result.errors) > 200:
        click.echo(f"  …… 另有 {len(result.errors) - 200} 处错误（--format json 列出全部）")
    if rejects is not None:
        click.echo(f"被拒绝的行已写入 {rejects}（改正后可再次导入）")


@import_group.command("file", hidden=True, help="导入一个工作簿或 CSV 文件")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="CSV 文件对应的工作表（人员、案件、当事人、分案记录、扣除期限、延长期限、案款、执行事件）")
@click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="列映射文件（JSON 或 TOML：{工作表: {表头: 字段}}）；导入成功后保存为本院的列映射")
@click.option("--dry-run", is_flag=True, help="只校验并统计，不写入")
@click.option("--skip-invalid", is_flag=True, help="写入有效的行，错误行另存为“拒绝行”工作簿")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式")
@click.option("--court", help="导入到哪个法院（法院代字）；数据库只有一个法院时可省略")
@click.option("--actor", default=None, help="记录在批次上的导入人（默认当前系统用户）")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="拒绝行工作簿的保存位置（默认与文件同目录的 “文件名.拒绝行.xlsx”）")
def import_file(path: Path, sheet: str | None, mapping_path: Path | None, dry_run: bool, skip_invalid: bool,
                fmt: str, court: str | None, actor: str | None, rejects: Path | None) -> None:
    mapping = _mapping(mapping_path)
    progress = _Progress()
    with open_session(write=True) as (session, settings):
        try:
            result = run_import(session, path, actor=actor or _user(), mapping=mapping, dry_run=dry_run,
                                skip_invalid=skip_invalid, court=court, progress=progress, sheet=sheet,
                                limits=Limits(max_bytes=int(settings["IMPORT_MAX_MB"]) * 1024 * 1024),
                                tz=settings["TIMEZONE"])
        except ImportFailed as exc:
            progress.close()
            session.rollback()
            _failure(str(exc), fmt)
            return
        progress.close()
        if mapping is not None and result.written and result.batch is not None:
            court_id = session.scalar(select(Court.id).where(Court.code == court)) if court else \
                session.scalar(select(Court.id))
            if court_id is not None:
                save_mapping(session, court_id, mapping)
        written_rejects = None
        if skip_invalid and result.rejected_rows and not dry_run:
            written_rejects = rejects or path.with_name(f"{path.stem}.拒绝行.xlsx")
            result.write_rejects(written_rejects)
    if fmt == "json":
        echo_json(result.as_dict())
    else:
        _report(result, written_rejects)
    if result.rejected:
        sys.exit(EXIT_REJECTED)


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


@import_group.command("history", help="列出导入批次（最新的在前）")
@click.option("--limit", default=50, show_default=True, help="最多列出多少批")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式")
def import_history(limit: int, fmt: str) -> None:
    with open_session() as (session, settings):
        rows = history(session, limit)
    tz = ZoneInfo(settings["TIMEZONE"])
    if fmt == "json":
        echo_json(rows)
        return
    if not rows:
        click.echo("还没有导入批次")
    echo_table([[b["id"], f"{b['started_at'].replace(tzinfo=dt.UTC).astimezone(tz):%Y-%m-%d %H:%M}", b["actor"],
                 b["file_name"], b["court"] or "-", "已撤销" if b["status"] == "undone" else "有效",
                 f"新增 {b['new']}", f"更新 {b['updated']}", f"未变 {b['unchanged']}", f"删除 {b['deleted']}",
                 f"拒绝 {b['rejected']}", b["sha256"][:12]] for b in rows])


@import_group.command("undo", help="撤销一个导入批次（之后没有其他批次改动同样的数据时）")
@click.argument("batch", type=int)
@click.option("--actor", default=None, help="记录的撤销人（默认当前系统用户）")
def import_undo(batch: int, actor: str | None) -> None:
    with open_session(write=True) as (session, _):
        try:
            restored = undo(session, batch, actor or _user())
        except UndoError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"已撤销导入批次 {batch}：恢复 {sum(restored.values())} 行")


@import_group.command("template", help="输出标准导入模板工作簿（各工作表、表头和示例行）")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def import_template(out: Path) -> None:
    out.write_bytes(template_workbook())
    click.echo(f"标准模板已写入 {out}")


@import_group.command("sync", help="立即运行定时同步源（SYNC_SOURCES 配置文件中的各个源）")
@click.option("--full", is_flag=True, help="全量比对（不用变更时间水位）")
@click.option("--source", "only", help="只运行这个名称的同步源")
@click.option("--sources", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="同步源配置文件（默认为设置 SYNC_SOURCES）")
def import_sync(full: bool, only: str | None, path: Path | None) -> None:
    from dashboard.config import load_settings
    from db.imports.sync import SyncConfigError, load_sources, run_all
    from db.session import make_engine, make_session_factory

    settings = load_settings()
    where = path or settings["SYNC_SOURCES"]
    if not where:
        raise click.ClickException("没有配置同步源：设置 DASHBOARD_SYNC_SOURCES 或使用 --sources")
    try:
        sources = [s for s in load_sources(where) if only is None or s.name == only]
    except SyncConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if not sources:
        raise click.ClickException(f"没有名为“{only}”的同步源")
    engine = make_engine(settings["DATABASE_URL"])
    try:
        outcomes = run_all(make_session_factory(engine), sources, full=full, tz=settings["TIMEZONE"])
    finally:
        engine.dispose()
    for o in outcomes:
        if o.ok and o.result is not None:
            d = o.result.as_dict()
            click.echo(f"{o.name}：批次 {d['batch']}，新增 {d['new']} 更新 {d['updated']} 未变 {d['unchanged']} "
                       f"删除 {d['deleted']}")
        else:
            click.echo(f"{o.name}：失败（连续 {o.failures} 次），保留上次数据：{o.error}")
    if not all(o.ok for o in outcomes):
        sys.exit(1)


@click.group("court", help="法院：登记与列出（法院代字即案号中的代字，如 内0221）")
def court_group() -> None:
    pass


@court_group.command("add", help="登记一个法院")
@click.option("--code", required=True, help="法院代字，如 内0299（与案号一致）")
@click.option("--name", required=True, help="法院名称")
@click.option("--short-name", default="", help="简称")
def court_add(code: str, name: str, short_name: str) -> None:
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise click.ClickException("法院代字和名称不能为空")
    with open_session(write=True) as (session, _):
        if session.scalar(select(Court.id).where(Court.code == code)) is not None:
            raise click.ClickException(f"法院代字“{code}”已登记")
        session.add(Court(code=code, name=name, short_name=short_name))
    click.echo(f"已登记法院 {code} {name}")


@court_group.command("list", help="列出已登记的法院")
def court_list() -> None:
    with open_session() as (session, _):
        courts = session.scalars(select(Court).order_by(Court.id)).all()
        if not courts:
            click.echo("还没有登记法院（python -m dashboard court add --code 法院代字 --name 法院名称）")
        echo_table([[c.code, c.name, c.short_name] for c in courts])


def register(group: click.Group) -> None:
    group.add_command(import_group)
    group.add_command(court_group)
