"""Kinds that move data without weights: channel chunks and slices, channel shuffle, padding, and
adaptive pooling to a fixed output size. None has parameters or mult-adds; adaptive pooling counts
its window elements in pool_ops."""

from __future__ import annotations

from ..symbolic import arith
from .formulas import adaptive_windows
from .records import LayerError, Outcome, Rule, Setting, collector
from .shapes import feature_map, fmt_shape

rules: list[Rule] = []
rule = collector(rules)


def _channels(inputs, kind):
    shape = inputs[0]
    if len(shape) not in (1, 3):
        raise LayerError(f"{kind} needs a feature map or a vector, got {fmt_shape(shape)}",
                         hint="check the layers before it", check="shape.rank")
    return shape[0], shape[1:]


@rule("chunk", family="reshape", settings=(
    Setting("parts", "count", doc="how many parts the channels are cut into, as torch.chunk"),
    Setting("index", "nonneg", None, "which part this layer is; without it the layer is expanded into "
            "every part, named NAME.0, NAME.1, ..."),
))
def chunk(attrs, inputs):
    """One part of torch.chunk along channels: parts of ceil(C/parts) channels, the last one shorter
    (and fewer parts than asked when C is small, as torch.chunk)."""
    c, rest = _channels(inputs, "chunk")
    parts, index = attrs["parts"], attrs["index"]
    if index is None:
        raise LayerError("chunk needs the `index` of its part",
                         hint="write `chunk: {parts: N}` to get every part")
    size = arith.ceildiv(c, parts)
    start = arith.mul(index, size)
    if arith.less_than(start, c) is False:
        raise LayerError(f"chunk of {c} channels into {parts} parts of {size} has no part {index}",
                         hint=f"parts are numbered 0 to {parts}-1; torch.chunk gives fewer parts when the "
                              "channels are few", check="shape.channels")
    return Outcome((arith.sub(arith.minimum(arith.add(start, size), c), start), *rest))


@rule("slice", family="reshape", settings=(
    Setting("start", "nonneg", 0, "first channel kept (0-based)"),
    Setting("end", "count", None, "one past the last channel kept (default: all), as x[:, start:end]"),
))
def slice_(attrs, inputs):
    """Channels start to end of the input, as x[:, start:end] in PyTorch."""
    c, rest = _channels(inputs, "slice")
    start, end = attrs["start"], attrs["end"]
    end = c if end is None else end
    if arith.less_than(c, end) is True or arith.less_than(start, end) is False:
        raise LayerError(f"slice {start}:{end} of {c} channels is empty or out of range",
                         hint="0 <= start < end <= channels", check="shape.channels")
    return Outcome((arith.sub(end, start), *rest))


@rule("channel_shuffle", family="reshape",
      settings=(Setting("groups", "count", doc="channel groups interleaved (ShuffleNet)"),))
def channel_shuffle(attrs, inputs):
    """ShuffleNet's channel shuffle (view as groups x C/groups, transpose, flatten): same shape."""
    c, h, w = feature_map(inputs, "channel_shuffle")
    if arith.is_integer(arith.div(c, attrs["groups"])) is False:
        raise LayerError(f"groups={attrs['groups']} does not divide the {c} channels",
                         hint="groups must divide the channels", check="shape.groups")
    return Outcome(inputs[0])


@rule("pad", family="reshape", settings=(
    Setting("padding", "padding", doc="int, [height, width] or [top, bottom, left, right]"),
    Setting("mode", "choice:constant,reflect,replicate,circular", "constant", "as torch.nn.functional.pad"),
    Setting("value", "number", 0, "the fill of constant padding"),
))
def pad(attrs, inputs):
    """Zero (or constant, reflect, replicate, circular) padding of height and width; no cost counted."""
    c, h, w = feature_map(inputs, "pad")
    if isinstance(attrs["padding"], str):
        raise LayerError("pad takes numbers, not `same` or `valid`",
                         hint="write `padding: 1`, [height, width] or [top, bottom, left, right]")
    ph, pw = attrs["padding"]
    (top, bottom), (left, right) = (p if isinstance(p, tuple) else (p, p) for p in (ph, pw))
    return Outcome((c, arith.add(h, arith.add(top, bottom)), arith.add(w, arith.add(left, right))))


_ADAPTIVE = (Setting("size", "size", doc="output [height, width] (or one int for both)"),
             Setting("torch", "choice:module,functional", None,
                     "as PyTorch computes it (for --convention): module (nn.AdaptiveAvgPool2d, ...) or "
                     "functional (F.adaptive_avg_pool2d, ...)"))


def _adaptive(attrs, inputs, kind):
    c, h, w = feature_map(inputs, kind)
    oh, ow = attrs["size"]
    if not (arith.is_number(oh) and arith.is_number(ow)):
        raise LayerError(f"{kind} needs a numeric output `size`",
                         hint="keep the vars `size` reads numeric (drop them from --symbolic)")
    return Outcome((c, oh, ow), counters={"pool_ops": arith.product(c, adaptive_windows(h, oh),
                                                                    adaptive_windows(w, ow))})


@rule("adaptive_avgpool", family="pool", settings=_ADAPTIVE)
def adaptive_avgpool(attrs, inputs):
    """Average pooling to a fixed output size, with PyTorch's windows [floor(iH/o), ceil((i+1)H/o));
    pool_ops counts one addition per window element per output (size 1 is global pooling)."""
    return _adaptive(attrs, inputs, "adaptive_avgpool")


@rule("adaptive_maxpool", family="pool", settings=_ADAPTIVE)
def adaptive_maxpool(attrs, inputs):
    """Max pooling to a fixed output size (PyTorch's windows); pool_ops counts one comparison per
    window element per output."""
    return _adaptive(attrs, inputs, "adaptive_maxpool")
