"""Golden outputs of `convcost sweep` for the MobileNet paper's grid (Tables 6 and 7 crossed:
alpha in {1, 0.75, 0.5, 0.25} x resolution in {224, 192, 160, 128}), in every format, with the
numbers checked against a plain-Python MobileNetV1.

Regenerate after an intended change with: UPDATE_GOLDEN=1 python -m pytest tests/test_sweep_golden.py
"""

import csv
import io
import json
import os
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import plain_mobilenet_v1

from convcost.cli import main
from convcost.render import SweepFormat

GOLDEN = Path(__file__).parent / "golden"
ARGS = ["sweep", "mobilenet_v1", "--grid", "alpha=1,0.75,0.5,0.25", "--grid", "res=224:128:-32"]
_EXTENSIONS = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md"}
FORMATS = {fmt.value: _EXTENSIONS[fmt.value] for fmt in SweepFormat}  # a new format needs a golden


def output(fmt: str) -> str:
    res = CliRunner().invoke(main, [*ARGS, "--format", fmt], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    return res.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt):
    path = GOLDEN / f"sweep_mobilenet_v1_4x4.{FORMATS[fmt]}"
    text = output(fmt)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text()


def test_golden_numbers_are_the_papers_network():
    data = json.loads((GOLDEN / "sweep_mobilenet_v1_4x4.json").read_text())
    assert len(data["rows"]) == 16
    for row in data["rows"]:
        alpha, res = Fraction(row["vars"]["alpha"]), row["vars"]["res"]
        t = plain_mobilenet_v1(alpha, res)
        assert (row["params"], row["macs"]) == (t["params"], t["macs"])
        assert (row["standard"]["params"], row["standard"]["macs"]) == t["standard"]
        assert (row["separable"]["params"], row["separable"]["macs"]) == t["separable"]
    rows = list(csv.DictReader(io.StringIO((GOLDEN / "sweep_mobilenet_v1_4x4.csv").read_text())))
    assert [(r["alpha"], r["res"], int(r["macs"])) for r in rows] == [
        (str(row["vars"]["alpha"]), str(row["vars"]["res"]), row["macs"]) for row in data["rows"]]
