"""Issue 15 (item 14): settings PyTorch refuses are refused here too, and numbers on the command line
are ASCII digits, as the expression parser reads them.

PyTorch's rules, from torch's pooling shape check (`pooling_output_shape_pad_lr`) and nn.Dropout:
the padding of max and average pooling is at most half the dilated window along each axis,
pad <= ((kernel - 1) * dilation + 1) // 2 ("pad should be at most half of effective kernel size"),
and a dropout probability lies in [0, 1] ("dropout probability has to be between 0 and 1").
"""

from __future__ import annotations

import json

import pytest
from helpers import invoke_cli as invoke


def run(tmp_path, layer: str, *args: str):
    path = tmp_path / "net.yaml"
    path.write_text(f"input: [3, 16, 16]\nlayers:\n  - relu\n  - {layer}\n")
    return path, invoke("analyze", str(path), "-f", "json", *args)


# (layer, the largest padding PyTorch takes along each axis): ((k - 1) * d + 1) // 2
LEGAL = [
    ("avgpool: {kernel: 3, padding: 1}", None),
    ("avgpool: {kernel: 4, padding: 2}", None),  # 4 // 2
    ("avgpool: {kernel: 5, stride: 1, padding: 2}", None),
    ("maxpool: {kernel: 3, dilation: 2, padding: 2}", None),  # span 5
    ("maxpool: {kernel: 3, dilation: 3, padding: 3}", None),  # span 7
    ("maxpool: {kernel: [3, 5], padding: [1, 2]}", None),
    ("maxpool: {kernel: 2, padding: 1}", None),
    ("maxpool: {kernel: 1, padding: 0}", None),
    ("avgpool: {kernel: 3, padding: same}", None),  # convcost's own: ceil(H / stride)
    ("maxpool: {kernel: 2, padding: [0, 1, 0, 1]}", None),  # asymmetric (ONNX): each side < the window
    ("maxpool: {kernel: 3, padding: [2, 0, 0, 2]}", None),
]
ILLEGAL = [
    ("avgpool: {kernel: 3, padding: 2}", "avgpool padding 2 along the height is more than half the window: "
                                         "at most 1 for kernel 3 and dilation 1"),
    ("avgpool: {kernel: 1, padding: 1}", "at most 0 for kernel 1"),
    ("maxpool: {kernel: 3, dilation: 2, padding: 3}", "at most 2 for kernel 3 and dilation 2"),
    ("maxpool: {kernel: [3, 5], padding: [1, 3]}", "padding 3 along the width is more than half the window: "
                                                   "at most 2 for kernel 5"),
    ("maxpool: {kernel: [5, 3], padding: [3, 1]}", "padding 3 along the height"),
    ("maxpool: {kernel: 4, padding: 3}", "at most 2 for kernel 4"),
    ("avgpool: {kernel: 3, padding: '1 + 1'}", "at most 1"),
]


@pytest.mark.parametrize("layer,_", LEGAL)
def test_pooling_padding_up_to_half_the_window(tmp_path, layer, _):
    _, result = run(tmp_path, layer)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("layer,message", ILLEGAL)
@pytest.mark.parametrize("command", ["analyze", "check"])
def test_pooling_padding_over_half_the_window_is_a_located_error(tmp_path, layer, message, command):
    path, _ = run(tmp_path, layer)
    result = invoke(command, str(path))
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:4:5: error: layer ") and message in first, first
    assert "pad should be at most half of effective kernel size" in result.stderr  # PyTorch's words


@pytest.mark.parametrize("layer,message", [
    ("maxpool: {kernel: 2, padding: [0, 2, 0, 0]}", "maxpool padding 2 along the height is not smaller than "
                                                    "the window (2 for kernel 2 and dilation 1)"),
    ("avgpool: {kernel: 3, padding: [0, 0, 3, 1]}", "avgpool padding 3 along the width"),
])
def test_asymmetric_pooling_padding_as_large_as_the_window_is_a_located_error(tmp_path, layer, message):
    path, result = run(tmp_path, layer)
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:4:5: error: layer ") and message in first, first


@pytest.mark.parametrize("p", ["0", "1", "0.5", "'1/3'", "0.0"])
@pytest.mark.parametrize("kind", ["dropout", "identity"])
def test_dropout_probability_in_0_1(tmp_path, kind, p):
    _, result = run(tmp_path, f"{kind}: {{p: {p}}}")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["layers"][1]["output"] == [3, 16, 16]


@pytest.mark.parametrize("p,shown", [("5", "5"), ("1.5", "3/2"), ("-0.1", "-1/10"), ("'1 + 10**-9'", None),
                                     ("-1", "-1")])
@pytest.mark.parametrize("command", ["analyze", "check"])
def test_dropout_probability_outside_0_1_is_a_located_error(tmp_path, p, shown, command):
    path, _ = run(tmp_path, f"dropout: {{p: {p}}}")
    result = invoke(command, str(path))
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:4:5: error: layer 'dropout_1' (dropout): "
                            "dropout probability `p` must be between 0 and 1, got "), first
    if shown:
        assert first.endswith(f"got {shown}")


def test_dropout_p_of_a_symbolic_var_in_range_is_fine(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("vars: {q: {value: 0.5, min: 0, max: 1}}\ninput: [3, 8, 8]\nlayers:\n"
                    "  - dropout: {p: q}\n")
    assert invoke("analyze", str(path), "--symbolic", "q").exit_code == 0


# -- prove's numbers: ASCII digits only ---------------------------------------------------------------

NOT_ASCII = ["３", "٣", "३", "𝟑", "3x７", "１x3", "3\u00a0"]


@pytest.mark.parametrize("text", NOT_ASCII)
@pytest.mark.parametrize("option", ["--kernel", "--output-size"])
def test_prove_pairs_take_ascii_digits_only(option, text):
    result = invoke("prove", option, text)
    assert result.exit_code == 2
    assert f"{option} must be D or DxD' with positive integers" in result.stderr


@pytest.mark.parametrize("text", ["３", "٣", "१२", "𝟓𝟏𝟐"])
@pytest.mark.parametrize("option", ["--in", "--out"])
def test_prove_counts_take_ascii_digits_only(option, text):
    result = invoke("prove", option, text)
    assert result.exit_code == 2 and f"{option} must be a positive integer" in result.stderr


@pytest.mark.parametrize("args", [["--kernel", "3"], ["--kernel", " 1x7 "], ["--in", "512", "--out", " 512"],
                                  ["--output-size", "14X7"]])
def test_prove_ascii_numbers_still_work(args):
    assert invoke("prove", *args, "-f", "json").exit_code == 0
