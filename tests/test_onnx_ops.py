"""Every ONNX operator convcost reads, on small models built with onnx.helper; numbers by hand.

Counting (docs/onnx.md): a Conv of weight [N, M/g, kH, kW] has N·(M/g)·kH·kW weights (+N biases),
each used once per output position; a Gemm/MatMul weight [K, N] has K·N (+N) used once; a
BatchNormalization has 2C parameters (scale and bias); nothing else has parameters or mult-adds.
"""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper
from onnx_build import floats, ints, node, save, scalar, weight

import convcost
from convcost.errors import ConvcostError


@pytest.fixture
def build(tmp_path):
    def make(nodes, inits=(), **kw):
        return save(tmp_path, nodes, inits, **kw)

    return make


def kinds(report):
    return [layer.kind for layer in report.layers]


# -- convolutions ---------------------------------------------------------------------------------


def test_conv_with_bias(build):
    path = build([node("Conv", ["x", "w", "b"], "y", pads=[1, 1, 1, 1], kernel_shape=[3, 3])],
                 [weight("w", 4, 3, 3, 3), weight("b", 4)])
    r = convcost.analyze(path)
    (conv,) = r.layers
    assert conv.kind == "conv" and conv.output == (4, 8, 8)
    assert conv.params == 4 * 3 * 9 + 4 == 112
    assert conv.macs == 4 * 3 * 9 * 8 * 8 == 6912
    assert conv.counters["bias_adds"] == 4 * 64


def test_depthwise_then_pointwise_is_a_separable_pair(build):
    path = build([node("Conv", ["x", "dw_w"], "dw", group=8, pads=[1, 1, 1, 1]),
                  node("Relu", ["dw"], "act"),
                  node("Conv", ["act", "pw_w"], "y", name="pw")],
                 [weight("dw_w", 8, 1, 3, 3), weight("pw_w", 16, 8, 1, 1)], shape=(1, 8, 8, 8))
    r = convcost.analyze(path)
    dw, pw = r.layer("dw"), r.layer("pw")
    assert (dw.params, dw.macs) == (8 * 9, 8 * 9 * 64)
    assert (pw.params, pw.macs) == (16 * 8, 16 * 8 * 64)
    assert dw.pair == pw.pair == ("dw", "pw")
    assert r.totals.standard.macs == 3 * 3 * 8 * 16 * 64  # the pair as one standard 3x3 conv
    assert not r.warnings


def test_dilation_asymmetric_pads_and_auto_pad(build):
    dilated = convcost.analyze(build([node("Conv", ["x", "w"], "y", dilations=[2, 2], pads=[2, 2, 2, 2])],
                                     [weight("w", 4, 3, 3, 3)])).layers[0]
    assert dilated.output == (4, 8, 8) and dilated.macs == 108 * 64
    # pads are [top, left, bottom, right]: (8 + 0 + 1 - 3) // 2 + 1 = 4
    asym = convcost.analyze(build([node("Conv", ["x", "w"], "y", strides=[2, 2], pads=[0, 0, 1, 1])],
                                  [weight("w", 4, 3, 3, 3)])).layers[0]
    assert asym.output == (4, 4, 4) and asym.attrs["padding"] == ((0, 1), (0, 1))
    for auto, size in (("SAME_UPPER", 4), ("SAME_LOWER", 4), ("VALID", 3)):  # ceil(7/2); (7-3)//2 + 1
        layer = convcost.analyze(build([node("Conv", ["x", "w"], "y", strides=[2, 2], auto_pad=auto)],
                                       [weight("w", 4, 3, 3, 3)], shape=(1, 3, 7, 7))).layers[0]
        assert layer.output == (4, size, size), auto


def test_a_1x1_conv_with_same_padding_is_still_pointwise(build):
    path = build([node("Conv", ["x", "dw_w"], "dw", group=3, auto_pad="SAME_UPPER"),
                  node("Conv", ["dw", "pw_w"], "y", name="pw", auto_pad="SAME_UPPER")],
                 [weight("dw_w", 3, 1, 3, 3), weight("pw_w", 6, 3, 1, 1)])
    assert convcost.analyze(path).layer("pw").pair == ("dw", "pw")


