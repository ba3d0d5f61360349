"""Blocks with arguments, `when:`, scoped names, and separable pairs through squeeze-and-excitation
(issue 10). Expected values are worked out by hand in each test."""

import pytest
from click.testing import CliRunner
from helpers import analyze_text

import convcost
from convcost.cli import main
from convcost.errors import ConvcostError
from convcost.zoo import builtin_names

SE_NET = """
input: [16, 8, 8]
blocks:
  se:
    args: {squeeze: null}
    layers:
      - adaptive_avgpool: {size: 1}
      - conv: {name: fc1, out: squeeze, kernel: 1, bias: true}
      - relu
      - conv: {name: fc2, out: in_channels, kernel: 1, bias: true}
      - hardsigmoid: {name: gate}
      - mul: {name: scale, from: [block_input, gate]}
  unit:
    args: {out: null, stride: 1, expanded: "in_channels * 4"}
    layers:
      - conv: {name: expand, out: expanded, kernel: 1}
      - bn
      - depthwise: {name: dw, kernel: 3, stride: stride, padding: 1}
      - bn
      - relu
      - block: {use: se, name: se, squeeze: "expanded // 4"}
      - conv: {name: project, out: out, kernel: 1}
      - add: {from: [project, block_input], when: "stride == 1 and in_channels == out"}
layers:
  - block: {use: unit, name: u1, out: 16}
  - repeat: {name: stage, use: unit, times: 2, args: {out: 24}, first: {stride: 2}}
"""


def test_block_arguments_and_input_shape():
    report = analyze_text(SE_NET)
    # u1: 16 -> expanded 64, se squeeze 16, project 16, residual (stride 1, 16 == 16)
    assert report.layer("u1.expand").output == (64, 8, 8)
    assert report.layer("u1.se.fc1").params == 64 * 16 + 16
    assert report.layer("u1.se.fc2").params == 16 * 64 + 64
    assert report.layers[-1].name == "stage.2.add_1"
    # stage.1: stride 2, 16 -> 24, no residual; stage.2: 24 -> 96 expanded, residual
    assert report.layer("stage.1.project").output == (24, 4, 4)
    assert "stage.1.add_1" not in {r.name for r in report.layers}
    assert report.layer("stage.2.expand").output == (96, 4, 4)
    assert report.layer("stage.2.add_1").inputs == ("stage.2.project", "stage.1.project")


def test_pairs_through_squeeze_excitation():
    report = analyze_text(SE_NET)
    assert report.layer("u1.dw").pair == ("u1.dw", "u1.project")
    assert report.layer("stage.2.project").pair == ("stage.2.dw", "stage.2.project")
    assert not report.warnings
    # all standard: each dw 3x3 + project becomes one standard 3x3 conv M -> N; u1: 64 -> 16 at 8x8
    assert report.layer("u1.project").standard.macs == 9 * 64 * 16 * 64


def test_unpaired_depthwise_is_warned():
    report = analyze_text("""
        input: [8, 8, 8]
        layers:
          - depthwise: {name: dw, kernel: 3, padding: 1}
          - concat: {from: [dw, input]}
        """)
    (warning,) = report.warnings
    assert warning.startswith("layer 'dw': depthwise convolution not")


def test_a_residual_branch_is_not_a_squeeze_excitation():
    # the side branch ends in a full-size map, not a [C, 1, 1] gate: no pair
    report = analyze_text("""
        input: [8, 8, 8]
        layers:
          - depthwise: {name: dw, kernel: 3, padding: 1}
          - conv: {name: side, out: 8, kernel: 3, padding: 1}
          - mul: {name: m, from: [dw, side]}
          - pointwise: {name: pw, out: 16}
        """)
    assert report.layer("dw").pair is None and report.warnings


def test_scoped_automatic_names_are_usable_in_from():
    report = analyze_text("""
        input: [4, 8, 8]
        layers:
          - repeat:
              name: stage
              times: 2
              layers:
                - conv: {out: 4, kernel: 1}
                - relu
                - bn
          - add: {from: [stage.1.relu_1, stage.2.bn_1]}   # taps from outside the repeat
          - relu: {from: add_1}                           # a top-level automatic name
          - conv: {out: 4, kernel: 1, from: stage.1}      # a copy: its last layer
        """)
    names = [r.name for r in report.layers]
    assert names[:6] == ["stage.1.conv_1", "stage.1.relu_1", "stage.1.bn_1",
                         "stage.2.conv_1", "stage.2.relu_1", "stage.2.bn_1"]
    assert report.layer("add_1").inputs == ("stage.1.relu_1", "stage.2.bn_1")
    # top-level names count the kind through the whole network, as they always have
    assert [r.name for r in report.layers[6:]] == ["add_1", "relu_3", "conv_3"]
    assert report.layers[7].inputs == ("add_1",)
    assert report.layers[8].inputs == ("stage.1.bn_1",)


