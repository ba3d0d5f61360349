"""`convcost prove --roofline`: every step verified, the issue's example by hand, the JSON contract."""

import json
from fractions import Fraction

import pytest
import sympy as sp
from helpers import invoke_cli

from convcost.proof import prove
from convcost.proof.roofline import RooflineInput

EXAMPLE = {"M": 512, "N": 512, "Dk": 3, "Dkp": 3, "Do": 14, "Dop": 14}


def test_general_derivation_verifies():
    proof = prove(roofline=RooflineInput())
    assert proof.verified, [s.step.key for s in proof.failed]
    keys = {s.step.key for s in proof.steps}
    assert {"faster.exact", "fused.exact", "faster.memory_bound", "fused.max.increasing"} <= keys


def test_the_issues_example():
    # 10 TFLOP/s, 100 GB/s, fp32: standard 102.4 us, separable 26.7264 us (by hand in test_roofline.py)
    proof = prove(EXAMPLE, roofline=RooflineInput("fp32", 4, 10**13, 10**11))
    assert proof.verified
    r = proof.roofline
    assert r.standard_time == sp.Rational(1024, 10**7)
    assert r.separable_time == sp.Rational(267264, 10**10)
    assert r.time_ratio == sp.Rational(261, 1000)
    assert r.separable_time_fused == sp.Rational(1_869_824, 10**11)
    assert r.faster is True and r.faster_fused is True
    assert r.bounds == {"standard": "memory", "depthwise": "memory", "pointwise": "memory"}


def test_json_time_ratio_with_a_ridge_point():
    res = invoke_cli("prove", "--roofline", "--kernel", "3", "--in", "512", "--out", "512",
                     "--output-size", "14", "--ridge", "100", "--dtype", "fp32", "-f", "json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["time_ratio"] == "261/1000" and data["verified"] is True
    assert Fraction(data["time_ratio_fused"]) == Fraction(1_869_824, 10_240_000)
    assert data["roofline"]["faster"] is True


def test_separable_can_be_slower_when_memory_bound():
    # MobileNetV1's first separable layer shape, 32 -> 64 at 112x112: (N-1)(K-1) = 504 < 1 + 2*12544,
    # so on a device where every kernel is memory-bound the intermediate tensor makes it slower
    proof = prove({"M": 32, "N": 64, "Dk": 3, "Dkp": 3, "Do": 112, "Dop": 112},
                  roofline=RooflineInput("fp32", 4, ridge=1000))
    r = proof.roofline
    assert proof.verified and r.faster is False and r.faster_fused is True
    assert r.time_ratio > 1


@pytest.mark.parametrize("args,message", [
    (["--device", "t4"], "add --roofline"),
    (["--roofline", "--device", "t4", "--ridge", "9"], "not both"),
    (["--roofline", "--ridge", "-3"], "positive"),
    (["--roofline", "--device", "jetson-nano", "--dtype", "int8"], "no peak rate for int8"),
])
def test_bad_options(args, message):
    res = invoke_cli("prove", *args)
    assert res.exit_code == 2 and message in res.stderr


def test_markdown_cites_the_command():
    res = invoke_cli("prove", "--roofline", "--kernel", "3", "--out", "512", "--device", "t4",
                     "-f", "markdown")
    assert "--roofline --device t4 --dtype fp32" in res.stdout
    assert "Time ratio separable / standard" in res.stdout
