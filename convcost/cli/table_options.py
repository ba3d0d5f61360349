"""The options that shape `analyze`'s table (and Markdown): --wide, --depth, --totals-only (parsing only)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click


def table_options(fn: Callable) -> Callable:
    """--wide, --depth N and --totals-only, passed on as `view=dict(...)`."""

    @click.option("--wide", is_flag=True,
                  help="Every column, however wide the table (by default the columns are chosen to fit the "
                  "terminal, or COLUMNS, or 160 characters when the output is not a terminal).")
    @click.option("--depth", type=click.IntRange(min=0), metavar="N", default=None,
                  help="Sum the layers below depth N of their scoped names into one row each "
                  "(`denseblock1.3.conv1` is in `denseblock1.3`, in `denseblock1`); 0 shows the totals only.")
    @click.option("--totals-only", "--totals", "totals_only", is_flag=True,
                  help="Only the header and the network totals (as --depth 0).")
    @functools.wraps(fn)
    def wrapper(*args, wide, depth, totals_only, **kwargs):
        kwargs["view"] = dict(wide=wide, depth=0 if totals_only else depth)
        return fn(*args, **kwargs)

    return wrapper


def view_options(view: dict, fmt, output: str | None):
    """RenderOptions for analyze's formats: the table's width (COLUMNS when standard output is a pipe
    and COLUMNS is set; the format's own 160 otherwise), --wide and --depth. --depth and --totals-only
    shape the table and Markdown only: JSON and CSV always hold every layer."""
    from ..render import RenderOptions, ReportFormat

    if view["depth"] is not None and fmt in (ReportFormat.JSON, ReportFormat.CSV):
        option = "--totals-only" if view["depth"] == 0 else "--depth"
        raise click.UsageError(f"{option} shapes the table and Markdown; {fmt.value} always holds every "
                               "layer")
    from .page import page_width

    width = page_width() if output is None else None  # a file is 160 columns wide, whatever COLUMNS says
    return RenderOptions(width=width, wide=view["wide"], depth=view["depth"])
