"""docs/derivation.md is the output of `convcost prove` itself; this test fails when the file is stale.

Regenerate it with:

    python -m convcost prove --bias --multipliers --format markdown > docs/derivation.md
"""

from __future__ import annotations

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


# How fast the general proof is, is measured in benchmarks/run.py (`convcost prove --format json`),
# not asserted with a timer here (docs/performance.md).
