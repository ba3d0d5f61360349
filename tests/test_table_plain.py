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
    """What rich prints for table_plain's items, no colour: every string a Text, as report_table does."""
    from rich.table import Table
    from rich.text import Text

    out = []
    for item in items:
        if isinstance(item, table_plain.Line):
            out.append(Text(item.text, style=item.style))
            continue
        table = Table(title=Text(item.title) if item.title else None, title_justify="left",
                      header_style="bold")
        for header, right in zip(item.headers, item.right, strict=True):
            table.add_column(Text(header), justify="right" if right else "left",
                             **({} if item.wrap else {"no_wrap": True}))
        for i, row in enumerate(item.rows):
            dim = not item.wrap and parts and parts[i]
            table.add_row(*(Text(c, style="dim" if c and dim else "") for c in row))
        out.append(table)
    return report_table.print_rich(out, width)


def through_rich(report, options: RenderOptions) -> str:
    """report_table.render's text had it gone through rich (as it does on a terminal, or declining)."""
    page = options.width
    items, needed = report_table.layout(report, options, page)
    return report_table.print_rich(report_table.renderables(items), max(page, needed))


@pytest.mark.parametrize("name", builtin_names())
def test_the_built_ins_take_the_plain_path_and_match_rich(name):
    report = convcost.analyze(name)
    for width in (160, 200):  # the widths of `analyze` when the output is not a terminal
        options = RenderOptions(width=width)
        plain = report_table.plain_items(report_table.layout(report, options, width)[0])
        assert plain is not None and table_plain.render(plain, width) is not None, width
        assert report_table.render(report, options) == through_rich(report, options)
    for width in (80, 100, 120):  # narrower: columns left out, names wrapped (then rich lays it out)
        options = RenderOptions(width=width)
        assert report_table.render(report, options) == through_rich(report, options)


def test_a_device_report_and_warnings_match_rich():
    report = convcost.analyze("mobilenet_v1", device="t4", fuse=True)
    options = RenderOptions(width=200)
    assert report_table.plain_items(report_table.layout(report, options, 200)[0]) is not None
    assert report_table.render(report, options) == through_rich(report, options)
    assert report_table.render(report) == report_table.render(report, RenderOptions(width=200))


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_./-", min_size=1, max_size=24)
cells = st.text(alphabet="abcxyz0123456789_./-x :[]", max_size=70)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(width=st.integers(20, 240),
       headers=st.lists(words, min_size=1, max_size=8),
       rows=st.lists(st.lists(cells, min_size=8, max_size=8), max_size=6),
       right=st.lists(st.booleans(), min_size=8, max_size=8),
       title=st.lists(words, min_size=1, max_size=12).map(" ".join),
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
