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
