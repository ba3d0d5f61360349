"""The derivation as readable terminal text: rich for layout, sympy's 2-D pictures for the math."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..errors import printable
from ..proof import CheckedStep, Proof
from ..proof.steps import Equation, Equivalence, Step
from ..proof.symbols import MEANINGS, VALUE_NAMES
from . import DEFAULT_OPTIONS, RenderOptions
from .proof_notation import UNICODE_NAMES, render_claim, unicode_inline, unicode_row
from .proof_prose import difference, roofline_sentences

_OPS = {"=": "=", ">": ">", "<=>": "⟺"}


def _picture(step: Step) -> str:
    if isinstance(step, Equivalence):
        return unicode_row(step.lhs, "   ⟺   ", step.rhs)
    return unicode_row(step.lhs, f" {_OPS[step.relation]} ", step.rhs)


def _instance_picture(step: Step) -> str:
    # With numbers in, both sides of an equation usually evaluate to the same thing: show it once.
    if isinstance(step, Equation) and step.lhs == step.rhs:
        return unicode_row(step.rhs)
    return _picture(step)


def _step(checked: CheckedStep) -> Group:
    head = Table.grid(padding=(0, 2), expand=True)
    head.add_column(no_wrap=True, style="bold")
    head.add_column(ratio=1)
    head.add_column(no_wrap=True, justify="right")
    mark = Text("✓ verified", style="green") if checked.verified else Text("✗ NOT VERIFIED", style="bold red")
    head.add_row(Text(checked.number), Text(render_claim(checked.step.claim, unicode_inline)), mark)
    parts: list = [head, Padding(Text(_picture(checked.step), no_wrap=True, overflow="ignore"), (1, 0, 0, 6))]
    if checked.instance is not None:
        parts.append(Padding(Text("with the given numbers:", style="italic"), (1, 0, 0, 6)))
        parts.append(
            Padding(Text(_instance_picture(checked.instance), no_wrap=True, overflow="ignore"), (0, 0, 0, 8))
        )
    parts.append(Text(""))
    return Group(*parts)


def _ratio_line(proof: Proof) -> Text:
    line = Text("Mult-add ratio separable / standard: ")
    line.append(unicode_inline(proof.ratio), style="bold")
    if proof.ratio_float is not None:
        line.append(f" ≈ {proof.ratio_float:.4f}: {difference(proof)}")
    return line


def _cheaper_line(proof: Proof) -> Text:
    line = Text("Separable is cheaper exactly when ")
    line.append(unicode_inline(proof.cheaper_when), style="bold")
    if proof.values:
        verdict = {True: "yes", False: "no", None: "depends on the symbols still free"}[proof.cheaper]
        line.append(f"; with these numbers: {verdict}")
    return line


def render(proof: Proof, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Every string handed to rich is a Text, never markup: a source path such as "[/]" or
    "[link=...]" (with --layer) is printed as written."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width or 100,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )
    console.print(Text("Standard versus depthwise-separable convolution: the cost derivation", style="bold"))
    dims = ", ".join(f"{UNICODE_NAMES[n]} {MEANINGS[n].split(' (')[0]}" for n in VALUE_NAMES)
    console.print(Text(f"Symbols (positive integers): {dims}."))
    if proof.layer is not None:
        layer = proof.layer
        source = printable(layer.source)
        console.print(Text(f"Dimensions of layer {layer.name!r} ({layer.kind}) of {source}."))
    if proof.values:
        given = ", ".join(f"{UNICODE_NAMES[n]} = {unicode_inline(v)}" for n, v in proof.values.items())
        console.print(Text(f"Given: {given}."))
    console.print()
    for section in proof.sections:
        console.print(
            Text(f"{section.number}  {render_claim(section.title, unicode_inline)}", style="bold underline")
        )
        console.print()
        for checked in section.steps:
            console.print(_step(checked))
    console.print(Text("Result", style="bold underline"))
    console.print(_ratio_line(proof))
    console.print(_cheaper_line(proof))
    for sentence in roofline_sentences(proof, unicode_inline):
        console.print(sentence)
    steps = proof.steps
    if proof.verified:
        console.print(Text(f"All {len(steps)} steps verified by sympy.", style="green"))
    else:
        failed = ", ".join(s.number for s in proof.failed)
        console.print(
            Text(f"{len(proof.failed)} of {len(steps)} steps did NOT verify: {failed}", style="bold red")
        )
    # rich pads lines to the full width; trailing blanks only get in the way of diffs and copy-paste.
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
