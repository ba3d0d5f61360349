"""Layer file -> validated Spec: the top-level keys; the layers are expanded by expand.py.

Reading the bytes is reading.py, the vars vars.py, budgets and expectations targets.py, the layers
(repeats, blocks, names, `from`, settings) expand.py.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ConvcostError
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic.expr import expression_budget
from . import coerce, targets
from .expand import build_layers, read_blocks
from .fields import expect_type, one_line, unknown_key
from .model import Spec
from .reading import read_text
from .vars import load_vars
from .yamlnodes import Node, load_document

__all__ = ["build_layers", "load", "load_text", "read_text"]

TOP_KEYS = ("name", "description", "vars", "input", "layers", "budget", "blocks")


# -- the whole file ------------------------------------------------------------------------------


def load_text(text: str, path: str, overrides: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
              limits: Limits = DEFAULT_LIMITS, shown: str | None = None) -> Spec:
    """Build a Spec from layer-file text. `path` is the Spec's path; messages name `shown` (default:
    `path`), so a built-in's errors read `zoo:NAME:line:col`."""
    with expression_budget():  # all the file's expressions together stay within Limits.expr_total
        return _build_spec(text, path, overrides, symbolic, limits, shown or path)


def _build_spec(text: str, path: str, overrides: Mapping[str, Any] | None, symbolic: Sequence[str],
                limits: Limits, shown: str) -> Spec:
    return build_spec(load_document(text, shown, limits), path, overrides, symbolic, limits, shown)


def build_spec(root: Node, path: str, overrides: Mapping[str, Any] | None, symbolic: Sequence[str],
               limits: Limits, shown: str | None = None) -> Spec:
    """The Spec of a parsed layer file (`load_document`): a sweep reads and parses the file once and
    builds one Spec per run from the same nodes (they are never modified). Messages name `shown`."""
    shown = shown or path
    if root.type != "map":
        raise ConvcostError(f"a layer file is a mapping with `input:` and `layers:`, got {root.describe()}",
                            root.loc, "see docs/layer-file.md")
    top = root.value
    for key, kloc in root.key_locs.items():
        if key not in TOP_KEYS:
            raise unknown_key(key, TOP_KEYS, "the layer file", kloc)
    for key in ("input", "layers"):
        if key not in top:
            raise ConvcostError(f"the layer file needs `{key}`", root.loc, "see docs/layer-file.md")
    vars_ = load_vars(top.get("vars"), overrides or {}, symbolic, shown, limits)
    env = {name: var.value for name, var in vars_.items()}
    input_node = expect_type(top["input"], "seq", "`input`")
    if len(input_node.value) not in (1, 3):
        raise ConvcostError("`input` is [channels, height, width] (or [features]), got "
                            f"{len(input_node.value)} values", input_node.loc)
    what = ("input channels", "input height", "input width") if len(input_node.value) == 3 else \
        ("input features",)
    shape = tuple(coerce.count(n, env, limits, w) for n, w in zip(input_node.value, what, strict=True))
    blocks = read_blocks(top.get("blocks"))
    layers = build_layers(expect_type(top["layers"], "seq", "`layers`"), env, shown, limits, shape, blocks)
    name = one_line(top.get("name"), "`name`") or os.path.splitext(os.path.basename(path))[0]
    description = one_line(top.get("description"), "`description`")
    budget = top.get("budget")
    if budget is not None:
        expect_type(budget, "map", "`budget`")
    network_targets = targets.budget(budget, env, limits) if budget is not None else ()
    return Spec(name, path, shape, input_node.loc, vars_, layers, network_targets, description, limits)


def _resolve(source: str) -> tuple[str, str]:
    """The file a source names and how messages name it: a built-in is `zoo:NAME`
    (`zoo:resnet50:12:5: error: ...`), not its path inside the package."""
    from ..zoo import BUILTIN_PREFIX, builtin_key, resolve

    path = resolve(source)
    key = None if path == source and not source.startswith(BUILTIN_PREFIX) else builtin_key(source)
    return path, path if key is None else BUILTIN_PREFIX + key


def read_document(source: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str, Node]:
    """The path a layer file or built-in name resolves to, how messages name it, and its parsed
    document (for build_spec)."""
    path, shown = _resolve(source)
    return path, shown, load_document(read_text(path, limits), shown, limits)


def load(source: str, overrides: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits = DEFAULT_LIMITS) -> Spec:
    """Load a layer file, or a built-in network by name (see `convcost zoo`)."""
    path, shown = _resolve(source)
    return load_text(read_text(path, limits), path, overrides, symbolic, limits, shown)
