"""Separable pairs: a depthwise layer and the pointwise layer that reads (only) its output.

Which layers can be halves of a pair, and which may sit between them, is declared by the rules
(Outcome.role, Rule.transparent); nothing here knows a kind by its name. Between the halves may also
sit a squeeze-and-excitation: a side branch that reads the depthwise path and ends in a per-channel
gate ([C, 1, 1]) that a merge layer (many inputs) applies back to the path, giving its shape again.
"""

from __future__ import annotations

from ..layers.registry import get_rules
from .engine import Propagated

_SIDE_LAYERS = 64  # the most layers a side branch may have


def _consumers(done: Propagated) -> dict[str, list[str]]:
    consumers: dict[str, list[str]] = {}
    for name, (layer, _, _) in done.items():
        for ref in layer.inputs:
            consumers.setdefault(ref, []).append(name)
    return consumers


def _closing_merge(cur: str, outs: list[str], consumers: dict[str, list[str]], done: Propagated,
                   rules) -> str | None:
    """The merge that closes a squeeze-and-excitation around `cur`, if the consumers of `cur` are
    one merge and a side branch that only feeds that merge a [C, 1, 1] gate; else None."""
    shape = done[cur][2].output
    for merge in outs:
        mlayer, _, mout = done[merge]
        if not rules[mlayer.kind].many_inputs or mout.output != shape or mlayer.inputs.count(cur) != 1:
            continue
        side: set[str] = set()
        stack = [c for c in outs if c != merge]
        while stack and len(side) <= _SIDE_LAYERS:
            name = stack.pop()
            if name not in side:
                side.add(name)
                stack += [c for c in consumers.get(name, ()) if c != merge]
        gates = [r for r in mlayer.inputs if r != cur]
        if (not side or len(side) > _SIDE_LAYERS or any(g not in side for g in gates)
                or any(len(done[g][2].output) != 3 or done[g][2].output[1:] != (1, 1) for g in gates)):
            continue
        closed = all(all(r == cur or r in side for r in done[n][0].inputs)
                     and all(c in side or c == merge for c in consumers.get(n, ())) for n in side)
        if closed:
            return merge
    return None


def find_pairs(done: Propagated) -> dict[str, tuple[str, str]]:
    """Depthwise layers followed by a pointwise that consumes only their output (through bn,
    activations, dropout and squeeze-and-excitation at most): layer name -> (depthwise name,
    pointwise name), for both halves."""
    consumers = _consumers(done)
    pairs: dict[str, tuple[str, str]] = {}
    rules = get_rules()
    for name, (_, _, outcome) in done.items():
        if outcome.role != "depthwise":
            continue
        cur = name
        while True:
            nxt = consumers.get(cur, [])
            if len(nxt) > 1:
                merge = _closing_merge(cur, nxt, consumers, done, rules)
                if merge is None:
                    break
                cur = merge
                continue
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


def unpaired_depthwise(done: Propagated, pairs: dict[str, tuple[str, str]]) -> list[str]:
    """Depthwise layers that are not the first half of a separable pair."""
    return [name for name, (_, _, outcome) in done.items()
            if outcome.role == "depthwise" and name not in pairs]
