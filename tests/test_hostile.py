"""Hostile and broken layer files (issue 5): no code runs, work stays bounded, every failure is an
error message with exit 2 and no traceback.

Every file in tests/hostile/ must make `convcost analyze` and `convcost check` exit 2 within two
seconds (both read `budget:` and `expect:` too). The two seconds are the issue's contract, a generous
bound: each file takes a few milliseconds to tens of milliseconds once the interpreter is up
(docs/security.md).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import invoke_cli as invoke

from convcost.cli import main

HOSTILE = Path(__file__).parent / "hostile"
COMMANDS = ["analyze", "check"]
SECONDS = 2.0  # the bound per file

# What each file's error must say (a part of its first line): the limit it hits, or what is wrong.
EXPECTED = {
    "alias_bomb.yaml": "more than 200000 YAML nodes",
    "alias_recursive.yaml": "inside the node it names",
    "alias_undefined.yaml": "names no anchor",
    "bad_utf8.yaml": "not valid UTF-8",
    "binary.yaml": "binary",
    "code_attribute.yaml": "is not allowed",
    "code_comprehension.yaml": "call of 'sum' is not allowed",
    "code_dunder_name.yaml": "not a valid var name",
    "code_import.yaml": "is not allowed",
    "code_lambda.yaml": "is not allowed",
    "code_open.yaml": "call of 'open' is not allowed",
    "code_set_in_file.yaml": "is not allowed",
    "code_string_constant.yaml": "not allowed in an expression",
    "comments_only.yaml": "empty",
    "control_character.yaml": "control character U+0007",
    "cycle.yaml": "cycle",
    "duplicate_name.yaml": "duplicate layer name 'a'",
    "empty.yaml": "empty",
    "expr_division_by_zero.yaml": "division by zero",
    "expr_float_exponent.yaml": "over the limit of 4096",
    "expr_int_bits.yaml": "over the limit of 4096",
    "expr_long.yaml": "over the limit of 2000",
    "expr_make_divisible_zero.yaml": "positive divisor",
    "expr_modulo_by_zero.yaml": "division by zero",
    "expr_parentheses.yaml": "over the limit of 2000",
    "expr_parentheses_within_size.yaml": "cannot parse expression",
    "expr_power_tower.yaml": "exponent 1073741824 is over the limit of 1024",
    "expr_total.yaml": "add up to more than 100000 syntax nodes",
    "expr_unary_chain.yaml": "more than 500 syntax nodes",
    "expr_unknown_var.yaml": "unknown variable 'alpah'",
    "fractional_channels.yaml": "must be an integer, got 48/5",
    "list_document.yaml": "got a list",
    "long_name.yaml": "invalid layer name",
    "merge_key.yaml": "merge keys",
    "missing_layers.yaml": "needs `layers`",
    "negative_channels.yaml": "must be at least 1",
    "repeat_empty_body.yaml": "`layers` of repeat is empty",
    "repeat_nested.yaml": "more than 20000 layers",
    "repeat_times_huge.yaml": "more than 20000 layers",
    "scalar_document.yaml": "got a string",
    "self_reference.yaml": "cycle",
    "tag_local.yaml": "YAML tag '!custom' is not allowed",
    "tag_python_name.yaml": "python/name:os.getpid' is not allowed",
    "tag_python_object.yaml": "python/object/apply:os.system' is not allowed",
    "unknown_from.yaml": "unknown layer 'b'",
    "unknown_key.yaml": "unknown key 'kernal'",
    "unknown_kind.yaml": "unknown layer kind 'sepparable'",
    "unknown_top_key.yaml": "unknown key 'layer'",
    "utf16.yaml": "UTF-16",
    "var_keyword_name.yaml": "not a valid var name",
    "var_without_value.yaml": "var 'alpha' has no value",
    "whitespace_only.yaml": "empty",
    "wrong_type_bool.yaml": "must be true or false",
    "wrong_type_name.yaml": "`name` must be a string",
    "wrong_type_out.yaml": "must be a number or an expression, got a list",
    "yaml_bad_indent.yaml": "invalid YAML",
    "yaml_deep_block.yaml": "deeper than 64 levels",
    "yaml_deep_flow.yaml": "deeper than 64 levels",
    "yaml_deep_mappings.yaml": "deeper than 64 levels",
    "yaml_duplicate_key.yaml": "duplicate key 'out'",
    "yaml_float_exponent.yaml": "over the limit of 4096",
    "yaml_float_inf.yaml": "not a finite decimal number",
    "yaml_int_digits.yaml": "limit of 4096 bits",
    "yaml_int_hex.yaml": "limit of 4096 bits",
    "yaml_int_sexagesimal.yaml": "limit of 4096 bits",
    "yaml_int_tag_mismatch.yaml": "'thirty-two' is not a valid int",
    "yaml_list_key.yaml": "mapping keys must be plain names",
    "yaml_multi_document.yaml": "more than one YAML document",
    "yaml_syntax.yaml": "invalid YAML",
    "yaml_tab_indent.yaml": "invalid YAML",
    "budget_code.yaml": "is not allowed",
    "budget_float_exponent.yaml": "over the limit of 4096",
    "expect_code.yaml": "not allowed in an expression",
    "pool_padding_over_half.yaml": "avgpool padding 2 along the height is more than half the window",
    "pool_padding_dilated.yaml": "maxpool padding 3 along the width is more than half the window: at most 2",
    "dropout_p_over_one.yaml": "dropout probability `p` must be between 0 and 1, got 5",
    "dropout_p_negative.yaml": "dropout probability `p` must be between 0 and 1, got -1/2",
}
# Files whose error has no line (nothing in them to point at): the rest must name file:line:col.
WITHOUT_LINE = {"binary.yaml", "comments_only.yaml", "empty.yaml", "utf16.yaml", "whitespace_only.yaml"}


def need(command: str) -> None:
    """`convcost check` is built in parallel: its variants run as soon as the command is registered."""
    if main.get_command(None, command) is None:
        pytest.skip(f"`convcost {command}` is not registered")


def hostile_files() -> list[str]:
    return sorted(str(p.relative_to(HOSTILE)) for p in HOSTILE.rglob("*.yaml"))




@pytest.fixture(scope="module", autouse=True)
def warm_imports():
    """Time the work on each file, not the first import of the modules both commands use."""
    for command in COMMANDS:
        if main.get_command(None, command) is not None:
            invoke(command, "mobilenet_v1")


def test_every_hostile_file_has_an_expected_error():
    assert sorted(EXPECTED) == hostile_files()


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", hostile_files())
def test_hostile_file_exits_2_quickly_with_a_message(command, name):
    need(command)
    path = HOSTILE / name
    start = time.perf_counter()
    result = invoke(command, str(path))
    elapsed = time.perf_counter() - start
    assert result.exit_code == 2, result.output
    assert elapsed < SECONDS, f"{name}: {elapsed:.2f} s"
    first = result.stderr.splitlines()[0]
    assert EXPECTED[name] in first
    assert first.startswith(f"{path}:"), first
    if name not in WITHOUT_LINE:  # file:line:column: error: ...
        line, column = first[len(str(path)) + 1:].split(":")[:2]
        assert int(line) >= 1 and int(column) >= 1, first


# -- no code execution ---------------------------------------------------------------------------


def _net(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "net.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("attack", [
    "input: !!python/object/apply:os.system ['touch {target}']\nlayers: [relu]\n",
    "input: !!python/object/apply:builtins.open ['{target}', 'w']\nlayers: [relu]\n",
    "input: [3, 8, 8]\nlayers:\n"
    "  - conv: {{out: \"__import__('os').system('touch {target}')\", kernel: 1}}\n",
    "input: [3, 8, 8]\nlayers:\n  - conv: {{out: \"open('{target}', 'w').close() or 8\", kernel: 1}}\n",
    "vars: {{a: \"__import__('pathlib').Path('{target}').touch()\"}}\ninput: [3, 8, 8]\nlayers: [relu]\n",
    "budget: {{macs: \"__import__('os').system('touch {target}')\"}}\ninput: [3, 8, 8]\nlayers: [relu]\n",
])
@pytest.mark.parametrize("command", COMMANDS)
def test_code_in_the_file_never_runs(tmp_path, attack, command):
    need(command)
    target = tmp_path / "pwned"
    path = _net(tmp_path, attack.format(target=target))
    result = invoke(command, str(path))
    assert result.exit_code == 2
    assert "not allowed" in result.stderr
    assert not target.exists()


def test_code_in_set_never_runs(tmp_path):
    target = tmp_path / "pwned"
    result = invoke("analyze", "mobilenet_v1", "--set", f"alpha=__import__('os').system('touch {target}')")
    assert result.exit_code == 2 and "is not allowed" in result.stderr
    assert not target.exists()


FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__"}  # as bare names (re.compile is fine)
FORBIDDEN_CALLS = {"sympify", "parse_expr", "full_load", "unsafe_load", "load_all"}
FORBIDDEN_MODULES = {"socket", "urllib", "http", "requests", "pickle", "marshal", "subprocess"}


def _forbidden(node: ast.AST) -> str | None:
    """What `node` uses that could run input as code or reach the network, if anything."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name == "load" and getattr(getattr(func, "value", None), "id", "") == "yaml":
            return "yaml.load"
        if name in FORBIDDEN_CALLS or (name in FORBIDDEN_BUILTINS and isinstance(func, ast.Name)):
            return name
    if isinstance(node, ast.Attribute) and node.attr in {"FullLoader", "UnsafeLoader", "Loader"}:
        return node.attr
    if isinstance(node, ast.ImportFrom) and any(a.name in FORBIDDEN_CALLS for a in node.names):
        return ", ".join(a.name for a in node.names)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        return next((m for m in modules if m.split(".")[0] in FORBIDDEN_MODULES), None)
    return None


