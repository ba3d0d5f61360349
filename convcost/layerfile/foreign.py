"""Names from PyTorch, Keras and ONNX that people write in a layer file, and what convcost calls them.

Used only for hints: `Conv2d` is an unknown kind whose hint says "PyTorch's nn.Conv2d is `conv` here",
`out_channels` an unknown key whose hint says "`out`". A test checks that every kind named here exists.
"""

from __future__ import annotations

# Lower-cased class or operator name (any `nn.`, `layers.` ... prefix removed) -> (our kind, how to
# write it, notes on its settings). Keras' and PyTorch's spellings collapse to one key when lower-cased
# (Conv2d / Conv2D), so the text names both frameworks where both have the name.
_CONV = "out_channels/filters -> out, kernel_size -> kernel, strides -> stride"
KINDS: dict[str, tuple[str, str, str]] = {
    "conv2d": ("conv", "PyTorch's nn.Conv2d (Keras' Conv2D)", _CONV + "; groups for grouped convolutions"),
    "lazyconv2d": ("conv", "PyTorch's nn.LazyConv2d", _CONV),
    "convtranspose2d": ("conv_transpose", "PyTorch's nn.ConvTranspose2d", _CONV),
    "conv2dtranspose": ("conv_transpose", "Keras' Conv2DTranspose", _CONV),
    "convtranspose": ("conv_transpose", "ONNX's ConvTranspose", "out, kernel, stride, padding"),
    "depthwiseconv2d": ("depthwise", "Keras' DepthwiseConv2D",
                        "kernel_size -> kernel, depth_multiplier -> multiplier; no `out`"),
    "separableconv2d": ("separable", "Keras' SeparableConv2D",
                        "filters -> out, kernel_size -> kernel: one layer, depthwise then pointwise"),
    "linear": ("fc", "PyTorch's nn.Linear", "out_features -> out; in_features is read from the input"),
    "lazylinear": ("fc", "PyTorch's nn.LazyLinear", "out_features -> out"),
    "dense": ("fc", "Keras' Dense", "units -> out"),
    "gemm": ("fc", "ONNX's Gemm", "out"),
    "matmul": ("fc", "a matrix product (ONNX's MatMul)", "out"),
    "batchnorm2d": ("bn", "PyTorch's nn.BatchNorm2d", "num_features is read from the input; no settings"),
    "batchnorm1d": ("bn", "PyTorch's nn.BatchNorm1d", "num_features is read from the input"),
    "batchnormalization": ("bn", "Keras' BatchNormalization", "no settings needed"),
    "maxpool2d": ("maxpool", "PyTorch's nn.MaxPool2d", "kernel_size -> kernel, stride, padding, ceil_mode"),
    "maxpooling2d": ("maxpool", "Keras' MaxPooling2D", "pool_size -> kernel, strides -> stride"),
    "avgpool2d": ("avgpool", "PyTorch's nn.AvgPool2d", "kernel_size -> kernel, stride, padding"),
    "averagepooling2d": ("avgpool", "Keras' AveragePooling2D", "pool_size -> kernel, strides -> stride"),
    "averagepool": ("avgpool", "ONNX's AveragePool", "kernel, stride, padding"),
    "adaptiveavgpool2d": ("adaptive_avgpool", "PyTorch's nn.AdaptiveAvgPool2d",
                          "output_size -> size; for output size 1 `avgpool: {global: true}` is the same"),
    "adaptivemaxpool2d": ("adaptive_maxpool", "PyTorch's nn.AdaptiveMaxPool2d",
                          "output_size -> size; for output size 1 `maxpool: {global: true}` is the same"),
    "globalaveragepooling2d": ("avgpool", "Keras' GlobalAveragePooling2D", "write `avgpool: {global: true}`"),
    "globalaveragepool": ("avgpool", "ONNX's GlobalAveragePool", "write `avgpool: {global: true}`"),
    "globalmaxpooling2d": ("maxpool", "Keras' GlobalMaxPooling2D", "write `maxpool: {global: true}`"),
    "globalmaxpool": ("maxpool", "ONNX's GlobalMaxPool", "write `maxpool: {global: true}`"),
    "prelu": ("leakyrelu", "PReLU", "its slope parameters are not counted"),
    "activation": ("relu", "Keras' Activation",
                   "each activation is a kind of its own: relu, relu6, sigmoid, swish, gelu, tanh, ..."),
    "dropout2d": ("dropout", "PyTorch's nn.Dropout2d", "no cost"),
    "spatialdropout2d": ("dropout", "Keras' SpatialDropout2D", "no cost"),
    "multiply": ("mul", "Keras' Multiply", "from: [features, gate]"),
    "concatenate": ("concat", "Keras' Concatenate", "from: [a, b, ...], along channels"),
    "cat": ("concat", "torch.cat", "from: [a, b, ...], along channels"),
    "upsampling2d": ("upsample", "Keras' UpSampling2D", "size -> scale"),
    "upsamplingnearest2d": ("upsample", "PyTorch's nn.UpsamplingNearest2d", "scale_factor -> scale"),
    "upsamplingbilinear2d": ("upsample", "PyTorch's nn.UpsamplingBilinear2d",
                             "scale_factor -> scale, mode: bilinear"),
    "zeropad2d": ("pad", "PyTorch's nn.ZeroPad2d", "padding"),
    "zeropadding2d": ("pad", "Keras' ZeroPadding2D", "padding"),
    "constantpad2d": ("pad", "PyTorch's nn.ConstantPad2d", "padding, value"),
    "reflectionpad2d": ("pad", "PyTorch's nn.ReflectionPad2d", "padding, mode: reflect"),
    "replicationpad2d": ("pad", "PyTorch's nn.ReplicationPad2d", "padding, mode: replicate"),
    "channelshuffle": ("channel_shuffle", "PyTorch's nn.ChannelShuffle", "groups"),
}

