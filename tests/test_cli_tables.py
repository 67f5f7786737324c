"""CLI tables line up by display width: 汉字 and full-width punctuation take two columns."""
from __future__ import annotations

from click.testing import CliRunner

from dashboard.cli import cli
from dashboard.cli.common import display_width, pad, table_lines
from tests.db import test_indicators_data as data


def _column_starts(line: str) -> list[int]:
    """Display columns where each cell (after a run of two spaces) starts."""
    starts, col, prev_spaces = [0], 0, 0
    for ch in line:
        if ch != " " and prev_spaces >= 2:
            starts.append(col)
        prev_spaces = prev_spaces + 1 if ch == " " else 0
        col += display_width(ch)
    return starts


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("abc") == 3
    assert display_width("执行") == 4
    assert display_width("（2024）粤0303执1号") == 4 + 4 + 4 + 1 + 1 + 2 + 1 + 2  # 全角括号 count two
    assert display_width(pad("执行", 6)) == 6
    assert pad("很长的文字", 2) == "很长的文字"  # never cut


def test_table_lines_align_mixed_chinese_and_ascii() -> None:
    lines = table_lines([["节点", "超期", "临期"], ["立案审查", 12, 3], ["a", None, "终结本次执行程序"],
                         ["合计", 1234, 5]])
    starts = [_column_starts(line) for line in lines]
    assert starts[0] == starts[1] == starts[3] == [0, 10, 16], lines
    assert starts[2] == [0, 16]  # the empty cell keeps its place  # widest first column 立案审查 = 8 + gap 2; 1234 = 4 → "超期" 4 + 2
    assert not any(line.endswith(" ") for line in lines)


def test_indicators_table_columns_line_up(sqlite_engine) -> None:
    data.seed(sqlite_engine)
    env = {"DASHBOARD_DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False),
           "DASHBOARD_INDICATOR_SETTINGS": ""}
    result = CliRunner().invoke(cli, ["indicators", "--period", "2022-01-01:2022-06-30"], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    block = [line for line in result.output.splitlines()[1:] if line.strip()]
    header = block[0]
    assert header.startswith("指标")
    # every cell of every row starts at a header column (a cell may be empty, never misplaced)
    heads = _column_starts(header)
    for line in block[1:]:
        assert set(_column_starts(line)) <= set(heads), (header, line)
