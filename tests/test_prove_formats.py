"""The four printers of `convcost prove`: LaTeX that would compile, GitHub Markdown math, readable text, JSON.

pdflatex is used when it is installed; otherwise a LaTeX-aware check of balanced environments, groups and
math delimiters stands in for it.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from convcost.cli import main
from convcost.cli.prove import prove as prove_command
from convcost.render import ProofFormat, RenderOptions, module_name

VARIANTS = {
    "general": [],
    "everything": ["--bias", "--multipliers"],
    "numbers": [
        "--kernel",
        "3",
        "--in",
        "512",
        "--out",
        "512",
        "--output-size",
        "14",
        "--bias",
        "--multipliers",
    ],
    "partial": ["--kernel", "1x7", "--out", "3"],
    "layer": ["mobilenet_v1", "--layer", "sep6"],
}


def render(fmt: str, args: list[str]) -> str:
    res = CliRunner().invoke(main, ["prove", *args, "--format", fmt], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert res.stderr == ""
    return res.stdout


def test_every_format_has_a_printer_and_a_cli_choice():
    for fmt in ProofFormat:
        assert callable(importlib.import_module(f"convcost.render.{module_name(fmt)}").render)
    fmt_option = next(p for p in prove_command.params if p.name == "fmt")
    assert list(fmt_option.type.choices) == [f.value for f in ProofFormat]
    assert [f.value for f in ProofFormat] == ["text", "markdown", "latex", "json"]


# ------------------------------------------------------------------------------------------- LaTeX

_TOKEN = re.compile(r"\\begin\{([^}]*)\}|\\end\{([^}]*)\}|\\[A-Za-z@]+\*?|\\.|[{}]|\$|%[^\n]*", re.S)


def check_latex(body: str) -> None:
    """Balanced \\begin/\\end, braces, \\( \\), \\left/\\right inside each math span; no $$ and no
    unescaped specials in text. Raises AssertionError with the place of the first problem."""
    stack: list[tuple[str, int]] = []  # ("{", pos), ("env:align", pos), ("\\(", pos)
    left_right = 0
    for match in _TOKEN.finditer(body):
        token, pos = match.group(0), match.start()
        if token.startswith("%"):
            continue  # a comment
        if match.group(1) is not None:
            stack.append((f"env:{match.group(1)}", pos))
        elif match.group(2) is not None:
            assert stack and stack[-1][0] == f"env:{match.group(2)}", (
                f"\\end{{{match.group(2)}}} at {pos}: {stack[-1:]}"
            )
            stack.pop()
        elif token == "{":
            stack.append(("{", pos))
        elif token == "}":
            assert stack and stack[-1][0] == "{", (
                f"unbalanced }} at {pos}: {body[max(0, pos - 60) : pos + 5]!r}"
            )
            stack.pop()
        elif token == r"\(":
            assert not any(k == r"\(" for k, _ in stack), f"nested \\( at {pos}"
            stack.append((r"\(", pos))
            left_right = 0
        elif token == r"\)":
            assert stack and stack[-1][0] == r"\(", f"unbalanced \\) at {pos}"
            assert left_right == 0, f"\\left without \\right before {pos}"
            stack.pop()
        elif token == r"\left":
            left_right += 1
        elif token == r"\right":
            left_right -= 1
            assert left_right >= 0, f"\\right without \\left at {pos}"
        elif token == "$":
            raise AssertionError(f"bare $ at {pos}: use \\( \\) in LaTeX output")
    assert not stack, f"unclosed: {stack[-3:]}"


def test_balance_checker_catches_mistakes():
    check_latex(r"\begin{align} a &= \frac{1}{2} \tag{1} \end{align} \(x\)")
    for bad in (
        r"\begin{align} x",
        r"\begin{align} x \end{aligned}",
        r"{x",
        r"x}",
        r"\(x",
        r"$x$",
        r"\(\left( x\)",
        r"\begin{align}{\end{align}}",
    ):
        with pytest.raises(AssertionError):
            check_latex(bad)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_latex_is_balanced(variant):
    body = render("latex", VARIANTS[variant])
    check_latex(body)
    aligns = re.findall(r"\\begin\{align\}(.*?)\\end\{align\}", body, re.S)
    assert aligns, "one align environment per step"
    for env in aligns:
        assert len(re.findall(r"\\tag\{", env)) == 1  # each step is tagged with its number
        rows = env.split(r"\\")
        assert sum("\\tag" not in row and "\\notag" not in row for row in rows) == 0  # no stray numbers
        for row in rows:  # align takes at most one & per column pair here
            assert row.count("&") - row.count(r"\&") <= 2
    assert "\\begin{document}" not in body  # a body, to \input or paste


def test_latex_escapes_text():
    body = render("latex", VARIANTS["layer"])
    assert "sep6" in body
    check_latex(body)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_compiles(tmp_path):  # pragma: no cover - depends on a TeX installation
    body = render("latex", VARIANTS["numbers"])
    doc = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n" + body + "\\end{document}\n"
    (tmp_path / "proof.tex").write_text(doc, encoding="utf-8")
    res = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "proof.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout[-3000:]


# ---------------------------------------------------------------------------------------- Markdown


def _without_display_math(md: str) -> tuple[str, list[str]]:
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", md, re.S | re.M)
    return re.sub(r"^\$\$\n.*?\n\$\$$", "", md, flags=re.S | re.M), blocks


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_markdown_math_is_well_formed(variant):
    md = render("markdown", VARIANTS[variant])
    assert md.startswith("# ")
    text, blocks = _without_display_math(md)
    assert blocks and "$$" not in text  # every display block opened and closed on lines of its own
    for block in blocks:
        check_latex(block)
        assert "\\\\" not in block  # GitHub's Markdown pass can eat a line break inside math
    for line in text.splitlines():
        unescaped = re.sub(r"\\\$", "", line)
        assert unescaped.count("$") % 2 == 0, line
        for span in re.findall(r"\$([^$]+)\$", unescaped):
            assert span == span.strip(), f"GitHub needs $...$ without inner blanks at the ends: {line}"
            check_latex(span)
    steps = re.findall(r"^\*\*\d+\.\d+\*\* .* ✅ verified$", md, re.M)
    assert len(steps) == md.count("✅")


def test_markdown_has_subscripts_and_fractions():
    md = render("markdown", [])
    assert "D_K \\cdot D_K' \\cdot M \\cdot N \\cdot D_O \\cdot D_O'" in md
    assert "\\frac{1}{N} + \\frac{1}{D_K \\cdot D_K'}" in md


# -------------------------------------------------------------------------------------------- text


def test_text_is_readable():
    out = render("text", VARIANTS["numbers"][:8])  # kernel 3, M = N = 512, 14x14
    assert "Dₖ⋅Dₖ′⋅M⋅N⋅Dₒ⋅Dₒ′" in out  # subscripts, in the literature's order
    lines = out.splitlines()
    # A proper (stacked) fraction: 521 over a rule over 4608.
    for i, line in enumerate(lines[:-2]):
        if line.strip() == "521" and set(lines[i + 1].strip()) == {"─"} and lines[i + 2].strip() == "4608":
            break
    else:
        raise AssertionError("no stacked 521/4608 in the text output")
    assert all(line == line.rstrip() for line in lines)
    assert "\x1b[" not in out  # no colour codes when not writing to a terminal
    assert out.count("✓ verified") == len(re.findall(r"^\d+\.\d+ ", out, re.M))


def test_text_printer_matches_sympys_own(monkeypatch):
    """The text printer's own Mul layout (it skips sympy's slow import of sympy.physics.units) must draw
    exactly what sympy's PrettyPrinter draws."""
    from sympy.printing.pretty.pretty import PrettyPrinter

    import convcost.proof as p
    from convcost.render import proof_notation as _notation
    from convcost.render import render as render_proof

    proofs = [
        p.prove(bias=True, multipliers=True),
        p.prove({"Dk": 3, "Dkp": 3, "N": 512, "M": 7}, bias=True, multipliers=True),
        p.prove({"Dk": 1, "Dkp": 2, "N": 2}),
    ]
    ours = [render_proof(proof, ProofFormat.TEXT) for proof in proofs]
    monkeypatch.setattr(_notation._UnicodePrinter, "_print_Mul", PrettyPrinter._print_Mul)
    assert ours == [render_proof(proof, ProofFormat.TEXT) for proof in proofs]


def test_text_with_colour():
    import convcost.proof as p
    from convcost.render import render as render_proof

    out = render_proof(p.prove(), ProofFormat.TEXT, RenderOptions(color=True, width=120))
    assert "\x1b[" in out and "verified" in out


# -------------------------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_json_is_complete(variant):
    data = json.loads(render("json", VARIANTS[variant]))
    assert data["verified"] is True
    numbers = [s["number"] for s in data["steps"]]
    assert len(numbers) == len(set(numbers))
    for step in data["steps"]:
        assert step["relation"] in ("=", ">", "<=>")
        assert ("factor" in step) == (step["relation"] == "<=>")
