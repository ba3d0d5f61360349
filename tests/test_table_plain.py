"""The rich-free table (render/table_plain.py) writes what rich writes, character for character.

rich is the reference here: every table and line is drawn by both, at widths where the layer table
fits, where rich must narrow its columns (and cut cells with an ellipsis), and where long lines
wrap. The plain renderer may decline (None) where it cannot be sure; it must never differ.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convcost
from convcost.render import RenderOptions, report_table, table_plain
from convcost.zoo import builtin_names


def rich_text(items, parts, width: int) -> str:
    """What report_table prints with rich, no colour (the path taken on a terminal or on declining)."""
    return report_table.print_rich(report_table.renderables(items, parts), width)


@pytest.mark.parametrize("name", builtin_names())
def test_the_built_ins_take_the_plain_path_and_match_rich(name):
    items, parts = report_table.document(convcost.analyze(name))
    for width in (160, 200):  # the widths of `analyze` when the output is not a terminal
        plain = table_plain.render(items, width)
        assert plain is not None, width
        assert plain == rich_text(items, parts, width)
    for width in (100, 120, 140):  # narrower: the columns shrink, or the plain renderer declines
        plain = table_plain.render(items, width)
        assert plain is None or plain == rich_text(items, parts, width)


def test_a_device_report_and_warnings_match_rich():
    report = convcost.analyze("mobilenet_v1", device="t4", fuse=True)
    items, parts = report_table.document(report)
    assert table_plain.render(items, 200) == rich_text(items, parts, 200)
    assert report_table.render(report) == report_table.render(report, RenderOptions(width=200))


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_./-", min_size=1, max_size=24)
cells = st.text(alphabet="abcxyz0123456789_./-x :[]", max_size=70)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(width=st.integers(20, 240),
       headers=st.lists(words, min_size=1, max_size=8),
       rows=st.lists(st.lists(cells, min_size=8, max_size=8), max_size=6),
       right=st.lists(st.booleans(), min_size=8, max_size=8),
       title=words,
       line=st.lists(words, max_size=40).map(" ".join),
       wrap=st.booleans())
def test_generated_tables_and_lines_match_rich(width, headers, rows, right, title, line, wrap):
    n = len(headers)
    table = table_plain.Table(title, tuple(headers), tuple(right[:n]), [r[:n] for r in rows], wrap)
    items = [table, table_plain.Line(line)] if line else [table]
    plain = table_plain.render(items, width)
    if plain is not None:
        assert plain == rich_text(items, [False] * len(rows), width)


def test_markup_and_emoji_codes_are_text_and_wide_characters_go_to_rich():
    for cell in ("[bold]x[/bold]", ":smile:", "[link=https://example.com]x"):
        items = [table_plain.Table("t", ("a",), (False,), [[cell]])]
        assert table_plain.render(items, 80) == rich_text(items, [False], 80)
        assert cell in table_plain.render(items, 80)
    assert table_plain.render([table_plain.Table("t", ("a",), (False,), [["名前"]])], 80) is None
