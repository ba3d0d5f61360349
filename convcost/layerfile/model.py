"""Validated, immutable spec objects: what a layer file means, with the location of every part.

Everything here is plain values (numbers, sympy expressions, tuples, names and locations): no YAML
node survives loading, so every consumer (analysis, checks, proof) reads the same checked meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ..errors import Location
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic.arith import Value

INPUT = "input"  # the reserved name of the network input
REPEAT_INPUT = "repeat_input"  # inside a repeat body: the input of the current iteration
BLOCK_INPUT = "block_input"  # inside a block: the input of the block instance


class Var(NamedTuple):
    name: str
    value: Value  # the number in use (default or --set), or the sympy Symbol when symbolic
    default: Value  # the number written in the file (after --set, if given)
    integer: bool
    symbolic: bool
    minimum: Value | None
    maximum: Value | None
    loc: Location


class Target(NamedTuple):
    """One budget or expectation: what to compare, with what, and where it is written."""

    name: str  # "budget.macs", "--max-macs", "budget[sep13].macs", "expect[sep13].output"
    check: str  # "budget.macs", "budget.params", "expect.output", "expect.params", "expect.macs"
    key: str  # "macs", "params" or "output"
    value: Any  # the limit, or the expected value (a tuple for `output`)
    loc: Location
    layer: str | None = None  # None: about the whole network


class LayerSpec(NamedTuple):
    index: int  # position in the expanded network, 0-based
    name: str
    kind: str
    inputs: tuple[str, ...]  # names of the layers it reads; INPUT for the network input
    attrs: Mapping[str, Any]  # the layer's settings, evaluated, defaults filled in
    loc: Location
    user_named: bool = False
    key_locs: Mapping[str, Location] = MappingProxyType({})
    targets: tuple[Target, ...] = ()  # its `budget:` and `expect:` entries
    allow: tuple[str, ...] = ()  # the warnings it accepts (`allow: [shape.stride]`; docs/ci.md)


class Unsupported(NamedTuple):
    """An operator of an imported model counted as zero (`--allow-unsupported`): its nodes' names."""

    op_type: str
    nodes: tuple[str, ...]
    layers: tuple[str, ...] = ()  # the zero-cost identity layers standing for them

    @property
    def count(self) -> int:
        return len(self.nodes)


class Spec(NamedTuple):
    name: str
    path: str
    input: tuple
    input_loc: Location
    vars: Mapping[str, Var]
    layers: tuple[LayerSpec, ...]
    budget: tuple[Target, ...] = ()  # the file's top-level `budget:` entries
    description: str = ""
    limits: Limits = DEFAULT_LIMITS  # those it was loaded with; the analysis keeps to them too
    unsupported: tuple[Unsupported, ...] = ()  # an imported model's operators counted as zero

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.vars.values() if v.symbolic)

    def env(self) -> dict[str, Value]:
        return {name: var.value for name, var in self.vars.items()}

    def targets(self) -> tuple[Target, ...]:
        """Every budget and expectation of the file, the network's first, then layer by layer."""
        return self.budget + tuple(t for layer in self.layers for t in layer.targets)
