"""`convcost sweep`: a network's totals at every point of a grid of var values, exact and fast.

The grid is the cross product of some vars' values (`--grid alpha=1/32:1:1/32 --grid res=32:343:1`).
Each configuration's row must be what `convcost analyze --set alpha=... --set res=...` gives, error
included. Analyzing 9,984 configurations one by one would take seconds, so the sweep evaluates the
grid in *runs*: one run builds the Spec and propagates it once, with every swept var bound to a
`Grid` of its values (convcost/symbolic/grid.py). The same loader, rules, formulas and totals then
compute every configuration's numbers at once, each value stored only along the vars it depends on.

A run covers a sub-grid (per swept var, some of its values). Where its configurations disagree on a
decision (a channel count that is an integer for some widths only, a separable conv cheaper at some
widths only, a feature map that vanishes at small resolutions) the run stops with `Split`, and the
two parts are run apart; where a computation needs one plain number (`Unlift`) the sub-grid is cut
into one run per value of the vars it needs. An error in a run is every configuration's error when its
text shows no swept value; otherwise the run is cut further, down to single configurations, which are
exactly `analyze` runs. MobileNetV1 over alpha x res is one run.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from itertools import product
from typing import Any, NamedTuple

from ..errors import ConvcostError, LimitExceeded
from ..layerfile.model import Spec
from ..layers.records import Cost
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic import arith
from ..symbolic.arith import Value
from ..symbolic.expr import evaluate_text
from ..symbolic.grid import Grid, Space, Split, Unlift
from .build import network_totals, propagate_all

Build = Callable[[Mapping[str, Any]], Spec]  # var overrides -> Spec (sources.builder)

VALUES_HINT = ("a list such as 1,0.75,0.5 or an inclusive range START:STOP:STEP such as 1/32:1:1/32 "
               "or 128:224:32 (exact: 0.1 is 1/10)")


class Axis(NamedTuple):
    """One swept var and its values, in the order given."""

    name: str
    values: tuple[Value, ...]


class SweepRow(NamedTuple):
    """One configuration: the swept vars' values (in the order of Sweep.axes) and the network's totals
    as `analyze` gives them, or the error `analyze` would stop with (the totals then None)."""

    values: tuple[Value, ...]
    params: Value | None
    macs: Value | None
    standard_params: Value | None
    standard_macs: Value | None
    separable_params: Value | None
    separable_macs: Value | None
    error: ConvcostError | None = None

    @property
    def standard(self) -> Cost | None:
        """Every separable unit as one standard convolution (analyze's totals.standard)."""
        return None if self.error else Cost(self.standard_params, self.standard_macs)

    @property
    def separable(self) -> Cost | None:
        """Every standard conv as depthwise + pointwise where that is cheaper (totals.separable)."""
        return None if self.error else Cost(self.separable_params, self.separable_macs)


class Sweep(NamedTuple):
    name: str  # the network's name
    source: str  # the FILE_OR_BUILTIN given
    axes: tuple[Axis, ...]
    fixed: Mapping[str, Any]  # the other vars set (--set), as given
    rows: tuple[SweepRow, ...]  # the cross product, the first axis varying slowest
    runs: int  # evaluations it took: 1 when the whole grid ran at once

    @property
    def failed(self) -> int:
        return sum(row.error is not None for row in self.rows)

    def values(self, row: SweepRow) -> dict[str, Value]:
        return {axis.name: v for axis, v in zip(self.axes, row.values, strict=True)}


# -- the values of a grid ------------------------------------------------------------------------


def parse_values(text: str, what: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Value, ...]:
    """The exact values of `1,0.75,0.5`, `1/32:1:1/32` (START:STOP:STEP, inclusive) or a mix of
    both (`1/4:1/2:1/8,1`), in the order written, each once."""
    values: list[Value] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise ConvcostError(f"{what}: empty value in {text!r}", hint=VALUES_HINT)
        if ":" in item:
            values += _range(item, what, limits, len(values))
        else:
            values.append(_number(item, what, limits))
        if len(values) > limits.configurations:
            raise _too_many(what, limits)
    return tuple(dict.fromkeys(values))


def _number(text: str, what: str, limits: Limits) -> Value:
    try:
        value = evaluate_text(text, {}, limits)
    except ConvcostError as err:
        err.message = f"{what}: {err.message}"
        err.hint = err.hint or VALUES_HINT
        raise
    return value


def _range(text: str, what: str, limits: Limits, before: int) -> list[Value]:
    parts = text.split(":")
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise ConvcostError(f"{what}: {text!r} is not START:STOP:STEP", hint=VALUES_HINT)
    start, stop, step = (_number(p.strip(), what, limits) for p in parts)
    if step == 0:
        raise ConvcostError(f"{what}: the step of {text!r} is zero", hint=VALUES_HINT)
    count = arith.floor(arith.div(arith.sub(stop, start), step)) + 1
    if count <= 0:
        raise ConvcostError(f"{what}: {text!r} is empty (the step goes away from STOP)", hint=VALUES_HINT)
    if before + count > limits.configurations:
        raise _too_many(what, limits)
    return [arith.add(start, arith.mul(k, step)) for k in range(count)]


def _too_many(what: str, limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"{what}: more than {limits.configurations:,} values",
                         hint="raise the limit with --limit configurations=N if this is intended")


def check_grid(axes: Sequence[Axis], fixed: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a var swept twice, swept and set, or a grid over the configurations limit."""
    if not axes:
        raise ConvcostError("nothing to sweep", hint="give at least one --grid NAME=VALUES")
    seen: set[str] = set()
    set_names = {unicodedata.normalize("NFKC", name) for name in fixed}
    for axis in axes:
        name = unicodedata.normalize("NFKC", axis.name)  # as the loader reads var names
        if name in seen:
            raise ConvcostError(f"var {axis.name!r} is swept twice",
                                hint="give each var one --grid, listing all its values")
        if name in set_names:
            raise ConvcostError(f"var {axis.name!r} is both swept and set",
                                hint=f"drop --set {axis.name}=... or its --grid")
        seen.add(name)
        if not axis.values:
            raise ConvcostError(f"var {axis.name!r} has no values to sweep", hint=VALUES_HINT)
        for value in axis.values:
            if not arith.is_number(value):  # a float would be inexact, a sympy value symbolic
                raise ConvcostError(f"var {axis.name!r}: {value!r} is not an exact number",
                                    hint="give ints, Fractions or texts such as '0.75' or '3/4'")
    count = 1
    for axis in axes:
        count *= len(axis.values)
    if count > limits.configurations:
        raise LimitExceeded(
            f"the grid has {count:,} configurations, over the limit of {limits.configurations:,}",
            hint="raise it with --limit configurations=N if this is intended")


# -- evaluating a grid ---------------------------------------------------------------------------

Run = tuple[tuple[int, ...], ...]  # per axis, the positions of the values this run covers


def sweep(build: Build, axes: Sequence[Axis], fixed: Mapping[str, Any] | None = None, source: str = "",
          limits: Limits = DEFAULT_LIMITS) -> Sweep:
    """Every configuration of the cross product of `axes` (other vars from `fixed`), as rows of
    totals: exactly what `analyze` gives each, or its error.

    An error that every configuration shares word for word (an unknown key, a var that does not
    exist) is the file's, not a configuration's: it is raised, as `analyze` raises it."""
    axes = tuple(Axis(a.name, tuple(dict.fromkeys(a.values))) for a in axes)
    fixed = dict(fixed or {})
    check_grid(axes, fixed, limits)
    sizes = [len(a.values) for a in axes]
    strides = [1] * len(axes)
    for a in range(len(axes) - 2, -1, -1):
        strides[a] = strides[a + 1] * sizes[a + 1]
    results: list = [None] * (strides[0] * sizes[0])
    stack: list[Run] = [tuple(tuple(range(n)) for n in sizes)]
    runs = 0
    name = ""
    while stack:
        run = stack.pop()
        runs += 1
        space = Space([len(ix) for ix in run])
        overrides = dict(fixed)
        for a, (axis, ix) in enumerate(zip(axes, run, strict=True)):
            overrides[axis.name] = space.grid(a, [axis.values[i] for i in ix])
        lifted = tuple(a for a, ix in enumerate(run) if len(ix) > 1)
        try:
            spec = build(overrides)
            totals = network_totals(spec, propagate_all(spec))
        except Split as split:
            stack += _split(run, space, split.axes, split.mask)
        except Unlift as unlift:
            stack += _pin(run, unlift.axes)
        except ConvcostError as err:
            if lifted and space.shown:  # the message shows swept values: each part gets its own
                stack += _pin(run, tuple(sorted(space.shown)))
            else:
                for i in _cells(run, strides):
                    results[i] = err
        except Exception:
            if not lifted:
                raise  # a configuration of its own: as `analyze` would (a bug, exit 3)
            stack += _pin(run, lifted)  # never expected; the configurations one by one are exact
        else:
            name = name or spec.name
            _fill(results, run, space, lifted, strides, totals)
    if all(isinstance(r, ConvcostError) for r in results) and len({r.format() for r in results}) == 1:
        raise results[0]
    rows = []
    for values, result in zip(product(*(a.values for a in axes)), results, strict=True):
        if isinstance(result, ConvcostError):
            rows.append(SweepRow(values, None, None, None, None, None, None, result))
        else:
            rows.append(SweepRow(values, *result))
    return Sweep(name, source, axes, fixed, tuple(rows), runs)


def _cells(run: Run, strides: list[int]) -> list[int]:
    """The positions in the whole grid (row-major) of the configurations of `run`, in its own order."""
    cells = [0]
    for ix, stride in zip(run, strides, strict=True):
        cells = [c + i * stride for c in cells for i in ix]
    return cells


def _fill(results: list, run: Run, space: Space, lifted: tuple[int, ...], strides: list[int],
          totals: tuple[Cost, Cost, Cost]) -> None:
    cells = _cells(run, strides)
    columns = []
    for value in (v for cost in totals for v in cost):
        if isinstance(value, Grid):
            data = value.data
            columns.append([data[i] for i in space.expansion(value.axes, lifted)] if value.axes != lifted
                           else data)
        else:
            columns.append([value] * len(cells))
    for i, values in zip(cells, zip(*columns, strict=True), strict=True):
        results[i] = values


def _pin(run: Run, axes: tuple[int, ...]) -> list[Run]:
    """The run cut into one run per value of the axis (of `axes`) with the fewest values."""
    open_axes = [a for a in axes if len(run[a]) > 1] or [a for a in range(len(run)) if len(run[a]) > 1]
    a = min(open_axes, key=lambda x: len(run[x]))
    return [run[:a] + ((i,),) + run[a + 1:] for i in run[a]]


def _split(run: Run, space: Space, axes: tuple[int, ...], mask: list[bool]) -> list[Run]:
    """The run cut where the decision `mask` (row-major over `axes`) changes: in two along the one
    axis it depends on, or else into one run per value of its smallest axis."""
    steps = []
    step = 1
    for a in reversed(axes):
        steps.append((a, step))
        step *= space.sizes[a]
    for a, stride in reversed(steps):
        size = space.sizes[a]
        answer: list[bool | None] = [None] * size
        for j, m in enumerate(mask):
            k = (j // stride) % size
            if answer[k] is None:
                answer[k] = m
            elif answer[k] != m:
                break
        else:  # the decision depends on this axis alone
            yes = tuple(i for i, m in zip(run[a], answer, strict=True) if m)
            no = tuple(i for i, m in zip(run[a], answer, strict=True) if not m)
            return [run[:a] + (part,) + run[a + 1:] for part in (yes, no)]
    return _pin(run, axes)