def test_conv_transpose(build):
    path = build([node("ConvTranspose", ["x", "w"], "y", strides=[2, 2], pads=[1, 1, 1, 1],
                       output_padding=[1, 1])], [weight("w", 4, 2, 3, 3)], shape=(1, 4, 4, 4))
    (layer,) = convcost.analyze(path).layers
    # (4 - 1)*2 - 2*1 + (3 - 1) + 1 + 1 = 8; every input element meets 2*3*3 weights
    assert layer.kind == "conv_transpose" and layer.output == (2, 8, 8)
    assert (layer.params, layer.macs) == (4 * 2 * 9, 4 * 4 * 4 * 2 * 9)


def test_conv_weight_that_does_not_fit_the_input_is_an_error(build):
    path = build([node("Conv", ["x", "w"], "y")], [weight("w", 4, 5, 3, 3)])
    with pytest.raises(ConvcostError, match=r"reads 5 channels; the input has 3") as err:
        convcost.analyze(path)
    assert err.value.location.line == 1


# -- fully connected ------------------------------------------------------------------------------


def test_gemm_after_flatten(build):
    path = build([node("Flatten", ["x"], "f"), node("Gemm", ["f", "w", "b"], "y", transB=1)],
                 [weight("w", 10, 192), weight("b", 10)])
    r = convcost.analyze(path)
    assert kinds(r) == ["flatten", "fc"]
    fc = r.layers[1]
    assert (fc.params, fc.macs, fc.output) == (192 * 10 + 10, 192 * 10, (10,))


def test_matmul_then_add_is_one_fc_with_a_bias(build):
    path = build([node("Flatten", ["x"], "f"), node("MatMul", ["f", "w"], "mm"),
                  node("Add", ["mm", "b"], "y")],
                 [weight("w", 192, 10), weight("b", 10)])
    r = convcost.analyze(path)
    assert kinds(r) == ["flatten", "fc"]
    assert (r.layers[1].params, r.layers[1].macs) == (1930, 1920)


def test_conv_then_add_of_a_per_channel_constant_is_its_bias(build):
    path = build([node("Conv", ["x", "w"], "c", pads=[1, 1, 1, 1]), node("Add", ["c", "b"], "y")],
                 [weight("w", 4, 3, 3, 3), weight("b", 1, 4, 1, 1)])
    r = convcost.analyze(path)
    assert kinds(r) == ["conv"] and r.totals.params == 112


def test_gemm_with_the_wrong_number_of_features_is_an_error(build):
    path = build([node("Flatten", ["x"], "f"), node("Gemm", ["f", "w"], "y", transB=1)],
                 [weight("w", 10, 100)])
    with pytest.raises(ConvcostError, match="expects 100 input features; the input has 192"):
        convcost.analyze(path)


# -- normalisation and activations ----------------------------------------------------------------


def test_batchnorm_counts_scale_and_bias_not_the_running_statistics(build):
    path = build([node("BatchNormalization", ["x", "s", "b", "m", "v"], "y")],
                 [weight("s", 3), weight("b", 3), weight("m", 3), weight("v", 3)])
    (bn,) = convcost.analyze(path).layers
    assert bn.kind == "bn" and bn.params == 6 and bn.counters["bn_ops"] == 192


@pytest.mark.parametrize("op, attrs, kind", [
    ("Relu", {}, "relu"), ("Sigmoid", {}, "sigmoid"), ("HardSigmoid", {"alpha": 0.2}, "hsigmoid"),
    ("HardSwish", {}, "hswish"), ("Tanh", {}, "tanh"), ("LeakyRelu", {"alpha": 0.1}, "leakyrelu"),
    ("Elu", {}, "elu"), ("Softmax", {"axis": 1}, "softmax"),
])
def test_activations(build, op, attrs, kind):
    (layer,) = convcost.analyze(build([node(op, ["x"], "y", **attrs)])).layers
    assert layer.kind == kind and layer.counters["activation_ops"] == 192 and layer.params == 0


