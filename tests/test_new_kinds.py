"""The kinds of issue 10, each against numbers worked out by hand (PyTorch's formulas, written out)."""

import pytest
import sympy
from helpers import analyze_text, one_layer

from convcost.errors import ConvcostError


def test_conv_transpose_shape_params_and_macs():
    # ConvTranspose2d(16, 8, 4, stride=2, padding=1): out (7-1)*2 - 2 + 3 + 0 + 1 = 14;
    # weights 16 * 8 * 4 * 4 = 2048 (+8 biases); every one of the 16*7*7 input elements is
    # multiplied into 8*4*4 outputs: 784 * 128 = 100,352 mult-adds
    r = one_layer("conv_transpose: {out: 8, kernel: 4, stride: 2, padding: 1, bias: true}", "[16, 7, 7]")
    assert (r.output, r.params, r.macs, r.counters["bias_adds"]) == ((8, 14, 14), 2056, 100_352, 8 * 196)


def test_conv_transpose_groups_output_padding_dilation():
    # groups 2: 16 -> 8 channels, weights 16 * (8/2) * 3 * 3 = 576; H: (5-1)*3 - 0 + 2*(3-1) + 1 + 1 = 18;
    # W: (6-1)*3 + 4 + 1 + 1 = 21; mult-adds 16*5*6 inputs x 4*9 = 17,280
    r = one_layer("conv_transpose: {out: 8, kernel: 3, stride: 3, dilation: 2, output_padding: 1, groups: 2}",
                  "[16, 5, 6]")
    assert (r.output, r.params, r.macs) == ((8, 18, 21), 576, 17_280)


def test_conv_transpose_refuses_output_padding_not_below_stride_or_dilation():
    with pytest.raises(ConvcostError, match="output_padding 2 must be smaller"):
        one_layer("conv_transpose: {out: 8, kernel: 3, stride: 2, output_padding: 2}", "[4, 5, 5]")


def test_asymmetric_conv_padding():
    # 3x3 stride 2 on 224 with TF's `same` padding [0, 1, 0, 1]: (224 + 0 + 1 - 3)//2 + 1 = 112
    r = one_layer("conv: {out: 8, kernel: 3, stride: 2, padding: [0, 1, 0, 1]}", "[3, 224, 224]")
    assert r.output == (8, 112, 112)
    assert r.macs == 3 * 9 * 8 * 112 * 112
    # top 2, bottom 0, left 1, right 3: H (10 + 2 - 3) + 1 = 10; W (10 + 4 - 3) + 1 = 12
    assert one_layer("conv: {out: 1, kernel: 3, padding: [2, 0, 1, 3]}", "[1, 10, 10]").output == (1, 10, 12)
    # four equal values are the plain pair
    same = one_layer("conv: {out: 1, kernel: 3, padding: [1, 1, 1, 1]}", "[1, 9, 9]")
    assert same.attrs["padding"] == (1, 1)


def test_pad_then_valid_conv_equals_padded_conv():
    report = analyze_text("""
        input: [3, 31, 30]
        layers:
          - pad: {padding: [1, 2, 0, 1]}
          - conv: {out: 4, kernel: 3, stride: 2}
        """)
    assert report.layers[0].output == (3, 34, 31)
    assert report.layers[1].output == (4, 16, 15)  # (34 - 3)//2 + 1, (31 - 3)//2 + 1
    assert report.layers[0].params == report.layers[0].macs == 0


@pytest.mark.parametrize("channels,parts,sizes", [(116, 2, [58, 58]), (5, 2, [3, 2]), (10, 3, [4, 4, 2]),
                                                  (5, 4, [2, 2, 1])])
def test_chunk_sizes_as_torch_chunk(channels, parts, sizes):
    # torch.chunk: parts of ceil(C/parts); torch.arange(5).chunk(4) gives 3 parts of 2, 2, 1
    text = f"input: [{channels}, 4, 4]\nlayers:\n  - chunk: {{name: x, parts: {parts}}}\n"
    if len(sizes) < parts:
        with pytest.raises(ConvcostError, match="has no part 3"):
            analyze_text(text)
        return
    report = analyze_text(text)
    assert [r.name for r in report.layers] == [f"x.{i}" for i in range(parts)]
    assert [r.output[0] for r in report.layers] == sizes


def test_chunk_outputs_in_from_and_default_input():
    report = analyze_text("""
        input: [8, 4, 4]
        layers:
          - chunk: {name: x, parts: 2}
          - relu: {name: r}             # reads the last part, x.1
          - concat: {from: [x.0, r]}
          - identity: {from: x}         # the chunk's name means its last part
        """)
    assert report.layer("r").inputs == ("x.1",)
    assert report.layers[3].output == (8, 4, 4)
    assert report.layers[4].inputs == ("x.1",)


def test_slice_and_channel_shuffle():
    assert one_layer("slice: {end: 5}", "[8, 4, 4]").output == (5, 4, 4)
    assert one_layer("slice: {start: 2, end: 7}", "[8, 4, 4]").output == (5, 4, 4)
    with pytest.raises(ConvcostError, match="out of range"):
        one_layer("slice: {start: 2, end: 9}", "[8, 4, 4]")
    r = one_layer("channel_shuffle: {groups: 2}", "[116, 28, 28]")
    assert (r.output, r.params, r.macs) == ((116, 28, 28), 0, 0)
    with pytest.raises(ConvcostError, match="does not divide"):
        one_layer("channel_shuffle: {groups: 3}", "[116, 28, 28]")


@pytest.mark.parametrize("h,out,windows", [(7, 7, 7), (6, 7, 12), (13, 1, 13), (10, 4, 12), (9, 3, 9)])
def test_adaptive_pool_windows(h, out, windows):
    # PyTorch's window i is [floor(i*H/o), ceil((i+1)*H/o)): 6 -> 7 gives lengths 1,2,2,2,2,2,1 = 12;
    # 10 -> 4 gives [0,3) [2,5) [5,8) [7,10) = 12
    r = one_layer(f"adaptive_avgpool: {{size: {out}}}", f"[2, {h}, {h}]")
    assert r.output == (2, out, out)
    assert r.counters["pool_ops"] == 2 * windows * windows


def test_adaptive_pool_with_a_symbolic_size_agrees_with_numbers():
    report = analyze_text("""
        vars: {res: 12}
        input: [1, res, res]
        layers:
          - adaptive_maxpool: {size: [3, 2]}
        """, symbolic=["res"])
    ops = report.layers[0].counters["pool_ops"]
    res = sympy.Symbol("res", positive=True, integer=True)

    def windows(size, out):  # PyTorch's windows, summed one by one
        return sum(-(-(i + 1) * size // out) - (i * size // out) for i in range(out))

    for value in (6, 7, 10, 11):
        assert ops.subs(res, value) == windows(value, 3) * windows(value, 2)


def test_hard_activations_are_aliases():
    for kind in ("hardswish", "hardsigmoid", "hswish", "hsigmoid"):
        r = one_layer(kind, "[4, 5, 5]")
        assert r.counters["activation_ops"] == 100 and r.params == 0
