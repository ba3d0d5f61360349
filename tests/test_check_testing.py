"""convcost.testing: assertions for networks built in Python or loaded from files."""

import textwrap

import pytest

import convcost
from convcost.errors import ConvcostError
from convcost.layerfile.loader import load_text
from convcost.testing import assert_output_shape, assert_within_budget


def spec(text, path="built.yaml"):
    return load_text(textwrap.dedent(text), path)


def test_output_shape_passes_and_fails_with_the_check_message():
    assert_output_shape("mobilenet_v1", "sep13", [1024, 7, 7])
    assert_output_shape("mobilenet_v1", "fc", (1000,))
    assert_output_shape("mobilenet_v1", "sep13", [768, 7, 7], set={"alpha": "0.75"})
    with pytest.raises(AssertionError) as info:
        assert_output_shape("mobilenet_v1", "sep12", [1024, 14, 14])
    assert str(info.value).endswith("error: layer 'sep12': expected output [1024, 14, 14], got [1024, 7, 7] "
                                    "[expect.output]\n  hint: if the change is intended, update the `expect` "
                                    "of layer 'sep12'")
    assert ":25:5: " in str(info.value)  # located at the layer (there is no `expect:` in the file)


def test_output_shape_of_an_unknown_layer():
    with pytest.raises(AssertionError, match="mobilenet_v1 has no layer 'sep14'; did you mean 'sep4'"):
        assert_output_shape("mobilenet_v1", "sep14", [1024, 7, 7])


def test_output_shape_in_a_network_with_inconsistent_shapes():
    net = spec("""
        input: [3, 16, 16]
        layers:
          - conv: {name: a, out: 8, kernel: 3, padding: 1}
          - conv: {name: b, out: 8, kernel: 3, stride: 2, padding: 1}
          - add: {name: sum, from: [a, b]}
          - relu: {name: r}
          - conv: {name: side, out: 4, kernel: 1, from: a}
        """)
    assert_output_shape(net, "side", [4, 16, 16])  # independent of the broken add
    with pytest.raises(AssertionError) as info:
        assert_output_shape(net, "r", [8, 16, 16])
    assert "built.yaml:6:5: error: layer 'sum' (add): add needs inputs of one shape" in str(info.value)


def test_within_budget():
    assert_within_budget("mobilenet_v1", macs="600M", params="5M")
    assert_within_budget(convcost.load("mobilenet_v1"), macs=568_740_352)
    message = "network parameters 4,209,088 exceed the budget of 4,200,000 by 9,088"
    with pytest.raises(AssertionError, match=message):
        assert_within_budget("mobilenet_v1", macs="600M", params="4.2M")
    with pytest.raises(ValueError):
        assert_within_budget("mobilenet_v1")


def test_within_budget_ignores_the_files_own_checks_but_not_its_shapes(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("input: [3, 8, 8]\nbudget: {macs: 1}\nlayers:\n  - conv: {out: 4, kernel: 3}\n")
    assert_within_budget(path, macs="4k")  # the file's budget of 1 is for `convcost check`
    path.write_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 9}\n")
    with pytest.raises(AssertionError, match="output height reaches 0"):
        assert_within_budget(path, macs="1k")


def test_invalid_input_is_an_error_not_a_failed_assertion():
    with pytest.raises(ConvcostError, match="no such file"):
        assert_within_budget("no_such_net.yaml", macs=1)
