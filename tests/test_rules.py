"""Each layer rule against numbers worked out by hand (the arithmetic is in the comments)."""

import pytest
from helpers import analyze_text, one_layer

from convcost.errors import ConvcostError


def test_conv_3x3_same_size():
    r = one_layer("conv: {out: 16, kernel: 3, padding: 1}")
    assert r.output == (16, 32, 32)
    assert r.params == 3 * 3 * 3 * 16 == 432
    assert r.macs == 432 * 32 * 32 == 442_368
    assert r.counters["bias_adds"] == 0


def test_conv_bias_is_counted_apart_from_macs():
    r = one_layer("conv: {out: 16, kernel: 3, padding: 1, bias: true}")
    assert r.params == 432 + 16
    assert r.macs == 442_368  # bias never folded into macs
    assert r.counters["bias_adds"] == 16 * 32 * 32


def test_rectangular_kernel():
    # 3x5 kernel, padding [1, 2] keeps 20x30; 8 -> 4 channels: 3*5*8*4 = 480 weights.
    r = one_layer("conv: {out: 4, kernel: [3, 5], padding: [1, 2]}", "[8, 20, 30]")
    assert r.output == (4, 20, 30)
    assert r.params == 480
    assert r.macs == 480 * 20 * 30
    assert (r.geometry.kh, r.geometry.kw) == (3, 5)


def test_rectangular_kernel_without_padding():
    # floor((20 - 3)/1) + 1 = 18; floor((30 - 5)/1) + 1 = 26
    r = one_layer("conv: {out: 4, kernel: [3, 5]}", "[8, 20, 30]")
    assert r.output == (4, 18, 26)


def test_dilation():
    # effective kernel d(k-1)+1 = 5: floor((10 - 4 - 1)/1) + 1 = 6
    r = one_layer("conv: {out: 2, kernel: 3, dilation: 2}", "[1, 10, 10]")
    assert r.output == (2, 6, 6)
    assert r.params == 9 * 2  # dilation adds no weights


def test_stride_with_odd_size():
    # floor((7 + 2 - 2 - 1)/2) + 1 = 4
    r = one_layer("conv: {out: 1, kernel: 3, stride: 2, padding: 1}", "[1, 7, 7]")
    assert r.output == (1, 4, 4)
    # no padding: floor((7 - 3)/2) + 1 = 3
    assert one_layer("conv: {out: 1, kernel: 3, stride: 2}", "[1, 7, 7]").output == (1, 3, 3)
    # 8 wide, kernel 3, stride 2: floor(5/2) + 1 = 3
    assert one_layer("conv: {out: 1, kernel: 3, stride: 2}", "[1, 8, 8]").output == (1, 3, 3)


def test_rectangular_stride():
    # height: floor((9 + 2 - 3)/2) + 1 = 5; width: floor((9 + 2 - 3)/3) + 1 = 3
    r = one_layer("conv: {out: 1, kernel: 3, stride: [2, 3], padding: 1}", "[1, 9, 9]")
    assert r.output == (1, 5, 3)


@pytest.mark.parametrize("size,stride,expected", [(7, 2, 4), (224, 2, 112), (5, 1, 5), (9, 4, 3)])
def test_same_padding_is_ceil_of_size_over_stride(size, stride, expected):
    r = one_layer(f"conv: {{out: 1, kernel: 3, stride: {stride}, padding: same}}", f"[1, {size}, {size}]")
    assert r.output == (1, expected, expected)


def test_valid_padding_is_no_padding():
    assert one_layer("conv: {out: 1, kernel: 3, padding: valid}", "[1, 7, 7]").output == (1, 5, 5)


def test_grouped_conv():
    # groups 4: each filter sees 8/4 = 2 channels: 3*3*2*16 = 288 weights
    r = one_layer("conv: {out: 16, kernel: 3, padding: 1, groups: 4}", "[8, 5, 5]")
    assert r.params == 288
    assert r.macs == 288 * 25
    assert r.parts[0].label == "grouped conv 3x3"


def test_groups_must_divide_channels():
    with pytest.raises(ConvcostError, match="groups=3 does not divide the 8 input channels") as e:
        one_layer("conv: {out: 9, kernel: 3, groups: 3}", "[8, 5, 5]")
    assert e.value.location.line == 3


