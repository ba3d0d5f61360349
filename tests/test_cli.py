"""`convcost analyze` and `convcost zoo` through click's CliRunner: exit codes, stdout, stderr."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from convcost.cli import COMMANDS, main


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_analyze_json_contract(runner):
    res = run(runner, "analyze", "mobilenet_v1", "--format", "json")
    assert res.exit_code == 0
    assert res.stderr == ""
    data = json.loads(res.stdout)
    assert data["schema"] == 1
    assert data["name"] == "mobilenet_v1"
    assert data["input"] == [3, 224, 224]
    assert data["totals"]["macs"] == 568_740_352
    assert data["totals"]["params"] == 4_209_088
    assert data["totals"]["standard"] == {"params": 29_281_120, "macs": 4_867_293_184}
    first = data["layers"][0]
    for key in ("name", "kind", "input", "output", "params", "macs", "standard", "separable", "ratio"):
        assert key in first
    assert first["ratio"] == "41/288"  # 1/32 + 1/9
    pool = next(layer for layer in data["layers"] if layer["kind"] == "avgpool")
    assert pool["macs"] == 0 and "standard" not in pool
    assert pool["counters"]["pool_ops"] == 1024 * 49
    assert {k["kind"] for k in data["by_kind"]} == {"pointwise", "depthwise 3x3", "conv 3x3", "fc"}


def test_analyze_json_symbolic_values_parse_back(runner):
    import sympy

    res = run(runner, "analyze", "mobilenet_v1", "--symbolic", "alpha", "-f", "json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    from convcost.symbolic.functions import slim_depth

    # our own output, not user input; slim_depth is convcost's function (docs/json.md)
    macs = sympy.sympify(data["totals"]["macs"], locals={"slim_depth": slim_depth})
    assert macs.subs("alpha", 1) == 568_740_352
    assert macs.subs("alpha", sympy.Rational(7, 20)) == json.loads(
        run(runner, "analyze", "mobilenet_v1", "--set", "alpha=0.35", "-f", "json").stdout)["totals"]["macs"]
    assert data["symbolic"] == ["alpha"]


def test_set_is_exact(runner):
    res = run(runner, "analyze", "mobilenet_v1", "--set", "alpha=0.75", "-f", "json")
    assert json.loads(res.stdout)["totals"]["macs"] == 325_400_448
    res = run(runner, "analyze", "mobilenet_v1", "--set", "alpha=3/4", "-f", "json")
    assert json.loads(res.stdout)["totals"]["macs"] == 325_400_448


def test_table_is_default_and_readable(runner):
    res = run(runner, "analyze", "mobilenet_v1")
    assert res.exit_code == 0
    assert "568.74M" in res.stdout and "568,740,352" in res.stdout
    assert "4.87G" in res.stdout


def test_csv_and_markdown(runner):
    csv_out = run(runner, "analyze", "mobilenet_v1", "-f", "csv").stdout.splitlines()
    assert csv_out[0].startswith("index,name,kind")
    assert csv_out[-1].split(",")[7] == "568740352"
    md = run(runner, "analyze", "mobilenet_v1", "-f", "markdown").stdout
    assert "| as written | 4,209,088 | 568,740,352 |" in md


def test_output_file(runner, tmp_path):
    out = tmp_path / "r.json"
    res = run(runner, "analyze", "mobilenet_v1", "-f", "json", "-o", str(out))
    assert res.exit_code == 0 and res.stdout == ""
    assert json.loads(out.read_text())["totals"]["macs"] == 568_740_352
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left


def test_failed_run_keeps_previous_output(runner, tmp_path):
    out = tmp_path / "r.json"
    out.write_text("previous")
    bad = tmp_path / "bad.yaml"
    bad.write_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4}\n")
    res = run(runner, "analyze", str(bad), "-f", "json", "-o", str(out))
    assert res.exit_code == 2
    assert out.read_text() == "previous"


def test_invalid_input_exit_2_with_location_on_stderr(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernal: 3}\n")
    res = run(runner, "analyze", str(bad))
    assert res.exit_code == 2
    assert res.stdout == ""
    assert f"{bad}:3:20: error: unknown key 'kernal'" in res.stderr
    assert "did you mean 'kernel'?" in res.stderr
    assert "Traceback" not in res.stderr


def test_missing_file_and_unknown_builtin(runner):
    res = run(runner, "analyze", "mobilenet_v7")
    assert res.exit_code == 2
    assert "no such file or built-in network" in res.stderr
    assert "mobilenet_v1" in res.stderr


def test_bad_options_exit_2(runner):
    assert run(runner, "analyze", "mobilenet_v1", "--set", "alpha").exit_code == 2
    assert run(runner, "analyze", "mobilenet_v1", "--format", "xml").exit_code == 2
    res = run(runner, "analyze", "mobilenet_v1", "--symbolic", "beta")
    assert res.exit_code == 2 and "unknown var 'beta'" in res.stderr
    res = run(runner, "analyze", "mobilenet_v1", "--limit", "nope=3")
    assert res.exit_code == 2 and "unknown limit" in res.stderr


def test_zoo_lists_builtins(runner):
    res = run(runner, "zoo")
    assert res.exit_code == 0
    assert res.stdout.startswith("mobilenet_v1") or "\nmobilenet_v1" in res.stdout


def test_every_command_has_help(runner):
    names = main.list_commands(None)
    assert names == ["analyze", "check", "compare", "devices", "import", "prove", "solve", "sweep", "zoo"]
    listing = run(runner, "--help").stdout
    for name in names:
        command = main.get_command(None, name)
        res = run(runner, name, "--help")
        assert res.exit_code == 0, name
        assert command.help and len(command.help) > 20, name
        # the group lists each command from a table, without importing it: same text as its own
        assert COMMANDS[name][1] == command.get_short_help_str(limit=200)
        assert name in listing


def test_help_and_zoo_do_not_import_the_other_commands():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from convcost.cli import main\n"
        "for args in (['--help'], ['zoo']):\n"
        "    assert CliRunner().invoke(main, args).exit_code == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith('convcost.cli.')\n"
        "             and m != 'convcost.cli.page'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.stdout.split() == ["['convcost.cli.zoo']"]


def test_output_is_deterministic(runner):
    a = run(runner, "analyze", "mobilenet_v1", "-f", "json").stdout
    b = run(runner, "analyze", "mobilenet_v1", "-f", "json").stdout
    assert a == b


def test_numeric_run_does_not_import_sympy_or_rich():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from convcost.cli import main\n"
        "res = CliRunner().invoke(main, ['analyze', 'mobilenet_v1', '-f', 'json'])\n"
        "assert res.exit_code == 0, res.output\n"
        "print('sympy' in sys.modules, 'rich' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.stdout.split() == ["False", "False"]


def test_python_dash_m(tmp_path):
    out = subprocess.run([sys.executable, "-m", "convcost", "analyze", "mobilenet_v1", "-f", "json"],
                         capture_output=True, text=True)
    assert out.returncode == 0
    assert json.loads(out.stdout)["totals"]["params"] == 4_209_088
