"""Bytes per layer and peak activation memory from tensor lifetimes, by hand (issue 13)."""

from fractions import Fraction

import pytest
from helpers import analyze_text

import convcost


def test_mobilenet_v1_first_conv_by_hand():
    r = convcost.analyze("mobilenet_v1")
    m = r.layers[0].memory
    assert (m.weights, m.inputs, m.outputs) == (864 * 4, 3 * 224 * 224 * 4, 32 * 112 * 112 * 4)
    assert r.memory.weights == 4_209_088 * 4
    # sep1 (32x112x112 -> 64x112x112) holds its input, its depthwise output and its output
    assert r.memory.peak_activations == (32 + 32 + 64) * 112 * 112 * 4
    assert r.memory.peak_layer == "sep1"


@pytest.mark.parametrize("dtype,size", [("fp32", 4), ("fp16", 2), ("bf16", 2), ("int8", 1)])
def test_dtype_sizes(dtype, size):
    m = convcost.analyze("mobilenet_v1", dtype=dtype).layers[0].memory
    assert (m.weights, m.inputs) == (864 * size, 3 * 224 * 224 * size)


def test_a_residual_shortcut_stays_live():
    # input 8x4x4 (128 elements) read by `a` and by the add at the end; a, b, c write 128 each
    r = analyze_text("""\
        input: [8, 4, 4]
        layers:
          - conv: {name: a, out: 8, kernel: 3, padding: 1}
          - relu: {name: b}
          - conv: {name: c, out: 8, kernel: 3, padding: 1}
          - add: {name: d, from: [c, input]}
        """)
    e = 128 * 4
    # a: input + a; b: input + a + b; c: input + b + c; d: input + c + d -- the input never dies early
    assert r.memory.peak_activations == 3 * e
    without = analyze_text("""\
        input: [8, 4, 4]
        layers:
          - conv: {name: a, out: 8, kernel: 3, padding: 1}
          - relu: {name: b}
          - conv: {name: c, out: 8, kernel: 3, padding: 1}
        """)
    assert without.memory.peak_activations == 2 * e


def test_a_branch_read_later_stays_live_and_dies_after():
    r = analyze_text("""\
        input: [4, 8, 8]
        layers:
          - conv: {name: wide, out: 32, kernel: 1}
          - conv: {name: p, out: 4, kernel: 1}
          - conv: {name: q, out: 4, kernel: 1, from: wide}
          - concat: {name: j, from: [p, q]}
          - conv: {name: small, out: 4, kernel: 1}
        """)
    e = 64 * 4  # bytes of one channel
    # wide: input 4 + wide 32; p: wide 32 + p 4; q: wide 32 + p 4 + q 4 (wide's last reader);
    # j: p 4 + q 4 + j 8; small: j 8 + small 4
    assert r.memory.peak_activations == 40 * e
    assert r.memory.peak_layer == "q"


def test_symbolic_peak_is_exact():
    from convcost.symbolic.functions import slim_depth

    r = convcost.analyze("mobilenet_v1", symbolic=["alpha"])
    (alpha,) = r.memory.peak_activations.free_symbols
    # at the paper's widths (slim_depth(d*alpha, 8) = d*alpha): sep1's input, intermediate and output
    # (6422528*alpha) against conv1's input and output
    continuous = r.memory.peak_activations.replace(slim_depth, lambda v, _minimum: v)
    assert str(continuous) == "Max(6422528*alpha, 1605632*alpha + 602112)"
    for a in (Fraction(1, 8), Fraction(7, 20)):  # TF-slim's rounding, exactly as the numeric run
        assert r.memory.peak_activations.subs(alpha, a) == convcost.analyze(
            "mobilenet_v1", set={"alpha": f"{a.numerator}/{a.denominator}"}).memory.peak_activations
    numeric = convcost.analyze("mobilenet_v1").memory.peak_activations
    assert r.memory.peak_activations.subs(alpha, 1) == numeric


def test_symbolic_peak_of_a_deep_network_is_short_and_exact():
    """DenseNet-121 with `--symbolic res`: 357 distinct candidates for the peak. Those proven below
    another (the same stage's floors, shared factors taken out) leave the Max; the rest stay. It took
    240 s when every pair went through sympy's assumptions; the value is what numeric runs give."""
    r = convcost.analyze("densenet121", symbolic=["res"])
    peak = r.memory.peak_activations
    (res,) = peak.free_symbols
    assert r.memory.peak_layer is None and len(peak.args) <= 16
    for value in (32, 97, 224, 321):
        assert peak.subs(res, value) == convcost.analyze(
            "densenet121", set={"res": value}).memory.peak_activations, value
