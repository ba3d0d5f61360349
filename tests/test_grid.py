"""Grid values (convcost/symbolic/grid.py): every operation through arith equals the operation on each
configuration's numbers, whatever axes the operands span; decisions are answered when all agree and
split otherwise; a value that must be one number unlifts."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convcost.symbolic import arith
from convcost.symbolic.grid import Grid, Space, Split, Unlift, make

NUMBERS = st.one_of(st.integers(-50, 50), st.fractions(min_value=-20, max_value=20, max_denominator=7))


@st.composite
def spaces(draw):
    return Space(draw(st.lists(st.integers(2, 4), min_size=1, max_size=3)))


@st.composite
def operands(draw, space: Space):
    """A plain number, or a Grid over a random non-empty subset of the space's axes."""
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(NUMBERS)
    axes = tuple(sorted(draw(st.sets(st.sampled_from(range(len(space.sizes))), min_size=1))))
    data = draw(st.lists(NUMBERS, min_size=space.size(axes), max_size=space.size(axes)))
    return make(space, axes, [arith.normalize(x) for x in data])


def at(value, cell: tuple[int, ...], space: Space):
    """The number `value` holds at one configuration (a multi-index over all axes)."""
    if not isinstance(value, Grid):
        return value
    index = 0
    for a in value.axes:
        index = index * space.sizes[a] + cell[a]
    return value.data[index]


def cells(space: Space):
    return itertools.product(*(range(n) for n in space.sizes))


BINARY = [arith.add, arith.sub, arith.mul, arith.minimum, arith.maximum]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_operations_are_elementwise(data):
    space = data.draw(spaces())
    a, b = data.draw(operands(space)), data.draw(operands(space))
    fn = data.draw(st.sampled_from([*BINARY, arith.div, arith.floordiv, arith.ceildiv, "total", "floor"]))
    if fn in (arith.div, arith.floordiv, arith.ceildiv):
        b = arith.add(arith.mul(b, b), 1)  # never zero
    if fn == "total":
        result = arith.total([a, b, 3])
        expect = lambda x, y: arith.total([x, y, 3])  # noqa: E731
    elif fn == "floor":
        result = arith.floor(arith.div(a, 3))
        expect = lambda x, y: arith.floor(arith.div(x, 3))  # noqa: E731
    else:
        result = fn(a, b)
        expect = fn
    for cell in cells(space):
        got = at(result, cell, space)
        want = expect(at(a, cell, space), at(b, cell, space))
        assert got == want and type(got) is type(want), (cell, got, want)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_decisions_agree_or_split(data):
    space = data.draw(spaces())
    a, b = data.draw(operands(space)), data.draw(operands(space))
    question = data.draw(st.sampled_from(["less_than", "equal", "is_positive", "is_integer", "is_zero"]))
    if question in ("less_than", "equal"):
        def ask(x, y):
            return getattr(arith, question)(x, y)
    else:
        def ask(x, y):
            return getattr(arith, question)(arith.sub(x, y))
    answers = [ask(at(a, cell, space), at(b, cell, space)) for cell in cells(space)]
    try:
        answer = ask(a, b)
    except Split as split:
        assert len(set(answers)) == 2
        # the mask is each configuration's answer, over the split's axes
        for cell, want in zip(cells(space), answers, strict=True):
            index = 0
            for axis in split.axes:
                index = index * space.sizes[axis] + cell[axis]
            assert split.mask[index] is want
        return
    assert set(answers) == {answer}


def test_a_uniform_value_is_a_plain_number():
    space = Space([3])
    assert make(space, (0,), [2, 2, 2]) == 2 and type(make(space, (0,), [2, 2, 2])) is int
    g = make(space, (0,), [Fraction(1, 2), Fraction(3, 2), Fraction(5, 2)])
    assert arith.mul(g, 0) == 0 and type(arith.mul(g, 0)) is int
    assert arith.floor(arith.div(g, 10)) == 0


def test_python_operators_and_comparisons():
    space = Space([2, 3])
    alpha = space.grid(0, [Fraction(1, 2), 1])
    res = space.grid(1, [8, 16, 32])
    macs = 64 * alpha * res * res + 1
    assert isinstance(macs, Grid) and macs.axes == (0, 1)
    assert macs.data == [64 * a * r * r + 1 for a in (Fraction(1, 2), 1) for r in (8, 16, 32)]
    assert (res > 4) is True and (res > 100) is False and (res == "same") is False
    with pytest.raises(Split) as split:
        bool(res > 10)
    assert split.value.axes == (1,) and split.value.mask == [False, True, True]
    with pytest.raises(Split):
        _ = alpha == 1  # true for one width only


def test_what_needs_one_number_unlifts():
    space = Space([2, 3])
    res = space.grid(1, [8, 16, 32])
    for needs_one in (int, float, arith.is_number, arith.to_sympy):
        with pytest.raises(Unlift) as unlift:
            needs_one(res)
        assert unlift.value.axes == (1,)


def test_text_of_a_grid_is_noted():
    space = Space([2])
    g = space.grid(0, [1, 2])
    assert not space.shown
    assert f"{g}" and space.shown == {0}
