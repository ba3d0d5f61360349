"""Fuzzing with a fixed budget (issue 5): random valid networks and mutated YAML text.

Every input must end in exit 0, 1 or 2 without a traceback, and every valid network's symbolic totals,
with the vars put back in, must equal its numeric totals exactly. The settings are derandomized (the
same examples on every run, so CI is deterministic) and sized to finish in about ten seconds.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from helpers import invoke_cli as invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convcost.api import analyze
from convcost.zoo import builtin_path

BUDGET = dict(deadline=None, derandomize=True, database=None, print_blob=False,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TMP = Path(tempfile.mkdtemp(prefix="convcost-fuzz-"))  # hypothesis runs many examples per test call




def write(text: str) -> str:
    path = TMP / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return str(path)


# -- random valid networks ------------------------------------------------------------------------

KINDS = ["conv", "separable", "depthwise", "pointwise", "pair", "act", "branch", "repeat"]
CHANNELS = st.sampled_from(["{n}*w", "{n}*w + 1", "max({n}, w)", "w**2 + {n}", "{n}"])


@st.composite
def block(draw, i: int, source: str) -> list[str]:
    """The layer-file lines of one block reading `source`; its last layer is named l{i}."""
    n = draw(st.integers(1, 6))
    out = draw(CHANNELS).format(n=n)
    k = draw(st.sampled_from([1, 3, 5]))
    stride = draw(st.sampled_from([1, 1, 2]))
    same = f"kernel: {k}, stride: {stride}, padding: {k // 2}"  # ceil(H/stride) rows: never empty
    kind = draw(st.sampled_from(KINDS))
    head = f"name: l{i}, from: {source}"
    if kind in ("conv", "separable"):
        return [f"- {kind}: {{{head}, out: '{out}', {same}}}"]
    if kind == "depthwise":
        return [f"- depthwise: {{{head}, {same}}}"]
    if kind == "pointwise":
        return [f"- pointwise: {{{head}, out: '{out}'}}"]
    if kind == "pair":  # depthwise, bn, relu, pointwise: recognised as one separable convolution
        return [f"- depthwise: {{name: l{i}d, from: {source}, {same}}}", "- bn", "- relu",
                f"- pointwise: {{name: l{i}, out: '{out}'}}"]
    if kind == "act":
        return [f"- {draw(st.sampled_from(['relu', 'bn', 'hswish', 'dropout']))}: {{{head}}}"]
    if kind == "branch":  # two convolutions of one input, concatenated or added
        joint = draw(st.sampled_from(["concat", "add"]))
        other = out if joint == "add" else draw(CHANNELS).format(n=n + 1)
        return [f"- conv: {{name: l{i}a, from: {source}, out: '{out}', kernel: 1, stride: {stride}}}",
                f"- conv: {{name: l{i}b, from: {source}, out: '{other}', {same}}}",
                f"- {joint}: {{name: l{i}, from: [l{i}a, l{i}b]}}"]
    times = draw(st.integers(1, 3))
    body = f"[{{conv: {{out: '{out}', kernel: 3, padding: 1}}}}, relu]"
    return [f"- conv: {{name: l{i}, from: {source}, out: '{out}', kernel: 1}}",
            f"- repeat: {{times: {times}, layers: {body}}}"]


@st.composite
def networks(draw) -> tuple[str, int, int]:
    """(layer file, value of w, value of res)."""
    width, res = draw(st.integers(1, 4)), draw(st.sampled_from([7, 8, 13, 16, 32]))
    lines = [f"vars: {{w: {width}, res: {res}}}", f"input: [{draw(st.integers(1, 4))}, res, res]", "layers:"]
    source = "input"
    for i in range(draw(st.integers(1, 4))):
        body = draw(block(i, source))
        lines += ["  " + line for line in body]
        source = f"l{i}"
        if body[-1].startswith("- repeat"):  # name the repeat's output for the next block
            lines.append(f"  - identity: {{name: l{i}end}}")
            source = f"l{i}end"
    if draw(st.booleans()):
        lines += ["  - avgpool: {global: true}", "  - fc: {out: 10}"]
    return "\n".join(lines) + "\n", width, res


def _at(value, point):
    return value if isinstance(value, int) else value.subs(point)


@settings(max_examples=100, **BUDGET)
@given(networks())
def test_valid_networks_agree_symbolically_and_numerically(network):
    text, width, res = network
    path = write(text)
    result = invoke("analyze", path, "-f", "json")
    assert result.exit_code == 0, result.stderr  # the generator only writes valid networks
    numeric = json.loads(result.stdout)
    assert invoke("check", path).exit_code in (0, 1)
    symbolic = analyze(path, symbolic=("w", "res"))
    point = {symbolic.vars["w"]: width, symbolic.vars["res"]: res}
    totals = symbolic.totals
    assert _at(totals.params, point) == numeric["totals"]["params"]
    assert _at(totals.macs, point) == numeric["totals"]["macs"]
    assert _at(totals.standard.macs, point) == numeric["totals"]["standard"]["macs"]
    assert _at(totals.standard.params, point) == numeric["totals"]["standard"]["params"]
    if not totals.undecided:  # undecided layers stay as written symbolically
        assert _at(totals.separable.macs, point) == numeric["totals"]["separable"]["macs"]
    for row, expected in zip(symbolic.layers, numeric["layers"], strict=True):
        assert [_at(d, point) for d in row.output] == expected["output"], row.name
        assert _at(row.macs, point) == expected["macs"], row.name


# -- mutated YAML text ----------------------------------------------------------------------------

SEEDS = [
    Path(builtin_path("mobilenet_v1")).read_text(),
    "name: tiny\nvars: {alpha: 1.0, res: 224}\ninput: [3, res, res]\nlayers:\n"
    "  - conv: {name: stem, out: \"32*alpha\", kernel: 3, stride: 2, padding: 1}\n"
    "  - separable: {out: \"64*alpha\", kernel: 3, padding: 1}\n"
    "  - avgpool: {global: true}\n  - fc: {out: 1000}\nbudget: {macs: 600M, params: 4.5M}\n",
    "input: [8, 8, 8]\nlayers:\n  - repeat:\n      name: block\n      times: 3\n      layers:\n"
    "        - conv: {name: c, out: 8, kernel: 3, padding: 1, expect: {output: [8, 8, 8]}}\n"
    "        - add: {name: sum, from: [c, repeat_input]}\n",
]
FRAGMENTS = [
    ":", ": ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "? ", "|", ">", "'", '"', "#", "\n", "\t", "  ",
    "!!python/object/apply:os.system ['true'] ", "!!int ", "!custom ", "<<: *a", "%YAML 1.1\n", "---\n",
    "...\n", "\ufeff", "é", "\x07", "\\e", "~", "null", "true", "-1", "0", "0.3", "1e999999999", "10**999",
    "2**2**2**30", "0x" + "f" * 40, "9" * 60, "__import__('os').getpid()", "().__class__", "alpha",
    "repeat: {times: 1000000000000, layers: [relu]}", "from: input", "from: [a, b]", "name: x", "name: x",
    "out: 0", "kernel: 99", "stride: 0", "groups: 3", "padding: same", "bias: maybe", "vars: {alpha: }",
]


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "insert", "delete", "duplicate", "text"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif action == "duplicate":
            text = text[:at] + text[at:at + draw(st.integers(1, 80))] + text[at:]
        else:
            text = text[:at] + draw(st.text(max_size=4)) + text[at:]
    return text


@settings(max_examples=300, **BUDGET)
@given(mutated())
def test_mutated_yaml_never_crashes(text):
    path = write(text)
    invoke("analyze", path, "-f", "json")
    invoke("check", path)


@settings(max_examples=40, **BUDGET)
@given(st.sampled_from(SEEDS), st.sampled_from(FRAGMENTS), st.sampled_from(["w", "alpha", "res", "x"]))
def test_mutated_options_never_crash(seed, fragment, name):
    path = write(seed)
    invoke("analyze", path, "--set", f"{name}={fragment or 1}", "-f", "csv")
    invoke("analyze", path, "--symbolic", f"{name}", "--limit", f"degree={len(fragment) + 1}", "-f", "json")


@pytest.fixture(scope="module", autouse=True)
def cleanup():
    yield
    for path in TMP.iterdir():
        path.unlink()
    TMP.rmdir()
