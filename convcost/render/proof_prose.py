"""The sentences of a proof's Result section shared by the Markdown and LaTeX printers."""

from __future__ import annotations

from collections.abc import Callable

from ..proof import Proof
from .proof_notation import latex_math


def difference(proof: Proof, times: str = "×", percent: str = "%") -> str:
    """What the ratio means in words, when the numbers fix it: '8.84× fewer mult-adds' (the saving,
    standard / separable, as JSON's `saving`), '1.6% more mult-adds' when separable costs more,
    'as many mult-adds' when the two are equal."""
    ratio = proof.ratio_float
    if ratio is None:
        return ""
    if ratio < 1:
        return f"{float(proof.saving):.2f}{times} fewer mult-adds"
    if proof.ratio == 1:
        return "as many mult-adds"
    more = (ratio - 1) * 100
    return f"{more:.1f}{percent} more mult-adds" if more >= 0.1 else f"{more:.2g}{percent} more mult-adds"


def result_sentences(proof: Proof, math: Callable[[str], str], times: str, percent: str = "%") -> list[str]:
    """The Result section shared by the Markdown and LaTeX printers: `math` wraps LaTeX math in the
    format's delimiters. The last sentence reports verification (`failed_sentence` when it failed)."""
    ratio = f"Mult-add ratio separable / standard: {math(latex_math(proof.ratio))}"
    if proof.ratio_float is not None:
        approx = math(r"\approx " + f"{proof.ratio_float:.4f}")
        ratio += f" {approx}: {difference(proof, times, percent)}"
    cheaper = f"Separable is cheaper exactly when {math(latex_math(proof.cheaper_when))}"
    if proof.values:
        cheaper += "; with these numbers: " + {True: "yes", False: "no", None: "depends on the free symbols"}[
            proof.cheaper
        ]
    return [ratio, cheaper]


def failed_sentence(proof: Proof) -> str:
    failed = ", ".join(s.number for s in proof.failed)
    return f"{len(proof.failed)} of {len(proof.steps)} steps did NOT verify: {failed}"


def roofline_sentences(proof: Proof, math: Callable[[object], str]) -> list[str]:
    """The roofline results (`prove --roofline`), `math` rendering an expression or condition in the
    format's notation; empty without --roofline."""
    r = proof.roofline
    if r is None:
        return []
    g = r.given
    verdict = {True: "yes", False: "no", None: "depends on the free symbols"}
    where = [f"dtype {g.dtype}" if g.dtype else "", f"device {g.device}" if g.device else "",
             f"ridge point {math(g.ridge)} FLOP/B" if g.ridge is not None else ""]
    head = "Roofline" + (f" ({', '.join(w for w in where if w)})" if any(where) else "")
    times = (f"{head}: standard time {math(r.standard_time)}, separable {math(r.separable_time)}, "
             f"fused separable {math(r.separable_time_fused)}")
    ratio = f"Time ratio separable / standard: {math(r.time_ratio)}"
    if r.time_ratio.is_number:
        ratio += f" ≈ {float(r.time_ratio):.4f}"
        if proof.ratio.is_number:
            ratio += f" (mult-adds: {float(proof.ratio):.4f})"
    ratio += f"; fused: {math(r.time_ratio_fused)}"
    if r.time_ratio_fused.is_number:
        ratio += f" ≈ {float(r.time_ratio_fused):.4f}"
    faster = f"Separable is faster exactly when {math(r.faster_when)}"
    fused = (f"Fused, separable is faster exactly when it is cheaper, {math(r.cheaper_when)} "
             f"(exactly: {math(r.faster_fused_when)})")
    if r.faster is not None or r.faster_fused is not None:
        faster += f"; with these numbers: {verdict[r.faster]}"
        fused += f"; with these numbers: {verdict[r.faster_fused]}"
    memory = f"Where all three kernels are memory-bound: faster exactly when {math(r.memory_bound_when)}"
    out = [times, ratio, faster, fused, memory]
    if any(b is not None for b in r.bounds.values()):
        bounds = [f"{k} {b or 'undecided'} (intensity {math(r.intensities[k])} FLOP/B)"
                  for k, b in r.bounds.items()]
        out.append("Bounds: " + ", ".join(bounds))
    return out
