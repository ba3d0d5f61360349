"""Golden outputs of `convcost analyze` for the built-in networks, plus invariants on every golden.

Regenerate after an intended change with: UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
(then read the diff: the invariants below must still hold, and the numbers must still be right).
"""

import json
import math
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import analyze_text, repeated_blocks

from convcost.api import analyze
from convcost.cli import main
from convcost.render import ReportFormat
from convcost.render import report_json as json_
from convcost.zoo import builtin_names

GOLDEN = Path(__file__).parent / "golden"
_EXTENSIONS = {"json": "json", "csv": "csv", "markdown": "md", "table": "txt"}
# Every format of `analyze` has goldens: a new format fails here until it is given an extension.
FORMATS = {fmt.value: _EXTENSIONS[fmt.value] for fmt in ReportFormat}


def output(name: str, fmt: str) -> str:
    res = CliRunner().invoke(main, ["analyze", name, "--format", fmt], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    return res.stdout


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", builtin_names())
def test_golden(name, fmt):
    path = GOLDEN / f"{name}.{FORMATS[fmt]}"
    text = output(name, fmt)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text()


@pytest.mark.parametrize("name", builtin_names())
def test_golden_json_rows_add_up_to_totals(name):
    data = json.loads((GOLDEN / f"{name}.json").read_text())
    layers, totals = data["layers"], data["totals"]
    assert sum(layer["params"] for layer in layers) == totals["params"]
    assert sum(layer["macs"] for layer in layers) == totals["macs"]
    for counter, value in totals["counters"].items():
        assert sum(layer["counters"][counter] for layer in layers) == value
    assert sum(k["macs"] for k in data["by_kind"]) == totals["macs"]
    # params outside by_kind (none today) would show up here
    assert sum(k["params"] for k in data["by_kind"]) == totals["params"]
    # every conv-family layer carries its alternatives; the standard version never costs less
    # than the separable-where-cheaper one
    assert totals["separable"]["macs"] <= totals["macs"] <= totals["standard"]["macs"]
    for layer in layers:
        if "standard" in layer:
            from fractions import Fraction

            assert Fraction(layer["ratio"]) == Fraction(layer["separable"]["macs"], layer["standard"]["macs"])


@pytest.mark.parametrize("name", builtin_names())
def test_golden_csv_rows_add_up(name):
    rows = (GOLDEN / f"{name}.csv").read_text().splitlines()
    header = rows[0].split(",")
    body = [dict(zip(header, r.split(","), strict=True)) for r in rows[1:]]
    total = body.pop()
    assert total["name"] == "(total)"
    assert sum(int(r["macs"]) for r in body) == int(total["macs"])
    assert sum(int(r["params"]) for r in body) == int(total["params"])


@pytest.mark.parametrize("symbolic", [(), ("w",)])
def test_each_json_line_is_its_layer_encoded(symbolic):
    # render() splices the text of members shared by repeated layers; each line must still be the
    # plain encoding of the layer's JSON object.
    text = repeated_blocks(3) + "  - conv: {out: 8, kernel: 3, bias: true}\n"
    reports = [analyze_text(text, symbolic=symbolic)]
    if not symbolic:
        reports += [analyze(name) for name in builtin_names()]
        reports.append(analyze("mobilenet_v1", symbolic=("alpha", "res")))
    for report in reports:
        lines = json_._Lines()
        for row in report.layers:
            assert lines(row) == json.dumps(json_._layer(row), separators=(", ", ": "))


@pytest.mark.parametrize("name", builtin_names())
def test_golden_json_memory_invariants(name):
    # bytes at fp32 (4 per element): weights are the params, inputs every tensor read, outputs the
    # tensor written; at any layer its inputs and output are live, so no layer exceeds the peak
    data = json.loads((GOLDEN / f"{name}.json").read_text())
    assert data["dtype"] == "fp32"
    layers, memory = data["layers"], data["totals"]["memory"]
    largest = 0
    for layer in layers:
        m = layer["memory"]
        assert m["weights"] == 4 * layer["params"]
        assert m["outputs"] == 4 * layer["output_elements"]
        shapes = layer.get("inputs", [layer["input"]])
        assert m["inputs"] == 4 * sum(math.prod(s) for s in shapes)
        distinct = {tuple(s) for s in shapes}  # add: [x, x] reads one tensor twice
        largest = max(largest, 4 * sum(math.prod(s) for s in distinct) + m["outputs"])
    assert memory["weights"] == sum(layer["memory"]["weights"] for layer in layers)
    assert largest <= memory["peak_activations"]