def test_the_package_never_calls_eval_sympify_or_an_unsafe_yaml_loader():
    for path in sorted((Path(__file__).parent.parent / "convcost").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            assert _forbidden(node) is None, f"{path}:{node.lineno}: {_forbidden(node)}"


# -- bounded work and memory, measured in a fresh process ------------------------------------------

MEASURE = """
import sys, time
from click.testing import CliRunner
from convcost.cli import main
start = time.perf_counter()
result = CliRunner().invoke(main, sys.argv[1:])
elapsed = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and exec, so a child of a big pytest
# process would report the parent's peak.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(result.exit_code, elapsed, hwm // 1024)
print(result.stderr, file=sys.stderr)
"""


def measure(*args: str) -> tuple[int, float, int, str]:
    """(exit code, seconds in the command, peak resident MiB of the whole process, stderr)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    code, elapsed, mib = out.stdout.split()
    return int(code), float(elapsed), int(mib), out.stderr


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak memory is read from Linux /proc")
def test_300_megabyte_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as fh:  # sparse: costs no disk
        fh.truncate(300 * 1024 * 1024)
    code, elapsed, mib, err = measure("check", str(path))
    assert code == 2 and "larger than the limit of 10485760 bytes" in err and "file_bytes" in err
    assert elapsed < SECONDS
    assert mib < 150  # the interpreter alone is ~20-40 MiB; the file would be 300


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak memory is read from Linux /proc")
@pytest.mark.parametrize("name", ["alias_bomb.yaml", "yaml_deep_flow.yaml", "repeat_nested.yaml",
                                  "expr_long.yaml"])
def test_bombs_end_quickly_in_bounded_memory(name):
    code, elapsed, mib, err = measure("check", str(HOSTILE / name))
    assert code == 2 and EXPECTED[name] in err
    assert elapsed < SECONDS
    assert mib < 150


def test_a_file_at_the_size_limit_is_read(tmp_path):
    filler = "# " + "x" * 97 + "\n"
    text = "input: [3, 8, 8]\nlayers: [relu]\n" + filler * (10 * 1024 * 1024 // 100 - 1)
    path = _net(tmp_path, text)
    assert len(text) <= 10 * 1024 * 1024
    assert invoke("analyze", str(path), "-f", "json").exit_code == 0
    path.write_text(text + filler * 2)
    result = invoke("analyze", str(path))
    assert result.exit_code == 2 and "file_bytes" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are Unix-only")
def test_named_pipe_without_a_writer_does_not_hang(tmp_path):
    fifo = tmp_path / "net.yaml"
    os.mkfifo(fifo)
    result = invoke("analyze", str(fifo))
    assert result.exit_code == 2 and "empty" in result.stderr


@pytest.mark.parametrize("path,message", [
    ("/", "is a directory"),
    ("/dev/null", "the file is empty"),
    ("no-such-network.yaml", "no such file or built-in network"),
])
def test_things_that_are_not_layer_files(path, message):
    result = invoke("analyze", path)
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_device_stops_at_the_size_limit():
    result = invoke("analyze", "/dev/zero")
    assert result.exit_code == 2 and "file_bytes" in result.stderr
