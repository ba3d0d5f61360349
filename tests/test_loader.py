"""The layer file: keys, defaults, names, repeats, vars, and errors located at file:line:column."""

import pytest
from helpers import analyze_text

from convcost.errors import ConvcostError, LimitExceeded
from convcost.layerfile.loader import load_text
from convcost.limits import Limits


def err(text, **kw) -> ConvcostError:
    with pytest.raises(ConvcostError) as e:
        load_text(text, "net.yaml", **kw)
    return e.value


def test_unknown_kind_suggests_and_locates():
    e = err("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3}\n  - sepparable: {out: 8, kernel: 3}\n")
    assert "unknown layer kind 'sepparable'" in e.message
    assert e.hint == "did you mean 'separable'?"
    assert (e.location.line, e.location.column) == (4, 5)


def test_unknown_key_suggests_and_locates():
    e = err("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernal: 3}\n")
    assert "unknown key 'kernal'" in e.message
    assert e.hint == "did you mean 'kernel'?"
    assert (e.location.line, e.location.column) == (3, 20)


def test_missing_required_key():
    e = err("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4}\n")
    assert "needs `kernel`" in e.message


def test_unknown_top_level_key():
    e = err("input: [3, 8, 8]\nlayer:\n  - relu\n")
    assert e.hint == "did you mean 'layers'?"


def test_channel_count_must_be_an_integer():
    e = err("vars: {alpha: 0.3}\ninput: [3, 8, 8]\nlayers:\n  - conv: {out: 32*alpha, kernel: 3}\n")
    assert "must be an integer, got 48/5" in e.message
    assert (e.location.line, e.location.column) == (4, 17)


def test_duplicate_names():
    e = err("input: [3, 8, 8]\nlayers:\n  - relu: {name: a}\n  - relu: {name: a}\n")
    assert "duplicate layer name 'a'" in e.message
    assert e.location.line == 4


def test_duplicate_keys():
    e = err("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, out: 5, kernel: 3}\n")
    assert "duplicate key 'out'" in e.message


def test_unknown_reference():
    e = err("input: [3, 8, 8]\nlayers:\n  - relu: {name: a}\n  - add: {from: [a, b]}\n")
    assert "unknown layer 'b'" in e.message
    assert e.location.line == 4


def test_cycle_is_an_error():
    with pytest.raises(ConvcostError, match="cycle"):
        analyze_text("input: [3, 8, 8]\nlayers:\n  - relu: {name: a, from: b}\n"
                     "  - relu: {name: b, from: a}\n")


def test_forward_reference_is_allowed():
    report = analyze_text("""
    input: [3, 8, 8]
    layers:
      - add: {name: s, from: [a, input]}
      - relu: {name: a, from: input}
    """)
    assert report.layer("s").output == (3, 8, 8)


def test_defaults():
    spec = load_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3}\n  - fc: {out: 2}\n", "n.yaml")
    conv, fc = spec.layers
    assert conv.attrs["stride"] == (1, 1)
    assert conv.attrs["padding"] == (0, 0)
    assert conv.attrs["bias"] is False
    assert fc.attrs["bias"] is True


def test_auto_names_and_repeat_names():
    spec = load_text("""
input: [3, 8, 8]
layers:
  - relu
  - repeat:
      name: stage
      times: 2
      layers:
        - conv: {name: c, out: 3, kernel: 1}
        - relu
  - relu
""", "n.yaml")
    names = ["relu_1", "stage.1.c", "stage.1.relu_1", "stage.2.c", "stage.2.relu_1", "relu_4"]
    assert [layer.name for layer in spec.layers] == names


def test_repeat_with_residual_uses_repeat_input():
    report = analyze_text("""
    input: [8, 8, 8]
    layers:
      - repeat:
          name: block
          times: 3
          layers:
            - conv: {name: c, out: 8, kernel: 3, padding: 1}
            - add: {name: sum, from: [c, repeat_input]}
    """)
    assert report.layer("block.1.sum").inputs == ("block.1.c", "input")
    assert report.layer("block.3.sum").inputs == ("block.3.c", "block.2.sum")


def test_vars_set_and_expression_defaults():
    text = "vars: {w: 2, c: 8*w}\ninput: [3, 8, 8]\nlayers:\n  - conv: {out: c, kernel: 1}\n"
    assert load_text(text, "n.yaml").layers[0].attrs["out"] == 16
    assert load_text(text, "n.yaml", {"w": "3"}).layers[0].attrs["out"] == 24


def test_set_of_unknown_var():
    e = err("vars: {alpha: 1}\ninput: [3, 8, 8]\nlayers: [relu]\n", overrides={"alhpa": "2"})
    assert e.hint == "did you mean 'alpha'?"


def test_bare_string_and_null_layers():
    spec = load_text("input: [3, 8, 8]\nlayers:\n  - relu\n  - bn:\n  - flatten: {}\n", "n.yaml")
    assert [layer.kind for layer in spec.layers] == ["relu", "bn", "flatten"]


def test_repeat_count_is_bounded_before_expanding():
    e = err("input: [3, 8, 8]\nlayers:\n  - repeat: {times: 1000000000000, layers: [relu]}\n")
    assert isinstance(e, LimitExceeded)


def test_nested_repeats_are_bounded():
    text = ("input: [3, 8, 8]\nlayers:\n"
            "  - repeat: {times: 1000, layers: [{repeat: {times: 1000, layers: [relu]}}]}\n")
    assert isinstance(err(text), LimitExceeded)
    small = text.replace("1000", "100")
    assert isinstance(err(small, limits=Limits(layers=9_999)), LimitExceeded)
    spec = load_text(small, "n.yaml", limits=Limits(layers=10_000))
    assert len(spec.layers) == 10_000


def test_yaml_tags_are_refused():
    e = err("input: !!python/object/apply:os.system ['true']\nlayers: [relu]\n")
    assert "tag" in e.message


def test_yaml_syntax_error_is_located():
    e = err("input: [3, 8, 8\nlayers: [relu]\n")
    assert e.location.line >= 1 and "invalid YAML" in e.message


def test_layer_with_two_kinds():
    e = err("input: [3, 8, 8]\nlayers:\n  - relu: {}\n    bn: {}\n")
    assert "one-key mapping" in e.message
