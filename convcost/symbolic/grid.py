"""Exact values of a whole grid of configurations at once: the arithmetic behind `convcost sweep`.

A sweep evaluates a network at every point of a cross product of var values (alpha x res, ...). Run
point by point, a 32 x 312 grid runs every rule 9,984 times. Instead the sweep runs the rules once,
with each swept var bound to a `Grid`: one exact value per configuration, stored only along the axes
(the swept vars) it depends on. A channel count then holds 32 values (it depends on alpha), a
feature-map size 312 (res), and a layer's mult-adds, their product, 9,984.
`convcost.symbolic.arith` hands every operation on a Grid to `Grid.apply`, which runs that same
helper on each configuration's numbers, so each value is exactly what a run of that configuration
alone computes: there is no second set of formulas.

Where the configurations disagree on a decision (is this channel count an integer? does the output
stay at least one pixel? is separable cheaper here?) one run cannot go on for all of them:
`decide` raises `Split` with the answer of each configuration, and the sweep runs the two parts
apart. Code that needs one plain number (`is_number`, `int()`) raises `Unlift`, and the sweep pins
the axes that value depends on. Every result a sweep keeps therefore comes from a run in which
every decision was the same for all of its configurations.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from fractions import Fraction
from itertools import chain, repeat

from ..errors import ConvcostError
from . import arith
from .arith import Lifted, Value

_INT = {int}

# Helpers whose result on two ints is the plain operator's (arith's own int fast paths).
_INT_OPS: dict[Callable, Callable] = {
    arith.add: operator.add, arith.sub: operator.sub, arith.mul: operator.mul,
    arith.floordiv: operator.floordiv, arith.total_of: sum,
}


class Split(Exception):
    """The configurations of a run disagree on a decision: `mask` holds each one's answer, row-major
    over `axes`. Control flow of a sweep; never shown to a user."""

    def __init__(self, axes: tuple[int, ...], mask: list[bool]):
        super().__init__("configurations disagree")
        self.axes = axes
        self.mask = mask


class Unlift(Exception):
    """A computation needs one plain number where a Grid over `axes` stands: run those axes pinned."""

    def __init__(self, axes: tuple[int, ...]):
        super().__init__("a single value is needed")
        self.axes = axes


class Space:
    """The configurations of one run: the cross product of the axes that have two values or more.

    `sizes[a]` is the number of values of axis `a` in this run (1 for an axis pinned to one value,
    which no Grid then spans). `shown` collects the axes of Grids that were turned into text: an
    error message that shows one is not the same text for every configuration.
    """

    __slots__ = ("sizes", "shown", "_expansions")

    def __init__(self, sizes: Sequence[int]):
        self.sizes = tuple(sizes)
        self.shown: set[int] = set()
        self._expansions: dict[tuple, list[int]] = {}

    def grid(self, axis: int, values: Sequence[Value]) -> Value:
        """The values of one axis as a Grid (or the value itself when the axis is pinned)."""
        values = list(values)
        if len(values) == 1:
            return values[0]
        return make(self, (axis,), values)

    def expansion(self, axes: tuple[int, ...], union: tuple[int, ...]) -> list[int]:
        """For each configuration of `union` (row-major), the position of its value in a Grid over
        `axes` (a subset of `union`)."""
        key = (axes, union)
        found = self._expansions.get(key)
        if found is None:
            strides: dict[int, int] = {}
            step = 1
            for a in reversed(axes):
                strides[a] = step
                step *= self.sizes[a]
            found = [0]
            for a in union:
                stride = strides.get(a, 0)
                found = [i + k * stride for i in found for k in range(self.sizes[a])]
            self._expansions[key] = found
        return found

    def size(self, axes: tuple[int, ...]) -> int:
        n = 1
        for a in axes:
            n *= self.sizes[a]
        return n


def make(space: Space, axes: tuple[int, ...], data: list, ints: bool | None = None) -> Value:
    """A Grid of `data` (row-major over `axes`), or the plain value when every configuration has it."""
    first = data[0]
    if data[-1] == first and data.count(first) == len(data):
        return first
    if ints is None:
        ints = set(map(type, data)) <= _INT
    return Grid(space, axes, data, ints)


class Grid(Lifted):
    """One exact value (int or Fraction) per configuration of a run, along the axes it depends on."""

    __slots__ = ("space", "axes", "data", "ints", "_hash")

    def __init__(self, space: Space, axes: tuple[int, ...], data: list, ints: bool):
        self.space = space
        self.axes = axes  # sorted axis ids, each of two values or more in `space`
        self.data = data  # row-major over `axes`
        self.ints = ints  # every value is an int (fast paths)
        self._hash: int | None = None

    # -- the protocol of arith.Lifted --------------------------------------------------------------

    def apply(self, fn: Callable, args: tuple) -> Value:
        """`fn` on each configuration's values of `args` (Grids of this run and plain values)."""
        axes = _axes(args)
        op = _INT_OPS.get(fn)
        ints = op is not None and all(c.ints if isinstance(c, Grid) else type(c) is int for c in args)
        try:
            data = _map(self.space, op if ints else fn, axes, args)
        except ConvcostError:  # some configurations fail here: run them apart, each with its own message
            raise _split_on_errors(self.space, fn, axes, args) from None
        return make(self.space, axes, data, True if ints else None)

    def decide(self, fn: Callable, args: tuple) -> bool:
        """The answer of `fn` when every configuration gives the same; else raise Split."""
        if len(args) == 1:
            data = self.data
            if fn is arith.is_positive and self.ints:
                if min(data) > 0:
                    return True
                if max(data) <= 0:
                    return False
            elif fn is arith.is_integer and self.ints:
                return True
            elif fn is arith.is_zero and 0 not in data:
                return False
        axes = _axes(args)
        answers = [bool(x) for x in _map(self.space, fn, axes, args)]
        if all(answers):
            return True
        if not any(answers):
            return False
        raise Split(axes, answers)

    def unlift(self):
        raise Unlift(self.axes)

    # -- Python's operators, for the few places rules use them directly -----------------------------

    def __add__(self, other):
        return arith.add(self, other)

    def __radd__(self, other):
        return arith.add(other, self)

    def __sub__(self, other):
        return arith.sub(self, other)

    def __rsub__(self, other):
        return arith.sub(other, self)

    def __mul__(self, other):
        return arith.mul(self, other)

    def __rmul__(self, other):
        return arith.mul(other, self)

    def __truediv__(self, other):
        return arith.div(self, other)

    def __rtruediv__(self, other):
        return arith.div(other, self)

    def __floordiv__(self, other):
        return arith.floordiv(self, other)

    def __rfloordiv__(self, other):
        return arith.floordiv(other, self)

    def __neg__(self):
        return arith.mul(-1, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.apply(abs, (self,))

    def __floor__(self):
        return arith.floor(self)

    def __ceil__(self):
        return arith.ceil(self)

    def _compare(self, other, op: Callable) -> bool:
        if not isinstance(other, (Grid, int, Fraction)) or isinstance(other, bool):
            return NotImplemented
        return self.decide(op, (self, other))

    def __eq__(self, other):
        if not isinstance(other, (Grid, int, Fraction)) or isinstance(other, bool):
            return False  # a shape or a word such as "same" is never a number
        return self.decide(operator.eq, (self, other))

    def __ne__(self, other):
        return not self.__eq__(other)

    def __lt__(self, other):
        return self._compare(other, operator.lt)

    def __le__(self, other):
        return self._compare(other, operator.le)

    def __gt__(self, other):
        return self._compare(other, operator.gt)

    def __ge__(self, other):
        return self._compare(other, operator.ge)

    def __bool__(self):
        return self.decide(bool, (self,))

    def __hash__(self):
        if self._hash is None:
            self._hash = hash((self.axes, tuple(self.data)))
        return self._hash

    # A Grid is no single number: whoever needs one gets the axes pinned.
    def __int__(self):
        self.unlift()

    __index__ = __float__ = __round__ = __trunc__ = __int__

    def __str__(self):
        self.space.shown.update(self.axes)
        return f"<{len(self.data)} values>"

    __repr__ = __str__

    def __format__(self, spec):
        return str(self)


def _axes(args: tuple) -> tuple[int, ...]:
    """The axes of a result: every axis one of the Grids among `args` depends on."""
    grids = [a for a in args if isinstance(a, Grid)]
    axes = grids[0].axes
    if any(g.axes != axes for g in grids):
        union: set[int] = set()
        for g in grids:
            union.update(g.axes)
        axes = tuple(sorted(union))
    return axes


def _columns(space: Space, axes: tuple[int, ...], args: tuple) -> list:
    """Each argument's values laid out over `axes` (an iterator repeating a plain value)."""
    n = space.size(axes)
    return [(a.data if a.axes == axes else _expand(space, a, axes)) if isinstance(a, Grid) else repeat(a, n)
            for a in args]


def _expand(space: Space, grid: Grid, axes: tuple[int, ...]) -> list:
    """The values of `grid` for each configuration of `axes` (a superset of its own), row-major."""
    n = len(grid.axes)
    if axes[-n:] == grid.axes:  # the grid's axes vary fastest: the whole list, repeated
        return grid.data * space.size(axes[:-n])
    if axes[:n] == grid.axes:  # slowest: each value, repeated
        return list(chain.from_iterable(map(repeat, grid.data, repeat(space.size(axes[n:])))))
    data = grid.data
    return [data[i] for i in space.expansion(grid.axes, axes)]


def _map(space: Space, fn: Callable, axes: tuple[int, ...], args: tuple) -> list:
    """`fn` on each configuration's values of `args`, row-major over `axes`."""
    if fn is sum:  # arith.total_of on ints
        return list(map(sum, zip(*_columns(space, axes, args), strict=True)))
    if len(args) == 2 and isinstance(args[0], Grid) and isinstance(args[1], Grid):
        a, b = args
        if a.axes[-1] < b.axes[0]:  # an outer product: no need to lay either out first
            return [fn(x, y) for x in a.data for y in b.data]
        if b.axes[-1] < a.axes[0]:
            return [fn(x, y) for y in b.data for x in a.data]
    return list(map(fn, *_columns(space, axes, args)))


def _split_on_errors(space: Space, fn: Callable, axes: tuple[int, ...], args: tuple):
    """Where `fn` raised for some configurations: Split them from the others (or, when it raised for
    all, Unlift, so that each is run with its own value and gets its own message)."""
    ok = []
    for values in zip(*_columns(space, axes, args), strict=True):
        try:
            fn(*values)
            ok.append(True)
        except ConvcostError:
            ok.append(False)
    return Split(axes, ok) if any(ok) else Unlift(axes)
