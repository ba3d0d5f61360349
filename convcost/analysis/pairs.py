"""Separable pairs: a depthwise layer and the pointwise layer that reads (only) its output.

Which layers can be halves of a pair, and which may sit between them, is declared by the rules
(Outcome.role, Rule.transparent); nothing here knows a kind by its name.
"""

from __future__ import annotations

from ..layers.registry import get_rules
from .engine import Propagated


def find_pairs(done: Propagated) -> dict[str, tuple[str, str]]:
    """Depthwise layers followed by a pointwise that consumes only their output (through bn and
    activations at most): layer name -> (depthwise name, pointwise name), for both halves."""
    consumers: dict[str, list[str]] = {}
    for name, (layer, _, _) in done.items():
        for ref in layer.inputs:
            consumers.setdefault(ref, []).append(name)
    pairs: dict[str, tuple[str, str]] = {}
    rules = get_rules()
    for name, (_, _, outcome) in done.items():
        if outcome.role != "depthwise":
            continue
        cur = name
        while True:
            nxt = consumers.get(cur, [])
            if len(nxt) != 1:
                break
            nlayer, _, noutcome = done[nxt[0]]
            if len(nlayer.inputs) != 1:
                break
            if rules[nlayer.kind].transparent:
                cur = nxt[0]
                continue
            if noutcome.role == "pointwise":
                pairs[name] = pairs[nxt[0]] = (name, nxt[0])
            break
    return pairs
