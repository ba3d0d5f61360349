"""The records every layer rule speaks: settings in, an Outcome out; and the rule itself.

Rules live in the kind modules (conv.py, other.py); the registry (registry.py) collects them. These
records sit below both, so rules, registry, loader and engine all import from here and nothing
imports back up. (Records are NamedTuples: docs/architecture.md says why.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from ..errors import ConvcostError
from ..symbolic.arith import Value

Shape = tuple  # (C, H, W) for feature maps, (F,) for feature vectors

REQUIRED = object()  # the default of a setting that must be given

# The counters kept apart from `macs` (see docs/conventions.md).
COUNTERS = ("bias_adds", "bn_ops", "activation_ops", "pool_ops", "eltwise_ops")

# Keys every layer may carry, handled by the loader and the engine, not by rules.
COMMON_KEYS = ("name", "from", "expect", "budget", "allow")
# The findings a layer may accept with `allow: [...]` (warnings only: convcost check, docs/ci.md).
ALLOWABLE = ("shape.stride",)


class LayerError(ConvcostError):
    """A rule found its input or settings inconsistent. The engine adds the layer and location.

    `check` names the shape inconsistency for `convcost check` (``shape.add``, ``shape.groups``, ...;
    docs/ci.md); None means the layer's own settings are invalid (an input error, not a finding).
    """

    def __init__(self, message: str, location=None, hint: str | None = None, check: str | None = None):
        super().__init__(message, location, hint)
        self.check = check


class Setting(NamedTuple):
    """One key a layer kind takes: its name, value type, default and a one-line doc."""

    name: str
    type: str  # see convcost.layerfile.coerce.COERCERS
    default: Any = REQUIRED
    doc: str = ""


class Part(NamedTuple):
    """One weight operation inside a layer (a `separable` layer has two), for the by-kind breakdown."""

    label: str  # "conv 3x3", "depthwise 3x3", "pointwise", "grouped conv 3x3", "fc", "bn"
    params: Value
    macs: Value


class Cost(NamedTuple):
    """Parameters and mult-adds of one operation or alternative."""

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
    """What a rule computes for one layer: output shape, costs, counters, parts and geometry.

    `role` tells the engine how the layer can take part in a separable pair: "depthwise" (one
    filter per input channel) or "pointwise" (1x1, groups 1, stride 1, no padding); None otherwise.
    """

    output: Shape
    params: Value = 0
    macs: Value = 0
    counters: Mapping[str, Value] = NO_COUNTERS
    parts: tuple[Part, ...] = ()
    geometry: ConvGeometry | None = None
    role: str | None = None


Infer = Callable[[Mapping[str, Any], Sequence[Shape]], Outcome]
Window = Callable[[Mapping[str, Any]], "tuple | None"]


class Rule(NamedTuple):
    """A layer kind: its settings and its pure rule `infer(attrs, input shapes) -> Outcome`.

    What the engine and the checks need to know of a kind is declared here, never found from its
    name: `transparent` kinds may sit between the halves of a separable pair (bn, activations,
    dropout); `window(attrs)` gives the (kernel, stride, padding, dilation) pairs of a kind that
    slides a window over its input, or None.
    """

    kind: str
    family: str  # conv, fc, norm, activation, pool, merge, reshape, identity
    settings: tuple[Setting, ...]
    infer: Infer
    many_inputs: bool = False
    doc: str = ""
    transparent: bool = False
    window: Window | None = None

    @property
    def setting_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.settings)


def collector(rules: list[Rule]) -> Callable[..., Callable[[Infer], Infer]]:
    """A `@rule(...)` decorator for one kind module, appending to that module's `rules` list."""

    def rule(kind: str, *, family: str, settings: Sequence[Setting] = (), many_inputs: bool = False,
             kinds: Sequence[str] = (), transparent: bool = False,
             window: Window | None = None) -> Callable[[Infer], Infer]:
        """Declare `fn` as the rule for `kind` (and for each of `kinds`, sharing one function)."""

        def deco(fn: Infer) -> Infer:
            doc = (fn.__doc__ or "").strip()
            rules.extend(Rule(k, family, tuple(settings), fn, many_inputs, doc, transparent, window)
                         for k in (kind, *kinds))
            return fn

        return deco

    return rule


class Kernel(NamedTuple):
    """One roofline: the arithmetic a kernel does and the bytes it moves to and from memory."""

    flops: Value
    bytes: Value
