"""`convcost solve`: the largest value of a var on a grid that meets mult-add and parameter budgets,
exactly (or, varying two or more vars, the Pareto frontier of such configurations).

Every grid point is evaluated by the sweep (sweep.py), so the answer is exact whatever the cost's
shape (steps of make_divisible, floors of strided sizes): no bisection that would assume the cost
grows with the var. Where the cost is a polynomial in the var, closed_form.py adds the bound on
the var in closed form (alpha <= the positive root of a*alpha**2 + b*alpha = budget).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import ConvcostError
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic.arith import Value
from .sweep import Axis, Build, Sweep, SweepRow, sweep

BUDGET_KEYS = ("macs", "params")


class Verdict(NamedTuple):
    """One configuration against the budgets: `exceeds` names each budget it is over."""

    row: SweepRow
    exceeds: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.row.error is None and not self.exceeds


class Solution(NamedTuple):
    sweep: Sweep  # every configuration evaluated
    budgets: Mapping[str, Value]  # "macs" / "params" -> the largest allowed
    best: Verdict | None  # one var: the largest value meeting every budget
    next: Verdict | None  # ... the first value above it (which fails, and why)
    frontier: tuple[Verdict, ...]  # two vars or more: the configurations no other one beats in every var
    closed_form: Any = None  # closed_form.ClosedForm, one var only

    @property
    def vars(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.sweep.axes)

    @property
    def found(self) -> bool:
        return self.best is not None or bool(self.frontier)


def verdict(row: SweepRow, budgets: Mapping[str, Value]) -> Verdict:
    if row.error is not None:
        return Verdict(row, ())
    return Verdict(row, tuple(key for key, limit in budgets.items() if getattr(row, key) > limit))


def solve(build: Build, axes: Sequence[Axis], budgets: Mapping[str, Value],
          fixed: Mapping[str, Any] | None = None, source: str = "",
          limits: Limits = DEFAULT_LIMITS) -> Solution:
    """The largest value of the one var of `axes` meeting every budget, and the next value up; with
    several axes, the Pareto frontier (largest in every var at once) of the configurations that do."""
    budgets = {k: v for k, v in budgets.items() if v is not None}
    if not budgets:
        raise ConvcostError("no budget to meet", hint="give --max-macs N, --max-params N or both")
    unknown = set(budgets) - set(BUDGET_KEYS)
    if unknown:
        raise ConvcostError(f"unknown budget {sorted(unknown)[0]!r}", hint="budgets are macs and params")
    result = sweep(build, axes, fixed, source, limits)
    verdicts = [verdict(row, budgets) for row in result.rows]
    if len(result.axes) == 1:
        ordered = sorted(verdicts, key=lambda v: v.row.values[0])
        passing = [i for i, v in enumerate(ordered) if v.ok]
        if passing:
            best = ordered[passing[-1]]
            above = ordered[passing[-1] + 1:]
            return Solution(result, budgets, best, above[0] if above else None, ())
        return Solution(result, budgets, None, ordered[0], ())
    return Solution(result, budgets, None, None, pareto([v for v in verdicts if v.ok]))


def pareto(verdicts: Sequence[Verdict]) -> tuple[Verdict, ...]:
    """The verdicts whose values no other one matches or beats in every var, by the first var."""
    kept: list[Verdict] = []
    for v in sorted(verdicts, key=lambda v: v.row.values, reverse=True):
        if not any(all(k >= x for k, x in zip(other.row.values, v.row.values, strict=True))
                   for other in kept):
            kept.append(v)
    return tuple(sorted(kept, key=lambda v: v.row.values))
