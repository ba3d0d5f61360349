"""The peer tools themselves, measured (optional: skipped unless torch, torchvision and the tools are
installed at the versions the conventions reproduce). `--convention X` must print exactly what tool X
prints.

Run it with:
    pip install torch torchvision ptflops==0.7.5 thop==0.1.1.post2209072238 \\
        fvcore==0.1.5.post20221221 torchinfo==1.8.0 onnx onnx-tool==1.0.1
    python -m pytest tests/test_peer_tools.py

Two kinds of models are measured: torchvision's own ResNet-18, ResNet-50, VGG-16 and MobileNetV2
(against the layer files that mirror them), and tests/nets/probe.yaml built in PyTorch layer by layer
as its `torch:` settings say (a module, a torch.nn.functional call, a torch function, an operator), by
code that shares nothing with convcost's counting. tests/test_conventions.py keeps the numbers this
test measures, so CI checks them without torch.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import warnings
from pathlib import Path

import pytest

import convcost

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
nn = torch.nn
F = torch.nn.functional

NETS = Path(__file__).parent / "nets"
VERSIONS = {"ptflops": "0.7.5", "thop": "0.1.1.post2209072238", "fvcore": "0.1.5.post20221221",
            "torchinfo": "1.8.0", "onnx-tool": "1.0.1"}
TOOLS = ("paper", "flops", "ptflops", "ptflops-aten", "thop", "fvcore", "torchinfo", "onnx-tool", "keras")


def _installed(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _require(tool: str) -> None:
    dist = {"ptflops-aten": "ptflops", "onnx-tool": "onnx-tool"}.get(tool, tool)
    if dist not in VERSIONS:
        return
    have = _installed(dist)
    if have is None:
        pytest.skip(f"{dist} is not installed")
    if have.replace("-", ".post") != VERSIONS[dist] and have != VERSIONS[dist]:
        pytest.skip(f"{dist} {have} is installed; the convention reproduces {VERSIONS[dist]}")


@contextlib.contextmanager
def _quiet():
    """The tools print, log and warn (thop imports distutils); none of it is under test."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


# -- the models ----------------------------------------------------------------------------------


TORCHVISION = {
    "resnet18": ("resnet18", lambda: torchvision.models.resnet18(weights=None)),
    "resnet50": (str(NETS / "resnet50.yaml"), lambda: torchvision.models.resnet50(weights=None)),
    "vgg16": (str(NETS / "vgg16.yaml"), lambda: torchvision.models.vgg16(weights=None)),
    "mobilenet_v2": ("mobilenet_v2", lambda: torchvision.models.mobilenet_v2(weights=None)),
}

_MODULES = {"relu": nn.ReLU, "relu6": nn.ReLU6, "leakyrelu": nn.LeakyReLU, "elu": nn.ELU, "gelu": nn.GELU,
            "sigmoid": nn.Sigmoid, "hsigmoid": nn.Hardsigmoid, "hswish": nn.Hardswish, "swish": nn.SiLU,
            "silu": nn.SiLU, "mish": nn.Mish, "tanh": nn.Tanh, "softmax": lambda: nn.Softmax(dim=1)}
# Looked up when called, as model code does (ptflops replaces the functions while it counts).
_FUNCTIONS = {"relu": "relu", "relu6": "relu6", "leakyrelu": "leaky_relu", "elu": "elu", "gelu": "gelu",
              "sigmoid": "sigmoid", "hsigmoid": "hardsigmoid", "hswish": "hardswish", "swish": "silu",
              "silu": "silu", "mish": "mish", "tanh": "tanh", "softmax": "softmax"}
_TENSOR = {"relu": lambda x: torch.relu(x), "relu6": lambda x: torch.clamp(x, 0, 6),
           "sigmoid": lambda x: torch.sigmoid(x), "tanh": lambda x: torch.tanh(x),
           "softmax": lambda x: torch.softmax(x, 1)}


def _pair(v):
    return tuple(int(x) for x in v) if isinstance(v, tuple) else v


