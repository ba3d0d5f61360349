"""Small helpers shared by the tests: analyze a layer file given as text; run the CLI in-process."""

from __future__ import annotations

import textwrap

from convcost.analysis.build import analyze_spec
from convcost.layerfile.loader import load_text


def analyze_text(text: str, set=None, symbolic=(), path="net.yaml"):
    return analyze_spec(load_text(textwrap.dedent(text), path, set, symbolic))


def repeated_blocks(times: int) -> str:
    """A layer file of `times` identical residual blocks (depthwise, bn, two pointwise convs, add)."""
    return textwrap.dedent(f"""\
        vars: {{w: 2}}
        input: [8, 16, 16]
        layers:
          - repeat:
              times: {times}
              layers:
                - depthwise: {{kernel: 3, padding: 1}}
                - bn
                - pointwise: {{out: '8*w', name: wide}}
                - pointwise: {{out: 8, name: back}}
                - add: {{from: [back, repeat_input]}}
        """)


def one_layer(layer: str, input_shape="[3, 32, 32]", **kw):
    """Analyze a network of one layer (given as the YAML of its entry); return its LayerReport."""
    report = analyze_text(f"input: {input_shape}\nlayers:\n  - {layer}\n", **kw)
    return report.layers[0]


def invoke_cli(*args: str):
    """Run `convcost ARGS` in-process and check what must hold for any input (issue 5): exit 0, 1 or 2,
    no exception but SystemExit (it would be a traceback), and an error message with every exit 2."""
    from click.testing import CliRunner

    from convcost.cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.stderr
    if result.exit_code == 2:  # ours: "file:line:col: error: ..."; click's usage errors: "Error: ..."
        assert "error:" in result.stderr.lower(), result.stderr
    return result


# MobileNetV1 (Howard et al. 2017, Table 1) in plain Python, independent of convcost: an oracle for
# sweeps over its width multiplier alpha and resolution res. Blocks are (output channels, stride).
MOBILENET_V1_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), *((512, 1),) * 5,
                       (1024, 2), (1024, 1))


def plain_mobilenet_v1(alpha=1, res=224) -> dict:
    """Exact totals as written, all standard and separable where cheaper: {"params", "macs",
    "standard": (params, macs), "separable": (params, macs)}; channels as TF-slim rounds them,
    max(int(d * alpha), 8) (at the paper's widths d * alpha itself)."""
    import math
    from fractions import Fraction

    def whole(x):
        return max(math.floor(Fraction(x)), 8)

    def size(h, stride):
        return (h + 2 - 3) // stride + 1

    h = size(res, 2)
    c = whole(32 * Fraction(alpha))
    first = (27 * c, 27 * c * h * h)  # conv 3x3, 3 -> c
    params, macs = first
    std_params, std_macs = first
    # as separable: (9 + N) * M weights; cheaper when (N - 1) * (9 - 1) > 1
    sep_params, sep_macs = ((9 + c) * 3, (9 + c) * 3 * h * h) if (c - 1) * 8 > 1 else first
    for out, stride in MOBILENET_V1_BLOCKS:
        n = whole(out * Fraction(alpha))
        h = size(h, stride)
        params += 9 * c + c * n
        macs += (9 * c + c * n) * h * h
        std_params += 9 * c * n
        std_macs += 9 * c * n * h * h
        sep_params += 9 * c + c * n
        sep_macs += (9 * c + c * n) * h * h
        c = n
    fc = (c * 1000, c * 1000)
    return {"params": params + fc[0], "macs": macs + fc[1],
            "standard": (std_params + fc[0], std_macs + fc[1]),
            "separable": (sep_params + fc[0], sep_macs + fc[1])}
