"""The sentences of a proof's Result section shared by the Markdown and LaTeX printers."""

from __future__ import annotations

from collections.abc import Callable

from ..proof import Proof
from .proof_notation import latex_math


def result_sentences(proof: Proof, math: Callable[[str], str], times: str) -> list[str]:
    """The Result section shared by the Markdown and LaTeX printers: `math` wraps LaTeX math in the
    format's delimiters. The last sentence reports verification (`failed_sentence` when it failed)."""
    ratio = f"Mult-add ratio separable / standard: {math(latex_math(proof.ratio))}"
    if proof.ratio_float is not None:
        approx = math(r"\approx " + f"{proof.ratio_float:.4f}")
        ratio += f" {approx}: {float(proof.saving):.2f}{times} fewer mult-adds"
    cheaper = f"Separable is cheaper exactly when {math(latex_math(proof.cheaper_when))}"
    if proof.values:
        cheaper += "; with these numbers: " + {True: "yes", False: "no", None: "depends on the free symbols"}[
            proof.cheaper
        ]
    return [ratio, cheaper]


def failed_sentence(proof: Proof) -> str:
    failed = ", ".join(s.number for s in proof.failed)
    return f"{len(proof.failed)} of {len(proof.steps)} steps did NOT verify: {failed}"
