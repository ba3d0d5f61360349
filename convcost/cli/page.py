"""The width of the page a command prints to, and lines of text wrapped to it (formatting only)."""

from __future__ import annotations

import os
import re
import shutil
import sys


def page_width() -> int | None:
    """The terminal's width (COLUMNS first, as everywhere), or COLUMNS when standard output is a pipe;
    None when nothing says (a pipe or a file): lines are then as long as they are."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size((160, 24)).columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


_UNIT = re.compile(r"(\d) (?=[kMGTP]?(FLOP|B/s|FLOP/B))")  # 19.5 TFLOP/s: a number and its unit


def hanging(head: str, text: str, page: int | None) -> str:
    """`head` + `text`, wrapped at `page` under the text's first column; words are never broken, and a
    number keeps its unit on its line."""
    if page is None or len(head) + len(text) <= page:
        return head + text
    import textwrap

    lines = textwrap.wrap(_UNIT.sub("\\1\u00a0", text), max(page, len(head) + 20), initial_indent=head,
                          subsequent_indent=" " * len(head), break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines).replace("\u00a0", " ")
