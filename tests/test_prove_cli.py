"""`convcost prove` through click's CliRunner: options, exact instances, exit codes, stdout and stderr apart.

Expected numbers are worked out here with plain integer arithmetic, never by calling convcost.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy
from click.testing import CliRunner
from sympy.parsing.sympy_parser import parse_expr

from convcost.cli import main

_POS = {"integer": True, "positive": True}
NAMES = {s: sympy.Symbol(s, **_POS) for s in ("M", "N", "Dk", "Dkp", "Do", "Dop")}


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, ["prove", *args], catch_exceptions=False)


def run_json(runner, *args) -> dict:
    res = run(runner, *args, "--format", "json")
    assert res.exit_code == 0, res.output
    assert res.stderr == ""
    return json.loads(res.stdout)


def fraction(text: str) -> Fraction:
    return Fraction(text)  # "521/4608" or "1": exact, as the JSON contract promises


def test_general_derivation_text(runner):
    res = run(runner)
    assert res.exit_code == 0
    assert res.stderr == ""
    out = res.stdout
    for title in (
        "Standard convolution",
        "Depthwise convolution",
        "Pointwise convolution",
        "Depthwise-separable = depthwise + pointwise",
        "Ratio separable / standard",
        "When separable is cheaper",
    ):
        assert title in out
    assert "NOT VERIFIED" not in out
    n_steps = out.count("✓ verified")
    assert n_steps >= 20
    assert f"All {n_steps} steps verified by sympy." in out
    assert "Given:" not in out  # no numbers, nothing substituted
    assert "With a bias" not in out and "Width multiplier" not in out


def test_general_json_contract(runner):
    data = run_json(runner)
    for step in data["steps"]:
        assert {"claim", "lhs", "rhs", "verified"} <= set(step)
        assert step["verified"] is True
        assert isinstance(step["claim"], str) and step["claim"]
    for key in ("steps", "ratio", "cheaper_when", "values", "cheaper", "verified", "ratio_float", "saving"):
        assert key in data
    assert data["values"] == {}
    assert data["verified"] is True
    assert data["cheaper"] is None
    assert data["ratio_float"] is None and data["saving"] is None
    ratio = parse_expr(data["ratio"], local_dict=dict(NAMES))
    N, Dk, Dkp = NAMES["N"], NAMES["Dk"], NAMES["Dkp"]
    assert sympy.simplify(ratio - (1 / N + 1 / (Dk * Dkp))) == 0
    cheaper = parse_expr(data["cheaper_when"], local_dict=dict(NAMES))
    assert isinstance(cheaper, sympy.core.relational.Relational)


def test_instance_3x3_with_512_outputs(runner):
    """The issue's example: 3x3 kernel, N = 512: ratio 521/4608, about 0.1131, 8.84x fewer mult-adds."""
    data = run_json(runner, "--kernel", "3", "--out", "512")
    assert data["values"] == {"N": 512, "Dk": 3, "Dkp": 3}
    expected = Fraction(1, 512) + Fraction(1, 9)
    assert expected == Fraction(521, 4608)
    assert fraction(data["ratio"]) == expected
    assert data["ratio"] == "521/4608"
    assert data["ratio_float"] == pytest.approx(521 / 4608)
    assert round(data["ratio_float"], 4) == 0.1131
    assert data["saving"] == pytest.approx(8.84, abs=0.005)
    assert fraction(data["saving_exact"]) == Fraction(4608, 521)
    assert data["cheaper"] is True
    assert data["verified"] is True

    text = run(runner, "--kernel", "3", "--out", "512").stdout
    assert "521/4608 ≈ 0.1131: 8.84× fewer mult-adds" in text
    assert "with these numbers: yes" in text


def test_all_numbers_give_exact_costs(runner):
    data = run_json(runner, "--kernel", "3", "--in", "512", "--out", "512", "--output-size", "14")
    m, n, k, d = 512, 512, 3, 14
    assert data["values"] == {"M": m, "N": n, "Dk": k, "Dkp": k, "Do": d, "Dop": d}
    assert data["standard"] == {"params": k * k * m * n, "macs": k * k * m * n * d * d}
    assert data["separable"] == {"params": k * k * m + m * n, "macs": k * k * m * d * d + m * n * d * d}
    assert data["standard"]["macs"] == 462_422_016
    assert fraction(data["ratio"]) == Fraction(k * k * m * d * d + m * n * d * d, k * k * m * n * d * d)
    # Each step shows general form and substituted exact values.
    by_key = {s["key"]: s for s in data["steps"]}
    assert by_key["standard.macs"]["lhs_value"] == "462422016"
    assert by_key["standard.macs"]["rhs_value"] == "462422016"
    assert "Sum(" in by_key["standard.macs"]["lhs"]  # the general form is still there


