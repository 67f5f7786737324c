"""Scheduled sync from a copy of the court's case-system database, through the same engine.

A source is a SQLAlchemy URL and, per standard sheet, a SELECT whose columns carry the
standard headers (or headers a `mapping` names). Sources are listed in a TOML file
(settings SYNC_SOURCES)::

    [[sources]]
    name = "审判流程系统"
    url = "env:CASE_DB_URL"          # or the URL itself; env:NAME keeps the password out of the file
    court = "内0221"                  # optional when the database has one court
    change_column = "变更时间"         # optional: a column every SELECT carries; enables incremental runs
    timeout_s = 120                   # connect and statement timeout on the source
    [sources.sheets]
    "案件" = "SELECT c.ah AS 案号, c.larq AS 立案日期, c.gxsj AS 变更时间 FROM zx_aj c"
    "当事人" = "SELECT ..."
    [sources.mapping]                 # optional {sheet: {column: field}}, as for files

With `change_column`, a run reads only the cases whose change time is at or after the
watermark (the newest change time of the last good run), and for a child sheet the complete
rows of every 案号 that has a changed row (the re-import meaning needs the complete list).
Without it, every run reads everything and the engine's compare writes only what differs.
Rows deleted at the source are not seen by an incremental run; a run with `full=True`
(``python -m dashboard import sync --full``) compares everything.

A failed run (the source unreachable, a SELECT failing, a row rejected) writes nothing,
keeps the watermark, counts the failure and keeps its message; the next run retries.
"""
from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db.imports.batches import utcnow
from db.imports.engine import ImportFailed, columns_of, run_sheets
from db.imports.result import ImportResult
from db.imports.schema import SHEETS
from db.imports.source import RawSheet
from db.models import SyncState


class SyncConfigError(ValueError):
    """The sources file is wrong; the message names the source and the key."""


@dataclass(frozen=True)
class SyncSource:
    name: str
    url: str
    sheets: Mapping[str, str]
    change_column: str = ""
    court: str | None = None
    mapping: Mapping[str, Any] | None = None
    timeout_s: int = 120
    extra: Mapping[str, Any] = field(default_factory=dict)

    def resolved_url(self) -> str:
        if self.url.startswith("env:"):
            value = os.environ.get(self.url[4:], "")
            if not value:
                raise SyncConfigError(f"同步源“{self.name}”的连接串取自环境变量 {self.url[4:]}，但它没有设置")
            return value
        return self.url


def load_sources(path: str | Path) -> list[SyncSource]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SyncConfigError(f"同步源配置文件“{path}”无法读取：{exc}") from None
    return sources_from_dict(data)


def sources_from_dict(data: Mapping[str, Any]) -> list[SyncSource]:
    out: list[SyncSource] = []
    for index, item in enumerate(data.get("sources", []), start=1):
        name = str(item.get("name") or f"同步源{index}")
        if not item.get("url"):
            raise SyncConfigError(f"同步源“{name}”缺少 url")
        sheets = dict(item.get("sheets") or {})
        if not sheets:
            raise SyncConfigError(f"同步源“{name}”没有 [sources.sheets]")
        for sheet in sheets:
            if sheet not in SHEETS:
                raise SyncConfigError(f"同步源“{name}”的工作表“{sheet}”不是标准工作表（{'、'.join(SHEETS)}）")
        if name in {s.name for s in out}:
            raise SyncConfigError(f"同步源名称“{name}”重复")
        out.append(SyncSource(name=name[:64], url=str(item["url"]), sheets=sheets,
                              change_column=str(item.get("change_column") or ""),
                              court=item.get("court"), mapping=item.get("mapping"),
                              timeout_s=int(item.get("timeout_s", 120))))
    return out


def source_engine(source: SyncSource) -> Engine:
    """An engine on the source with connect and statement timeouts (read only by use)."""
    url = make_url(source.resolved_url())
    backend = url.get_backend_name()
    args: dict[str, Any] = {}
    if backend == "postgresql":
        args = {"connect_timeout": 10, "options": f"-c statement_timeout={source.timeout_s * 1000}"}
    elif backend in ("mysql", "mariadb"):
        args = {"connect_timeout": 10, "read_timeout": source.timeout_s, "write_timeout": source.timeout_s}
    elif backend == "sqlite":
        args = {"timeout": 10}
    return create_engine(url, connect_args=args, pool_pre_ping=True)


def _parameter(watermark: str) -> Any:
    try:
        return dt.datetime.fromisoformat(watermark)
    except ValueError:
        return watermark


