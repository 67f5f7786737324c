"""The scheduled sync with a real PostgreSQL and a real MariaDB database playing the court's
case system (its own table shapes and Chinese column comments, not the product's schema)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, select, text

from db.imports.sync import load_sources, run_source, sources_from_dict, status
from db.models import Case, CaseParty, ImportBatch, Payment
from tests.backends import server_database
from tests.db.imports.helpers import CN, with_court

T0 = dt.datetime(2024, 7, 1, 8, 0)


def _schema(backend: str) -> list[str]:
    def col(name: str, kind: str, comment: str) -> str:
        return f"{name} {kind} COMMENT '{comment}'" if backend == "mariadb" else f"{name} {kind}"

    tables = {
        "zx_aj": [col("ajbs", "INTEGER PRIMARY KEY", "案件标识"), col("ah", "VARCHAR(64) NOT NULL", "案号"),
                  col("larq", "DATE", "立案日期"), col("jarq", "DATE", "结案日期"), col("jafs", "VARCHAR(32)", "结案方式"),
                  col("cbbm", "VARCHAR(64)", "承办部门"), col("cbr", "VARCHAR(32)", "承办人"),
                  col("sqbd", "DECIMAL(18,2)", "申请执行标的金额"), col("sjdw", "DECIMAL(18,2)", "实际到位金额"),
                  col("gxsj", "TIMESTAMP NULL" if backend == "mariadb" else "TIMESTAMP", "更新时间")],
        "zx_dsr": [col("dsrbs", "INTEGER PRIMARY KEY", "当事人标识"), col("ajbs", "INTEGER", "案件标识"),
                   col("ssdw", "VARCHAR(16)", "诉讼地位"), col("mc", "VARCHAR(128)", "名称"),
                   col("zjhm", "VARCHAR(32)", "证件号码"),
                   col("gxsj", "TIMESTAMP NULL" if backend == "mariadb" else "TIMESTAMP", "更新时间")],
        "zx_ak": [col("kxbh", "VARCHAR(32) PRIMARY KEY", "案款编号"), col("ajbs", "INTEGER", "案件标识"),
                  col("dzrq", "DATE", "到账日期"), col("dzje", "DECIMAL(18,2)", "到账金额"),
                  col("gxsj", "TIMESTAMP NULL" if backend == "mariadb" else "TIMESTAMP", "更新时间")],
    }
    out = [f"CREATE TABLE {name} ({', '.join(cols)})" for name, cols in tables.items()]
    if backend == "postgresql":
        out += [f"COMMENT ON COLUMN zx_aj.{c} IS '{t}'" for c, t in (("ah", "案号"), ("larq", "立案日期"),
                                                                   ("sjdw", "实际到位金额"), ("gxsj", "更新时间"))]
    return out


CONFIG = {
    "change_column": "变更时间",
    "sheets": {
        "案件": "SELECT ah AS 案号, larq AS 立案日期, jarq AS 结案日期, jafs AS 结案方式, cbbm AS 承办团队, "
                "cbr AS 承办人, sqbd AS 申请执行标的金额, sjdw AS 实际到位金额, gxsj AS 变更时间 FROM zx_aj",
        "当事人": "SELECT a.ah AS 案号, d.ssdw AS 诉讼地位, d.mc AS 名称, d.zjhm AS 证件号码, d.gxsj AS 变更时间 "
                  "FROM zx_dsr d JOIN zx_aj a ON a.ajbs = d.ajbs",
        # raw column names, read through a mapping instead of aliases
        "案款": "SELECT a.ah AS ah, k.kxbh, k.dzrq, k.dzje, k.gxsj AS 变更时间 FROM zx_ak k JOIN zx_aj a ON a.ajbs = k.ajbs",
    },
    "mapping": {"案款": {"ah": "案号", "kxbh": "案款编号", "dzrq": "到账日期", "dzje": "到账金额"}},
}


@pytest.fixture(params=["postgresql", "mariadb"])
def source_url(request, tmp_path):
    with server_database(request.param, str(tmp_path)) as url:
        eng = create_engine(url)
        with eng.begin() as conn:
            for statement in _schema(request.param):
                conn.execute(text(statement))
            conn.execute(text("INSERT INTO zx_aj VALUES (:i, :ah, :la, :ja, :fs, '执行一团队', '张法官', :bd, :dw, :t)"), [
                {"i": 1, "ah": "(2024)内0299执1号", "la": dt.date(2024, 1, 5), "ja": dt.date(2024, 3, 1),
                 "fs": "执行完毕", "bd": 10000, "dw": 10000, "t": T0},
                {"i": 2, "ah": "（2024）内0299执2号", "la": dt.date(2024, 2, 1), "ja": None, "fs": None,
                 "bd": 5000, "dw": 0, "t": T0}])
            conn.execute(text("INSERT INTO zx_dsr VALUES (:i, :a, :s, :m, :z, :t)"), [
                {"i": 1, "a": 1, "s": "申请执行人", "m": "王某", "z": "150221199001011234", "t": T0},
                {"i": 2, "a": 1, "s": "被执行人", "m": "刘某", "z": "", "t": T0},
                {"i": 3, "a": 2, "s": "被执行人", "m": "某某公司", "z": "", "t": T0}])
            conn.execute(text("INSERT INTO zx_ak VALUES ('AK1', 1, :d, 10000, :t)"),
                         {"d": dt.date(2024, 2, 20), "t": T0})
        yield url, eng
        eng.dispose()


def _counts(factory):
    with factory() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Case, CaseParty, Payment))


def test_sync_full_then_incremental_then_failure(sqlite_engine, source_url) -> None:
    url, source_db = source_url
    factory = with_court(sqlite_engine)
    source = sources_from_dict({"sources": [{"name": "审判流程系统", "url": url, **CONFIG}]})[0]

    first = run_source(factory, source)
    assert first.ok, first.error
    assert first.result.sheets["案件"].new == 2 and _counts(factory) == (2, 3, 1)
    with factory() as s:
        assert s.scalar(select(Case.target_amount).where(Case.case_number == CN.format(2))) == Decimal("5000.00")
        assert status(s)[0]["watermark"].startswith("2024-07-01T08:00")

    again = run_source(factory, source)  # incremental: only the boundary rows, all unchanged
    assert again.ok and again.result.total("new") == again.result.total("updated") == 0

    later = T0 + dt.timedelta(hours=2)
    with source_db.begin() as conn:
        conn.execute(text("UPDATE zx_aj SET sjdw = 2500, gxsj = :t WHERE ajbs = 2"), {"t": later})
        conn.execute(text("UPDATE zx_dsr SET mc = '刘某某', gxsj = :t WHERE dsrbs = 2"), {"t": later})
    third = run_source(factory, source)
    assert third.ok, third.error
    assert third.result.sheets["案件"].updated == 1 and third.result.sheets["案件"].new == 0
    # the changed party's case is read whole (one row updated, its other row unchanged), and
    # the rows at the watermark once more (unchanged)
    parties = third.result.sheets["当事人"]
    assert (parties.updated, parties.new, parties.deleted) == (1, 0, 0) and parties.unchanged >= 1
    with factory() as s:
        assert s.scalar(select(Case.recovered_amount).where(Case.case_number == CN.format(2))) == Decimal("2500.00")
        assert "刘某某" in s.scalars(select(CaseParty.name)).all()
        assert s.scalar(select(func.count()).select_from(ImportBatch).where(ImportBatch.origin == "sync")) == 3

    with source_db.begin() as conn:  # the source now holds a bad row: nothing is written
        conn.execute(text("UPDATE zx_aj SET larq = :d, gxsj = :t WHERE ajbs = 1"),
                     {"d": dt.date(2023, 1, 1), "t": later + dt.timedelta(hours=1)})
    bad = run_source(factory, source)
    assert not bad.ok and "立案日期" in bad.error and bad.failures == 1
    with source_db.begin() as conn:
        conn.execute(text("DROP TABLE zx_ak"))
    broken = run_source(factory, source)
    assert not broken.ok and broken.failures == 2
    with factory() as s:
        state = status(s, alert_after=2)[0]
        assert state["alert"] and state["failures"] == 2 and "zx_ak" in state["last_error"]
        assert state["watermark"].startswith("2024-07-01T10:00")  # kept from the last good run
    assert _counts(factory) == (2, 3, 1)  # the last good data stays


def test_unreachable_source_is_recorded_and_sources_file_is_checked(sqlite_engine, tmp_path) -> None:
    factory = with_court(sqlite_engine)
    path = tmp_path / "sync.toml"
    path.write_text('[[sources]]\nname = "旧系统"\nurl = "postgresql+psycopg://nobody@127.0.0.1:1/none"\n'
                    '[sources.sheets]\n"案件" = "SELECT 1"\n', encoding="utf-8")
    source = load_sources(path)[0]
    outcome = run_source(factory, source)
    assert not outcome.ok and outcome.failures == 1 and outcome.error
    with pytest.raises(ValueError, match="不是标准工作表"):
        sources_from_dict({"sources": [{"name": "x", "url": "sqlite://", "sheets": {"案子": "SELECT 1"}}]})
    with pytest.raises(ValueError, match="环境变量"):
        sources_from_dict({"sources": [{"name": "x", "url": "env:NO_SUCH_VAR_X", "sheets": {"案件": "SELECT 1"}}]}
                          )[0].resolved_url()
