"""Every mistake of a layer file in one run, each located and hinted, each once (issue 16)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import convcost
from convcost.cli import main
from convcost.errors import MAX_ERRORS, ConvcostError, LimitExceeded, ManyErrors
from convcost.layerfile.loader import load_text

THREE = """\
name: three
vars: {alpha: 1, res: 224}
input: [3, res, res]
layers:
  - conv: {name: stem, out: "32*alfa", kernel: 3, stride: 2, padding: 1}
  - Conv2d: {name: c2, out: 64, kernel: 3}
  - conv: {out: 64, kernal: 3, padding: SAME}
  - conv: {out: "thirty-two", kernel: 3, from: c2}
  - repeat:
      times: 3
      layers:
        - conv: {out: 64, kernel: 3, strid: 1}
  - fc: {out: 10}
"""


def errors_of(text: str, **kw) -> list[ConvcostError]:
    with pytest.raises(ConvcostError) as info:
        load_text(textwrap.dedent(text), "net.yaml", **kw)
    err = info.value
    return list(err.errors) if isinstance(err, ManyErrors) else [err]


def where(errors) -> list[tuple[int, int, str]]:
    return [(e.location.line, e.location.column, e.message) for e in errors]


def test_every_independent_mistake_is_reported_in_file_order():
    assert where(errors_of(THREE)) == [
        (5, 29, "unknown variable 'alfa' in expression '32*alfa'"),
        (6, 5, "unknown layer kind 'Conv2d'"),
        (7, 21, "unknown key 'kernal' in layer 'conv_1' (conv)"),  # not also "needs `kernel`"
        (7, 41, "`padding` of layer 'conv_1' is 'SAME': padding names are lower case"),
        (8, 17, "'thirty-two' is not a number or an expression"),  # `from: c2` (a bad entry) not reported
        (12, 38, "unknown key 'strid' in layer 'repeat_1.1.conv_1' (conv)"),  # once, not once per copy
    ]


def test_the_cli_prints_them_all_like_a_compiler_and_exits_2(tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(THREE)
    res = CliRunner().invoke(main, ["analyze", str(path)])
    assert res.exit_code == 2 and res.stdout == ""
    lines = res.stderr.splitlines()
    assert lines[0] == f"{path}:5:29: error: unknown variable 'alfa' in expression '32*alfa'"
    assert lines[1] == "  hint: did you mean 'alpha'?"
    assert [line for line in lines if ": error: " in line] == [lines[i] for i in range(0, 12, 2)]
    assert all(line.startswith("  hint: ") for line in lines[1:12:2])  # every error has its hint
    assert lines[-1] == "6 errors"


def test_one_mistake_reads_exactly_as_before():
    (err,) = errors_of("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3, strid: 2}\n")
    assert type(err) is ConvcostError and not isinstance(err, ManyErrors)
    assert str(err) == ("net.yaml:3:31: error: unknown key 'strid' in layer 'conv_1' (conv)\n"
                        "  hint: did you mean 'stride'?")


def test_many_errors_reads_as_its_first_for_code_that_knows_one():
    with pytest.raises(ManyErrors) as info:
        convcost.load(_write(THREE))
    err = info.value
    assert err.message == "unknown variable 'alfa' in expression '32*alfa'" and err.location.line == 5
    assert err.hint == "did you mean 'alpha'?" and len(err.errors) == 6 and err.exit_code == 2


def _write(text: str) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fh:
        fh.write(text)
    return fh.name


def test_at_most_max_errors_then_it_says_it_stopped():
    body = "".join(f"  - conv: {{out: 4, kernel: 3, bad{i}: 1}}\n" for i in range(MAX_ERRORS + 5))
    errors = errors_of("input: [3, 64, 64]\nlayers:\n" + body)
    assert len(errors) == MAX_ERRORS
    with pytest.raises(ManyErrors) as info:
        load_text("input: [3, 64, 64]\nlayers:\n" + body, "net.yaml")
    last = info.value.format().splitlines()[-1]
    assert last.startswith(f"{MAX_ERRORS} errors (stopped after {MAX_ERRORS};")


def test_consequences_are_not_reported():
    # a var that failed: what reads it is not "unknown variable"
    errors = errors_of("""\
        vars: {w: "2*nope", d: 3}
        input: [3, 8, 8]
        layers:
          - conv: {out: "4*w", kernel: 3}
          - conv: {out: 4, kernel: "d*w"}
        """)
    assert where(errors) == [(1, 11, "unknown variable 'nope' in expression '2*nope'")]
    # a misspelled top-level key: not also "needs `layers`"
    assert [e.message for e in errors_of("input: [3, 8, 8]\nlayer:\n  - relu\n")] == [
        "unknown key 'layer' in the layer file"]
    # a block with an error: each use of it is not reported again
    errors = errors_of("""\
        input: [3, 8, 8]
        blocks:
          b: {layers: [{conv: {out: 4, kernel: 3, bogus: 1}}]}
        layers:
          - block: {use: b}
          - block: {use: b}
        """)
    assert where(errors) == [(3, 43, "unknown key 'bogus' in layer 'b_1.conv_1' (conv)")]
    errors = errors_of("input: [3, 8, 8]\nblocks:\n  b: {layerz: [relu]}\nlayers:\n  - block: {use: b}\n")
    assert where(errors) == [(3, 7, "unknown key 'layerz' in block 'b'")]  # not also "needs `layers`"


def test_independent_errors_in_vars_input_blocks_and_budget():
    errors = errors_of("""\
        vars: {a: "1/0", b: 2}
        input: [3, 0, 8]
        budget: {macs: lots}
        layers:
          - relu
        """)
    assert [e.location.line for e in errors] == [1, 2, 3]


def test_a_limit_stops_at_once_with_what_was_found():
    text = ("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3, bad: 1}\n"
            "  - repeat: {times: 10**9, layers: [relu]}\n")
    with pytest.raises(ConvcostError) as info:
        load_text(text, "net.yaml")
    err = info.value
    assert isinstance(err, ManyErrors) and isinstance(err.errors[-1], LimitExceeded)
    alone = "input: [3, 8, 8]\nlayers:\n  - repeat: {times: 10**9, layers: [relu]}\n"
    with pytest.raises(LimitExceeded):  # alone, the limit is the error itself, as before
        load_text(alone, "net.yaml")


def test_analyze_reports_every_inconsistent_layer():
    text = """\
        input: [3, 32, 32]
        layers:
          - conv: {name: a, out: 16, kernel: 3, padding: 1}
          - conv: {name: b, out: 32, kernel: 3, padding: 1}
          - add: {from: [a, b]}
          - conv: {name: d, out: 6, kernel: 3, padding: 1, groups: 4, from: a}
          - conv: {name: e, out: 8, kernel: 3, from: d}
        """
    with pytest.raises(ManyErrors) as info:
        convcost.analyze(_write(textwrap.dedent(text)))
    assert [e.location.line for e in info.value.errors] == [5, 6]  # not `e`, which reads the failed `d`


# -- hints ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [
    ("Linear", "fc"), ("Conv2d", "conv"), ("BatchNorm2d", "bn"), ("ReLU", "relu"), ("MaxPool2d", "maxpool"),
    ("AdaptiveAvgPool2d", "adaptive_avgpool"), ("Dense", "fc"), ("DepthwiseConv2D", "depthwise"),
    ("SeparableConv2D", "separable"), ("nn.Conv2d", "conv"), ("torch.nn.Linear", "fc"), ("Conv2D", "conv"),
    ("GlobalAveragePooling2D", "avgpool"), ("MaxPooling2D", "maxpool"), ("AvgPool2d", "avgpool"),
    ("BatchNormalization", "bn"), ("ReLU6", "relu6"), ("Sigmoid", "sigmoid"), ("Flatten", "flatten"),
    ("Dropout", "dropout"), ("ConvTranspose2d", "conv_transpose"), ("Concatenate", "concat"),
    ("Multiply", "mul"), ("UpSampling2D", "upsample"), ("ZeroPad2d", "pad"), ("LeakyReLU", "leakyrelu"),
])
def test_pytorch_and_keras_names_are_mapped_to_kinds(name, kind):
    (err,) = errors_of(f"input: [3, 8, 8]\nlayers:\n  - {name}: {{}}\n")
    assert err.message == f"unknown layer kind {name!r}"
    assert f"`{kind}`" in err.hint


def test_every_kind_named_in_a_hint_exists():
    from convcost.layerfile.foreign import KEYS, KINDS
    from convcost.layers.registry import get_rules

    rules = get_rules()
    assert {kind for kind, _, _ in KINDS.values()} <= set(rules)
    assert set(KEYS.values()) <= {s.name for r in rules.values() for s in r.settings}


def test_pytorch_and_keras_keys_are_mapped():
    errors = errors_of("input: [3, 8, 8]\nlayers:\n"
                       "  - conv: {out_channels: 4, kernel_size: 3, in_channels: 3}\n")
    assert [(e.message.split(" in ")[0], e.hint) for e in errors] == [
        ("unknown key 'out_channels'", "`out_channels` is `out` here"),
        ("unknown key 'kernel_size'", "`kernel_size` is `kernel` here"),
        ("unknown key 'in_channels'",
         "`in_channels` is not written: convcost reads the input's size from the layer before"),
    ]  # and no "needs `out`": out_channels stands for it


@pytest.mark.parametrize("word", ["SAME", "VALID", "Same"])
def test_padding_in_capitals_says_same_and_valid_are_accepted(word):
    (err,) = errors_of(f"input: [3, 8, 8]\nlayers:\n  - conv: {{out: 4, kernel: 3, padding: {word}}}\n")
    assert "padding names are lower case" in err.message
    assert f"write `padding: {word.lower()}`" in err.hint and "`same` or `valid`" in err.hint


def test_a_tab_in_the_indentation():
    (err,) = errors_of("input: [3, 8, 8]\nlayers:\n\t- relu\n")
    assert err.location.line == 3 and err.hint.startswith("tabs cannot indent YAML")
    (err,) = errors_of("input: [3, 8, 8]\nlayers:\n  - conv:\n      out: 4\n\t  kernel: 3\n")
    assert err.hint.startswith("tabs cannot indent YAML") and "(line 5)" in err.hint


def test_a_spelled_out_number():
    (err,) = errors_of('input: [3, 8, 8]\nlayers:\n  - conv: {out: "thirty-two", kernel: 3}\n')
    assert err.message == "'thirty-two' is not a number or an expression"
    assert err.hint.startswith("write numbers in digits (32")


def test_unknown_variables_are_named_in_the_order_written():
    for _ in range(3):  # not a set's order, which changes with the hash seed
        (err,) = errors_of('vars: {z: 1}\ninput: [3, 8, 8]\nlayers:\n  - conv: {out: "bb + aa", kernel: 3}\n')
        assert err.message.startswith("unknown variable 'bb'")


def test_a_squeeze_excitation_gate_of_the_wrong_width():
    text = """\
        input: [3, 32, 32]
        layers:
          - conv: {name: a, out: 16, kernel: 3, padding: 1}
          - avgpool: {global: true}
          - conv: {out: 4, kernel: 1}
          - relu
          - conv: {out: 32, kernel: 1}
          - sigmoid
          - mul: {from: [a, sigmoid_1]}
        """
    with pytest.raises(ConvcostError) as info:
        convcost.analyze(_write(textwrap.dedent(text)))
    assert "`out: 16`" in info.value.hint and "gate" in info.value.hint
    assert "shortcut" not in info.value.hint
    text = text.replace("mul: {from: [a, sigmoid_1]}", "add: {from: [a, conv_2]}")
    with pytest.raises(ConvcostError) as info:
        convcost.analyze(_write(textwrap.dedent(text)))
    assert info.value.hint == "project the shortcut with a pointwise conv (stride/out) to match"


def test_a_channels_last_input_is_warned():
    path = _write("input: [224, 224, 3]\nlayers:\n  - conv: {out: 8, kernel: 3}\n")
    (warning,) = convcost.analyze(path).warnings
    assert warning.startswith("input [224, 224, 3] looks channels-last (height, width, channels)")
    assert "write `input: [3, 224, 224]`" in warning
    report = convcost.check(path)
    (f,) = report.findings
    assert (f.check, f.severity.value, f.line, f.column) == ("input.layout", "warning", 1, 8)
    assert report.ok and not convcost.check(path, strict=True).ok
    for fine in ("[3, 224, 224]", "[1, 28, 28]", "[4, 4, 3]", "[1000]"):  # channels first, and tiny
        body = "  - relu\n" if fine != "[1000]" else "  - fc: {out: 10}\n"
        assert convcost.analyze(_write(f"input: {fine}\nlayers:\n{body}")).warnings == ()
    res = CliRunner().invoke(main, ["analyze", path, "-f", "csv"])
    assert res.exit_code == 0
    assert res.stderr.startswith(f"{path}: warning: input [224, 224, 3] looks channels-last")
    symbolic = _write("vars: {res: 224}\ninput: [res, res, 3]\nlayers:\n  - relu\n")
    assert convcost.analyze(symbolic, symbolic="res").warnings[0].startswith("input [res, res, 3] looks")


# -- every error has a hint --------------------------------------------------------------------

ERRORS = {"ConvcostError", "LimitExceeded", "LayerError", "ExpressionError", "ArgumentError", "Consequence"}


def test_every_error_raised_by_convcost_is_given_a_hint():
    """README: every error has a `hint:` line. Every construction of an error in the package passes
    a hint (the third argument, or hint=), and never a literal None."""
    missing = []
    for path in sorted(Path(convcost.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name not in ERRORS:
                continue
            hint = next((k.value for k in node.keywords if k.arg == "hint"),
                        node.args[2] if len(node.args) > 2 else None)
            if hint is None or isinstance(hint, ast.Constant) and not hint.value:
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_every_hostile_file_gets_a_hint_line():
    hostile = Path(__file__).parent / "hostile"
    runner = CliRunner()
    for path in sorted(hostile.glob("*.yaml")):
        res = runner.invoke(main, ["analyze", str(path)])
        if res.exit_code != 2:
            continue
        lines = res.stderr.splitlines()
        errors = [i for i, line in enumerate(lines) if ": error: " in line or line.startswith("error: ")]
        assert errors, path.name
        for i in errors:
            assert i + 1 < len(lines) and lines[i + 1].startswith("  hint: "), (path.name, lines)