def test_rectangular_kernel_and_square_output(runner):
    data = run_json(runner, "--kernel", "3x5", "--output-size", "7", "--in", "8", "--out", "16")
    assert data["values"] == {"M": 8, "N": 16, "Dk": 3, "Dkp": 5, "Do": 7, "Dop": 7}
    assert data["standard"]["macs"] == 3 * 5 * 8 * 16 * 7 * 7
    assert fraction(data["ratio"]) == Fraction(1, 16) + Fraction(1, 15)
    data = run_json(runner, "--kernel", "1X7", "--output-size", "7x14")
    assert data["values"] == {"Dk": 1, "Dkp": 7, "Do": 7, "Dop": 14}


@pytest.mark.parametrize(
    "kernel,out,ratio,cheaper",
    [
        ("1x2", 2, Fraction(1), False),  # equal: N = 2 with a two-element kernel
        ("2x1", 2, Fraction(1), False),
        ("1", 7, 1 + Fraction(1, 7), False),  # every 1x1 kernel is dearer: 1 + 1/N
        ("1", 1000, 1 + Fraction(1, 1000), False),
        ("5", 1, 1 + Fraction(1, 25), False),  # N = 1 is dearer: 1 + 1/(Dk Dk')
        ("3x1", 2, Fraction(1, 2) + Fraction(1, 3), True),  # (2-1)(3-1) = 2 > 1
        ("2", 2, Fraction(1, 2) + Fraction(1, 4), True),
        ("1x2", 3, Fraction(1, 3) + Fraction(1, 2), True),  # (3-1)(2-1) = 2 > 1
    ],
)
def test_counterexamples_and_boundary(runner, kernel, out, ratio, cheaper):
    data = run_json(runner, "--kernel", kernel, "--out", str(out))
    assert fraction(data["ratio"]) == ratio
    assert data["cheaper"] is cheaper
    assert (ratio < 1) is cheaper  # cheaper exactly when the ratio is below 1
    assert data["verified"] is True


def test_counterexample_steps_are_shown(runner):
    data = run_json(runner)
    keys = [s["key"] for s in data["steps"]]
    for key in ("counterexample.equal", "counterexample.kernel_1x1", "counterexample.n_1"):
        assert key in keys
    text = run(runner).stdout
    assert "Equal cost at N = 2 with a two-element kernel (1×2)" in text
    assert "separable is dearer for every N" in text
    assert "separable is dearer for every kernel" in text


def test_partial_numbers_leave_cheaper_undecided(runner):
    data = run_json(runner, "--kernel", "3")
    assert data["cheaper"] is None
    assert data["ratio_float"] is None
    cond = parse_expr(data["cheaper_when_values"], local_dict=dict(NAMES))
    N = NAMES["N"]
    assert cond.free_symbols == {N}
    assert cond.subs(N, 1) is sympy.false and cond.subs(N, 2) is sympy.true
    # The general condition stays in "cheaper_when".
    assert parse_expr(data["cheaper_when"], local_dict=dict(NAMES)).free_symbols == {
        NAMES["N"],
        NAMES["Dk"],
        NAMES["Dkp"],
    }


def test_bias_and_multipliers_sections(runner):
    data = run_json(runner, "--bias", "--multipliers", "--kernel", "3", "--in", "32", "--out", "64")
    assert data["bias"] is True and data["multipliers"] is True
    sections = {s["section"] for s in data["steps"]}
    assert {"bias", "multipliers"} <= sections
    # With biases: standard 3*3*32*64 + 64, separable 3*3*32 + 32 + 32*64 + 64.
    assert data["standard"]["params"] == 3 * 3 * 32 * 64 + 64
    assert data["separable"]["params"] == 3 * 3 * 32 + 32 + 32 * 64 + 64
    assert fraction(data["ratio_params"]) == Fraction(3 * 3 * 32 + 32 + 32 * 64 + 64, 3 * 3 * 32 * 64 + 64)
    assert fraction(data["ratio"]) == Fraction(1, 64) + Fraction(1, 9)  # biases add no mult-adds
    text = run(runner, "--multipliers").stdout
    assert "α" in text and "ρ" in text and "α²⋅ρ²" in text