def test_conv_with_groups_equal_channels_is_depthwise():
    r = one_layer("conv: {out: 8, kernel: 3, padding: 1, groups: 8}", "[8, 5, 5]")
    assert r.params == 72
    assert r.parts[0].label == "depthwise 3x3"


def test_depthwise():
    r = one_layer("depthwise: {kernel: 3, stride: 2, padding: 1}", "[32, 112, 112]")
    assert r.output == (32, 56, 56)
    assert r.params == 9 * 32
    assert r.macs == 9 * 32 * 56 * 56


def test_depthwise_multiplier():
    r = one_layer("depthwise: {kernel: 3, padding: 1, multiplier: 2}", "[4, 6, 6]")
    assert r.output == (8, 6, 6)
    assert r.params == 9 * 8


def test_pointwise_with_stride():
    # ResNet's projection shortcut: 1x1, stride 2: floor((56 - 1)/2) + 1 = 28
    r = one_layer("pointwise: {out: 128, stride: 2}", "[64, 56, 56]")
    assert r.output == (128, 28, 28)
    assert r.params == 64 * 128
    assert r.parts[0].label == "pointwise"


def test_separable():
    # depthwise 9*32 = 288 weights, pointwise 32*64 = 2048; at 112x112 output
    r = one_layer("separable: {out: 64, kernel: 3, padding: 1}", "[32, 112, 112]")
    assert r.output == (64, 112, 112)
    assert r.params == 288 + 2048
    assert r.macs == (9 + 64) * 32 * 112 * 112 == 29_302_784
    assert [p.label for p in r.parts] == ["depthwise 3x3", "pointwise"]
    assert r.parts[0].macs == 9 * 32 * 112 * 112


def test_separable_bias_on_both_parts():
    r = one_layer("separable: {out: 64, kernel: 3, padding: 1, bias: true}", "[32, 112, 112]")
    assert r.params == (288 + 32) + (2048 + 64)
    assert r.counters["bias_adds"] == (32 + 64) * 112 * 112


def test_separable_rectangular_kernel_and_stride():
    # 1x7 then: height floor((14 - 1)/2) + 1 = 7, width floor((14 + 6 - 7)/2) + 1 = 7
    r = one_layer("separable: {out: 10, kernel: [1, 7], stride: 2, padding: [0, 3]}", "[6, 14, 14]")
    assert r.output == (10, 7, 7)
    assert r.params == 7 * 6 + 6 * 10
    assert r.macs == (7 + 10) * 6 * 49


def test_fc_flattens_and_has_bias_by_default():
    r = one_layer("fc: {out: 10}", "[4, 2, 2]")
    assert r.output == (10,)
    assert r.params == 16 * 10 + 10
    assert r.macs == 160
    assert r.counters["bias_adds"] == 10


def test_fc_without_bias():
    assert one_layer("fc: {out: 10, bias: false}", "[4, 2, 2]").params == 160


def test_global_avgpool():
    r = one_layer("avgpool: {global: true}", "[1024, 7, 7]")
    assert r.output == (1024, 1, 1)
    assert (r.params, r.macs) == (0, 0)
    assert r.counters["pool_ops"] == 1024 * 49


def test_maxpool_resnet_stem():
    # floor((112 + 2 - 2 - 1)/2) + 1 = 56
    r = one_layer("maxpool: {kernel: 3, stride: 2, padding: 1}", "[64, 112, 112]")
    assert r.output == (64, 56, 56)
    assert r.counters["pool_ops"] == 64 * 56 * 56 * 9
    assert r.macs == 0


def test_pool_stride_defaults_to_kernel():
    assert one_layer("avgpool: {kernel: 2}", "[3, 8, 8]").output == (3, 4, 4)


def test_pool_ceil_mode():
    # PyTorch MaxPool2d(2, 2, ceil_mode=True) on 7x7 gives 4x4 (3x3 without ceil_mode)
    assert one_layer("maxpool: {kernel: 2, ceil_mode: true}", "[1, 7, 7]").output == (1, 4, 4)
    assert one_layer("maxpool: {kernel: 2}", "[1, 7, 7]").output == (1, 3, 3)
    # The last window must start inside the input: 6x6, kernel 2, stride 2, ceil -> 3 (not 4)
    assert one_layer("maxpool: {kernel: 2, ceil_mode: true}", "[1, 6, 6]").output == (1, 3, 3)