def test_clip_bounds_as_inputs_and_as_attributes(build):
    def bound(name, value):
        return scalar(name, value, np.float32)

    relu6 = build([node("Clip", ["x", "lo", "hi"], "y")], [bound("lo", 0), bound("hi", 6)])
    relu = build([node("Clip", ["x", "lo"], "y")], [bound("lo", 0)])
    other = build([node("Clip", ["x", "lo", "hi"], "y")], [bound("lo", -1), bound("hi", 1)])
    old = build([node("Clip", ["x"], "y", min=0.0, max=6.0)], opset=6)
    found = [convcost.analyze(p).layers[0].kind for p in (relu6, relu, other, old)]
    assert found == ["relu6", "relu", "clip", "relu6"]


def test_sigmoid_times_its_input_is_one_silu(build):
    path = build([node("Conv", ["x", "w"], "c"), node("Sigmoid", ["c"], "s"), node("Mul", ["c", "s"], "y")],
                 [weight("w", 4, 3, 1, 1)])
    r = convcost.analyze(path)
    assert kinds(r) == ["conv", "silu"] and r.layers[1].counters["activation_ops"] == 4 * 64


def test_input_times_hardsigmoid_is_hardswish_only_with_pytorchs_constants(build):
    torch_style = build([node("HardSigmoid", ["x"], "s", alpha=1 / 6), node("Mul", ["x", "s"], "y")])
    default = build([node("HardSigmoid", ["x"], "s"), node("Mul", ["x", "s"], "y")])
    assert kinds(convcost.analyze(torch_style)) == ["hswish"]
    assert kinds(convcost.analyze(default)) == ["hsigmoid", "mul"]


# -- pooling ---------------------------------------------------------------------------------------


def test_maxpool_and_avgpool_with_pads_and_ceil_mode(build):
    mp = convcost.analyze(build([node("MaxPool", ["x"], "y", kernel_shape=[3, 3], strides=[2, 2],
                                      pads=[1, 1, 1, 1])])).layers[0]
    assert mp.output == (3, 4, 4) and mp.counters["pool_ops"] == 3 * 4 * 4 * 9
    ceil = convcost.analyze(build([node("MaxPool", ["x"], "y", kernel_shape=[2, 2], strides=[2, 2],
                                        ceil_mode=1)], shape=(1, 3, 7, 7))).layers[0]
    floor = convcost.analyze(build([node("MaxPool", ["x"], "y", kernel_shape=[2, 2], strides=[2, 2])],
                                   shape=(1, 3, 7, 7))).layers[0]
    assert ceil.output == (3, 4, 4) and floor.output == (3, 3, 3)
    avg = convcost.analyze(build([node("AveragePool", ["x"], "y", kernel_shape=[2, 2], strides=[2, 2],
                                       pads=[0, 0, 1, 1])], shape=(1, 3, 7, 7))).layers[0]
    assert avg.kind == "avgpool" and avg.output == (3, 4, 4)  # (7 + 1 - 2) // 2 + 1
    assert mp.macs == avg.macs == 0 and mp.params == avg.params == 0


def test_onnx_pool_stride_defaults_to_one_not_to_the_kernel(build):
    (layer,) = convcost.analyze(build([node("MaxPool", ["x"], "y", kernel_shape=[2, 2])])).layers
    assert layer.output == (3, 7, 7)


def test_global_pooling_and_reduce_mean(build):
    gap = convcost.analyze(build([node("GlobalAveragePool", ["x"], "y")])).layers[0]
    gmp = convcost.analyze(build([node("GlobalMaxPool", ["x"], "y")])).layers[0]
    assert (gap.kind, gap.output, gap.counters["pool_ops"]) == ("avgpool", (3, 1, 1), 192)
    assert (gmp.kind, gmp.output) == ("maxpool", (3, 1, 1))
    keep = convcost.analyze(build([node("ReduceMean", ["x"], "y", axes=[2, 3])], opset=13))
    flat = convcost.analyze(build([node("ReduceMean", ["x", "axes"], "y", keepdims=0)],
                                  [ints("axes", [-2, -1])], opset=18))
    assert kinds(keep) == ["avgpool"] and keep.layers[0].output == (3, 1, 1)
    assert kinds(flat) == ["avgpool", "flatten"] and flat.layers[-1].output == (3,)


# -- element-wise ---------------------------------------------------------------------------------


