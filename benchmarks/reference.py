"""The other tools' side of the benchmark: the same networks as PyTorch modules, counted by each tool.

Every command is run as a whole, cold process by ``benchmarks/run.py``, so the time includes importing torch
and the tool, building the module and the tool's forward pass. Each prints one JSON line, ``{"tool", "net",
"macs", "params"}``, so the harness can check that all tools agree on the architecture.

    python benchmarks/reference.py plain mobilenet_v1              # plain-Python arithmetic, the floor
    python benchmarks/reference.py ptflops mobilenet_v1
    python benchmarks/reference.py ptflops deep --blocks 10000     # 20,000 conv layers
    python benchmarks/reference.py thop|fvcore|torchinfo mobilenet_v1
    python benchmarks/reference.py export-onnx mobilenet_v1 -o mobilenet_v1.onnx
    python benchmarks/reference.py onnx-tool mobilenet_v1.onnx
    python benchmarks/reference.py verify                          # ptflops versus the exact count
    python benchmarks/reference.py ptflops mobilenet_v1 --alphas 1,0.75 --resolutions 224,192  # a grid

With ``--alphas`` and ``--resolutions`` a counter runs every configuration of that grid in one process (the
way a design-space script would use it: torch imported once) and prints the lists of mult-adds and parameters
and the seconds the configurations took after the imports.

Nothing at module level imports torch: the ``plain`` and ``onnx-tool`` commands must not pay for it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the checkout
from deepnet import DEFAULT_CHANNELS, DEFAULT_SIZE  # noqa: E402

# Only for the sibling: torch and the tools must keep reading and writing their bytecode, or every timed run
# would compile them from source.
sys.dont_write_bytecode = _write

# MobileNetV1 (Howard et al. 2017, table 1) after the 3x3 stride-2 stem: (pointwise out, depthwise stride).
MOBILENET_V1_BLOCKS: list[tuple[int, int]] = [
    (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
    (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
    (1024, 2), (1024, 1),
]  # fmt: skip
STEM_OUT = 32
NUM_CLASSES = 1000


def _out(n: int, kernel: int, stride: int, padding: int) -> int:
    return (n + 2 * padding - kernel) // stride + 1


def _width(channels: int, alpha: Fraction | int) -> int:
    """TF-slim's MobileNetV1 rounding, max(int(d * alpha), 8), as the built-in (and the paper's d * alpha
    at its widths)."""
    return max(math.floor(channels * Fraction(alpha)), 8)


def plain_mobilenet_v1(res: int = 224, alpha: Fraction | int = 1) -> dict[str, int]:
    """Exact mult-adds and weights of MobileNetV1, convolutions and the classifier only, no bias, no BN,
    at width multiplier ``alpha`` (channels rounded as TF-slim does).

    This is the floor of the comparison (a plain-Python script) and the oracle for checking the tools.
    """
    h = _out(res, 3, 2, 1)
    c = _width(STEM_OUT, alpha)
    macs = h * h * c * 3 * 9
    params = c * 3 * 9
    for out, stride in MOBILENET_V1_BLOCKS:
        out = _width(out, alpha)
        h = _out(h, 3, stride, 1)
        macs += h * h * c * 9 + h * h * c * out
        params += c * 9 + c * out
        c = out
    macs += c * NUM_CLASSES
    params += c * NUM_CLASSES
    return {"macs": macs, "params": params}


def plain_deep(blocks: int, channels: int, size: int) -> dict[str, int]:
    from deepnet import expected_deep_macs, expected_deep_params

    return {
        "macs": expected_deep_macs(blocks, channels, size),
        "params": expected_deep_params(blocks, channels),
    }


def torch_mobilenet_v1(bn_relu: bool = True, fc_bias: bool = True, alpha: Fraction | int = 1):
    """MobileNetV1 as it is usually written: conv (no bias) + BatchNorm + ReLU, global pool, linear."""
    from torch import nn

    def unit(cin: int, cout: int, kernel: int, stride: int, groups: int) -> list:
        layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False)]
        if bn_relu:
            layers += [nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
        return layers

    c = _width(STEM_OUT, alpha)
    layers = unit(3, c, 3, 2, 1)
    for out, stride in MOBILENET_V1_BLOCKS:
        out = _width(out, alpha)
        layers += unit(c, c, 3, stride, c) + unit(c, out, 1, 1, 1)
        c = out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, NUM_CLASSES, bias=fc_bias)]
    return nn.Sequential(*layers)


def torch_deep(blocks: int, channels: int, size: int, bn_relu: bool = False):
    """The deep stack of ``deepnet.py``: ``blocks`` depthwise 3x3 + pointwise 1x1 pairs, no bias.

    Without BN/ReLU by default: it is the very architecture convcost reads, so the counts must agree exactly.
    """
    from torch import nn

    layers: list = []
    for _ in range(blocks):
        for conv in (
            nn.Conv2d(channels, channels, 3, 1, 1, groups=channels, bias=False),
            nn.Conv2d(channels, channels, 1, bias=False),
        ):
            layers.append(conv)
            if bn_relu:
                layers += [nn.BatchNorm2d(channels), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


def _model_and_shape(args: argparse.Namespace):
    if args.net == "mobilenet_v1":
        return torch_mobilenet_v1(alpha=getattr(args, "alpha", 1)), (3, args.res, args.res)
    return torch_deep(args.blocks, args.channels, args.size, args.bn_relu), (
        args.channels,
        args.size,
        args.size,
    )


def count_ptflops(args: argparse.Namespace) -> dict[str, int]:
    from ptflops import get_model_complexity_info

    model, shape = _model_and_shape(args)
    macs, params = get_model_complexity_info(model, shape, as_strings=False, print_per_layer_stat=False)
    return {"macs": int(macs), "params": int(params)}


def count_thop(args: argparse.Namespace) -> dict[str, int]:
    import torch
    from thop import profile

    model, shape = _model_and_shape(args)
    macs, params = profile(model, inputs=(torch.ones(1, *shape),), verbose=False)
    return {"macs": int(macs), "params": int(params)}


def count_fvcore(args: argparse.Namespace) -> dict[str, int]:
    import logging

    import torch
    from fvcore.nn import FlopCountAnalysis, parameter_count

    logging.disable(logging.WARNING)  # "unsupported operator" notes for ReLU and friends
    model, shape = _model_and_shape(args)
    analysis = FlopCountAnalysis(model, torch.ones(1, *shape))
    analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    return {"macs": int(analysis.total()), "params": int(parameter_count(model)[""])}


def count_torchinfo(args: argparse.Namespace) -> dict[str, int]:
    from torchinfo import summary

    model, shape = _model_and_shape(args)
    stats = summary(model, input_size=(1, *shape), verbose=0)
    return {"macs": int(stats.total_mult_adds), "params": int(stats.total_params)}


def count_plain(args: argparse.Namespace) -> dict[str, int]:
    if args.net == "mobilenet_v1":
        return plain_mobilenet_v1(args.res, getattr(args, "alpha", 1))
    return plain_deep(args.blocks, args.channels, args.size)


def export_onnx(args: argparse.Namespace) -> dict[str, int]:
    import warnings

    import torch

    warnings.filterwarnings("ignore", category=DeprecationWarning)  # the legacy exporter is the one we want
    model, shape = _model_and_shape(args)
    model.eval()
    torch.onnx.export(model, (torch.ones(1, *shape),), str(args.output), dynamo=False, opset_version=13)
    return {"macs": -1, "params": -1}


def count_onnx_tool(args: argparse.Namespace) -> dict[str, int]:
    """What ``onnx_tool.model_profile`` does, minus printing its per-node table."""
    import onnx_tool

    model = onnx_tool.loadmodel(str(args.onnx), {"verbose": False})
    graph = model.graph
    graph.graph_reorder_nodes()
    graph.shape_infer(None)
    graph.profile(exclude_ops=onnx_tool.NoMacsOps)
    params = sum(int(graph.tensormap[name].numpy.size) for name in graph.initials)
    return {"macs": int(round(graph.macs[0])), "params": params}


def verify() -> dict[str, object]:
    """ptflops on MobileNetV1 as usually written, explained term by term against the exact conv+fc count.

    ptflops 0.7.5 (default ``pytorch`` backend) hooks modules and also patches ``torch.nn.functional``; an
    ``nn.ReLU`` or ``nn.AdaptiveAvgPool2d`` module calls the patched function, so those are counted twice.
    """
    from ptflops import get_model_complexity_info
    from torch import nn

    exact = plain_mobilenet_v1()
    shape = (3, 224, 224)

    def ptflops(model, **options) -> tuple[int, int]:
        macs, params = get_model_complexity_info(
            model, shape, as_strings=False, print_per_layer_stat=False, **options
        )
        return int(macs), int(params)

    full, full_params = ptflops(torch_mobilenet_v1())
    aten, _ = ptflops(torch_mobilenet_v1(), backend="aten")
    bare, bare_params = ptflops(
        torch_mobilenet_v1(bn_relu=False, fc_bias=False),
        ignore_modules=[nn.AdaptiveAvgPool2d],
        backend_specific_config={"count_functional": False},
    )
    # Elements leaving every conv (each followed by BN and ReLU), and entering the global pool.
    activations = 0
    h, c = _out(224, 3, 2, 1), STEM_OUT
    activations += h * h * c
    for out, stride in MOBILENET_V1_BLOCKS:
        h = _out(h, 3, stride, 1)
        activations += h * h * c + h * h * out
        c = out
    pool = h * h * c
    extra = {
        "batchnorm_2_per_element": 2 * activations,
        "relu_module_1_per_element": activations,
        "relu_functional_again_1_per_element": activations,
        "avgpool_module_1_per_input_element": pool,
        "avgpool_functional_again": pool,
        "fc_bias_1_per_output": NUM_CLASSES,
    }
    return {
        "exact_conv_fc_macs": exact["macs"],
        "exact_params": exact["params"],
        "ptflops_macs": full,
        "ptflops_params": full_params,
        "ptflops_aten_backend_macs": aten,
        "ptflops_conv_fc_only_macs": bare,
        "ptflops_conv_fc_only_params": bare_params,
        "conv_fc_only_matches_exact": bare == exact["macs"] and bare_params == exact["params"],
        "ptflops_extra_explained": extra,
        "exact_plus_extra": exact["macs"] + sum(extra.values()),
        "exact_plus_extra_matches_ptflops": exact["macs"] + sum(extra.values()) == full,
    }


COUNTERS = {
    "plain": count_plain,
    "ptflops": count_ptflops,
    "thop": count_thop,
    "fvcore": count_fvcore,
    "torchinfo": count_torchinfo,
}


def count_grid(args: argparse.Namespace) -> dict[str, object]:
    """Every configuration of the alpha x resolution grid, counted in this one process."""
    import time

    count = COUNTERS[args.tool]
    alphas = [Fraction(a) for a in (args.alphas or "1").split(",")]
    resolutions = [int(r) for r in (args.resolutions or str(args.res)).split(",")]
    count(argparse.Namespace(**{**vars(args), "alpha": alphas[0], "res": resolutions[0]}))  # imports, untimed
    macs, params = [], []
    start = time.perf_counter()
    for alpha in alphas:
        for res in resolutions:
            result = count(argparse.Namespace(**{**vars(args), "alpha": alpha, "res": res}))
            macs.append(result["macs"])
            params.append(result["params"])
    seconds = time.perf_counter() - start
    return {"configurations": len(macs), "seconds": seconds, "seconds_per_configuration": seconds / len(macs),
            "macs": macs, "params": params}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Count a benchmark network with another tool.")
    sub = parser.add_subparsers(dest="tool", required=True)

    def net_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("net", choices=["mobilenet_v1", "deep"])
        p.add_argument("--res", type=int, default=224, help="MobileNetV1 input resolution")
        p.add_argument("--blocks", type=int, default=1000, help="deep: depthwise+pointwise pairs")
        p.add_argument("--channels", type=int, default=DEFAULT_CHANNELS)
        p.add_argument("--size", type=int, default=DEFAULT_SIZE)
        p.add_argument("--bn-relu", action="store_true", help="deep: BatchNorm+ReLU after every conv")
        p.add_argument("--alphas", help="MobileNetV1: widths of a grid, e.g. 1,0.75,0.5,0.25")
        p.add_argument("--resolutions", help="MobileNetV1: resolutions of a grid, e.g. 224,192,160,128")

    for name in COUNTERS:
        net_options(sub.add_parser(name))
    exporter = sub.add_parser("export-onnx")
    net_options(exporter)
    exporter.add_argument("-o", "--output", type=Path, required=True)
    sub.add_parser("onnx-tool").add_argument("onnx", type=Path)
    sub.add_parser("verify")
    args = parser.parse_args(argv)

    if args.tool == "verify":
        print(json.dumps(verify(), indent=2))
        return 0
    if args.tool == "onnx-tool":
        result, net = count_onnx_tool(args), args.onnx.stem
    elif args.tool == "export-onnx":
        result, net = export_onnx(args), args.net
    elif args.alphas or args.resolutions:
        result, net = count_grid(args), args.net
    else:
        result, net = COUNTERS[args.tool](args), args.net
    print(json.dumps({"tool": args.tool, "net": net, **result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