class FromLayerFile(nn.Module):
    """A layer file as a PyTorch model, each layer written as its `torch:` setting says (a module by
    default; `x + y` for add and mul). Channel counts come from the layer file's own shapes."""

    def __init__(self, source: str):
        super().__init__()
        spec = convcost.load(source)
        self.layers = spec.layers
        shapes = {row.name: (row.input, row.output) for row in convcost.analyze(spec).layers}
        self.mods = nn.ModuleDict()
        for layer in self.layers:
            mod = self._module(layer, *shapes[layer.name])
            if mod is not None:
                self.mods[self._key(layer)] = mod

    @staticmethod
    def _key(layer):
        return f"l{layer.index}"

    def _module(self, layer, ins, out):
        k, a = layer.kind, layer.attrs
        form = a.get("torch") or "module"
        c = int(ins[0])
        if k in ("conv", "depthwise"):
            n = int(a["out"]) if k == "conv" else c * int(a["multiplier"])
            groups = int(a["groups"]) if k == "conv" else c
            return nn.Conv2d(c, n, _pair(a["kernel"]), _pair(a["stride"]), _pair(a["padding"]),
                             _pair(a["dilation"]), groups, bias=a["bias"])
        if k == "pointwise":
            return nn.Conv2d(c, int(a["out"]), 1, _pair(a["stride"]), groups=int(a["groups"]), bias=a["bias"])
        if k == "separable":
            return nn.Sequential(
                nn.Conv2d(c, c, _pair(a["kernel"]), _pair(a["stride"]), _pair(a["padding"]),
                          _pair(a["dilation"]), c, bias=a["bias"]),
                nn.Conv2d(c, int(a["out"]), 1, bias=a["bias"]))
        if k == "fc":
            return nn.Linear(math.prod(int(x) for x in ins), int(a["out"]), bias=a["bias"])
        if k in ("bn", "batchnorm"):
            return (nn.BatchNorm2d if len(ins) == 3 else nn.BatchNorm1d)(c, affine=a["affine"])
        if k in _MODULES:
            return _MODULES[k]() if form == "module" else None
        if k in ("avgpool", "maxpool") and form in ("module", "adaptive"):
            avg = k == "avgpool"
            # a 1x1 average pool that computes nothing is VGG's nn.AdaptiveAvgPool2d (docs/conventions.md)
            nothing = (avg and a.get("torch") is None and a["kernel"] == (1, 1)
                       and a["stride"] in (None, (1, 1)))
            if a["global"] or form == "adaptive" or nothing:
                size = 1 if a["global"] else tuple(int(x) for x in out[1:])
                return nn.AdaptiveAvgPool2d(size) if avg else nn.AdaptiveMaxPool2d(size)
            kernel, stride = _pair(a["kernel"]), _pair(a["stride"] or a["kernel"])
            if avg:
                return nn.AvgPool2d(kernel, stride, _pair(a["padding"]), ceil_mode=a["ceil_mode"])
            return nn.MaxPool2d(kernel, stride, _pair(a["padding"]), _pair(a["dilation"]),
                                ceil_mode=a["ceil_mode"])
        if k == "upsample" and form == "module":
            return nn.Upsample(scale_factor=tuple(float(s) for s in a["scale"]), mode=a["mode"])
        if k == "dropout":
            return nn.Dropout(float(a["p"]))
        return None

    def _functional(self, layer, xs):
        k, a = layer.kind, layer.attrs
        form = a.get("torch")
        x = xs[0]
        if k in _MODULES and form == "functional":
            fn = getattr(F, _FUNCTIONS[k])
            return fn(x, dim=1) if k == "softmax" else fn(x)
        if k in _MODULES:
            return _TENSOR[k](x)
        if k in ("avgpool", "maxpool"):
            if form == "mean":
                return x.mean((2, 3), keepdim=True)
            if a["global"]:
                return F.adaptive_avg_pool2d(x, 1) if k == "avgpool" else F.adaptive_max_pool2d(x, 1)
            kernel, stride = _pair(a["kernel"]), _pair(a["stride"] or a["kernel"])
            if k == "avgpool":
                return F.avg_pool2d(x, kernel, stride, _pair(a["padding"]), a["ceil_mode"])
            return F.max_pool2d(x, kernel, stride, _pair(a["padding"]), _pair(a["dilation"]), a["ceil_mode"])
        if k in ("add", "mul"):
            y = xs[0]
            for other in xs[1:]:
                if form == "torch":
                    y = torch.add(y, other) if k == "add" else torch.mul(y, other)
                else:
                    y = y + other if k == "add" else y * other
            return y
        if k == "upsample":
            return F.interpolate(x, scale_factor=tuple(float(s) for s in a["scale"]), mode=a["mode"])
        if k == "concat":
            return torch.cat(xs, 1)
        if k == "flatten":
            return torch.flatten(x, 1)
        if k == "identity":
            return x
        raise AssertionError(k)

    def forward(self, x):
        out = {"input": x}
        for layer in self.layers:
            xs = [out[name] for name in layer.inputs]
            key = self._key(layer)
            if key in self.mods:
                x = xs[0]
                if layer.kind == "fc":
                    x = torch.flatten(x, 1)
                out[layer.name] = self.mods[key](x)
            else:
                out[layer.name] = self._functional(layer, xs)
        return out[self.layers[-1].name]


