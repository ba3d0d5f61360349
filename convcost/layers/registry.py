"""The one registry of layer kinds: kind name -> Rule, collected from the kind modules.

Each kind is a small pure rule: (settings, input shapes) -> Outcome (output shape and costs). Rules
use only the helpers in convcost.symbolic.arith, so the same rule works on Python ints and on
sympy expressions. A kind defined twice is refused when the registry is built.
"""

from __future__ import annotations

from . import channels, conv, other, tensors
from .records import Rule

KIND_MODULES = (conv, other, channels, tensors)  # a new kind module is added here


def _collect() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for module in KIND_MODULES:
        for r in module.rules:
            if r.kind in rules:
                raise RuntimeError(f"layer kind {r.kind!r} is registered twice")
            rules[r.kind] = r
    return rules


RULES: dict[str, Rule] = _collect()


def get_rules() -> dict[str, Rule]:
    """Every layer kind by name."""
    return RULES