class _Reader:
    """One source connection; each sheet's SELECT is run when the engine reaches it."""

    def __init__(self, engine: Engine, source: SyncSource, watermark: str | None) -> None:
        self.engine = engine
        self.source = source
        self.watermark = watermark
        self.newest: Any = None
        self.quote = engine.dialect.identifier_preparer.quote

    def sheets(self) -> list[RawSheet]:
        out = []
        for sheet, query in self.source.sheets.items():
            base = query.strip().rstrip(";")
            with self.engine.connect() as conn:
                headers = list(conn.execute(text(f"SELECT * FROM ({base}) src WHERE 1 = 0")).keys())
            change = self.source.change_column
            if change and change not in headers:
                raise ImportFailed(f"同步源“{self.source.name}”的“{sheet}”查询没有变更时间列“{change}”")
            shown = ["" if h == change else h for h in headers]
            out.append(RawSheet(sheet, shown, self._rows(sheet, base, headers), kind="db"))
        return out

    def _query(self, sheet: str, base: str, headers: list[str]) -> tuple[str, dict[str, Any]]:
        change = self.source.change_column
        if not change or self.watermark is None:
            return f"SELECT * FROM ({base}) src", {}
        col = self.quote(change)
        params = {"wm": _parameter(self.watermark)}
        if sheet == "人员" or sheet == "案件":
            return f"SELECT * FROM ({base}) src WHERE src.{col} >= :wm", params
        columns, _ = columns_of(SHEETS[sheet], headers, self.source.mapping)
        number = next((c.header for c in columns if c.field.key == "case_number"), None)
        if number is None:
            return f"SELECT * FROM ({base}) src", {}
        key = self.quote(number)
        return (f"SELECT * FROM ({base}) src WHERE src.{key} IN "
                f"(SELECT chg.{key} FROM ({base}) chg WHERE chg.{col} >= :wm)", params)

    def _rows(self, sheet: str, base: str, headers: list[str]) -> Iterator[tuple[int, tuple[Any, ...], tuple[int, ...]]]:
        query, params = self._query(sheet, base, headers)
        change = headers.index(self.source.change_column) if self.source.change_column else None
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=1000).execute(text(query), params)
            for number, row in enumerate(result, start=2):
                values = tuple(row)
                if change is not None and values[change] is not None:
                    if self.newest is None or values[change] > self.newest:
                        self.newest = values[change]
                yield number, values, ()


@dataclass
class SyncOutcome:
    name: str
    ok: bool
    result: ImportResult | None = None
    error: str = ""
    failures: int = 0


def _state(session: Session, name: str) -> SyncState:
    state = session.get(SyncState, name)
    if state is None:
        state = SyncState(name=name, failures=0, last_error="")
        session.add(state)
        session.flush()
    return state


def run_source(sessions: sessionmaker[Session], source: SyncSource, *, full: bool = False,
               tz: str = "Asia/Shanghai") -> SyncOutcome:
    """One run of one source in its own transaction; failures are recorded, never raised."""
    with sessions() as session:
        watermark = None if full else _state(session, source.name).watermark
        session.commit()
    engine = None
    try:
        engine = source_engine(source)
        reader = _Reader(engine, source, watermark if source.change_column else None)
        with sessions() as session:
            result = run_sheets(session, reader.sheets(), name=source.name, actor=f"sync:{source.name}",
                                mapping=source.mapping, court=source.court, tz=tz, origin="sync",
                                fingerprint=f"watermark {watermark or '-'}")
            if result.rejected:
                first = "；".join(e["message"] for e in result.errors[:3])
                raise ImportFailed(f"同步数据有 {len(result.errors)} 处错误，未写入：{first}")
            state = _state(session, source.name)
            if reader.newest is not None:
                newest = reader.newest.isoformat() if hasattr(reader.newest, "isoformat") else str(reader.newest)
                state.watermark = max(newest, state.watermark or "")
            state.last_run_at = state.last_ok_at = utcnow()
            state.failures, state.last_error = 0, ""
            session.commit()
            return SyncOutcome(source.name, True, result)
    except Exception as exc:  # noqa: BLE001 - any failure keeps the last good data and is retried
        message = " ".join(str(getattr(exc, "orig", None) or exc).split())[:500]
        with sessions() as session:
            state = _state(session, source.name)
            state.failures = (state.failures or 0) + 1
            state.last_error = message
            state.last_run_at = utcnow()
            session.commit()
            return SyncOutcome(source.name, False, error=message, failures=state.failures)
    finally:
        if engine is not None:
            engine.dispose()


def run_all(sessions: sessionmaker[Session], sources: list[SyncSource], *, full: bool = False,
            tz: str = "Asia/Shanghai") -> list[SyncOutcome]:
    return [run_source(sessions, s, full=full, tz=tz) for s in sources]


def status(session: Session, alert_after: int = 3) -> list[dict[str, Any]]:
    """Every source's last run: for /healthz, the admin page and the wall notice."""
    out = []
    for s in session.scalars(select(SyncState).order_by(SyncState.name)):
        out.append({"name": s.name, "watermark": s.watermark, "last_run_at": s.last_run_at,
                    "last_ok_at": s.last_ok_at, "failures": s.failures, "last_error": s.last_error,
                    "alert": s.failures >= alert_after})
    return out


STATUS_KEY = "import_sync_status"


def json_safe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in row.items()} for row in rows]


def publish_status(cache: Any, rows: list[dict[str, Any]]) -> None:
    """Keep the sources' status in the shared cache: /healthz and the wall read it there."""
    cache.set(STATUS_KEY, json_safe(rows), timeout=0)


def cached_status(cache: Any) -> list[dict[str, Any]]:
    try:
        return list(cache.get(STATUS_KEY) or [])
    except Exception:  # noqa: BLE001 - a cache outage must not break /healthz or the banner
        return []


def notice_text(cache: Any) -> str | None:
    """The wall/desk banner when a source failed SYNC_ALERT_FAILURES times in a row."""
    alerts = [s for s in cached_status(cache) if s.get("alert")]
    if not alerts:
        return None
    parts = [f"“{s['name']}”已连续失败 {s['failures']} 次" for s in alerts]
    return "数据同步失败：" + "；".join(parts) + "，显示的是最后一次成功同步的数据"