def test_residual_add_and_squeeze_excitation_between_depthwise_and_pointwise(build):
    nodes = [node("Conv", ["x", "dw_w"], "dw", group=8, pads=[1, 1, 1, 1]),
             node("Relu", ["dw"], "act"),
             node("GlobalAveragePool", ["act"], "pool"),
             node("Conv", ["pool", "fc1_w", "fc1_b"], "fc1"),
             node("Relu", ["fc1"], "fc1_act"),
             node("Conv", ["fc1_act", "fc2_w", "fc2_b"], "fc2"),
             node("Sigmoid", ["fc2"], "gate"),
             node("Mul", ["act", "gate"], "scaled"),
             node("Conv", ["scaled", "pw_w"], "pw"),
             node("Add", ["pw", "x"], "y")]
    inits = [weight("dw_w", 8, 1, 3, 3), weight("fc1_w", 2, 8, 1, 1), weight("fc1_b", 2),
             weight("fc2_w", 8, 2, 1, 1), weight("fc2_b", 8), weight("pw_w", 8, 8, 1, 1)]
    r = convcost.analyze(build(nodes, inits, shape=(1, 8, 8, 8)))
    assert r.layer("pw").pair == ("dw", "pw")
    assert r.layer("scaled").kind == "mul" and r.layer("scaled").output == (8, 8, 8)
    assert r.layer("y").kind == "add" and r.layer("y").counters["eltwise_ops"] == 8 * 64
    assert r.totals.params == 72 + (16 + 2) + (16 + 8) + 64


def test_input_normalisation_with_constants_counts_one_operation_per_element(build):
    path = build([node("Sub", ["x", "mean"], "centered"), node("Div", ["centered", "std"], "y")],
                 [floats("mean", np.zeros((1, 3, 1, 1))), floats("std", np.ones((1, 3, 1, 1)))])
    r = convcost.analyze(path)
    assert kinds(r) == ["eltwise", "eltwise"]
    assert [layer.attrs["op"] for layer in r.layers] == ["sub", "div"]
    assert r.totals.params == 0 and r.totals.counters["eltwise_ops"] == 2 * 192


def test_a_constant_that_would_widen_the_feature_map_is_refused(build):
    path = build([node("Add", ["x", "big"], "y")], [floats("big", np.zeros((1, 3, 8, 8)))],
                 shape=(1, 1, 8, 8))
    with pytest.raises(ConvcostError, match="widens a feature map"):
        convcost.analyze(path)
    path = build([node("Add", ["x", "odd"], "y")], [floats("odd", np.zeros((1, 3, 16, 16)))])
    with pytest.raises(ConvcostError, match=r"shapes \[1, 3, 8, 8\] and \[1, 3, 16, 16\] do not broadcast"):
        convcost.analyze(path)


# -- channels -------------------------------------------------------------------------------------


def test_concat_of_channels_and_a_concat_of_one(build):
    path = build([node("Conv", ["x", "wa"], "a"), node("Conv", ["x", "wb"], "b"),
                  node("Concat", ["a", "b"], "ab", axis=1), node("Concat", ["ab"], "y", axis=1)],
                 [weight("wa", 4, 3, 1, 1), weight("wb", 6, 3, 1, 1)])
    r = convcost.analyze(path)
    assert kinds(r) == ["conv", "conv", "concat"] and r.layers[-1].output == (10, 8, 8)


@pytest.mark.parametrize("opset, split", [(13, "input"), (11, "attribute"), (18, "num_outputs")])
def test_split_of_channels(build, opset, split):
    if split == "input":
        nodes, inits = [node("Split", ["c", "sizes"], ["p", "q"], axis=1)], [ints("sizes", [3, 5])]
    elif split == "attribute":
        nodes, inits = [node("Split", ["c"], ["p", "q"], axis=1, split=[3, 5])], []
    else:
        nodes, inits = [node("Split", ["c"], ["p", "q"], axis=1, num_outputs=2)], []
    path = build([node("Conv", ["x", "w"], "c"), *nodes, node("Concat", ["q", "p"], "y", axis=1)],
                 [weight("w", 8, 3, 1, 1), *inits], opset=opset)
    r = convcost.analyze(path)
    sizes = [layer.output[0] for layer in r.layers if layer.kind == "slice"]
    assert sizes == ([4, 4] if split == "num_outputs" else [3, 5])
    assert r.layers[-1].output == (8, 8, 8)


