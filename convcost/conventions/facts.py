"""What the conventions read of each row of a Report: the PyTorch call the layer stands for, a few
properties, and the quantities the terms weigh.

Everything here is computed from the Report's rows (kind, attrs, shapes, params, macs, counters), so
a convention never needs the engine to count anything new. The PyTorch call is the layer file's
`torch` setting, or the way torchvision writes the kind (docs/conventions.md, "module or functional").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ..analysis.report import LayerReport, Report
from ..symbolic import arith
from ..symbolic.arith import Value

# An activation kind as a module, as a torch.nn.functional call, and as a torch function or tensor
# method (only the kinds that layers/other.py lets the layer file write as `torch: torch`).
ACTIVATION_CALLS: Mapping[str, tuple[str, ...]] = {
    "relu": ("nn.ReLU", "F.relu", "torch.relu"),
    "relu6": ("nn.ReLU6", "F.relu6", "torch.clamp"),
    "leakyrelu": ("nn.LeakyReLU", "F.leaky_relu"),
    "elu": ("nn.ELU", "F.elu"),
    "gelu": ("nn.GELU", "F.gelu"),
    "sigmoid": ("nn.Sigmoid", "F.sigmoid", "torch.sigmoid"),
    "hsigmoid": ("nn.Hardsigmoid", "F.hardsigmoid"),
    "hswish": ("nn.Hardswish", "F.hardswish"),
    "swish": ("nn.SiLU", "F.silu"),
    "silu": ("nn.SiLU", "F.silu"),
    "mish": ("nn.Mish", "F.mish"),
    "tanh": ("nn.Tanh", "F.tanh", "torch.tanh"),
    "softmax": ("nn.Softmax", "F.softmax", "torch.softmax"),
}
_FORM_INDEX = {"module": 0, "functional": 1, "torch": 2}

# kind -> its call whatever the `torch` setting (kinds written one way in PyTorch)
FIXED_CALLS: Mapping[str, str] = {
    "conv": "nn.Conv2d", "depthwise": "nn.Conv2d", "pointwise": "nn.Conv2d", "separable": "nn.Conv2d",
    "fc": "nn.Linear", "dropout": "nn.Dropout", "identity": "nn.Identity", "flatten": "torch.flatten",
    "concat": "torch.cat", "clip": "torch.clamp",
}

# (kind, torch setting, global) -> call, for the kinds whose PyTorch spelling the layer file may choose
_POOL_CALLS: Mapping[tuple[str, str, bool], str] = {
    ("avgpool", "module", False): "nn.AvgPool2d",
    ("avgpool", "module", True): "nn.AdaptiveAvgPool2d",
    ("avgpool", "functional", False): "F.avg_pool2d",
    ("avgpool", "functional", True): "F.adaptive_avg_pool2d",
    ("avgpool", "adaptive", False): "nn.AdaptiveAvgPool2d",
    ("avgpool", "adaptive", True): "nn.AdaptiveAvgPool2d",
    ("avgpool", "mean", True): "x.mean",
    ("maxpool", "module", False): "nn.MaxPool2d",
    ("maxpool", "module", True): "nn.AdaptiveMaxPool2d",
    ("maxpool", "functional", False): "F.max_pool2d",
    ("maxpool", "functional", True): "F.adaptive_max_pool2d",
    ("maxpool", "adaptive", False): "nn.AdaptiveMaxPool2d",
    ("maxpool", "adaptive", True): "nn.AdaptiveMaxPool2d",
}
_OTHER_CALLS: Mapping[tuple[str, str], str] = {
    ("add", "operator"): "x + y", ("add", "torch"): "torch.add",
    ("mul", "operator"): "x * y", ("mul", "torch"): "torch.mul",
    ("upsample", "module"): "nn.Upsample", ("upsample", "functional"): "F.interpolate",
}

# The way torchvision writes each kind, where the layer file does not say (`torch:` unset).
DEFAULT_FORM: Mapping[str, str] = {"add": "operator", "mul": "operator"}


def torch_call(row: LayerReport) -> str:
    """The PyTorch call a row stands for: `nn.ReLU`, `F.adaptive_avg_pool2d`, `x + y`, ..."""
    kind = row.kind
    fixed = FIXED_CALLS.get(kind)
    if fixed is not None:
        return fixed
    if kind in ("bn", "batchnorm"):
        return "nn.BatchNorm2d" if len(row.input) == 3 else "nn.BatchNorm1d"
    form = row.attrs.get("torch") or DEFAULT_FORM.get(kind, "module")
    if kind in ACTIVATION_CALLS:
        return ACTIVATION_CALLS[kind][_FORM_INDEX[form]]
    if kind == "avgpool" and row.attrs.get("torch") is None and _identity_window(row.attrs):
        # A 1x1 average pool with stride 1 computes nothing: torchvision has one only as the adaptive
        # pool of VGG and AlexNet, nn.AdaptiveAvgPool2d((7, 7)) on a 7x7 map (6x6 for AlexNet).
        return "nn.AdaptiveAvgPool2d"
    if kind in ("avgpool", "maxpool"):
        return _POOL_CALLS[kind, form, bool(row.attrs.get("global"))]
    if kind in ("adaptive_avgpool", "adaptive_maxpool"):  # always adaptive: global is size 1
        return _POOL_CALLS[kind.removeprefix("adaptive_"), form, True]
    return _OTHER_CALLS.get((kind, form), kind)


def _identity_window(attrs: Mapping[str, Any]) -> bool:
    return (not attrs.get("global") and attrs.get("kernel") == (1, 1)
            and attrs.get("stride") in (None, (1, 1)) and attrs.get("padding") in (0, (0, 0), "valid"))


class Layer(NamedTuple):
    """One row as the conventions see it: its call, its properties, its quantities."""

    row: LayerReport
    call: str
    props: Mapping[str, Any]  # what a term's `when` may test: affine, folded, global, mode, conv_bias
    quantities: Mapping[str, Value]  # what a term may weigh (QUANTITIES)


# Every quantity a term may weigh, with what it is (docs/conventions.md lists them).
QUANTITIES: Mapping[str, str] = {
    "macs": "multiply-accumulates of the conv family and fc (the paper's count)",
    "bias_adds": "one per output element of a conv or fc with a bias",
    "elements": "output elements of the layer",
    "input_elements": "input elements of the layer (all inputs of a merge)",
    "window_ops": "pooling: window elements times output elements (global: the input elements)",
    "eltwise_ops": "add/mul of n inputs: (n - 1) per output element",
    "params": "the layer's parameters (weights and biases; batch norm gamma and beta)",
    "channels": "the layer's output channels (features of a vector)",
    "adaptive_window_plus_one": "adaptive pooling: (input area / output area + 1) per output element, "
                                "rounded down",
    "softmax_exp_add_div": "softmax: (3F - 1) per row of F features",
}


def consumers(report: Report) -> dict[str, int]:
    """How many rows read each row's output."""
    out: dict[str, int] = {}
    for row in report.layers:
        for name in row.inputs:
            out[name] = out.get(name, 0) + 1
    return out


