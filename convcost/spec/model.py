"""Validated, immutable spec objects: what a layer file means, with the location of every part."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ..errors import Location
from ..symbolic.arith import Value
from .yamlnodes import Node

INPUT = "input"  # the reserved name of the network input
REPEAT_INPUT = "repeat_input"  # inside a repeat body: the input of the current iteration


# NamedTuples rather than frozen dataclasses: as immutable, and several times faster to build (one
# LayerSpec per layer) and to define at import.


class Var(NamedTuple):
    name: str
    value: Value  # the number in use (default or --set), or the sympy Symbol when symbolic
    default: Value  # the number written in the file (after --set, if given)
    integer: bool
    symbolic: bool
    minimum: Value | None
    maximum: Value | None
    loc: Location


class LayerSpec(NamedTuple):
    index: int  # position in the expanded network, 0-based
    name: str
    kind: str
    inputs: tuple[str, ...]  # names of the layers it reads; INPUT for the network input
    params: Mapping[str, Any]  # evaluated, defaults filled in
    loc: Location
    user_named: bool = False
    key_locs: Mapping[str, Location] = MappingProxyType({})
    expect: Node | None = None  # raw `expect:` mapping, evaluated by the checks
    budget: Node | None = None  # raw per-layer `budget:` mapping


class Spec(NamedTuple):
    name: str
    path: str
    input: tuple
    input_loc: Location
    vars: Mapping[str, Var]
    layers: tuple[LayerSpec, ...]
    budget: Node | None = None
    description: str = ""

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.vars.values() if v.symbolic)

    def env(self) -> dict[str, Value]:
        return {name: var.value for name, var in self.vars.items()}
