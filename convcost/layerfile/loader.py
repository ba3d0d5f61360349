"""Layer file -> validated Spec: the top-level keys; the layers are expanded by expand.py.

Reading the bytes is reading.py, the vars vars.py, budgets and expectations targets.py, the layers
(repeats, blocks, names, `from`, settings) expand.py.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import Collector, ConvcostError, close_matches
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic.expr import expression_budget
from . import coerce, targets
from .expand import build_layers, read_blocks
from .fields import expect_type, one_line, unknown_key
from .model import Spec
from .reading import STDIN, STDIN_PATH, read_stdin, read_text
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
    builds one Spec per run from the same nodes (they are never modified). Messages name `shown`.

    Independent errors are collected (up to errors.MAX_ERRORS) and raised together, each located:
    one error is raised as it is, several as a ManyErrors (docs/layer-file.md)."""
    shown = shown or path
    if root.type != "map":
        raise ConvcostError(f"a layer file is a mapping with `input:` and `layers:`, got {root.describe()}",
                            root.loc, "see docs/layer-file.md")
    errors = Collector()
    with errors.collecting():  # raises what was collected
        spec = _spec(root, path, overrides, symbolic, limits, shown, errors)
    return spec


def _spec(root: Node, path: str, overrides: Mapping[str, Any] | None, symbolic: Sequence[str],
          limits: Limits, shown: str, errors: Collector) -> Spec | None:
    top = root.value
    misspelled: set[str] = set()  # required keys a misspelled key stands for: not reported missing too
    for key, kloc in root.key_locs.items():
        if key not in TOP_KEYS:
            misspelled.update(close_matches(key, TOP_KEYS))
            errors.keep(unknown_key(key, TOP_KEYS, "the layer file", kloc))
    for key in ("input", "layers"):
        if key not in top and key not in misspelled:
            errors.keep(ConvcostError(f"the layer file needs `{key}`", root.loc,
                                      f"add `{key}:`; see docs/layer-file.md"))
    vars_, env = load_vars(top.get("vars"), overrides or {}, symbolic, shown, limits, errors)
    shape, input_loc = None, root.loc
    if "input" in top:
        with errors.catch():
            input_node = expect_type(top["input"], "seq", "`input`")
            input_loc = input_node.loc
            shape = input_shape(input_node, env, limits)
    blocks = {}
    with errors.catch():
        blocks = read_blocks(top.get("blocks"), errors)
    layers = ()
    if "layers" in top:
        with errors.catch():
            layers = build_layers(expect_type(top["layers"], "seq", "`layers`"), env, shown, limits, shape,
                                  blocks, errors)
    name = description = ""
    with errors.catch():
        name = one_line(top.get("name"), "`name`") or (
            "stdin" if path == STDIN_PATH else os.path.splitext(os.path.basename(path))[0])
    with errors.catch():
        description = one_line(top.get("description"), "`description`")
    network_targets = ()
    budget = top.get("budget")
    if budget is not None:
        with errors.catch():
            expect_type(budget, "map", "`budget`")
            network_targets = targets.budget(budget, env, limits)
    if errors:
        return None  # collecting() raises them
    return Spec(name, path, shape, input_loc, vars_, layers, network_targets, description, limits)


def input_shape(node: Node, env: Mapping[str, Any], limits: Limits) -> tuple:
    """`input:` as a shape: [channels, height, width] or [features]."""
    if len(node.value) not in (1, 3):
        raise ConvcostError("`input` is [channels, height, width] (or [features]), got "
                            f"{len(node.value)} values", node.loc,
                            "write e.g. `input: [3, 224, 224]` (channels first)")
    what = ("input channels", "input height", "input width") if len(node.value) == 3 else ("input features",)
    return tuple(coerce.count(n, env, limits, w) for n, w in zip(node.value, what, strict=True))


def _resolve(source: str) -> tuple[str, str]:
    """The file a source names and how messages name it: a built-in is `zoo:NAME`
    (`zoo:resnet50:12:5: error: ...`), not its path inside the package; `-` is standard input."""
    from ..zoo import BUILTIN_PREFIX, builtin_key, resolve

    if source == STDIN:
        return STDIN_PATH, STDIN_PATH

    path = resolve(source)
    key = None if path == source and not source.startswith(BUILTIN_PREFIX) else builtin_key(source)
    return path, path if key is None else BUILTIN_PREFIX + key


def read_document(source: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str, Node]:
    """The path a layer file or built-in name resolves to, how messages name it, and its parsed
    document (for build_spec)."""
    path, shown = _resolve(source)
    return path, shown, load_document(_read(source, path, limits), shown, limits)


def load(source: str, overrides: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits = DEFAULT_LIMITS) -> Spec:
    """Load a layer file, a built-in network by name (see `convcost zoo`), or `-`: standard input."""
    path, shown = _resolve(source)
    return load_text(_read(source, path, limits), path, overrides, symbolic, limits, shown)


def _read(source: str, path: str, limits: Limits) -> str:
    return read_stdin(limits) if source == STDIN else read_text(path, limits)
