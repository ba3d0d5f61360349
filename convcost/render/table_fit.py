"""Choosing a table's columns for the width of the page, so that no figure is ever cut.

rich, given a table wider than its page, narrows columns and cuts their cells with "…": "8…" for
864 parameters. Here, instead, a table that does not fit loses whole columns, least useful first
(each table says which, in `drops`), then lets its text columns (layer names) wrap onto more lines;
figures always keep their natural width. What was left out is named under the table, and `--wide`
shows every column. When even that does not fit, the table is printed wider than the page (a
terminal wraps the lines): whole figures on a wrapped line beat cut ones.

Formatting only: columns hold text already; nothing here knows what a column means.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

BORDER = 3  # rich's HEAVY_HEAD box with padding 1: "│ " before a cell and " " after it
FOLD_MIN = 8  # a wrapping text column is never narrower than this


class TextColumn(NamedTuple):
    key: str
    title: str
    cells: tuple[str, ...]  # one per row; a cell may hold several lines
    right: bool = False  # right-aligned
    fold: bool = False  # names (a cell's first line) may break anywhere on a narrow page (FOLD_MIN wide)


class Fit(NamedTuple):
    columns: tuple[TextColumn, ...]  # the columns shown
    widths: tuple[int, ...] | None  # each column's width when a text column had to wrap, else None
    left_out: tuple[str, ...]  # titles of the columns left out
    width: int  # the table's width in characters


def text_width(text: str) -> int:
    """Terminal cells of one line of text: East Asian wide characters take two, combining ones none."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def floor(column: TextColumn) -> int:
    """The narrowest a column may become: a name FOLD_MIN (or its title's longest word); anything
    else its longest word, so that a figure is never broken and an expression (`2*alpha + 1`)
    only wraps between its terms."""
    words = column.title.split()
    for cell in column.cells:
        lines = cell.split("\n")
        for line in lines[1:] if column.fold else lines:  # a name may break; what is under it may not
            words += line.split()
    return max(FOLD_MIN if column.fold else 0, *(text_width(w) for w in words))


def natural(column: TextColumn) -> int:
    """The width a column takes when nothing wraps: its longest line, title included."""
    lines = [column.title, *(line for cell in column.cells for line in cell.split("\n"))]
    return max(text_width(line) for line in lines)


def table_width(widths: Sequence[int]) -> int:
    return sum(widths) + BORDER * len(widths) + 1


def fit(columns: Sequence[TextColumn], page: int | None, drops: Sequence[Sequence[str]] = ()) -> Fit:
    """The columns to show on a page `page` characters wide (None: all of them, however wide).

    `drops` lists groups of column keys, left out in that order until the table fits. Then the
    columns that can narrow (names, and cells of several words such as symbolic expressions) do, the
    widest first, down to their `floor`. Figures are never narrowed."""
    columns = tuple(columns)
    left_out: list[str] = []
    widths = [natural(c) for c in columns]
    if page is None or table_width(widths) <= page:
        return Fit(columns, None, (), table_width(widths))
    for group in drops:
        if not any(c.key in group for c in columns):
            continue
        left_out += [c.title for c in columns if c.key in group]
        keep = [i for i, c in enumerate(columns) if c.key not in group]
        columns = tuple(columns[i] for i in keep)
        widths = [widths[i] for i in keep]
        if table_width(widths) <= page:
            return Fit(columns, None, tuple(left_out), table_width(widths))
    excess = table_width(widths) - page
    for i in sorted(range(len(columns)), key=lambda i: (not columns[i].fold, -widths[i])):
        cut = min(excess, max(widths[i] - floor(columns[i]), 0))
        widths[i] -= cut
        excess -= cut
    return Fit(columns, tuple(widths), tuple(left_out), table_width(widths))


def left_out_line(tables: Sequence[tuple[str, Fit]], page: int | None) -> str:
    """'left out at 80 columns: input, as standard (layers); params (network totals); --wide shows
    every column', or '' when nothing was."""
    parts = [f"{', '.join(f.left_out)} ({name})" for name, f in tables if f.left_out]
    if not parts:
        return ""
    return f"left out at {page} columns: {'; '.join(parts)}; --wide shows every column"


def chunks(columns: Sequence[TextColumn], keys: int, page: int | None) -> list[tuple[TextColumn, ...]]:
    """A table too wide for the page as several tables, each with the first `keys` columns (what names
    a row) and as many of the others as fit; every column is in one of them. One chunk when it fits."""
    columns = tuple(columns)
    head, rest = columns[:keys], columns[keys:]
    if page is None or table_width([natural(c) for c in columns]) <= page:
        return [columns]
    out: list[tuple[TextColumn, ...]] = []
    current: list[TextColumn] = []
    for column in rest:
        trial = [*head, *current, column]
        if current and table_width([natural(c) for c in trial]) > page:
            out.append((*head, *current))
            current = []
        current.append(column)
    if current:
        out.append((*head, *current))
    return out