def test_slice_of_channels_and_a_whole_slice(build):
    path = build([node("Slice", ["x", "s", "e", "a"], "c"), node("Slice", ["c", "s2", "e2", "a2"], "y")],
                 [ints("s", [1]), ints("e", [3]), ints("a", [1]),
                  ints("s2", [0]), ints("e2", [2**63 - 1]), ints("a2", [2])])
    r = convcost.analyze(path)
    assert kinds(r) == ["slice"] and r.layers[0].output == (2, 8, 8)
    assert (r.layers[0].attrs["start"], r.layers[0].attrs["end"]) == (1, 3)


def test_a_crop_of_height_is_refused(build):
    path = build([node("Slice", ["x", "s", "e", "a"], "y")], [ints("s", [1]), ints("e", [5]), ints("a", [2])])
    with pytest.raises(ConvcostError, match="slices channels only"):
        convcost.analyze(path)


def test_channel_shuffle_from_constant_shapes(build):
    path = build([node("Conv", ["x", "w"], "c"),
                  node("Reshape", ["c", "grouped"], "r1"),
                  node("Transpose", ["r1"], "t", perm=[0, 2, 1, 3, 4]),
                  node("Reshape", ["t", "flat"], "y")],
                 [weight("w", 4, 3, 1, 1), ints("grouped", [1, 2, 2, 8, 8]), ints("flat", [1, -1, 8, 8])])
    r = convcost.analyze(path)
    assert kinds(r) == ["conv", "channel_shuffle"]
    assert r.layers[1].attrs["groups"] == 2 and r.layers[1].output == (4, 8, 8)


def test_a_transpose_outside_a_channel_shuffle_is_refused(build):
    with pytest.raises(ConvcostError, match="only inside a channel shuffle"):
        convcost.analyze(build([node("Transpose", ["x"], "y", perm=[0, 2, 3, 1])]))


# -- shapes ---------------------------------------------------------------------------------------


def test_flatten_reshape_squeeze_unsqueeze(build):
    flat = convcost.analyze(build([node("Reshape", ["x", "shape"], "y")], [ints("shape", [1, -1])]))
    assert kinds(flat) == ["flatten"] and flat.layers[0].output == (192,)
    path = build([node("GlobalAveragePool", ["x"], "p"), node("Squeeze", ["p", "axes"], "s"),
                  node("Unsqueeze", ["s", "axes"], "y")], [ints("axes", [2, 3])])
    r = convcost.analyze(path)
    assert kinds(r) == ["avgpool", "flatten", "reshape"]
    assert r.layers[1].output == (3,) and r.layers[2].output == (3, 1, 1)


def test_pad(build):
    path = build([node("Pad", ["x", "pads"], "y", mode="reflect")], [ints("pads", [0, 0, 1, 2, 0, 0, 3, 4])])
    (layer,) = convcost.analyze(path).layers
    assert layer.kind == "pad" and layer.output == (3, 12, 14)
    assert layer.attrs["padding"] == ((1, 3), (2, 4)) and layer.attrs["mode"] == "reflect"


def test_resize_by_scales_and_to_sizes(build):
    double = convcost.analyze(build([node("Resize", ["x", "", "scales"], "y")],
                                    [floats("scales", [1, 1, 2, 2])])).layers[0]
    assert double.kind == "upsample" and double.output == (3, 16, 16) and double.attrs["scale"] == (2, 2)
    sized = convcost.analyze(build([node("Resize", ["x", "", "", "sizes"], "y", mode="linear")],
                                   [ints("sizes", [1, 3, 12, 20])])).layers[0]
    assert sized.output == (3, 12, 20) and sized.attrs["mode"] == "bilinear"
    odd = convcost.analyze(build([node("Resize", ["x", "", "scales"], "y")],
                                 [floats("scales", [1, 1, 1.5, 1.5])])).layers[0]
    assert odd.output == (3, 12, 12)  # floor(8 x 1.5)
    old = convcost.analyze(build([node("Upsample", ["x", "scales"], "y")], [floats("scales", [1, 1, 2, 2])],
                                 opset=9)).layers[0]
    assert old.output == (3, 16, 16)


