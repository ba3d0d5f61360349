"""docs/derivation.md is the output of `convcost prove` itself; this test fails when the file is stale.

Regenerate it with:

    python -m convcost prove --bias --multipliers --format markdown > docs/derivation.md
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from convcost.cli import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "derivation.md"
COMMAND = ["prove", "--bias", "--multipliers", "--format", "markdown"]


def test_derivation_doc_is_current():
    res = CliRunner().invoke(main, COMMAND, catch_exceptions=False)
    assert res.exit_code == 0
    assert DOC.read_text(encoding="utf-8") == res.stdout, (
        "docs/derivation.md is stale; regenerate it with: "
        "python -m convcost prove --bias --multipliers --format markdown > docs/derivation.md"
    )


def test_derivation_doc_covers_every_section():
    text = DOC.read_text(encoding="utf-8")
    for title in (
        "Standard convolution",
        "Depthwise convolution",
        "Pointwise convolution",
        "Depthwise-separable = depthwise + pointwise",
        "Ratio separable / standard",
        "When separable is cheaper",
        "With a bias per output channel",
        "Width multiplier",
    ):
        assert title in text
    assert "NOT verified" not in text


def test_general_proof_is_fast_after_start_up():
    """The issue asks for well under a second after start-up: time proof and text rendering in a fresh
    interpreter, imports of convcost and sympy excluded (the first proof pays sympy's one-off warm-up,
    and is what a user waits for). Typically about 0.15 s."""
    code = (
        "import time\n"
        "from convcost.analysis.prove import prove\n"
        "from convcost.render.proof import render\n"
        "t = time.perf_counter()\n"
        "render(prove(), 'text')\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) < 1.0
