"""JSON output of `convcost solve` (schema 1, documented in docs/json.md). Exact: counts are JSON
integers, var values ints or "p/q" strings (as in `analyze -f json`), closed forms sympy syntax."""

from __future__ import annotations

from typing import Any

from ..analysis.solve import Solution, Verdict, verdict
from ..symbolic.display import exact
from . import DEFAULT_OPTIONS, RenderOptions
from .sweep_json import error_dict, given, one_per_line

SCHEMA = 1



def _costs(v: Verdict | None) -> dict[str, Any]:
    row = v.row if v is not None and v.row.error is None else None
    return {"macs": exact(row.macs) if row else None, "params": exact(row.params) if row else None}


def _next(v: Verdict | None) -> dict[str, Any] | None:
    """The first value that fails, and why: the budgets it exceeds, or the configuration's error."""
    if v is None:
        return None
    return {"value": exact(v.row.values[0]), **_costs(v), "exceeds": list(v.exceeds),
            "error": error_dict(v.row.error) if v.row.error is not None else None}


def closed_form_dict(solution: Solution) -> dict[str, Any] | None:
    form = solution.closed_form
    if form is None:
        return None
    return {"costs": {key: str(cost) for key, cost in form.costs.items()},
            "bound": None if form.bound is None else str(form.bound),
            "decimal": None if form.bound is None else f"{form.value:.12g}",
            "binding": form.binding, "reason": form.reason or None, "continuous": form.continuous}


def solution_dict(solution: Solution) -> dict[str, Any]:
    sweep = solution.sweep
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "name": sweep.name,
        "source": sweep.source,
        "set": given(sweep.fixed),
        "budget": {key: exact(limit) for key, limit in solution.budgets.items()},
        "grid": {a.name: [exact(v) for v in a.values] for a in sweep.axes},
        "configurations": len(sweep.rows),
        "meeting": sum(verdict(row, solution.budgets).ok for row in sweep.rows),
    }
    if len(sweep.axes) == 1:
        best = solution.best
        out.update(var=sweep.axes[0].name, value=exact(best.row.values[0]) if best else None, **_costs(best),
                   next=_next(solution.next), closed_form=closed_form_dict(solution))
    else:
        out.update(vars=[a.name for a in sweep.axes], frontier=[
            {"vars": {k: exact(x) for k, x in sweep.values(v.row).items()}, **_costs(v)}
            for v in solution.frontier])
    return out


def render(solution: Solution, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Indented JSON, each member on one line (each point of a frontier on its own)."""
    return one_per_line(solution_dict(solution), "frontier")
