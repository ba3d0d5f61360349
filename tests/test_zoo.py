"""The other built-in networks against published and PyTorch-measured figures.

Parameters: torchvision's model documentation lists 11,689,512 (resnet18) and 3,504,872
(mobilenet_v2). Mult-adds: torchvision lists 1.81 and 0.30 GFLOPS (its FLOPS are mult-adds); the
exact figures below were measured layer by layer on a real torch graph by
tests/test_torch_crosscheck.py (torch 2.13.0), which agrees with convcost on every layer.
"""

import pytest

import convcost
from convcost.zoo import builtin_names


def test_builtins_are_listed():
    assert {"mobilenet_v1", "mobilenet_v2", "resnet18"} <= set(builtin_names())


def test_resnet18():
    report = convcost.analyze("resnet18")
    assert report.totals.params == 11_689_512
    assert report.totals.macs == 1_814_073_344
    assert report.layers[-1].output == (1000,)
    assert report.layer("layer4.1.out").output == (512, 7, 7)
    # every 3x3 conv made separable; 7x7 stem included, 1x1 projections not
    assert report.totals.separable.macs < report.totals.macs


def test_resnet18_projection_shortcuts():
    report = convcost.analyze("resnet18")
    add = report.layer("layer2.0.add")
    assert add.inputs == ("layer2.0.bn2", "layer2.0.downsample.bn")
    assert add.output == (128, 28, 28)
    assert report.layer("layer2.0.downsample").params == 64 * 128


def test_mobilenet_v2():
    report = convcost.analyze("mobilenet_v2")
    assert report.totals.params == 3_504_872
    assert report.totals.macs == 300_774_272
    # 17 depthwise + projection pairs, recognised through bn and relu6
    pairs = {r.pair for r in report.layers if r.pair}
    assert len(pairs) == 17


@pytest.mark.parametrize("alpha,expected", [("0.5", 1_968_680), ("1.4", 6_108_776)])
def test_mobilenet_v2_width(alpha, expected):
    # torchvision-style make_divisible channel rounding; parameter counts as torch counts them
    # (published: 1.97M and 6.1M; exact figures agree with torch in test_torch_crosscheck.py)
    assert convcost.analyze("mobilenet_v2", set={"alpha": alpha}).totals.params == expected