def test_maxpool_dilation():
    # floor((9 - 2*2 - 1)/1) + 1 = 5
    assert one_layer("maxpool: {kernel: 3, stride: 1, dilation: 2}", "[1, 9, 9]").output == (1, 5, 5)


def test_bn_params_are_gamma_and_beta():
    r = one_layer("bn", "[32, 4, 4]")
    assert r.params == 64
    assert r.counters["bn_ops"] == 32 * 16
    assert r.macs == 0


@pytest.mark.parametrize("kind", ["relu", "relu6", "sigmoid", "hswish", "swish", "tanh"])
def test_activations(kind):
    r = one_layer(kind, "[8, 3, 3]")
    assert r.output == (8, 3, 3)
    assert (r.params, r.macs) == (0, 0)
    assert r.counters["activation_ops"] == 72


def test_flatten():
    assert one_layer("flatten", "[8, 3, 3]").output == (72,)


def test_upsample():
    assert one_layer("upsample: {scale: 2}", "[8, 3, 5]").output == (8, 6, 10)
    assert one_layer("upsample: {size: [7, 9]}", "[8, 3, 5]").output == (8, 7, 9)


RESIDUAL = """
input: [64, 56, 56]
layers:
  - conv: {name: a, out: 64, kernel: 3, padding: 1}
  - bn
  - relu
  - conv: {name: b, out: 64, kernel: 3, padding: 1}
  - add: {name: sum, from: [b, input]}
  - relu
"""


def test_residual_block_with_add():
    report = analyze_text(RESIDUAL)
    add = report.layer("sum")
    assert add.inputs == ("b", "input")
    assert add.output == (64, 56, 56)
    assert add.macs == 0
    assert add.counters["eltwise_ops"] == 64 * 56 * 56
    assert report.totals.macs == 2 * 9 * 64 * 64 * 56 * 56
    assert report.totals.params == 2 * 9 * 64 * 64 + 2 * 64


def test_add_of_mismatched_shapes_names_both_shapes():
    text = RESIDUAL.replace("name: b, out: 64, kernel: 3, padding: 1",
                            "name: b, out: 64, kernel: 3, stride: 2, padding: 1")
    with pytest.raises(ConvcostError) as e:
        analyze_text(text)
    msg = str(e.value)
    assert "[64, 28, 28]" in msg and "[64, 56, 56]" in msg and "'sum'" in msg
    assert e.value.location.line == 8


def test_concat_adds_channels():
    report = analyze_text("""
    input: [3, 16, 16]
    layers:
      - conv: {name: a, out: 8, kernel: 1}
      - conv: {name: b, out: 5, kernel: 3, padding: 1, from: input}
      - concat: {from: [a, b]}
    """)
    assert report.layers[-1].output == (13, 16, 16)


def test_concat_of_different_sizes_is_an_error():
    with pytest.raises(ConvcostError, match="concat needs inputs of one spatial size"):
        analyze_text("""
        input: [3, 16, 16]
        layers:
          - conv: {name: a, out: 8, kernel: 1}
          - conv: {name: b, out: 5, kernel: 3, from: input}
          - concat: {from: [a, b]}
        """)


def test_mul_broadcasts_a_gate():
    report = analyze_text("""
    input: [16, 8, 8]
    layers:
      - avgpool: {global: true}
      - pointwise: {out: 4, bias: true}
      - relu
      - pointwise: {out: 16, bias: true}
      - hsigmoid: {name: gate}
      - mul: {from: [input, gate]}
    """)
    assert report.layers[-1].output == (16, 8, 8)
    assert report.layers[-1].counters["eltwise_ops"] == 16 * 64


def test_spatial_size_reaching_zero_is_an_error():
    with pytest.raises(ConvcostError, match="output height reaches 0") as e:
        one_layer("conv: {out: 4, kernel: 5}", "[3, 4, 4]")
    assert e.value.location.line == 3