def test_identity_dropout_and_cast_make_no_layer(build):
    path = build([node("Identity", ["x"], "a"), node("Dropout", ["a"], "b"), node("Cast", ["b"], "c", to=1),
                  node("Relu", ["c"], "y")])
    r = convcost.analyze(path)
    assert kinds(r) == ["relu"] and r.layers[0].inputs == ("input",)


# -- parameters as the graph holds them -----------------------------------------------------------


def test_a_weight_shared_through_identity_counts_for_each_use(build):
    path = build([node("Identity", ["w"], "w2"),
                  node("Conv", ["x", "w"], "a", pads=[1, 1, 1, 1]),
                  node("Conv", ["x", "w2"], "b", pads=[1, 1, 1, 1]),
                  node("Add", ["a", "b"], "y")], [weight("w", 4, 3, 3, 3)])
    assert convcost.analyze(path).totals.params == 2 * 108


def test_constants_that_only_feed_shape_operations_are_not_parameters(build):
    path = build([node("Reshape", ["x", "shape"], "f"), node("Gemm", ["f", "w"], "y", transB=1)],
                 [ints("shape", [1, 192]), weight("w", 5, 192)])
    assert convcost.analyze(path).totals.params == 5 * 192


def test_graph_only_file_with_the_external_data_deleted(tmp_path):
    import onnx
    from onnx_build import model

    m = model([node("Conv", ["x", "w", "b"], "c", pads=[1, 1, 1, 1]), node("Reshape", ["c", "shape"], "f"),
               node("Gemm", ["f", "fw"], "y", transB=1)],
              [weight("w", 64, 3, 3, 3), weight("b", 64), ints("shape", [1, -1]), weight("fw", 10, 64 * 64)])
    path = tmp_path / "graph.onnx"
    onnx.save(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location="graph.onnx.data",
              size_threshold=100)
    (tmp_path / "graph.onnx.data").unlink()
    r = convcost.analyze(str(path))
    assert r.totals.params == 64 * 27 + 64 + 10 * 4096
    assert r.totals.macs == 64 * 27 * 64 + 10 * 4096


# -- names ----------------------------------------------------------------------------------------


def test_layer_names_come_from_node_names(build):
    path = build([node("Conv", ["x", "w"], "a", name="/features/features.0/Conv"),
                  node("Relu", ["a"], "b", name="/features/features.0/Relu"),
                  node("Relu", ["b"], "c", name="/features/features.0/Relu"),
                  node("Relu", ["c"], "d", name=""),
                  node("Relu", ["d"], "y", name="odd name: with spaces")],
                 [weight("w", 4, 3, 1, 1)])
    names = [layer.name for layer in convcost.analyze(path).layers]
    assert names == ["/features/features.0/Conv", "/features/features.0/Relu", "/features/features.0/Relu_2",
                     "Relu_4", "odd_name__with_spaces"]
    from convcost.onnx.convert import layer_name

    assert [layer_name(n) for n in ("onnx::Conv 3", ".hidden", "/./x", "//", "-")] == [
        "onnx__Conv_3", "hidden", "/x", "", ""]


def test_errors_point_at_the_node_by_number_and_name(build):
    path = build([node("Relu", ["x"], "r"), node("MaxPool", ["r"], "y", name="pool", kernel_shape=[9, 9])])
    with pytest.raises(ConvcostError) as err:
        convcost.analyze(path)
    assert err.value.location.line == 2 and "node 'pool' (MaxPool)" in err.value.message


# -- dynamic dims ---------------------------------------------------------------------------------


def _dynamic(build, nodes, inits=(), dims=("N", 3, "height", "width"), **kw):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(dims))
    return build(nodes, inits, inputs=[x], **kw)


