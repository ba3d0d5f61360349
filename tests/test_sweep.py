"""`convcost sweep`: grid values, rows against an independent MobileNetV1 and against `analyze`, the
formats, invalid configurations as rows, exit codes, and the plot."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import subprocess
import sys
from fractions import Fraction

import pytest
from click.testing import CliRunner
from helpers import plain_mobilenet_v1

import convcost
from convcost.analysis.sweep import Axis, parse_values, sweep
from convcost.cli import main
from convcost.errors import ConvcostError
from convcost.limits import DEFAULT_LIMITS
from convcost.sources import builder


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# -- grid values ---------------------------------------------------------------------------------


def test_a_range_is_inclusive_and_exact():
    assert parse_values("1/32:1:1/32", "alpha") == (*(Fraction(k, 32) for k in range(1, 32)), 1)
    assert parse_values("128:224:32", "res") == (128, 160, 192, 224)
    assert parse_values("224:128:-32", "res") == (224, 192, 160, 128)
    # 1 is not reached
    assert parse_values("0:1:0.3", "x") == (0, Fraction(3, 10), Fraction(3, 5), Fraction(9, 10))
    assert parse_values("5:5:1", "x") == (5,)


def test_a_list_keeps_its_order_each_value_once():
    assert parse_values("1,0.75,0.5,0.25", "alpha") == (1, Fraction(3, 4), Fraction(1, 2), Fraction(1, 4))
    assert parse_values("0.75, 3/4, 1", "alpha") == (Fraction(3, 4), 1)
    assert parse_values("1/4:1/2:1/8,1", "alpha") == (Fraction(1, 4), Fraction(3, 8), Fraction(1, 2), 1)


@pytest.mark.parametrize(("text", "message"), [
    ("1,,2", "empty value"),
    ("1:2", "is not START:STOP:STEP"),
    ("1:2:0", "step of '1:2:0' is zero"),
    ("2:1:1", "is empty"),
    ("1:2:x", "unknown variable 'x'"),
    ("__import__('os')", "is not allowed"),
    ("1:10**9:1", "more than 1,000,000 values"),
])
def test_bad_values_are_errors(text, message):
    with pytest.raises(ConvcostError, match=None) as err:
        parse_values(text, "--grid alpha", DEFAULT_LIMITS)
    assert message in err.value.message and err.value.message.startswith("--grid alpha: ")


# -- rows ----------------------------------------------------------------------------------------


def expected(alpha, res) -> tuple:
    t = plain_mobilenet_v1(alpha, res)
    return t["params"], t["macs"], t["standard"], t["separable"]


def test_the_papers_grid_row_by_row():
    result = convcost.sweep("mobilenet_v1", {"alpha": "1,0.75,0.5,0.25", "res": "224:128:-32"})
    assert [row.values for row in result.rows] == list(itertools.product(
        (1, Fraction(3, 4), Fraction(1, 2), Fraction(1, 4)), (224, 192, 160, 128)))
    for row in result.rows:
        assert (row.params, row.macs, tuple(row.standard), tuple(row.separable)) == expected(*row.values)
    # the paper's Tables 6 (res 224) and 7 (alpha 1), in millions
    table6 = {row.values[0]: round(row.macs / 10**6) for row in result.rows if row.values[1] == 224}
    assert table6 == {1: 569, Fraction(3, 4): 325, Fraction(1, 2): 149, Fraction(1, 4): 41}
    table7 = {row.values[1]: round(row.macs / 10**6) for row in result.rows if row.values[0] == 1}
    assert table7 == {224: 569, 192: 418, 160: 291, 128: 186}  # the paper prints 290 and 186


def test_the_issues_grid_takes_three_runs_and_is_exact():
    # 32 widths x 312 resolutions: one run (TF-slim's rounding gives every layer at least 8 channels,
    # so separable is cheaper everywhere and no decision splits the grid)
    result = convcost.sweep("mobilenet_v1", {"alpha": "1/32:1:1/32", "res": "32:343:1"})
    assert len(result.rows) == 9984 and result.failed == 0
    assert result.runs <= 3
    for row in result.rows[::97] + result.rows[-3:]:
        assert (row.params, row.macs, tuple(row.standard), tuple(row.separable)) == expected(*row.values)


@pytest.mark.parametrize(("name", "grid"), [
    ("mobilenet_v2", {"alpha": "0.35,0.5,0.75,1,1.3,1.4", "res": "96:224:32"}),
    ("resnet18", {"width": "8,16,32,64", "res": "1,7,32,224"}),
])
def test_the_zoo_against_analyze(name, grid):
    # make_divisible (rounded channels: many splits), tiny inputs (maps that vanish), residual adds
    result = convcost.sweep(name, grid)
    for row in result.rows:
        values = result.values(row)
        try:
            t = convcost.analyze(name, set=values).totals
        except ConvcostError as err:
            assert row.error is not None and row.error.format() == err.format(), values
            continue
        assert row.error is None, (values, row.error)
        assert (row.params, row.macs) == (t.params, t.macs)
        assert (row.standard, row.separable) == (t.standard, t.separable)


def test_other_vars_come_from_set():
    result = convcost.sweep("mobilenet_v1", {"alpha": [Fraction(1, 2), 1]}, set={"res": "160"})
    assert [(row.params, row.macs) for row in result.rows] == [
        (plain_mobilenet_v1(Fraction(1, 2), 160)["params"], plain_mobilenet_v1(Fraction(1, 2), 160)["macs"]),
        (plain_mobilenet_v1(1, 160)["params"], plain_mobilenet_v1(1, 160)["macs"])]


@pytest.mark.parametrize(("grid", "set_", "message"), [
    ({"alpha": "1", "beta": "2"}, {}, "unknown var 'beta'"),
    ({"alpha": "1,2"}, {"alpha": "1"}, "var 'alpha' is both swept and set"),
    ({}, {}, "nothing to sweep"),
])
def test_grid_mistakes(grid, set_, message):
    with pytest.raises(ConvcostError) as err:
        convcost.sweep("mobilenet_v1", grid, set=set_)
    assert message in err.value.message


def test_the_configurations_limit():
    with pytest.raises(ConvcostError, match="over the limit of 100"):
        convcost.sweep("mobilenet_v1", {"alpha": "1/32:1:1/32", "res": "1:4:1"},
                       limits=DEFAULT_LIMITS._replace(configurations=100))


def test_a_var_swept_twice():
    build = builder("mobilenet_v1")[1]
    with pytest.raises(ConvcostError, match="swept twice"):
        sweep(build, [Axis("res", (1, 2)), Axis("res", (3,))])


# -- invalid configurations are rows -------------------------------------------------------------

NET = """\
vars: {alpha: 1.0, res: 16}
input: [3, res, res]
layers:
  - conv: {out: "8*alpha", kernel: 3, stride: 2}
  - conv: {out: 16, kernel: 3}