def test_repeat_each_and_index():
    report = analyze_text("""
        input: [4, 8, 8]
        blocks:
          c:
            args: {out: null}
            layers: [{conv: {name: conv, out: out, kernel: 1}}]
        layers:
          - repeat: {name: r, use: c, each: [{out: 5}, {out: 6}, {out: 7}]}
          - repeat:
              name: q
              times: 3
              index: i
              layers:
                - conv: {name: conv, out: "2 * i", kernel: 1}
        """)
    assert [r.output[0] for r in report.layers] == [5, 6, 7, 2, 4, 6]
    assert report.layer("q.3.conv").inputs == ("q.2.conv",)


@pytest.mark.parametrize("text,message,line", [
    ("layers:\n  - block: {use: nope}\n", "unknown block 'nope'", 3),
    ("blocks: {b: {args: {n: null}, layers: [relu]}}\nlayers:\n  - block: {use: b}\n",
     "block 'b' needs the argument `n`", 4),
    ("blocks: {b: {args: {n: 1}, layers: [relu]}}\nlayers:\n  - block: {use: b, m: 2}\n",
     "block 'b' has no argument 'm'", 4),
    ("blocks: {b: {layers: [{block: {use: b}}]}}\nlayers:\n  - block: {use: b}\n", "uses itself", 2),
    ("layers:\n  - relu: {name: a}\n  - relu: {name: a}\n", "duplicate layer name 'a'", 4),
    ("layers:\n  - relu: {name: a, when: true}\n  - relu: {name: a, when: true}\n",
     "duplicate layer name 'a'", 4),
    ("layers:\n  - relu: {name: a, when: false}\n  - relu: {from: a}\n", "left out by its `when`", 4),
    ("layers:\n  - relu: {from: stage.3.x}\n", "unknown layer 'stage.3.x'", 3),
    ("vars: {k: 1}\nlayers:\n  - relu: {when: 'k =< 1'}\n", "cannot parse condition", 4),
])
def test_located_errors(text, message, line):
    with pytest.raises(ConvcostError) as info:
        analyze_text("input: [4, 8, 8]\n" + text)
    assert message in info.value.message
    assert info.value.location.line == line


def test_when_cannot_depend_on_a_symbol():
    with pytest.raises(ConvcostError, match="depends on symbolic vars"):
        analyze_text("vars: {w: 4}\ninput: [4, 8, 8]\nlayers:\n  - relu: {when: 'w > 2'}\n  - relu\n",
                     symbolic=["w"])


def test_conditions():
    text = """
        vars: {a: 2, b: 3}
        input: [4, 8, 8]
        layers:
          - relu: {name: x1, when: "a < b and not (a == b or b < 0)"}
          - relu: {name: x2, when: "a >= b"}
          - relu: {name: x3, when: "1 <= a < b"}
          - relu: {name: x4, when: 0}
        """
    assert [r.name for r in analyze_text(text).layers] == ["x1", "x3"]


@pytest.mark.parametrize("name", builtin_names())
def test_zoo_show_round_trips(name, tmp_path):
    result = CliRunner().invoke(main, ["zoo", "show", name])
    assert result.exit_code == 0
    path = tmp_path / f"{name}.yaml"
    path.write_text(result.stdout)
    copy, builtin = convcost.analyze(str(path)).totals, convcost.analyze(name).totals
    assert (copy.params, copy.macs, copy.standard, copy.separable) == \
        (builtin.params, builtin.macs, builtin.standard, builtin.separable)


def test_errors_inside_a_builtin_name_the_builtin():
    result = CliRunner().invoke(main, ["analyze", "resnet50", "--set", "width_per_group=0.5"])
    assert result.exit_code == 2
    assert result.stderr.startswith("zoo:resnet50:")
    assert "site-packages" not in result.stderr and "zoo/resnet50.yaml" not in result.stderr


def test_zoo_lists_and_show_refuses_unknown_names():
    runner = CliRunner()
    assert "xception" in runner.invoke(main, ["zoo"]).stdout
    result = runner.invoke(main, ["zoo", "show", "resnet5"])
    assert result.exit_code == 2 and "did you mean 'resnet50'" in result.stderr


def test_ghost_module_is_writable_as_pytorch_writes_it():
    # GhostNet's GhostModule(inp, oup): primary 1x1 to ceil(oup/2), cheap 3x3 depthwise, cat, out[:, :oup]
    report = analyze_text("""
        input: [16, 56, 56]
        blocks:
          ghost:
            args: {oup: null, init: "ceil(oup / 2)"}
            layers:
              - conv: {name: primary, out: init, kernel: 1}
              - depthwise: {name: cheap, kernel: 3, padding: 1}
              - concat: {from: [primary, cheap]}
              - slice: {name: out, end: oup}
        layers:
          - block: {use: ghost, name: g, oup: 25}
        """)
    assert report.layer("g.primary").macs == 16 * 13 * 56 * 56
    assert report.layer("g.cheap").params == 13 * 9
    assert report.layer("g.out").output == (25, 56, 56)


def test_symbolic_resolution_agrees_with_numbers_through_adaptive_pooling():
    import sympy

    macs = convcost.analyze("vgg16", symbolic=["res"]).totals.macs
    res = sympy.Symbol("res", positive=True, integer=True)
    assert macs.subs(res, 193) == convcost.analyze("vgg16", set={"res": "193"}).totals.macs
