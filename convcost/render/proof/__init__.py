"""Printers for ``convcost prove``: one module per format behind one interface, ``render(proof, fmt)``.

They format a :class:`convcost.analysis.prove.Proof`; they never compute or verify anything. This module
imports nothing heavy, so the CLI can offer the format names without loading sympy or rich.
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...analysis.prove import Proof


class ProofFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    LATEX = "latex"
    JSON = "json"


# Each module has ``render(proof: Proof, *, color: bool, width: int) -> str``.
_MODULES: dict[ProofFormat, str] = {
    ProofFormat.TEXT: "text",
    ProofFormat.MARKDOWN: "markdown",
    ProofFormat.LATEX: "latex",
    ProofFormat.JSON: "json_",
}


def render(proof: Proof, fmt: ProofFormat | str, *, color: bool = False, width: int = 100) -> str:
    """The proof in format ``fmt``, ending with a newline. ``color`` and ``width`` matter for text only."""
    module = importlib.import_module(f".{_MODULES[ProofFormat(fmt)]}", __name__)
    return module.render(proof, color=color, width=width)
