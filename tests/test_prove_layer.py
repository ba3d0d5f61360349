"""`convcost prove FILE_OR_BUILTIN --layer NAME`: the layer's dimensions, and agreement with `analyze`."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from click.testing import CliRunner

import convcost
from convcost.cli import main
from convcost.proof import prove_layer


@pytest.fixture(scope="module")
def analyzed() -> dict:
    res = CliRunner().invoke(main, ["analyze", "mobilenet_v1", "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0
    return {layer["name"]: layer for layer in json.loads(res.stdout)["layers"]}


def prove_json(*args: str) -> dict:
    res = CliRunner().invoke(main, ["prove", *args, "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert res.stderr == ""
    return json.loads(res.stdout)


def test_separable_layer_of_mobilenet_v1_agrees_with_analyze(analyzed):
    data = prove_json("mobilenet_v1", "--layer", "sep6")
    layer = analyzed["sep6"]
    assert layer["kind"] == "separable"
    # The dimensions, from analyze's shapes: 256x28x28 in, stride 2, 512x14x14 out, 3x3 kernel.
    assert layer["input"] == [256, 28, 28] and layer["output"] == [512, 14, 14]
    assert data["values"] == {"M": 256, "N": 512, "Dk": 3, "Dkp": 3, "Do": 14, "Dop": 14}
    assert data["layer"] == {"source": "mobilenet_v1", "name": "sep6", "kind": "separable"}
    # The derivation's numbers are analyze's numbers ...
    assert data["standard"] == layer["standard"]
    assert data["separable"] == layer["separable"]
    assert data["ratio"] == layer["ratio"] == "521/4608"
    # ... and both are the hand-computed ones.
    assert data["standard"]["macs"] == 3 * 3 * 256 * 512 * 14 * 14
    assert data["separable"]["macs"] == 3 * 3 * 256 * 14 * 14 + 256 * 512 * 14 * 14
    assert data["separable"]["macs"] == layer["macs"]  # the layer is written separable
    assert data["cheaper"] is True and data["verified"] is True
    agreement = [s for s in data["steps"] if s["section"] == "analyze"]
    assert len(agreement) == 5 and all(s["verified"] for s in agreement)


def test_standard_first_layer_agrees_too(analyzed):
    data = prove_json("mobilenet_v1", "--layer", "conv1")
    layer = analyzed["conv1"]
    assert data["values"] == {"M": 3, "N": 32, "Dk": 3, "Dkp": 3, "Do": 112, "Dop": 112}
    assert data["standard"] == layer["standard"]
    assert data["standard"]["macs"] == layer["macs"] == 3 * 3 * 3 * 32 * 112 * 112
    assert data["separable"] == layer["separable"]
    assert Fraction(data["ratio"]) == Fraction(1, 32) + Fraction(1, 9)


def test_every_conv_layer_of_mobilenet_v1_agrees():
    report = convcost.analyze("mobilenet_v1")
    convs = [layer for layer in report.layers if layer.geometry is not None]
    assert len(convs) == 14
    for layer in convs:
        proof = prove_layer(report, layer.name, source="mobilenet_v1")
        assert proof.verified, layer.name
        assert int(proof.standard_macs) == layer.standard.macs
        assert int(proof.separable_macs) == layer.separable.macs
        assert int(proof.standard_params) == layer.standard.params
        assert int(proof.separable_params) == layer.separable.params


def test_set_is_forwarded_to_analyze(analyzed):
    data = prove_json("mobilenet_v1", "--layer", "sep6", "--set", "alpha=0.5", "--set", "res=160")
    # alpha = 1/2: 128 -> 256 channels; res 160: 160/16 = 10.
    assert data["values"] == {"M": 128, "N": 256, "Dk": 3, "Dkp": 3, "Do": 10, "Dop": 10}
    assert data["standard"]["macs"] == 3 * 3 * 128 * 256 * 10 * 10
    assert data["verified"] is True


def test_layer_with_bias_from_a_file(tmp_path):
    net = tmp_path / "net.yaml"
    net.write_text(
        "input: [16, 20, 20]\n"
        "layers:\n"
        "  - conv: {name: c, out: 24, kernel: [3, 5], padding: 0, bias: true}\n"
        "  - separable: {name: s, out: 32, kernel: 3, padding: 1, bias: true}\n",
        encoding="utf-8",
    )
    data = prove_json(str(net), "--layer", "c")
    assert data["values"] == {"M": 16, "N": 24, "Dk": 3, "Dkp": 5, "Do": 18, "Dop": 16}
    assert data["bias"] is True
    assert data["standard"]["params"] == 3 * 5 * 16 * 24 + 24
    assert data["separable"]["params"] == 3 * 5 * 16 + 16 + 16 * 24 + 24
    assert any(s["section"] == "bias" for s in data["steps"])
    assert data["verified"] is True
    data = prove_json(str(net), "--layer", "s")
    assert data["values"] == {"M": 24, "N": 32, "Dk": 3, "Dkp": 3, "Do": 18, "Dop": 16}
    assert data["separable"]["params"] == 3 * 3 * 24 + 24 + 24 * 32 + 32
    assert data["verified"] is True


@pytest.mark.parametrize(
    "layer,message,hint",
    [
        ("sep66", "no layer named 'sep66'", "did you mean"),
        ("nothing_like_it", "no layer named 'nothing_like_it'", "convolution layers: conv1, sep1"),
        ("pool", "layer 'pool' (avgpool) is not a convolution", "convolution layers: conv1"),
    ],
)
def test_bad_layer_names(layer, message, hint):
    res = CliRunner().invoke(main, ["prove", "mobilenet_v1", "--layer", layer])
    assert res.exit_code == 2
    assert res.stdout == ""
    assert message in res.stderr and hint in res.stderr


def test_missing_file_is_invalid_input(tmp_path):
    res = CliRunner().invoke(main, ["prove", str(tmp_path / "nope.yaml"), "--layer", "c"])
    assert res.exit_code == 2
    assert "error:" in res.stderr and res.stdout == ""


def test_layer_text_output_names_the_layer():
    res = CliRunner().invoke(main, ["prove", "mobilenet_v1", "--layer", "sep6"])
    assert res.exit_code == 0
    assert "layer 'sep6' (separable) of mobilenet_v1" in res.stdout
    assert "Agreement with convcost analyze for layer 'sep6'" in res.stdout
    assert "231211008 = 231211008" in res.stdout


def test_bias_flag_on_a_layer_without_biases_only_adds_the_bias_steps(analyzed):
    data = prove_json("mobilenet_v1", "--layer", "sep6", "--bias")
    assert data["verified"] is True  # agreement compares with the layer as analyze counted it
    assert any(s["section"] == "bias" for s in data["steps"])
    assert data["standard"]["params"] == analyzed["sep6"]["standard"]["params"] + 512


def test_layer_names_are_escaped_in_latex_and_markdown(tmp_path):
    from test_prove_formats import check_latex

    net = tmp_path / "net.yaml"
    net.write_text("input: [4, 10, 10]\nlayers:\n  - conv: {name: conv_a-1.b, out: 8, kernel: 3}\n")
    latex = CliRunner().invoke(main, ["prove", str(net), "--layer", "conv_a-1.b", "-f", "latex"])
    assert latex.exit_code == 0
    assert "conv\\_a-1.b" in latex.stdout
    check_latex(latex.stdout)
    md = CliRunner().invoke(main, ["prove", str(net), "--layer", "conv_a-1.b", "-f", "markdown"])
    assert "`conv_a-1.b`" in md.stdout
