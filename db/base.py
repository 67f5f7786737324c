"""Declarative base with a naming convention so Alembic migrations are stable."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, Numeric, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The largest amount any money column accepts, on every database (docs/counting.md "金额"):
# SQLite keeps NUMERIC as an 8-byte float, exact to 15 significant digits, so 13 digits of
# 元 and 2 of 分 read back and sum (as whole cents, db/indicators/dialect.py) exactly there
# too. PostgreSQL and MariaDB could hold more; one limit keeps the three alike.
MAX_MONEY = Decimal("9999999999999.99")
MAX_MONEY_TEXT = "9,999,999,999,999.99 元"


class MoneyLimitError(ValueError):
    """An amount beyond MAX_MONEY (the message is Chinese and names the value)."""


def check_money(amount: Decimal, label: str = "金额") -> Decimal:
    """Return `amount`, or raise MoneyLimitError when its size exceeds MAX_MONEY."""
    if abs(amount) > MAX_MONEY:
        raise MoneyLimitError(f"{label}“{amount}”超过上限 {MAX_MONEY_TEXT}"
                              "（超过此值的金额不能在所有数据库上精确保存）")
    return amount


class _Money(TypeDecorator[Decimal]):
    """NUMERIC(18, 2) that refuses amounts beyond MAX_MONEY on every write path (ORM, Core)."""

    impl = Numeric(18, 2, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is not None:
            check_money(Decimal(str(value)))
        return value


# Money is exact: 18 digits, 2 decimals (元.角分), never float; at most MAX_MONEY.
Money = _Money()
ZERO = Decimal("0.00")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class, typed as a Table (for Core multi-row inserts)."""
    return Base.metadata.tables[model.__tablename__]