@pytest.mark.parametrize(
    "args,message",
    [
        (["--kernel", "0"], "--kernel must be a positive integer"),
        (["--kernel", "3x"], "--kernel must be D or DxD'"),
        (["--kernel", "x3"], "--kernel must be D or DxD'"),
        (["--kernel", "3x3x3"], "--kernel must be D or DxD'"),
        (["--kernel", "-3"], "--kernel must be D or DxD'"),
        (["--kernel", "abc"], "--kernel must be D or DxD'"),
        (["--in", "0"], "--in must be a positive integer"),
        (["--in", "-1"], "--in must be a positive integer"),
        (["--in", "2.5"], "--in must be a positive integer"),
        (["--out", ""], "--out must be a positive integer"),
        (["--out", "1e3"], "--out must be a positive integer"),
        (["--output-size", "7x0"], "--output-size must be a positive integer"),
        (["--output-size", "7 x"], "--output-size must be D or DxD'"),
        (["--in", "9" * 5000], "--in is too large"),
        (["--in", "9" * 1300], "--in is too large"),
        (["--layer", "sep6"], "--layer needs a layer file or built-in network"),
        (["--set", "alpha=1"], "--set needs a layer file or built-in network"),
        (["mobilenet_v1"], "give --layer NAME"),
        (["mobilenet_v1", "--layer", "sep6", "--kernel", "3"], "drop --kernel"),
        (["mobilenet_v1", "--layer", "sep6", "--in", "3", "--out", "4"], "drop --in, --out"),
    ],
)
def test_invalid_input_exits_2_with_a_message(runner, args, message):
    res = run(runner, *args)
    assert res.exit_code == 2
    assert res.stdout == ""
    assert res.stderr.startswith("error: ")
    assert message in res.stderr
    assert "Traceback" not in res.stderr


def test_errors_carry_hints(runner):
    res = run(runner, "--kernel", "3x")
    assert "hint: e.g. --kernel 3 (square) or --kernel 1x7" in res.stderr


def test_bad_format_is_a_usage_error(runner):
    res = run(runner, "--format", "xml")
    assert res.exit_code == 2
    assert "'xml' is not one of" in res.stderr


def test_failed_step_exits_1(runner, monkeypatch):
    """A wrong formula must not verify: non-zero exit, the step marked, a message on stderr."""
    from convcost.proof import derivation
    from convcost.proof.symbols import SYMBOLS

    M, N, Do, Dop = (SYMBOLS[s] for s in ("M", "N", "Do", "Dop"))
    monkeypatch.setattr(derivation, "SEPARABLE_MACS", (derivation.K + N + 1) * M * Do * Dop)
    res = run(runner)
    assert res.exit_code == 1
    assert "✗ NOT VERIFIED" in res.stdout
    assert "did NOT verify" in res.stdout
    assert res.stderr.startswith("error: ")
    assert "4.1 (separable.macs)" in res.stderr

    res = run(runner, "--format", "json")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert data["verified"] is False
    failed = {s["key"] for s in data["steps"] if not s["verified"]}
    assert "separable.macs" in failed and "standard.params" not in failed


def test_help_lists_every_option(runner):
    res = runner.invoke(main, ["prove", "--help"])
    assert res.exit_code == 0
    for option in (
        "--kernel",
        "--in",
        "--out",
        "--output-size",
        "--bias",
        "--multipliers",
        "--format",
        "--layer",
        "--set",
        "FILE_OR_BUILTIN",
        "text|markdown|latex|json",
        "Exit codes",
    ):
        assert option in res.stdout
    top = runner.invoke(main, ["--help"])
    assert "prove" in top.stdout


def test_cli_module_imports_neither_sympy_nor_rich():
    code = "import sys, convcost.cli.prove; print(sorted(m for m in ('sympy', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