def layers(report: Report) -> list[Layer]:
    """The rows of a report as the conventions see them."""
    readers = consumers(report)
    by_name = {row.name: row for row in report.layers}
    return [_layer(row, by_name, readers) for row in report.layers]


def _layer(row: LayerReport, by_name: Mapping[str, LayerReport], readers: Mapping[str, int]) -> Layer:
    out = row.output_elements
    ins = arith.total(arith.product(*s) for s in row.input_shapes)
    c = row.counters
    globally = bool(row.attrs.get("global")) or (row.kind.startswith("adaptive_")
                                                 and tuple(row.attrs["size"]) == (1, 1))
    props: dict[str, Any] = {"global": globally, "mode": row.attrs.get("mode"),
                             "affine": row.attrs.get("affine")}
    if row.kind in ("bn", "batchnorm"):
        # An exporter folds a batch norm into the convolution it follows when that convolution feeds
        # nothing else (torch.onnx in eval mode does): the conv keeps, or gains, a bias.
        source = by_name.get(row.inputs[0])
        folded = source is not None and source.family == "conv" and readers.get(source.name) == 1
        props["folded"] = folded
        props["conv_bias"] = bool(folded and source.geometry is not None and source.geometry.bias)
    q: dict[str, Value] = {
        "macs": row.macs,
        "bias_adds": c["bias_adds"],
        "elements": out,
        "input_elements": ins,
        "window_ops": c["pool_ops"],
        "eltwise_ops": c["eltwise_ops"],
        "params": row.params,
        "channels": row.output[0],
    }
    if row.family == "pool":
        # (input area / output area + 1) per output element, as thop's count_adap_avgpool
        area_in = arith.product(*row.input[1:])
        area_out = arith.product(*row.output[1:])
        per_output = arith.add(arith.div(area_in, area_out), 1)
        q["adaptive_window_plus_one"] = arith.floor(arith.mul(per_output, out))
    if row.kind == "softmax":
        features = row.input[0]
        q["softmax_exp_add_div"] = arith.mul(arith.div(out, features), arith.sub(arith.mul(3, features), 1))
    return Layer(row, torch_call(row), props, q)