def build(name: str):
    torch.manual_seed(0)
    if name in TORCHVISION:
        model = TORCHVISION[name][1]()
    else:
        model = FromLayerFile(str(NETS / f"{name}.yaml"))
    # Distinct values everywhere, as a trained network has: the ONNX exporter shares equal tensors
    # (weights=None leaves every batch norm alike), and onnx-tool then counts them once.
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for m in model.modules():
            for p in m.parameters(recurse=False):
                p.uniform_(0.5, 1.5, generator=g)
            if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.running_mean is not None:
                m.running_mean.uniform_(-0.5, 0.5, generator=g)
                m.running_var.uniform_(0.5, 1.5, generator=g)
    return model.eval()


def source(name: str) -> str:
    return TORCHVISION[name][0] if name in TORCHVISION else str(NETS / f"{name}.yaml")


def input_shape(name: str) -> tuple:
    return tuple(int(x) for x in convcost.load(source(name)).input)


# -- the tools, each called as its README says -------------------------------------------------


def _conv_fc_macs(model, x) -> int:
    """Multiply-accumulates of every Conv2d and Linear call, from the real output shapes."""
    total = 0

    def hook(m, inputs, out):
        nonlocal total
        if isinstance(m, nn.Conv2d):
            total += out.numel() * (m.in_channels // m.groups) * math.prod(m.kernel_size)
        elif isinstance(m, nn.Linear):
            total += out.numel() * m.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return total


def measure(tool: str, name: str) -> tuple[int, int]:
    """(total, params) as the tool reports them for the model."""
    model, shape = build(name), input_shape(name)
    x = torch.randn(1, *shape)
    params = sum(p.numel() for p in model.parameters())
    with _quiet():
        if tool in ("paper", "flops"):
            macs = _conv_fc_macs(model, x)
            return (macs if tool == "paper" else 2 * macs), params
        if tool == "keras":  # Keras keeps BN's moving mean and variance as (non-trainable) weights
            stats = sum(m.running_mean.numel() + m.running_var.numel() for m in model.modules()
                        if isinstance(m, nn.modules.batchnorm._BatchNorm))
            return _conv_fc_macs(model, x), params + stats
        if tool in ("ptflops", "ptflops-aten"):
            from ptflops import get_model_complexity_info

            kw = {"backend": "aten"} if tool == "ptflops-aten" else {}
            return get_model_complexity_info(model, shape, as_strings=False, print_per_layer_stat=False, **kw)
        if tool == "thop":
            from thop import profile

            macs, count = profile(model, inputs=(x,), verbose=False)
            assert macs == int(macs) and count == int(count)  # floats, but whole
            return int(macs), int(count)
        if tool == "fvcore":
            from fvcore.nn import FlopCountAnalysis, parameter_count

            return FlopCountAnalysis(model, x).total(), parameter_count(model)[""]
        if tool == "torchinfo":
            from torchinfo import summary

            stats = summary(model, input_size=(1, *shape), verbose=0)
            return stats.total_mult_adds, stats.total_params
        if tool == "onnx-tool":
            return _onnx_tool(model, x)
    raise AssertionError(tool)


def _onnx_tool(model, x) -> tuple[int, int]:
    import tempfile

    import onnx_tool

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "model.onnx")
        torch.onnx.export(model, (x,), path, dynamo=False)
        graph = onnx_tool.loadmodel(path, {"verbose": False}).graph
        graph.graph_reorder_nodes()
        graph.shape_infer(None)
        graph.profile(exclude_ops=set(onnx_tool.NoMacsOps))  # what model_profile prints as Total
        return int(round(graph.macs[0])), int(graph.params)


# -- the tests -------------------------------------------------------------------------------------

CASES = [(net, tool) for net in (*TORCHVISION, "probe") for tool in TOOLS]


@pytest.mark.slow
@pytest.mark.parametrize(("net", "tool"), CASES)
def test_convention_prints_what_the_tool_prints(net, tool):
    from test_conventions import MEASURED, TOOL_VERSIONS

    assert TOOL_VERSIONS == VERSIONS
    _require(tool)
    measured = measure(tool, net)
    report = convcost.analyze(source(net), convention=tool)
    assert (report.totals.macs, report.totals.params) == measured
    assert MEASURED[net, tool] == measured  # what CI keeps is what the tool prints
