"""Standard versus separable: per-layer alternatives, pair recognition and network totals."""

from fractions import Fraction

from helpers import analyze_text, one_layer, repeated_blocks


def test_standard_conv_alternatives_and_ratio():
    # M=32, N=64, 3x3, 56x56 output: standard 9*32*64*3136, separable (9+64)*32*3136
    r = one_layer("conv: {out: 64, kernel: 3, padding: 1}", "[32, 56, 56]")
    assert r.standard.macs == r.macs == 9 * 32 * 64 * 3136
    assert r.separable.macs == (9 + 64) * 32 * 3136
    assert r.separable.params == 9 * 32 + 32 * 64
    assert r.ratio == Fraction(1, 64) + Fraction(1, 9)


def test_standard_conv_with_bias_alternatives():
    r = one_layer("conv: {out: 64, kernel: 3, padding: 1, bias: true}", "[32, 56, 56]")
    assert r.standard.params == 9 * 32 * 64 + 64
    assert r.separable.params == (9 * 32 + 32) + (32 * 64 + 64)


def test_rectangular_ratio():
    r = one_layer("conv: {out: 10, kernel: [1, 7], padding: [0, 3]}", "[6, 14, 14]")
    assert r.ratio == Fraction(1, 10) + Fraction(1, 7)


def test_pointwise_alone_is_dearer_as_separable():
    r = one_layer("pointwise: {out: 16}", "[8, 4, 4]")
    assert r.ratio == 1 + Fraction(1, 16)


def test_separable_entry_alternatives():
    r = one_layer("separable: {out: 64, kernel: 3, padding: 1}", "[32, 112, 112]")
    assert r.separable.macs == r.macs
    assert r.standard.macs == 9 * 32 * 64 * 112 * 112
    assert r.standard.params == 9 * 32 * 64


PAIR = """
input: [32, 28, 28]
layers:
  - depthwise: {name: dw, kernel: 3, padding: 1}
  - bn
  - relu
  - pointwise: {name: pw, out: 64}
"""


def test_depthwise_then_pointwise_is_a_pair():
    report = analyze_text(PAIR)
    dw, pw = report.layer("dw"), report.layer("pw")
    assert dw.pair == pw.pair == ("dw", "pw")
    assert pw.standard.macs == 9 * 32 * 64 * 784
    assert pw.separable.macs == (9 + 64) * 32 * 784
    assert pw.ratio == Fraction(1, 64) + Fraction(1, 9)
    t = report.totals
    assert t.standard.macs == 9 * 32 * 64 * 784
    assert t.standard.params == 9 * 32 * 64 + 2 * 32  # bn's gamma and beta stay
    assert t.separable.macs == t.macs == (9 + 64) * 32 * 784


def test_depthwise_whose_output_is_also_used_elsewhere_is_not_a_pair():
    report = analyze_text(PAIR + "  - concat: {from: [pw, dw]}\n")
    assert report.layer("dw").pair is None


def test_depthwise_followed_by_a_strided_pointwise_is_not_a_pair():
    report = analyze_text(PAIR.replace("out: 64}", "out: 64, stride: 2}"))
    assert report.layer("dw").pair is None


def test_separable_network_total_skips_1x1_and_keeps_cheaper():
    report = analyze_text("""
    input: [16, 8, 8]
    layers:
      - conv: {name: c3, out: 32, kernel: 3, padding: 1}
      - conv: {name: c1, out: 32, kernel: 1}
    """)
    c3 = report.layer("c3")
    t = report.totals
    assert t.separable.macs == (9 + 32) * 16 * 64 + 32 * 32 * 64
    assert t.standard.macs == t.macs == 9 * 16 * 32 * 64 + 32 * 32 * 64
    assert c3.ratio < 1


def test_two_element_kernel_with_two_outputs_is_not_replaced():
    # (N - 1)(Dk*Dk' - 1) = 1: equal cost, so the separable version keeps the conv
    report = analyze_text("""
    input: [4, 8, 8]
    layers:
      - conv: {out: 2, kernel: [1, 2]}
    """)
    r = report.layers[0]
    assert r.ratio == 1
    assert report.totals.separable.macs == report.totals.macs


def test_repeated_blocks_run_each_rule_once(monkeypatch):
    # Rules are pure, so the engine computes a repeated layer once: the work of a numeric run grows
    # with its distinct layers, and a 5,000-layer stack of one block runs five rules.
    from convcost.layers.registry import get_rules

    one = analyze_text(repeated_blocks(1))
    rules, calls = get_rules(), []
    for kind in ("depthwise", "bn", "pointwise", "add"):
        def counted(params, inputs, infer=rules[kind].infer, kind=kind):
            calls.append(kind)
            return infer(params, inputs)

        monkeypatch.setitem(rules, kind, rules[kind]._replace(infer=counted))
    report = analyze_text(repeated_blocks(1000))
    assert len(report.layers) == 5000
    assert sorted(calls) == ["add", "bn", "depthwise", "pointwise", "pointwise"]
    t, t1 = report.totals, one.totals
    assert (t.params, t.macs, t.standard, t.separable) == (
        1000 * t1.params, 1000 * t1.macs, (1000 * t1.standard.params, 1000 * t1.standard.macs),
        (1000 * t1.separable.params, 1000 * t1.separable.macs))
    pair = ("repeat_1.1000.depthwise_1", "repeat_1.1000.wide")  # through the bn between them
    assert [r.pair for r in report.layers[-5:]] == [pair, None, pair, None, None]