# Structure, not a kind: what to write instead.
NOT_KINDS: dict[str, str] = {
    "sequential": "nn.Sequential is a list: write its layers under `layers:` (or define a block under "
                  "`blocks:` and use it with `- block: {use: NAME}`)",
    "modulelist": "nn.ModuleList is a list: write its layers under `layers:`, or `repeat:` them",
    "input": "the network's input is the top-level `input: [channels, height, width]`, not a layer",
    "inputlayer": "the network's input is the top-level `input: [channels, height, width]`, not a layer",
    "conv1d": "convcost counts 2-D networks: `conv` takes [C, H, W] inputs",
    "conv3d": "convcost counts 2-D networks: `conv` takes [C, H, W] inputs",
}

# Setting names of other frameworks -> ours.
KEYS: dict[str, str] = {
    "out_channels": "out", "filters": "out", "units": "out", "out_features": "out",
    "kernel_size": "kernel", "pool_size": "kernel", "strides": "stride", "dilation_rate": "dilation",
    "use_bias": "bias", "depth_multiplier": "multiplier", "output_size": "size", "scale_factor": "scale",
}
READ_FROM_INPUT = ("in_channels", "in_features", "num_features", "input_shape", "input_dim")
NO_COST = ("inplace", "momentum", "eps", "epsilon", "track_running_stats", "padding_mode", "device",
           "dtype", "kernel_initializer", "bias_initializer", "kernel_regularizer", "data_format")


def _key(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower()


def kind_hint(kind: str, known) -> str | None:
    """The hint for an unknown kind written as another framework names it (`Conv2d`, `nn.ReLU`,
    `Dense`), or None."""
    key = _key(kind)
    if key in known:
        return f"kinds are lower case: `{key}`"
    if key in NOT_KINDS:
        return NOT_KINDS[key]
    found = KINDS.get(key)
    if found is None or found[0] not in known:
        return None
    ours, theirs, settings = found
    return f"{theirs} is `{ours}` here ({settings}); see docs/layer-file.md"


def key_hint(key: str, allowed) -> str | None:
    """The hint for an unknown key that another framework uses, or None."""
    ours = KEYS.get(key)
    if ours is not None and ours in allowed:
        return f"`{key}` is `{ours}` here"
    if key in READ_FROM_INPUT:
        return f"`{key}` is not written: convcost reads the input's size from the layer before"
    if key in NO_COST:
        return f"`{key}` does not change the cost: leave it out"
    return None
