"""Declarative base with a naming convention so Alembic migrations are stable."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import MetaData, Numeric, Table
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Money is exact: 18 digits, 2 decimals (元.角分), never float.
Money = Numeric(18, 2, asdecimal=True)
ZERO = Decimal("0.00")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class, typed as a Table (for Core multi-row inserts)."""
    return Base.metadata.tables[model.__tablename__]
