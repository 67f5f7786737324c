"""Helpers the data commands share: a session with Chinese errors, dates, JSON and rows."""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dashboard.config import load_settings
from db.models import Case, User
from db.nodes.rules import RuleSet, load_rules_from_settings
from db.session import make_engine

DATE = click.DateTime(formats=["%Y-%m-%d"])


@contextmanager
def open_session(write: bool = False) -> Iterator[tuple[Session, dict[str, Any]]]:
    """A session on DATABASE_URL; commits when `write` and nothing failed."""
    settings = load_settings()
    engine = make_engine(settings["DATABASE_URL"])
    try:
        with Session(engine) as session:
            yield session, settings
            if write:
                session.commit()
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"数据库操作失败：{reason}（未初始化时请先运行 python -m dashboard init-db）") from None
    except ValueError as exc:  # ValidationError and friends carry a Chinese message
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()


def court_today(settings: dict[str, Any], value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.datetime.now(ZoneInfo(settings["TIMEZONE"])).date()


def rules_for(settings: dict[str, Any]) -> RuleSet:
    return load_rules_from_settings(settings)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_row(cells: list[Any]) -> None:
    click.echo("  ".join("" if c is None else str(c) for c in cells))


def display_width(text: str) -> int:
    """Terminal columns `text` takes: wide and full-width characters (汉字, 全角标点) count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal columns (never cut)."""
    return text + " " * max(width - display_width(text), 0)


def table_lines(rows: list[list[Any]], gap: str = "  ") -> list[str]:
    """Rows as text lines whose columns line up by display width (None prints as empty)."""
    texts = [["" if c is None else str(c) for c in row] for row in rows]
    widths: list[int] = []
    for row in texts:
        for i, cell in enumerate(row):
            if i == len(widths):
                widths.append(0)
            widths[i] = max(widths[i], display_width(cell))
    return [gap.join(pad(c, widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row)).rstrip()
            for row in texts]


def echo_table(rows: list[list[Any]]) -> None:
    """Print rows aligned by display width (see table_lines)."""
    for line in table_lines(rows):
        click.echo(line)


def actor_id(session: Session, username: str) -> int:
    """The user id of `username` (督办 steps record who acted)."""
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise click.ClickException(f"用户“{username}”不存在")
    return user_id


def case_ref(session: Session, ref: str | None) -> int | None:
    """A case by id or by 案号."""
    if ref is None:
        return None
    found = session.scalar(select(Case.id).where(Case.case_number == ref))
    if found is None and ref.isdigit():
        found = session.scalar(select(Case.id).where(Case.id == int(ref)))
    if found is None:
        raise click.ClickException(f"案件“{ref}”不存在")
    return found