"""


@pytest.fixture
def net(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(NET)
    return str(path)


def test_invalid_configurations_are_rows_with_analyzes_error(net):
    res = run("sweep", net, "--grid", "alpha=1,0.3", "--grid", "res=16,4", "-f", "json")
    assert res.exit_code == 1
    assert res.stderr == "3 of 4 configurations failed\n"
    rows = json.loads(res.stdout)["rows"]
    assert rows[0]["vars"] == {"alpha": 1, "res": 16} and rows[0]["macs"] == 8 * 27 * 49 + 16 * 72 * 25
    assert "error" not in rows[0]
    bad = rows[1]  # alpha 1, res 4: 4 -> 1 -> a 3x3 conv cannot fit
    assert bad["vars"] == {"alpha": 1, "res": 4}
    assert bad["params"] is bad["macs"] is bad["standard"] is bad["separable"] is None
    assert bad["error"]["message"] == ("layer 'conv_2' (conv): output height reaches -1: input height 1, "
                                       "kernel 3, stride 1, padding 0, dilation 1")
    assert (bad["error"]["path"], bad["error"]["line"]) == (net, 5)
    for row in rows[2:]:  # 8 * 0.3 channels: the file's error, as `analyze --set alpha=0.3` reports it
        assert row["error"]["message"] == "`out` of layer 'conv_1' must be an integer, got 12/5"
        assert row["error"]["hint"].startswith("wrap the expression")
    ok = run("analyze", net, "--set", "alpha=0.3", "--set", "res=16")
    assert ok.exit_code == 2 and "`out` of layer 'conv_1' must be an integer, got 12/5" in ok.stderr


def test_an_error_every_configuration_shares_is_the_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(NET.replace("kernel: 3}", "kernal: 3}"))
    res = run("sweep", str(bad), "--grid", "alpha=1,2", "--grid", "res=16,32")
    assert res.exit_code == 2 and res.stdout == ""
    assert f"{bad}:5:21: error: unknown key 'kernal' in layer 'conv_2' (conv)" in res.stderr


def test_every_format_shows_the_error(net):
    for fmt, needle in (("table", "error"), ("csv", "error"), ("markdown", "| error |")):
        res = run("sweep", net, "--grid", "res=16,4", "-f", fmt)
        assert res.exit_code == 1 and needle in res.stdout
        assert "output height reaches -1" in res.stdout
    rows = list(csv.DictReader(io.StringIO(run("sweep", net, "--grid", "res=16,4", "-f", "csv").stdout)))
    assert rows[0]["error"] == "" and rows[1]["macs"] == ""
    assert rows[1]["error"].startswith(f"{net}:5:5: layer 'conv_2' (conv): output height reaches -1")


# -- the command ---------------------------------------------------------------------------------


def test_json_contract():
    res = run("sweep", "mobilenet_v1", "--grid", "alpha=1,0.75", "--grid", "res=224,192", "-f", "json")
    assert res.exit_code == 0 and res.stderr == ""
    data = json.loads(res.stdout)
    assert data["schema"] == 1 and data["name"] == "mobilenet_v1" and data["failed"] == 0
    assert data["grid"] == {"alpha": [1, "3/4"], "res": [224, 192]}
    row = data["rows"][3]
    assert row == {"vars": {"alpha": "3/4", "res": 192}, "params": 2568144, "macs": 239273472,
                   "standard": {"params": 16662792, "macs": 2013321216},
                   "separable": {"params": 2567595, "macs": 234213888}}
    assert (row["params"], row["macs"]) == (plain_mobilenet_v1(Fraction(3, 4), 192)["params"],
                                            plain_mobilenet_v1(Fraction(3, 4), 192)["macs"])
    # the same encoding as analyze -f json
    single = json.loads(run("analyze", "mobilenet_v1", "--set", "alpha=0.75", "--set", "res=192",
                            "-f", "json").stdout)
    assert single["vars"] == row["vars"]
    assert single["totals"]["standard"] == row["standard"]
    assert single["totals"]["separable"] == row["separable"]


def test_csv_and_markdown_are_exact():
    text = run("sweep", "mobilenet_v1", "--grid", "alpha=0.75", "--grid", "res=224", "-f", "csv").stdout
    assert text.splitlines() == [
        "alpha,res,params,macs,standard_params,standard_macs,separable_params,separable_macs,error",
        "3/4,224,2568144,325400448,16662792,2740076544,2567595,318513792,"]
    md = run("sweep", "mobilenet_v1", "--grid", "alpha=0.75", "--grid", "res=224", "-f", "markdown").stdout
    assert ("| 0.75 | 224 | 2,568,144 | 325,400,448 | 16,662,792 | 2,740,076,544 | 2,567,595 | 318,513,792 |"
            in md)


def test_output_file_and_bad_options(tmp_path):
    out = tmp_path / "grid.csv"
    res = run("sweep", "mobilenet_v1", "--grid", "alpha=1", "-f", "csv", "-o", str(out))
    assert res.exit_code == 0 and res.stdout == "" and out.read_text().startswith("alpha,params")
    assert run("sweep", "mobilenet_v1").exit_code == 2  # --grid is required
    res = run("sweep", "mobilenet_v1", "--grid", "alpha")
    assert res.exit_code == 2 and "is not NAME=VALUES" in res.stderr
    res = run("sweep", "mobilenet_v1", "--grid", "alpha=1:0:1")
    assert res.exit_code == 2 and "error: --grid alpha: '1:0:1' is empty" in res.stderr
    res = run("sweep", "mobilenet_v1", "--grid", "alpha=1", "--plot", "grid.pdf")
    assert res.exit_code == 2 and "--plot writes .svg or .png files" in res.stderr


def test_a_sweep_imports_neither_sympy_nor_rich():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from convcost.cli import main\n"
        "for fmt in ('table', 'json', 'csv', 'markdown'):\n"
        "    res = CliRunner().invoke(main, ['sweep', 'mobilenet_v1', '--grid', 'alpha=1/4:1:1/4',\n"
        "                                    '--grid', 'res=96:224:32', '-f', fmt])\n"
        "    assert res.exit_code == 0, res.output\n"
        "print('sympy' in sys.modules, 'rich' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.stdout.split() == ["False", "False"]


# -- the plot ------------------------------------------------------------------------------------


def test_plot_without_matplotlib_names_the_install_command(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None  # as if not installed\n"
        "from click.testing import CliRunner\n"
        "from convcost.cli import main\n"
        f"res = CliRunner().invoke(main, ['sweep', 'mobilenet_v1', '--grid', 'alpha=1', '--plot', "
        f"{str(tmp_path / 'p.svg')!r}])\n"
        "print(res.exit_code)\n"
        "print(res.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.stdout.splitlines()[0] == "2"
    assert "error: --plot needs matplotlib" in out.stdout and 'pip install "convcost[plot]"' in out.stdout
    assert not (tmp_path / "p.svg").exists()


def test_svg_plot_has_one_point_per_configuration(tmp_path):
    pytest.importorskip("matplotlib")
    import xml.etree.ElementTree as ET

    svg = tmp_path / "grid.svg"
    res = run("sweep", "mobilenet_v1", "--grid", "alpha=1,0.75,0.5,0.25", "--grid", "res=224:128:-32",
              "--plot", str(svg))
    assert res.exit_code == 0
    root = ET.parse(svg).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    lines = [g for g in root.iter("{http://www.w3.org/2000/svg}g")
             if g.get("id", "").startswith("configurations-")]
    assert len(lines) == 4  # one line per alpha
    assert [len(g.findall(".//svg:use", ns)) for g in lines] == [4, 4, 4, 4]  # one marker per resolution
    first = svg.read_bytes()
    run("sweep", "mobilenet_v1", "--grid", "alpha=1,0.75,0.5,0.25", "--grid", "res=224:128:-32",
        "--plot", str(svg))
    assert svg.read_bytes() == first  # reproducible: no date, fixed ids


def test_png_plot(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "grid.png"
    assert run("sweep", "mobilenet_v1", "--grid", "alpha=1/8:1:1/8", "--plot", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_grid_values_must_be_exact():
    with pytest.raises(ConvcostError, match=r"is a float \(0.75\), not an exact number"):
        convcost.sweep("mobilenet_v1", {"alpha": [0.75, 0.5]})
    assert [r.macs for r in convcost.sweep("mobilenet_v1", {"alpha": [Fraction(3, 4), "1/2"]}).rows] == [
        plain_mobilenet_v1(Fraction(3, 4))["macs"], plain_mobilenet_v1(Fraction(1, 2))["macs"]]


def test_set_values_from_the_api_are_encoded_exactly():
    from convcost.render import SolveFormat, SweepFormat, render

    result = convcost.sweep("mobilenet_v1", {"alpha": [1]}, set={"res": Fraction(320, 2)})
    assert json.loads(render(result, SweepFormat.JSON))["set"] == {"res": 160}
    solution = convcost.solve("mobilenet_v1", {"alpha": [1]}, max_macs=10**9, set={"res": 160},
                              closed_form=False)
    assert json.loads(render(solution, SolveFormat.JSON))["set"] == {"res": 160}


def test_a_plot_of_failed_configurations_only(net, tmp_path):
    pytest.importorskip("matplotlib")
    svg = tmp_path / "none.svg"
    res = run("sweep", net, "--grid", "alpha=0.3,0.7", "--plot", str(svg))  # 12/5 and 28/5 channels
    assert res.exit_code == 1 and svg.read_text().startswith("<?xml")
