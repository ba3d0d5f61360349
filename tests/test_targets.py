"""`budget:` and `expect:` are read when the file is loaded: every command refuses a bad key, located."""

from __future__ import annotations

import pytest
from helpers import invoke_cli

NET = """\
input: [3, 8, 8]
layers:
  - conv: {name: c, out: 4, kernel: 3}
"""


@pytest.mark.parametrize("command", ["analyze", "check"])
@pytest.mark.parametrize("text, key, hint", [
    ("budget: {macz: 5}\n" + NET, "macz", "did you mean 'macs'?"),
    (NET.replace("kernel: 3}", "kernel: 3, expect: {outptu: [4, 6, 6]}}"), "outptu",
     "did you mean 'output'?"),
    (NET.replace("kernel: 3}", "kernel: 3, budget: {params: 1, flops: 2}}"), "flops", "takes: macs, params"),
])
def test_unknown_target_keys_exit_2_at_the_key(tmp_path, command, text, key, hint):
    path = tmp_path / "net.yaml"
    path.write_text(text)
    line = next(i for i, text_line in enumerate(text.splitlines(), 1) if key in text_line)
    column = text.splitlines()[line - 1].index(key) + 1
    result = invoke_cli(command, str(path))
    assert result.exit_code == 2
    first, second = result.stderr.splitlines()[:2]
    assert first.startswith(f"{path}:{line}:{column}: error: unknown key '{key}'"), first
    assert hint in second


def test_a_valid_budget_and_expectation_load_as_plain_values(tmp_path):
    from convcost import load

    spec_text = "vars: {alpha: 1}\nbudget: {macs: 600M}\n" + NET.replace(
        "kernel: 3}", "kernel: 3, expect: {output: [4, 6, 6], params: '108*alpha'}}")
    path = tmp_path / "net.yaml"
    path.write_text(spec_text)
    spec = load(str(path))
    assert [(t.name, t.value, t.loc.line) for t in spec.budget] == [("budget.macs", 600_000_000, 2)]
    (layer,) = spec.layers
    assert [(t.name, t.value) for t in layer.targets] == [("expect[c].output", (4, 6, 6)),
                                                          ("expect[c].params", 108)]
