"""Small helpers shared by the tests: analyze a layer file given as text."""

from __future__ import annotations

import textwrap

from convcost.analysis.engine import analyze_spec
from convcost.spec.loader import load_text


def analyze_text(text: str, set=None, symbolic=(), path="net.yaml"):
    return analyze_spec(load_text(textwrap.dedent(text), path, set, symbolic))


def one_layer(layer: str, input_shape="[3, 32, 32]", **kw):
    """Analyze a network of one layer (given as the YAML of its entry); return its LayerReport."""
    report = analyze_text(f"input: {input_shape}\nlayers:\n  - {layer}\n", **kw)
    return report.layers[0]
