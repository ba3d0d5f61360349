"""The terminal table without rich, for output that is not a terminal (a pipe, a file, `-o`).

rich takes 0.1 s to import and about 1 ms per row to lay out, which would be most of the time of
`convcost analyze model.onnx > report.txt`. This module writes the same characters rich writes for
the tables and lines of report_table.py when there is no colour: the same column widths (rich's
ratio_reduce when the table is wider than the page), the same ellipsis in cut cells, the same word
wrap of long lines (every string is a rich Text there, so nothing is read as markup or emoji). Where
it cannot be sure to match (wide or control characters, a title or word longer than its space, a page
too narrow, an encoding that is not UTF-8) it returns None and the caller lets rich render.
tests/test_table_plain.py compares the two on every built-in and on generated tables, wide and narrow.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import NamedTuple


class Table(NamedTuple):
    title: str
    headers: tuple[str, ...]
    right: tuple[bool, ...]  # right-justified columns
    rows: Sequence[Sequence[str]]
    wrap: bool = False  # rich may wrap its cells (else it cuts them with an ellipsis)


class Line(NamedTuple):
    text: str
    style: str = ""  # for rich; without colour it shows nothing


_TOP, _HEAD, _HEAD_ROW, _BODY, _BOTTOM = "┏━┳┓", "┃┃┃", "┡━╇┩", "│││", "└─┴┘"  # rich's box.HEAVY_HEAD
_ODD = re.compile(r"[^\x20-\x7e\xa0-\u02ff\u2026]")  # wide, combining or control characters


class _Unsure(Exception):
    pass


def render(items: Sequence[Table | Line], width: int) -> str | None:
    """The text rich prints for `items` (each followed by a blank line) at `width` columns, or None."""
    encoding = (getattr(sys.stdout, "encoding", "utf-8") or "utf-8").lower()
    if not encoding.startswith("utf"):
        return None  # rich draws ASCII boxes there
    out: list[str] = []
    try:
        for item in items:
            if isinstance(item, Table):
                _table(item, width, out)
            else:
                _line(item.text, width, out)
            out.append("\n")
    except _Unsure:
        return None
    return "".join(out)


def _check(text: str) -> str:
    if _ODD.search(text):
        raise _Unsure
    return text


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """rich._ratio.ratio_reduce."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for r, m, v in zip(ratios, maximums, values, strict=True):
        if r and total_ratio > 0:
            distributed = min(m, round(r * remaining / total_ratio))
            result.append(v - distributed)
            remaining -= distributed
            total_ratio -= r
        else:
            result.append(v)
    return result


def _table(t: Table, width: int, out: list[str]) -> None:
    n = len(t.headers)
    columns = [[_check(h)] for h in t.headers]
    for row in t.rows:
        for k in range(n):
            columns[k].append(_check(row[k]))
    widths = [max(map(len, col)) + 2 for col in columns]
    room = width - (n + 1)
    if sum(widths) > room:
        if t.wrap:
            raise _Unsure  # rich would wrap cells rather than cut them
        widths = _ratio_reduce(sum(widths) - room, [1] * n, widths, widths)
    if min(widths) < 3:
        raise _Unsure
    total = sum(widths) + n + 1
    title = _check(t.title)
    if title != title.strip():
        raise _Unsure
    if title:  # rich wraps a long title to the table's width, each line padded to it
        out.extend(line.ljust(total) + "\n" for line in _wrap(title, total))
    out.append(_rule(_TOP, widths))
    out.append(_row(_HEAD[0], t.headers, widths, t.right))
    out.append(_rule(_HEAD_ROW, widths))
    for row in t.rows:
        out.append(_row(_BODY[0], row, widths, t.right))
    out.append(_rule(_BOTTOM, widths))


def _rule(box: str, widths: list[int]) -> str:
    left, line, cross, right = box
    return left + cross.join(line * w for w in widths) + right + "\n"


def _row(bar: str, cells: Sequence[str], widths: list[int], right: tuple[bool, ...]) -> str:
    parts = []
    for text, w, r in zip(cells, widths, right, strict=True):
        inner = w - 2
        if r:
            text = text.rstrip()  # rich strips a right-justified cell first (not a left-justified one)
        if len(text) > inner:
            text = text[:inner - 1] + "…"
        parts.append(" " + (text.rjust(inner) if r else text.ljust(inner)) + " ")
    return bar + bar.join(parts) + bar + "\n"


def _line(text: str, width: int, out: list[str]) -> None:
    """A Text printed at `width` columns."""
    out.extend(line + "\n" for line in _wrap(text, width))


def _wrap(text: str, width: int) -> list[str]:
    """`text` broken into lines of at most `width`: rich's word wrap (rich._wrap.divide_line, no
    folding)."""
    _check(text)
    if "\n" in text or "\t" in text:
        raise _Unsure
    breaks = []
    offset = 0
    for m in re.finditer(r"\s*\S+\s*", text):
        word = m.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            raise _Unsure  # rich folds the word across lines
        elif offset and m.start():
            breaks.append(m.start())
            offset = len(word)
    starts = [0, *breaks]
    ends = [*breaks, len(text)]
    lines = []
    for a, b in zip(starts, ends, strict=True):
        piece = text[a:b]
        if len(piece) > width:  # rich's rstrip_end: trailing whitespace past the width is cut
            kept = piece.rstrip()
            piece = piece[:max(width, len(kept))]
            if len(piece) > width:
                raise _Unsure
        lines.append(piece)
    return lines
