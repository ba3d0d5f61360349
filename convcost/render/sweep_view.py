"""The one view of a Sweep that its table, Markdown and CSV renderers share: which columns, in which
order, and each row's cells, exact. Each renderer only turns cells into text in its own way."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..analysis.sweep import Sweep, SweepRow
from ..errors import ConvcostError

# (key, title) of the cost columns, after one column per swept var.
COST_COLUMNS = (
    ("params", "params"),
    ("macs", "mult-adds"),
    ("standard_params", "standard params"),
    ("standard_macs", "standard mult-adds"),
    ("separable_params", "separable params"),
    ("separable_macs", "separable mult-adds"),
)

NOTE = ("standard: every separable unit as one standard convolution; separable: every standard conv "
        "as depthwise + pointwise where that is cheaper")


class Column(NamedTuple):
    key: str
    title: str
    var: bool  # a swept var (its value), else a count


def columns(sweep: Sweep) -> tuple[Column, ...]:
    """One column per swept var, then the costs; `error` is the renderers' own last column."""
    return (*(Column(a.name, a.name, True) for a in sweep.axes),
            *(Column(key, title, False) for key, title in COST_COLUMNS))


def cells(sweep: Sweep, row: SweepRow) -> list[Any]:
    """The row's values in the order of `columns` (None for the costs of a failed configuration)."""
    return [*row.values, *row[1:7]]


def error_text(err: ConvcostError | None) -> str:
    """A configuration's error on one line: `file:line:col: message`."""
    if err is None:
        return ""
    return f"{err.location}: {err.message}" if err.location else err.message


def title(sweep: Sweep) -> str:
    """'mobilenet_v1: 16 configurations of alpha × res, 0 failed (res = 224)'."""
    grid = " × ".join(a.name for a in sweep.axes)
    fixed = ", ".join(f"{k} = {v}" for k, v in sweep.fixed.items())
    n = len(sweep.rows)
    text = f"{sweep.name}: {n:,} configuration{'s' if n != 1 else ''} of {grid}, {sweep.failed:,} failed"
    return text + (f" ({fixed})" if fixed else "")
