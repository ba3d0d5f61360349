"""Issue 5 beyond the hostile files: exact results at any size, every limit documented and raisable,
no-value vars, names, and output that is written atomically and byte-identical run to run."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import invoke_cli as invoke

from convcost.errors import ConvcostError, LimitExceeded
from convcost.layerfile.loader import load_text
from convcost.limits import DEFAULT_LIMITS, Limits
from convcost.symbolic.expr import evaluate_text
from convcost.symbolic.literals import decimal

ROOT = Path(__file__).parent.parent




def write(tmp_path: Path, text: str, name: str = "net.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- exactness at scale ----------------------------------------------------------------------------

BIG = 10**30
BIG_NET = """\
input: ["10**30", 7, 7]
layers:
  - conv: {out: 1000000000000000000000000000000, kernel: 3, padding: 1}
  - separable: {out: "10**30", kernel: 3, padding: 1}
  - bn
  - relu
  - avgpool: {global: true}
  - fc: {out: 10}
"""


def big_expected():
    conv = 9 * BIG * BIG * 49
    separable = (9 + BIG) * BIG * 49
    fc = BIG * 10
    return {"macs": conv + separable + fc, "params": 9 * BIG * BIG + 9 * BIG + BIG * BIG + 2 * BIG + fc + 10}


def test_channel_counts_of_10_30_are_exact_in_json_and_csv(tmp_path):
    path = write(tmp_path, BIG_NET)
    data = json.loads(invoke("analyze", path, "-f", "json").stdout)
    assert data["input"] == [BIG, 7, 7]
    assert data["totals"]["macs"] == big_expected()["macs"]
    assert data["totals"]["params"] == big_expected()["params"]
    assert all(isinstance(layer["macs"], int) for layer in data["layers"])
    rows = list(csv.DictReader(io.StringIO(invoke("analyze", path, "-f", "csv").stdout)))
    assert int(rows[-1]["macs"]) == big_expected()["macs"]
    assert int(rows[0]["macs"]) == 9 * BIG * BIG * 49


def test_channel_counts_of_10_30_are_exact_in_markdown(tmp_path):
    out = invoke("analyze", write(tmp_path, BIG_NET), "-f", "markdown").stdout
    assert f"| as written | {big_expected()['params']:,} | {big_expected()['macs']:,} |" in out


def test_table_rounds_10_30_without_float_digits(tmp_path):
    out = invoke("analyze", write(tmp_path, BIG_NET), "-f", "table").stdout
    assert "4.90e+62" in out  # the total mult-adds, 3 significant digits, rounded exactly
    assert "99999999" not in out and "0000001" not in out  # no digits of a binary float (9e49 as 8999...9078)


# 2**4000 channels and sizes: a conv's macs is 2**16000, 4,817 digits (Python refuses to print more
# than 4,300 unless told; the floats of the human formats would overflow). Results that large need
# int_bits raised: by default every computed value stays within 4096 bits.
HUGE = "vars: {b: '(2**1000)**4'}\ninput: [b, b, b]\nlayers:\n  - conv: {out: b, kernel: 1}\n"
RAISED = ("--limit", "int_bits=16100")


def test_results_beyond_the_limit_are_refused_by_default(tmp_path):
    result = invoke("analyze", write(tmp_path, HUGE), "-f", "json")
    assert result.exit_code == 2
    assert "grew to a number of 8001 bits, over the limit of 4096 bits" in result.stderr  # params, 2**8000
    assert "--limit int_bits=N" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_results_beyond_python_digit_limit_render(tmp_path, fmt):
    path = write(tmp_path, HUGE)
    result = invoke("analyze", path, "-f", fmt, *RAISED)
    assert result.exit_code == 0
    if fmt == "json":
        digits = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)  # the test's own json.loads needs it too
        try:
            assert json.loads(result.stdout)["totals"]["macs"] == 2**16000
        finally:
            sys.set_int_max_str_digits(digits)
    assert sys.get_int_max_str_digits() in (0, 4300)  # restored after the command (0: unlimited here)


def test_huge_results_render_in_check(tmp_path):
    assert invoke("check", write(tmp_path, HUGE), "--max-macs", "1000", *RAISED).exit_code == 1


def test_repeated_multiplication_of_huge_ints_hits_int_bits():
    with pytest.raises(LimitExceeded, match="int_bits"):
        evaluate_text("*".join(["(10**300)"] * 14), {})
    assert evaluate_text("*".join(["(10**300)"] * 4), {}) == 10**1200


@pytest.mark.parametrize("text,expected", [
    ("floor(10**1000 / 3**600)", 10**1000 // 3**600),
    ("ceil(10**1000 / 3**600)", -(-(10**1000) // 3**600)),
    ("round(10**1000 / 3)", round(Fraction(10**1000, 3))),
    ("make_divisible(10**30, 8)", 10**30),
    ("make_divisible(7, 0.5)", 7),
    ("1e3 + 4.5e-1", Fraction(20009, 20)),
])
def test_functions_of_huge_and_fractional_values_are_exact(text, expected):
    assert evaluate_text(text, {}) == expected


@pytest.mark.parametrize("text", ["make_divisible(32, 0)", "make_divisible(32, -8)",
                                  "make_divisible(32, 8 - 8)"])
def test_make_divisible_needs_a_positive_divisor(text):
    with pytest.raises(ConvcostError, match="positive divisor"):
        evaluate_text(text, {})


@pytest.mark.parametrize("text,value", [
    ("0.75", Fraction(3, 4)), ("1e3", 1000), ("1_000.5", Fraction(2001, 2)), (".5", Fraction(1, 2)),
    ("-2.50e-1", Fraction(-1, 4)), ("0.000", 0), ("1" + "0" * 1000 + ".0", 10**1000),
])
def test_decimals_are_exact(text, value):
    assert decimal(text, DEFAULT_LIMITS) == value


@pytest.mark.parametrize("text", ["1e999999999", "1e-999999999", "1e" + "9" * 20, "0." + "0" * 5000 + "1"])
def test_decimals_too_large_to_build_are_refused_at_once(text):
    with pytest.raises(LimitExceeded, match="int_bits"):
        decimal(text, DEFAULT_LIMITS)


# -- every limit is documented and can be raised -------------------------------------------------

def _nested_repeats(depth: int) -> str:
    """A valid file nested `depth` YAML levels deep: repeats of repeats (three levels each)."""
    levels = depth // 3 + 1
    return ("input: [3, 8, 8]\nlayers: " + "[{repeat: {times: 1, layers: " * levels + "[relu]"
            + "}}]" * levels + "\n")


# name -> (a file over the limit, other limits to pass, a value of the limit that lets it through).
# Mostly the default is what is exceeded; `layers` lowers it first (100,001 layers take seconds).
def _conv(out: str) -> str:
    return f"input: [3, 8, 8]\nlayers:\n  - conv: {{out: '{out}', kernel: 1}}\n"


OVER_THE_LIMIT = {
    "file_bytes": ("input: [3, 8, 8]\nlayers: [relu]\n#" + "x" * 10 * 2**20 + "\n", [], 11 * 2**20),
    # every var's name and value are nodes
    "yaml_nodes": ("input: [3, 8, 8]\nlayers: [relu]\nvars: {" + ", ".join(f"v{i}: 1" for i in range(100_001))
                   + "}\n", [], 300_000),
    "yaml_depth": (_nested_repeats(70), [], 80),
    "layers": ("input: [3, 8, 8]\nlayers: [relu, relu, relu, relu, relu, relu]\n", [("layers", 5)], 6),
    "expr_chars": (_conv("8" + " " * 2500), [], 3000),
    "expr_nodes": (_conv("+".join(["1"] * 300)), [], 700),
    "expr_total": ("input: [3, 8, 8]\nlayers:\n  - repeat: {times: 500, layers: [{conv: {out: '"
                   + "+".join(["1"] * 250) + "', kernel: 1}}]}\n", [], 250_000),
    "int_bits": (_conv("2**4100"), [("exponent", 5000)], 5000),
    "exponent": (_conv("1**2000"), [], 2000),
}


@pytest.mark.parametrize("name", sorted(OVER_THE_LIMIT))
def test_each_limit_is_hit_with_its_name_and_can_be_raised(tmp_path, name):
    text, others, raised = OVER_THE_LIMIT[name]
    path = write(tmp_path, text)
    extra = [arg for other, value in others for arg in ("--limit", f"{other}={value}")]
    result = invoke("analyze", path, "-f", "json", *extra)
    assert result.exit_code == 2
    assert f"--limit {name}=N" in result.stderr  # the message says which limit and how to raise it
    assert invoke("analyze", path, "-f", "json", *extra, "--limit", f"{name}={raised}").exit_code == 0


def test_degree_limit_for_symbolic_values(tmp_path):
    path = write(tmp_path, "vars: {alpha: 1.0}\n" + _conv("(alpha+1)**40"))
    assert invoke("analyze", path, "-f", "json").exit_code == 0  # numeric: 2**40
    result = invoke("analyze", path, "-f", "json", "--symbolic", "alpha")
    assert result.exit_code == 2 and "degree 40, over the limit of 16" in result.stderr
    assert "--limit degree=N" in result.stderr
    assert invoke("analyze", path, "-f", "json", "--symbolic", "alpha", "--limit", "degree=40").exit_code == 0


def test_every_limit_is_documented_with_its_default():
    doc = (ROOT / "docs" / "security.md").read_text()
    for name in Limits.names():
        default = getattr(DEFAULT_LIMITS, name)
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, f"docs/security.md has no row for {name}"
        assert f"{default:,}" in row or str(default) in row, row
    assert "--limit NAME=N" in doc


@pytest.mark.parametrize("value,message", [("0", "positive"), ("-1", "positive"), ("1e9", "whole number"),
                                           ("9" * 100, "whole number"), ("x", "whole number")])
def test_bad_limit_values(value, message):
    result = invoke("analyze", "mobilenet_v1", "--limit", f"layers={value}")
    assert result.exit_code == 2 and message in result.stderr


def test_unknown_limit_lists_the_limits():
    result = invoke("analyze", "mobilenet_v1", "--limit", "layer=10")
    assert result.exit_code == 2 and "unknown limit 'layer'" in result.stderr and "degree" in result.stderr


# -- vars, symbols and names -----------------------------------------------------------------------

NO_VALUE = "vars: {alpha: }\ninput: [3, 8, 8]\nlayers:\n  - conv: {out: '16*alpha', kernel: 1}\n"


def test_var_without_value_needs_set_or_symbolic(tmp_path):
    path = write(tmp_path, NO_VALUE)
    result = invoke("analyze", path)
    assert result.exit_code == 2
    assert f"{path}:1:8: error: var 'alpha' has no value" in result.stderr
    assert "--symbolic alpha" in result.stderr
    half = json.loads(invoke("analyze", path, "-f", "json", "--set", "alpha=1/2").stdout)
    assert half["totals"]["params"] == 24
    data = json.loads(invoke("analyze", path, "-f", "json", "--symbolic", "alpha").stdout)
    assert data["totals"]["params"] == "48*alpha"


def test_var_without_value_in_check(tmp_path):
    path = write(tmp_path, NO_VALUE.replace("alpha: }", "alpha: {value: null, min: 1/4, max: 2}}"))
    assert invoke("check", path, "--symbolic", "alpha", "--max-params", "100").exit_code == 0
    assert invoke("check", path).exit_code == 2


def test_unknown_symbol_and_unknown_set_suggest(tmp_path):
    path = write(tmp_path, NO_VALUE)
    result = invoke("analyze", path, "--symbolic", "alpah")
    assert result.exit_code == 2 and "did you mean 'alpha'?" in result.stderr
    result = invoke("analyze", path, "--set", "alhpa=1")
    assert result.exit_code == 2 and "did you mean 'alpha'?" in result.stderr


def test_unicode_var_names_are_read_as_python_reads_them(tmp_path):
    # Python reads identifiers in NFKC form: the ligature ﬁ in an expression is the name "fi".
    path = write(tmp_path, "vars: {ﬁ: 2, α: 3}\n" + _conv("ﬁ*α"))
    assert json.loads(invoke("analyze", path, "-f", "json").stdout)["layers"][0]["output"][0] == 6
    assert invoke("analyze", path, "-f", "json", "--set", "ﬁ=3").exit_code == 0
    twice = write(tmp_path, "vars: {ﬁ: 2, fi: 3}\ninput: [3, 8, 8]\nlayers: [relu]\n")
    result = invoke("analyze", twice)
    assert result.exit_code == 2 and "is var 'fi' again" in result.stderr


@pytest.mark.parametrize("name", ["lambda", "None", "floor", "input", "_x", "a-b"])
def test_var_names_that_expressions_cannot_use_are_refused(tmp_path, name):
    result = invoke("analyze", write(tmp_path, f"vars: {{'{name}': 1}}\ninput: [3, 8, 8]\nlayers: [relu]\n"))
    assert result.exit_code == 2 and "is not a valid var name" in result.stderr


@pytest.mark.parametrize("name,ok", [
    ("stem", True), ("ﬁrst.conv_1-a/b", True), ("층1", True), ("=HYPERLINK(1)", False), ("-1+2", False),
    ("@x", False), ("a b", False), ("a\u202eb", False), ("x" * 201, False),
])
def test_layer_names(tmp_path, name, ok):
    text = f'input: [3, 8, 8]\nlayers:\n  - relu: {{name: "{name}"}}\n'
    result = invoke("analyze", write(tmp_path, text), "-f", "csv")
    assert result.exit_code == (0 if ok else 2), result.stderr
    if not ok:
        assert "invalid layer name" in result.stderr


@pytest.mark.parametrize("key", ["name", "description"])
def test_network_name_and_description_are_one_line(tmp_path, key):
    text = f'{key}: "x\\n::error::injected\\e[2J"\ninput: [3, 8, 8]\nlayers: [relu]\n'
    result = invoke("analyze", write(tmp_path, text))
    assert result.exit_code == 2 and "one line" in result.stderr


def test_long_text_is_cut_in_messages(tmp_path):
    result = invoke("analyze", write(tmp_path, "input: [3, 8, 8]\nlayers:\n  - " + "k" * 100_000 + "\n"))
    assert result.exit_code == 2 and "(100000 characters)" in result.stderr
    assert len(result.stderr) < 2000


def test_deep_expression_with_raised_limits_is_an_error_with_a_location(tmp_path):
    path = write(tmp_path, "input: [3, 8, 8]\nlayers:\n  - conv: {out: '" + "-" * 20_000 + "8', kernel: 1}\n")
    result = invoke("analyze", path, "--limit", "expr_chars=100000", "--limit", "expr_nodes=100000")
    assert result.exit_code == 2 and f"{path}:3:17: error:" in result.stderr


def test_alias_of_a_scalar_key_and_values_still_work(tmp_path):
    text = ("vars: {&w width: 2}\ninput: [3, 8, 8]\nlayers:\n"
            "  - conv: &c {out: '8*width', kernel: 1}\n  - conv: *c\n")
    data = json.loads(invoke("analyze", write(tmp_path, text), "-f", "json").stdout)
    assert [layer["output"][0] for layer in data["layers"]] == [16, 16]


def test_an_alias_counts_its_whole_node_where_it_is_used():
    # &x is 9 nodes, 3 levels deep; used 3 levels down it reaches level 6. The file has 42 nodes:
    # the mapping, its 3 keys, x, two lists and x again three times.
    from convcost.layerfile.yamlnodes import load_document

    text = "a: &x [[[1, 2]], {k: [3]}]\nb: [[*x, *x]]\nc: *x\n"
    load_document(text, "a.yaml", Limits(yaml_depth=6, yaml_nodes=42))
    with pytest.raises(LimitExceeded, match="deeper than 5 levels"):
        load_document(text, "a.yaml", Limits(yaml_depth=5))
    with pytest.raises(LimitExceeded, match="more than 41 YAML nodes") as e:
        load_document(text, "a.yaml", Limits(yaml_nodes=41))
    assert (e.value.location.line, e.value.location.column) == (3, 4)  # the last *x, the 42nd node


def test_yaml_errors_are_located(tmp_path):
    with pytest.raises(ConvcostError) as e:
        load_text("input: [3, 8, 8]\nlayers:\n  - relu: {name: \"a\x07\"}\n", "n.yaml")
    assert (e.value.location.line, e.value.location.column) == (3, 20)


# -- nothing lost: atomic, deterministic output ----------------------------------------------------


def test_failed_run_leaves_previous_report_and_no_temporary_file(tmp_path):
    out = tmp_path / "report.json"
    out.write_text("previous report")
    for bad in ("alias_bomb.yaml", "expr_power_tower.yaml", "binary.yaml"):
        result = invoke("analyze", str(ROOT / "tests" / "hostile" / bad), "-f", "json", "-o", str(out))
        assert result.exit_code == 2
    assert out.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_output_file_keeps_its_permissions(tmp_path):
    out = tmp_path / "report.csv"
    out.write_text("")
    out.chmod(0o640)
    assert invoke("analyze", "mobilenet_v1", "-f", "csv", "-o", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    new = tmp_path / "new.csv"
    assert invoke("analyze", "mobilenet_v1", "-f", "csv", "-o", str(new)).exit_code == 0
    assert stat.S_IMODE(new.stat().st_mode) & 0o044 or os.umask(0o022) & 0o044  # readable as umask allows


@pytest.mark.parametrize("args", [
    ["analyze", "mobilenet_v1", "--symbolic", "alpha,res", "-f", "json"],
    ["analyze", "mobilenet_v1", "-f", "table"],
    ["check", "mobilenet_v1", "--symbolic", "alpha", "--max-macs", "600M", "-f", "json"],
])
def test_output_is_byte_identical_across_processes(args):
    outs = {subprocess.run([sys.executable, "-m", "convcost", *args], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}).stdout
            for seed in ("1", "2")}
    assert len(outs) == 1 and re.search(r"\d", outs.pop())