def test_dim_params_need_set_or_symbolic(build):
    path = _dynamic(build, [node("Conv", ["x", "w"], "y", strides=[2, 2], pads=[1, 1, 1, 1])],
                    [weight("w", 4, 3, 3, 3)])
    with pytest.raises(ConvcostError) as err:
        convcost.analyze(path)
    assert "height, width have no value" in err.value.message
    assert "--set height=" in err.value.hint and "--symbolic height,width" in err.value.hint
    r = convcost.analyze(path, set={"height": "193", "width": "97"})
    assert r.input == (3, 193, 97) and r.layers[0].output == (4, 97, 49)
    assert r.vars == {"height": 193, "width": 97}
    sym = convcost.analyze(path, symbolic=["height", "width"])
    h, w = sym.vars["height"], sym.vars["width"]
    assert sym.symbols == ("height", "width")
    for at in ((224, 224), (193, 97), (7, 300)):
        hh, ww = ((a - 1) // 2 + 1 for a in at)
        assert sym.totals.macs.subs({h: at[0], w: at[1]}) == 108 * hh * ww


def test_the_batch_dim_is_dropped_and_is_not_a_var(build):
    path = _dynamic(build, [node("Relu", ["x"], "y")], dims=("batch", 3, 8, 8))
    assert convcost.analyze(path).input == (3, 8, 8)
    with pytest.raises(ConvcostError, match="batch dimension"):
        convcost.analyze(path, set={"batch": "4"})
    with pytest.raises(ConvcostError, match="unknown var 'hieght'"):
        convcost.analyze(path, set={"hieght": "4"})


def test_resize_to_the_input_size_through_shape_arithmetic(build):
    """The segmentation head's upsample: sizes = Concat(Shape(y)[0:2], Cast(Concat(H, W)))."""
    nodes = [node("Conv", ["x", "w"], "c", strides=[4, 4]),
             node("Shape", ["x"], "xs"),
             node("Gather", ["xs", "two"], "h", axis=0), node("Gather", ["xs", "three"], "w_"),
             node("Unsqueeze", ["h", "zero"], "h1"), node("Unsqueeze", ["w_", "zero"], "w1"),
             node("Concat", ["h1", "w1"], "hw", axis=0),
             node("Shape", ["c"], "cs"), node("Slice", ["cs", "zero", "two1"], "nc"),
             node("Cast", ["hw"], "hw64", to=7),
             node("Concat", ["nc", "hw64"], "sizes", axis=0),
             node("Resize", ["c", "", "", "sizes"], "y", mode="linear")]
    inits = [weight("w", 5, 3, 4, 4), scalar("two", 2), scalar("three", 3), ints("zero", [0]),
             ints("two1", [2])]
    path = _dynamic(build, nodes, inits)
    r = convcost.analyze(path, set={"height": "64", "width": "48"})
    assert [layer.output for layer in r.layers] == [(5, 16, 12), (5, 64, 48)]
    sym = convcost.analyze(path, symbolic=["height", "width"])
    assert sym.layers[-1].output == (5, sym.vars["height"], sym.vars["width"])


def test_flatten_through_shape_gather_concat(build):
    nodes = [node("Shape", ["x"], "s"), node("Gather", ["s", "zero"], "n", axis=0),
             node("Unsqueeze", ["n", "axes"], "n1"), node("Concat", ["n1", "minus1"], "target", axis=0),
             node("Reshape", ["x", "target"], "y")]
    path = _dynamic(build, nodes, [scalar("zero", 0), ints("axes", [0]), ints("minus1", [-1])])
    r = convcost.analyze(path, set={"height": "10", "width": "10"})
    assert kinds(r) == ["flatten"] and r.layers[0].output == (300,)


def test_every_folding_operator(build):
    """Shape arithmetic as exporters write it, folded exactly: the channel count of a Slice is
    ceil(C / 2) computed through Cast, Div, Ceil, Sub, Max, Mul, Range, ConstantOfShape, Where,
    Equal, Expand, Tile, ReduceProd, Squeeze, Size, Min, Mod, Neg, Abs, Floor, Pow."""
    f = np.float32
    nodes = [
        node("Shape", ["x"], "s"),                                            # [1, 3, 8, 8]
        node("Gather", ["s", "one"], "c"),                                    # 3
        node("Cast", ["c"], "cf", to=1),                                      # 3.0
        node("Div", ["cf", "two_f"], "half"),                                 # 1.5
        node("Ceil", ["half"], "up"),                                         # 2.0
        node("Cast", ["up"], "end", to=7),                                    # 2
        node("Sub", ["end", "one"], "e1"), node("Max", ["e1", "one"], "e2"),  # 1, 1
        node("Mul", ["e2", "end"], "e3"),                                     # 2
        node("Range", ["zero", "e3", "one"], "rng"),                          # [0, 1]
        node("ConstantOfShape", ["two_v"], "ones",
             value=helper.make_tensor("v", TensorProto.INT64, [1], [1])),
        node("Equal", ["rng", "ones"], "eq"),                                 # [False, True]
        node("Where", ["eq", "rng", "ones"], "w"),                            # [1, 1]
        node("Expand", ["w", "two_v"], "ex"),                                 # [1, 1]
        node("Tile", ["ex", "one_v"], "ti"),                                  # [1, 1]
        node("ReduceProd", ["ti"], "prod", keepdims=0),                       # 1
        node("Size", ["s"], "size"),                                          # 4
        node("Min", ["size", "e3"], "mn"),                                    # 2
        node("Mod", ["size", "three"], "md"),                                 # 1
        node("Neg", ["md"], "ng"), node("Abs", ["ng"], "ab"),                 # -1, 1
        node("Pow", ["mn", "ab"], "pw"),                                      # 2
        node("Cast", ["pw"], "pwf", to=1), node("Floor", ["pwf"], "fl"), node("Cast", ["fl"], "fi", to=7),
        node("Mul", ["fi", "prod"], "stop"),                                  # 2
        node("Unsqueeze", ["stop", "zero_v"], "stop1"),
        node("Slice", ["x", "zero_v", "stop1", "one_v"], "y"),
    ]
    inits = [scalar("one", 1), scalar("zero", 0), scalar("three", 3), scalar("two_f", 2.0, f),
             ints("two_v", [2]), ints("one_v", [1]), ints("zero_v", [0])]
    r = convcost.analyze(build(nodes, inits))
    assert kinds(r) == ["slice"] and r.layers[0].output == (2, 8, 8)


def test_integer_division_truncates_toward_zero_as_onnx_runtimes_do():
    from convcost.onnx.consts import int_div, int_mod, slice_range

    assert [int_div(7, 2), int_div(-7, 2), int_div(7, -2)] == [3, -3, -3]
    assert [int_mod(-7, 2), int_mod(7, -2)] == [1, -1]  # fmod=0: the divisor's sign
    assert list(slice_range(-3, 2**63 - 1, 1, 8)) == [5, 6, 7]
    assert list(slice_range(5, -(2**63), -1, 8)) == [5, 4, 3, 2, 1, 0]


def test_an_unknown_op_counted_as_zero_keeps_the_shape(build):
    path = build([node("Conv", ["x", "w"], "c"), node("Erf", ["c"], "e"), node("Relu", ["e"], "y")],
                 [weight("w", 4, 3, 1, 1)])
    r = convcost.analyze(path, allow_unsupported=True)
    assert kinds(r) == ["conv", "identity", "relu"] and r.layers[-1].output == (4, 8, 8)
    assert [(u.op_type, u.nodes) for u in r.unsupported] == [("Erf", ("e",))]


def test_an_unknown_op_whose_value_is_needed_stops_the_run(build):
    path = build([node("Shape", ["x"], "s"), node("NonZero", ["s"], "nz"), node("Reshape", ["x", "nz"], "y")])
    with pytest.raises(ConvcostError, match="counted as zero.*value is unknown and needed"):
        convcost.analyze(path, allow_unsupported=True)


def test_a_channels_last_input_transposed_at_once_is_read_as_nchw(build):
    """tf2onnx without --inputs-as-nchw: the Keras input [N, H, W, C] goes through one Transpose."""
    path = build([node("Transpose", ["x"], "t", perm=[0, 3, 1, 2]), node("Conv", ["t", "w"], "y")],
                 [weight("w", 4, 3, 3, 3)], shape=(1, 16, 12, 3))
    r = convcost.analyze(path)
    assert r.input == (3, 16, 12) and kinds(r) == ["conv"] and r.layers[0].output == (4, 14, 10)
