"""The one registry of layer kinds.

Each kind is a small pure rule: (params, input shapes) -> Outcome (output shape and costs). Rules
use only the helpers in convcost.symbolic.arith, so the same rule works on Python ints and on
sympy expressions. The registry refuses duplicate kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from ..errors import ConvcostError
from ..symbolic.arith import Value

Shape = tuple  # (C, H, W) for feature maps, (F,) for feature vectors

REQUIRED = object()

# The counters kept apart from `macs` (see docs/conventions.md).
COUNTERS = ("bias_adds", "bn_ops", "activation_ops", "pool_ops", "eltwise_ops")


class LayerError(ConvcostError):
    """A rule found its input or parameters inconsistent. The engine adds the layer and location.

    `check` names the shape inconsistency for `convcost check` (``shape.add``, ``shape.groups``, ...;
    docs/ci.md); None means the layer's own settings are invalid (an input error, not a finding).
    """

    def __init__(self, message: str, location=None, hint: str | None = None, check: str | None = None):
        super().__init__(message, location, hint)
        self.check = check


# The records below are NamedTuples rather than frozen dataclasses: just as immutable, several times
# faster to build (a 20,000-layer network makes 100,000 of them) and to define at import.


class ParamSpec(NamedTuple):
    name: str
    type: str  # see convcost.spec.coerce.COERCERS
    default: Any = REQUIRED
    doc: str = ""


class Part(NamedTuple):
    """One weight operation inside a layer (a `separable` layer has two), for the by-kind breakdown."""

    label: str  # "conv 3x3", "depthwise 3x3", "pointwise", "grouped conv 3x3", "fc", "bn"
    params: Value
    macs: Value


class ConvGeometry(NamedTuple):
    """The standard convolution a conv-family layer stands for: Dk x Dk' kernel, M -> N channels,
    Do x Do' output, plus the bias flag. Standard and separable alternatives are computed from it."""

    m: Value
    n: Value
    kh: Value
    kw: Value
    ho: Value
    wo: Value
    bias: bool
    groups: Value = 1
    separable: bool = False  # written as a depthwise-separable convolution


NO_COUNTERS: Mapping[str, Value] = MappingProxyType({})


class Outcome(NamedTuple):
    output: Shape
    params: Value = 0
    macs: Value = 0
    counters: Mapping[str, Value] = NO_COUNTERS
    parts: tuple[Part, ...] = ()
    geometry: ConvGeometry | None = None


Infer = Callable[[Mapping[str, Any], Sequence[Shape]], Outcome]


class Rule(NamedTuple):
    kind: str
    family: str  # conv, fc, norm, activation, pool, merge, reshape, identity
    params: tuple[ParamSpec, ...]
    infer: Infer
    many_inputs: bool = False
    doc: str = ""

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)


RULES: dict[str, Rule] = {}

# Keys every layer may carry, handled by the loader and the engine, not by rules.
COMMON_KEYS = ("name", "from", "expect", "budget")


def rule(kind: str, *, family: str, params: Sequence[ParamSpec] = (), many_inputs: bool = False,
         kinds: Sequence[str] = ()) -> Callable[[Infer], Infer]:
    """Register `fn` as the rule for `kind` (and for each of `kinds`, sharing one function)."""

    def deco(fn: Infer) -> Infer:
        for k in (kind, *kinds):
            if k in RULES:
                raise RuntimeError(f"layer kind {k!r} is registered twice")
            RULES[k] = Rule(k, family, tuple(params), fn, many_inputs, (fn.__doc__ or "").strip())
        return fn

    return deco


def get_rules() -> dict[str, Rule]:
    from . import rules  # noqa: F401  (importing registers every kind)

    return RULES
