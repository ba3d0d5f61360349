"""The kinds imported models need, in layer files: `reshape`, `eltwise`, the `clip` activation and
bicubic upsampling (numbers by hand)."""

import pytest
from helpers import analyze_text

from convcost.errors import ConvcostError


def test_reshape_a_vector_into_a_gate_for_mul():
    report = analyze_text("""
        input: [16, 8, 8]
        layers:
          - avgpool: {name: pool, global: true}
          - flatten
          - fc: {name: squeeze, out: 4}
          - fc: {name: excite, out: 16}
          - sigmoid
          - reshape: {name: gate, shape: [16, 1, 1]}
          - mul: {name: scale, from: [input, gate]}
        """)
    assert report.layer("gate").output == (16, 1, 1)
    assert report.layer("scale").output == (16, 8, 8)
    assert report.layer("scale").counters["eltwise_ops"] == 16 * 64
    assert report.totals.params == (16 * 4 + 4) + (4 * 16 + 16)


def test_reshape_must_keep_the_number_of_elements():
    with pytest.raises(ConvcostError, match=r"reshape of \[3, 8, 8\] \(192 elements\) to \[3, 8, 7\]"):
        analyze_text("input: [3, 8, 8]\nlayers:\n  - reshape: {shape: [3, 8, 7]}\n")
    with pytest.raises(ConvcostError, match=r"is \[features\] or \[channels, height, width\]"):
        analyze_text("input: [3, 8, 8]\nlayers:\n  - reshape: {shape: [3, 64]}\n")


def test_eltwise_counts_one_operation_per_element_and_no_parameters():
    report = analyze_text("""
        input: [3, 10, 10]
        layers:
          - eltwise: {op: sub}
          - eltwise: {op: div}
          - conv: {out: 8, kernel: 3}
        """)
    sub, div, conv = report.layers
    assert (sub.params, sub.macs, sub.counters["eltwise_ops"]) == (0, 0, 300)
    assert div.attrs["op"] == "div" and report.totals.params == 8 * 27
    with pytest.raises(ConvcostError, match="must be one of add, sub, mul, div, pow, max, min"):
        analyze_text("input: [3, 8, 8]\nlayers:\n  - eltwise: {op: xor}\n")


def test_eltwise_and_clip_may_sit_inside_a_separable_pair():
    report = analyze_text("""
        input: [8, 8, 8]
        layers:
          - depthwise: {name: dw, kernel: 3, padding: 1}
          - clip
          - eltwise: {op: mul}
          - pointwise: {name: pw, out: 16}
        """)
    assert report.layer("pw").pair == ("dw", "pw")


def test_bicubic_upsample():
    report = analyze_text("input: [3, 8, 8]\nlayers:\n  - upsample: {scale: 2, mode: bicubic}\n")
    assert report.layers[0].output == (3, 16, 16) and report.layers[0].macs == 0


def test_layer_names_may_start_with_a_slash_as_onnx_node_names_do():
    report = analyze_text("""
        input: [3, 8, 8]
        layers:
          - relu: {name: "/features/act"}
          - sigmoid: {name: "/head/gate", from: input}
          - add: {from: ["/features/act", "/head/gate"]}
        """)
    assert [layer.name for layer in report.layers] == ["/features/act", "/head/gate", "add_1"]
    with pytest.raises(ConvcostError, match="invalid layer name '/-x'"):
        analyze_text("input: [3, 8, 8]\nlayers:\n  - relu: {name: /-x}\n")
