"""docs/design-space.md shows what convcost prints: every command followed by an output block is run
again here and its output compared, character for character."""

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from convcost.cli import main

DOC = (Path(__file__).parent.parent / "docs" / "design-space.md").read_text()
EXAMPLE = re.compile(r"```sh\n(convcost [^\n]*)\n```\n\n<!-- output -->\n(.*?)<!-- end -->\n", re.S)
EXAMPLES = EXAMPLE.findall(DOC)


def test_the_page_has_its_examples():
    assert len(EXAMPLES) == 4


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_each_example_prints_what_the_page_shows(command, shown):
    res = CliRunner().invoke(main, shlex.split(command)[1:], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    if shown.startswith("```text\n"):
        shown = shown.removeprefix("```text\n").removesuffix("```\n")
    assert res.stdout == shown


def test_the_closed_form_and_its_terms():
    import convcost
    from convcost.symbolic.functions import slim_depth

    sym = convcost.analyze("mobilenet_v1", symbolic=["alpha"])
    # at the paper's widths TF-slim's slim_depth(d*alpha, 8) is d*alpha (what `solve` reads)
    macs, params = (x.replace(slim_depth, lambda v, _minimum: v)
                    for x in (sym.totals.macs, sym.totals.params))
    assert str(macs) == "539492352*alpha**2 + 29248000*alpha"
    assert str(params) == "3139584*alpha**2 + 1069504*alpha"
    shares = {k.kind: k.macs for k in convcost.analyze("mobilenet_v1").by_kind}
    assert shares == {"pointwise": 539_492_352, "depthwise 3x3": 17_385_984, "conv 3x3": 10_838_016,
                      "fc": 1_024_000}
    for text in ("539,492,352 α² + 29,248,000 α", "3,139,584 α² + 1,069,504 α", "17,385,984 + 10,838,016 + "
                 "1,024,000 = 29,248,000"):
        assert text in DOC
