"""The text of `convcost solve`: the answer on the grid, why the next value fails, and the bound in
closed form where there is one; or, for several vars, the Pareto frontier as a table."""

from __future__ import annotations

from ..analysis.solve import Solution, Verdict
from ..symbolic.display import exact_text, grouped
from . import DEFAULT_OPTIONS, RenderOptions
from .sweep_view import error_text

_NAMES = {"macs": "mult-adds", "params": "params"}


def _grid(values) -> str:
    if len(values) <= 6:
        return ", ".join(exact_text(v) for v in values)
    return f"{exact_text(min(values))} .. {exact_text(max(values))} ({len(values):,} values)"


def _value(v) -> str:
    """3/4 as '3/4 (0.75)', 7 as '7', 1/3 as '1/3'."""
    text = exact_text(v)
    return f"{v} ({text})" if text != str(v) else text


def _costs(v: Verdict, budgets) -> str:
    row = v.row
    if row.error is not None:
        return f"invalid: {error_text(row.error)}"
    parts = []
    for key in ("macs", "params"):
        value = getattr(row, key)
        text = f"{_NAMES[key]} {grouped(value)}"
        if key in budgets:
            text += f" {'>' if key in v.exceeds else '<='} {grouped(budgets[key])}"
        parts.append(text)
    return ", ".join(parts)


def _heading(solution: Solution) -> str:
    sweep = solution.sweep
    fixed = ", ".join(f"{k} = {v}" for k, v in sweep.fixed.items())
    budgets = " and ".join(f"{_NAMES[k]} <= {grouped(v)}" for k, v in solution.budgets.items())
    where = f" ({fixed})" if fixed else ""
    if len(sweep.axes) == 1:
        axis = sweep.axes[0]
        return f"{sweep.name}{where}: the largest {axis.name} in {_grid(axis.values)} with {budgets}"
    grid = " × ".join(f"{a.name} in {_grid(a.values)}" for a in sweep.axes)
    return f"{sweep.name}{where}: the Pareto frontier of {grid} with {budgets}"


def render(solution: Solution, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    sweep = solution.sweep
    lines = [_heading(solution)]
    if len(sweep.axes) == 1:
        var = sweep.axes[0].name
        if solution.best is None:
            lines.append(f"  none: no {var} in the grid meets the budget")
        else:
            best = solution.best
            lines.append(f"  {var} = {_value(best.row.values[0])}: {_costs(best, solution.budgets)}")
        if solution.next is not None:
            label = "next" if solution.best is not None else "smallest"
            lines.append(f"  {label}: {var} = {_value(solution.next.row.values[0])}: "
                         f"{_costs(solution.next, solution.budgets)}")
        elif solution.best is not None:
            lines.append(f"  (the largest {var} of the grid)")
        lines += _closed_form(solution)
    else:
        lines += _frontier(solution)
    return "\n".join(lines) + "\n"


def _closed_form(solution: Solution) -> list[str]:
    form = solution.closed_form
    if form is None:
        return []
    if form.bound is None:
        return [f"  closed form: none ({form.reason})"]
    lines = []
    for key, cost in form.costs.items():
        if key in solution.budgets:
            lines.append(f"  closed form: {_NAMES[key]} = {cost}")
    lines.append(f"  so {form.var} <= {form.bound} ≈ {form.value:.6f} (set by {_NAMES[form.binding]})")
    if form.continuous:
        lines.append("  (channels slim_depth(d*alpha, 8) read as d*alpha: exact where each d*alpha is a "
                     "whole number of at least 8)")
    return lines


def _frontier(solution: Solution) -> list[str]:
    if not solution.frontier:
        return ["  none: no configuration of the grid meets the budget"]
    names = [a.name for a in solution.sweep.axes]
    table = [[*names, "mult-adds", "params"]]
    for v in solution.frontier:
        table.append([*(exact_text(x) for x in v.row.values), grouped(v.row.macs), grouped(v.row.params)])
    widths = [max(map(len, column)) for column in zip(*table, strict=True)]
    return ["  " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in table]
