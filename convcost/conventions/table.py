"""The counting conventions, as data: one entry per convention, in one table.

A convention is a list of terms. A term weighs one per-layer quantity (facts.QUANTITIES) for the
layers whose PyTorch call is in `calls` (every layer when empty) and whose properties match `when`;
a layer's count is the sum of the terms that match it, and so are its parameters. docs/conventions.md
says why each term is there, and which tool version each convention reproduces.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..symbolic.arith import Value


class Term(NamedTuple):
    label: str  # what `convcost compare` calls it: "batch norm ×2"
    quantity: str  # a per-layer quantity (facts.QUANTITIES)
    weight: Value = 1
    calls: tuple[str, ...] = ()  # the PyTorch calls it applies to; () = every layer
    when: tuple[tuple[str, Any], ...] = ()  # (property, value) pairs the layer must have


class Convention(NamedTuple):
    name: str
    unit: str  # "MACs" or "FLOPs"
    reproduces: str  # the tool and version whose total it reproduces, or what it is
    summary: str  # one line: what it counts
    count: tuple[Term, ...]
    params: tuple[Term, ...]


CONV_FC = ("nn.Conv2d", "nn.Linear")
BN = ("nn.BatchNorm2d", "nn.BatchNorm1d")
AFFINE = (("affine", True),)
PLAIN = (("affine", False),)

MACS = Term("conv + fc multiply-accumulates", "macs", 1, CONV_FC)
BIASES = Term("conv and fc bias", "bias_adds", 1, CONV_FC)
PARAMS = Term("weights, biases, batch norm scale and shift", "params")

CONVENTIONS: dict[str, Convention] = {c.name: c for c in (
    Convention(
        "paper", "MACs", "conv + fc multiply-accumulates, as the papers count them",
        "multiply-accumulates of the convolutions and fc layers, nothing else",
        (MACS,), (PARAMS,)),
    Convention(
        "flops", "FLOPs", "2 × paper: a multiply-accumulate is a multiply and an add",
        "two floating-point operations per multiply-accumulate of the convolutions and fc layers",
        (Term("multiply-accumulates ×2", "macs", 2, CONV_FC),), (PARAMS,)),
    Convention(
        "ptflops", "MACs", "ptflops 0.7.5, get_model_complexity_info (default backend `pytorch`)",
        "module hooks plus patched torch.nn.functional calls: a module that calls a patched function "
        "is counted twice",
        (MACS, BIASES,
         Term("batch norm ×2", "elements", 2, BN, AFFINE),
         Term("batch norm without affine", "elements", 1, BN, PLAIN),
         Term("ReLU counted twice", "elements", 2, ("nn.ReLU",)),
         Term("ELU/GELU counted twice", "elements", 2, ("nn.ELU", "nn.GELU")),
         Term("ReLU6/LeakyReLU (module hook only)", "elements", 1, ("nn.ReLU6", "nn.LeakyReLU")),
         Term("SiLU (F.silu)", "elements", 1, ("nn.SiLU", "F.silu")),
         Term("functional activation", "elements", 1, ("F.relu", "F.relu6", "F.elu", "F.gelu")),
         Term("softmax", "elements", 1, ("nn.Softmax", "F.softmax")),
         Term("max pool counted twice", "input_elements", 2, ("nn.MaxPool2d", "nn.AdaptiveMaxPool2d")),
         Term("average pool counted twice", "input_elements", 2, ("nn.AvgPool2d", "nn.AdaptiveAvgPool2d")),
         Term("functional pool", "input_elements", 1,
              ("F.max_pool2d", "F.adaptive_max_pool2d", "F.avg_pool2d", "F.adaptive_avg_pool2d")),
         Term("torch.add/torch.mul", "eltwise_ops", 1, ("torch.add", "torch.mul")),
         Term("upsample counted twice", "elements", 2, ("nn.Upsample",)),
         Term("upsample (F.interpolate)", "elements", 1, ("F.interpolate",))),
        (PARAMS,)),
    Convention(
        "ptflops-aten", "MACs", "ptflops 0.7.5, get_model_complexity_info(..., backend='aten')",
        "aten.convolution and aten.addmm/mm: convolutions and fc layers with their biases",
        (MACS, BIASES), (PARAMS,)),
    Convention(
        "thop", "MACs", "thop 0.1.1.post2209072238, thop.profile (it returns floats)",
        "module hooks on a fixed list of modules; bias never counted; batch norm 2 per element, ×2 "
        "with affine",
        (MACS,
         Term("batch norm ×4", "elements", 4, BN, AFFINE),
         Term("batch norm without affine ×2", "elements", 2, BN, PLAIN),
         Term("average pool (one per output)", "elements", 1, ("nn.AvgPool2d",)),
         Term("adaptive average pool (window + 1 per output)", "adaptive_window_plus_one", 1,
              ("nn.AdaptiveAvgPool2d",)),
         Term("softmax (3F - 1 per row)", "softmax_exp_add_div", 1, ("nn.Softmax",)),
         Term("upsample nearest", "elements", 1, ("nn.Upsample",), (("mode", "nearest"),)),
         Term("upsample bilinear ×11", "elements", 11, ("nn.Upsample",), (("mode", "bilinear"),)),
         Term("upsample bicubic ×259", "elements", 259, ("nn.Upsample",), (("mode", "bicubic"),))),
        (PARAMS,)),
    Convention(
        "fvcore", "MACs", "fvcore 0.1.5.post20221221, FlopCountAnalysis(...).total()",
        "traced aten operators; one fused multiply-add is one \"flop\", so its flops are MACs; bias "
        "ignored",
        (MACS,
         Term("batch norm ×2", "elements", 2, BN, AFFINE),
         Term("batch norm without affine", "elements", 1, BN, PLAIN),
         Term("adaptive average pool (input elements)", "input_elements", 1,
              ("nn.AdaptiveAvgPool2d", "F.adaptive_avg_pool2d")),
         Term("upsample nearest", "elements", 1, ("nn.Upsample", "F.interpolate"), (("mode", "nearest"),)),
         Term("upsample bilinear ×4", "elements", 4, ("nn.Upsample", "F.interpolate"),
              (("mode", "bilinear"),))),
        (PARAMS,)),
    Convention(
        "torchinfo", "MACs", "torchinfo 1.8.0, summary(...).total_mult_adds",
        "per leaf module: conv weights and biases per output position; other modules their parameter count",
        (MACS, BIASES,
         Term("batch norm parameters", "params", 1, BN)),
        (PARAMS,)),
    Convention(
        "onnx-tool", "MACs",
        "onnx-tool 1.0.1, model_profile on torch.onnx.export(..., dynamo=False) in eval mode",
        "the exported graph: batch norm folded into the preceding conv, per-node costs "
        "(compare 1, add 1, multiply 1, divide 4, exp 32, sqrt 24)",
        (MACS, BIASES,
         Term("batch norm folded into a conv's new bias", "elements", 1, BN,
              (("folded", True), ("conv_bias", False))),
         Term("BatchNormalization ×31", "elements", 31, BN, (("folded", False),)),
         Term("ReLU", "elements", 1, ("nn.ReLU", "F.relu", "torch.relu")),
         Term("ReLU6 as Clip ×2", "elements", 2, ("nn.ReLU6", "F.relu6", "torch.clamp")),
         Term("LeakyReLU ×2", "elements", 2, ("nn.LeakyReLU", "F.leaky_relu")),
         Term("ELU ×35", "elements", 35, ("nn.ELU", "F.elu")),
         Term("Gelu ×34", "elements", 34, ("nn.GELU", "F.gelu")),
         Term("sigmoid ×32", "elements", 32, ("nn.Sigmoid", "F.sigmoid", "torch.sigmoid")),
         Term("HardSigmoid ×4", "elements", 4, ("nn.Hardsigmoid", "F.hardsigmoid")),
         Term("HardSwish ×5", "elements", 5, ("nn.Hardswish", "F.hardswish")),
         Term("SiLU as Sigmoid + Mul ×33", "elements", 33, ("nn.SiLU", "F.silu")),
         Term("Mish as Softplus, Tanh, Mul ×153", "elements", 153, ("nn.Mish", "F.mish")),
         Term("Tanh ×76", "elements", 76, ("nn.Tanh", "F.tanh", "torch.tanh")),
         Term("Softmax ×36", "elements", 36, ("nn.Softmax", "F.softmax", "torch.softmax")),
         Term("MaxPool/AveragePool window", "window_ops", 1,
              ("nn.MaxPool2d", "F.max_pool2d", "nn.AvgPool2d", "F.avg_pool2d", "nn.AdaptiveAvgPool2d"),
              (("global", False),)),
         Term("adaptive max pool as MaxPool window", "window_ops", 1,
              ("nn.AdaptiveMaxPool2d", "F.adaptive_max_pool2d")),
         Term("GlobalAveragePool (one add per input)", "input_elements", 1,
              ("nn.AdaptiveAvgPool2d", "F.adaptive_avg_pool2d"), (("global", True),)),
         Term("GlobalAveragePool (one divide, 4, per output)", "elements", 4,
              ("nn.AdaptiveAvgPool2d", "F.adaptive_avg_pool2d"), (("global", True),)),
         Term("ReduceMean (x.mean)", "input_elements", 1, ("x.mean",)),
         Term("Add/Mul", "eltwise_ops", 1, ("x + y", "torch.add", "x * y", "torch.mul")),
         Term("Resize bilinear ×4", "elements", 4, ("nn.Upsample", "F.interpolate"),
              (("mode", "bilinear"),)),
         Term("Resize cubic ×8", "elements", 8, ("nn.Upsample", "F.interpolate"),
              (("mode", "bicubic"),))),
        (PARAMS,
         Term("batch norm folded into the conv", "params", -1, BN, (("folded", True),)),
         Term("conv bias made by folding a batch norm", "channels", 1, BN,
              (("folded", True), ("conv_bias", False))),
         Term("BatchNormalization running mean and variance", "channels", 2, BN, (("folded", False),)))),
    Convention(
        "keras", "MACs", "Keras model.count_params() (Model.summary: Total params)",
        "parameters as Keras counts them: batch norm's moving mean and variance are (non-trainable) "
        "weights; mult-adds as the paper counts them (Keras counts none)",
        (MACS,),
        (PARAMS, Term("batch norm moving mean and variance", "channels", 2, BN))),
)}

NAMES: tuple[str, ...] = tuple(CONVENTIONS)
DEFAULT = "paper"


def headline(name: str) -> str:
    """What a table says of the convention in force: `thop, MACs: thop 0.1.1.post2209072238, ...`."""
    c = CONVENTIONS[name]
    return f"{c.name}, {c.unit}: {c.reproduces}"


def count_title(name: str) -> str:
    """The header of a count column: `mult-adds` in the paper's convention, else the unit and the
    convention (`MACs (thop)`, `FLOPs`); never "FLOPs" for MACs."""
    if name == DEFAULT:
        return "mult-adds"
    c = CONVENTIONS[name]
    return c.unit if c.unit == "FLOPs" else f"{c.unit} ({c.name})"


def params_title(name: str) -> str:
    """The header of a params column: `params (keras)` where the convention counts parameters its own way."""
    return "params" if CONVENTIONS[name].params == (PARAMS,) else f"params ({name})"
