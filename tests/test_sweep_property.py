"""Property: every row of `sweep` is exactly what `analyze --set` gives that configuration, on random
small networks (odd sizes, strides, padding, make_divisible, floor, ceil_mode pools, repeats whose
count is swept, residual adds, gates and concats) and random grids, including configurations that
are invalid (fractional channels, maps that shrink to nothing, shapes that do not match), whose rows
must carry analyze's error word for word."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convcost
from convcost.analysis.sweep import Axis, sweep
from convcost.errors import ConvcostError
from convcost.sources import builder

CHANNELS = st.sampled_from(["{k}*alpha", "make_divisible({k}*alpha, 8)", "floor({k}*alpha)",
                            "max(1, floor({k}*alpha))", "{k}", "ceil({k}*alpha/3)",
                            "max(1, floor({k}*alpha*res/16))"])  # a channel count of two swept vars
SIZES = st.sampled_from([1, 2, 3, 5])
STRIDES = st.sampled_from([1, 1, 2, 3])
PADDINGS = st.sampled_from(["0", "1", "2", "same", "[1, 0]"])


@st.composite
def channels(draw) -> str:
    return '"' + draw(CHANNELS).format(k=draw(st.integers(1, 40))) + '"'


@st.composite
def layer(draw, depth: bool) -> str:
    kind = draw(st.sampled_from(["conv", "conv", "depthwise", "pointwise", "separable", "separable", "bn",
                                 "relu", "maxpool", "avgpool", "repeat" if depth else "bn"]))
    geometry = (f"kernel: {draw(SIZES)}, stride: {draw(STRIDES)}, padding: {draw(PADDINGS)}")
    if kind == "conv":
        return f"conv: {{out: {draw(channels())}, {geometry}, bias: {draw(st.booleans())}}}".lower()
    if kind == "depthwise":
        return f"depthwise: {{{geometry}}}"
    if kind == "pointwise":
        return f"pointwise: {{out: {draw(channels())}, stride: {draw(STRIDES)}}}"
    if kind == "separable":
        return f"separable: {{out: {draw(channels())}, {geometry}}}"
    if kind == "maxpool":
        return (f"maxpool: {{kernel: {draw(st.sampled_from([2, 3]))}, stride: 2, "
                f"ceil_mode: {str(draw(st.booleans())).lower()}}}")
    if kind == "avgpool":
        return "avgpool: {kernel: 2}" if draw(st.booleans()) else "avgpool: {global: true}"
    if kind == "repeat":
        return (f"repeat: {{times: depth, layers: [{{separable: {{out: {draw(channels())}, kernel: 3, "
                f"padding: 1}}}}, relu]}}")
    return kind


def named(entry: str, name: str) -> str:
    """The entry with `name: NAME` among its settings (a bare kind such as `relu` gets braces)."""
    kind, sep, settings = entry.partition(": {")
    return f"{kind}: {{name: {name}, {settings}" if sep else f"{entry}: {{name: {name}}}"


@st.composite
def merge(draw, i: int) -> str:
    """An add, mul or concat of two earlier layers (or the input): residuals, gates and joins, whose
    shapes match for some configurations only."""
    kind = draw(st.sampled_from(["add", "concat", "mul"]))
    a, b = (draw(st.sampled_from(["input", *(f"l{j}" for j in range(i))])) for _ in range(2))
    return f"{kind}: {{from: [{a}, {b}]}}"


@st.composite
def networks(draw):
    swept_depth = draw(st.booleans())
    body = []
    for i in range(draw(st.integers(1, 6))):
        entry = draw(merge(i)) if i and draw(st.integers(0, 4)) == 0 else draw(layer(swept_depth))
        body.append(named(entry, f"l{i}"))
    if draw(st.booleans()):
        body.append("fc: {out: 10}")
    width = draw(st.sampled_from(["res", "res + 3", "17", "2*res - 1"]))
    text = ("vars: {alpha: 1.0, res: 16, depth: 2}\n"
            f"input: [{draw(st.integers(1, 4))}, res, {width}]\n"
            "layers:\n" + "".join(f"  - {entry}\n" for entry in body))
    alphas = draw(st.lists(st.sampled_from([Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3),
                                            Fraction(3, 4), 1, Fraction(5, 4), 2]), min_size=1, max_size=5,
                           unique=True))
    resolutions = draw(st.lists(st.integers(1, 40), min_size=1, max_size=5, unique=True))
    axes = [Axis("alpha", tuple(alphas)), Axis("res", tuple(resolutions))]
    if swept_depth:
        depths = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2, unique=True))
        axes.append(Axis("depth", tuple(depths)))
    return text, axes


def per_configuration(path: str, axes: list[Axis]) -> list:
    """What `analyze` gives each configuration, in the sweep's order: its totals, or its error."""
    out = []
    for values in itertools.product(*(a.values for a in axes)):
        try:
            t = convcost.analyze(path, set={a.name: v for a, v in zip(axes, values, strict=True)}).totals
            out.append((t.params, t.macs, t.standard, t.separable))
        except ConvcostError as err:
            out.append(err.format())
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_every_row_is_what_analyze_gives(tmp_path_factory, network):
    text, axes = network
    path = tmp_path_factory.mktemp("net") / "net.yaml"
    path.write_text(text)
    expected = per_configuration(str(path), axes)
    try:
        result = sweep(builder(str(path))[1], axes)
    except ConvcostError as err:  # only when every configuration fails with this very error
        assert all(e == err.format() for e in expected), (text, err.format(), expected)
        return
    got = [row.error.format() if row.error else (row.params, row.macs, row.standard, row.separable)
           for row in result.rows]
    assert got == expected, text
    assert result.runs <= len(result.rows) * 2 + 1  # every split leaves fewer configurations per run
