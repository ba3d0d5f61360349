"""An ONNX graph's structure, checked before anything is computed: each tensor made once, every input
defined, no cycle; the nodes in an order where every input comes first; and the operators convcost
does not know, all of them at once.

Messages point at a node by its number (1-based, in file order: the `line` of its Location) and its
name, as `model.onnx:17: error: node '/features/conv0/Conv' (Conv): ...` (docs/onnx.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import ConvcostError, Location, listing, shown
from .records import Graph, Node

DEFAULT_DOMAINS = ("", "ai.onnx")
NAMES_SHOWN = 10  # node names listed per unknown operator


def short(name: str, limit: int = 60) -> str:
    """A name for a list in a message, cut (a hostile file may use megabytes for one)."""
    return name if len(name) <= limit else f"{name[:limit]}... ({len(name)} characters)"


def label(node: Node, index: int) -> str:
    """How messages name a node: its name, or its number when it has none."""
    what = shown(node.name) if node.name else f"#{index + 1}"
    return f"node {what} ({shown(node.op_type, 40)[1:-1] or 'no op_type'})"


def op_key(node: Node) -> str:
    """The operator's name, with its domain when it is not ONNX's own (`com.microsoft.FusedConv`)."""
    return node.op_type if node.domain in DEFAULT_DOMAINS else f"{node.domain}.{node.op_type}"


def order(graph: Graph, path: str, constants: Iterable[str], inputs: Iterable[str]) -> list[int]:
    """The indices of the nodes in an order where every node comes after the nodes it reads.

    Raises ConvcostError for a tensor made twice, an input that nothing defines, or a cycle."""
    nodes = graph.nodes
    defined: dict[str, int] = {}  # tensor -> node index, -1 for initializers and graph inputs
    for name in (*constants, *inputs):
        defined[name] = -1
    for i, node in enumerate(nodes):
        for out in node.outputs:
            if not out:
                continue  # an optional output left out
            if out in defined:
                where = "an initializer or graph input" if defined[out] < 0 else \
                    label(nodes[defined[out]], defined[out])
                raise ConvcostError(f"{label(node, i)} makes tensor {shown(out)}, already made by {where}",
                                    Location(path, i + 1), "each tensor of an ONNX graph is made once")
            defined[out] = i
    sorted_already = True
    for i, node in enumerate(nodes):
        for name in node.inputs:
            if not name:
                continue
            j = defined.get(name)
            if j is None:
                raise ConvcostError(
                    f"{label(node, i)} reads {shown(name)}, which no node makes and which is neither a graph "
                    "input nor an initializer", Location(path, i + 1),
                    "the file is incomplete or was edited by hand; re-export the model")
            if j >= i:
                sorted_already = False
    if sorted_already:
        return list(range(len(nodes)))
    return _kahn(nodes, defined, path)


def _kahn(nodes: Sequence[Node], defined: dict[str, int], path: str) -> list[int]:
    waiting = [0] * len(nodes)
    readers: dict[int, list[int]] = {}
    for i, node in enumerate(nodes):
        producers = {defined[n] for n in node.inputs if n and defined[n] >= 0}
        waiting[i] = len(producers)
        for j in producers:
            readers.setdefault(j, []).append(i)
    ready = [i for i in range(len(nodes)) if waiting[i] == 0]
    ready.reverse()
    out: list[int] = []
    while ready:
        i = ready.pop()
        out.append(i)
        for k in readers.get(i, ()):
            waiting[k] -= 1
            if waiting[k] == 0:
                ready.append(k)
    if len(out) != len(nodes):
        stuck = [i for i in range(len(nodes)) if waiting[i] > 0]
        names = [short(nodes[i].name) or f"#{i + 1}" for i in stuck]
        raise ConvcostError(f"the graph has a cycle: nodes {listing(names, 8)} wait for each other",
                            Location(path, stuck[0] + 1),
                            "an ONNX graph must be acyclic; re-export the model")
    return out


def readers(graph: Graph) -> dict[str, int]:
    """How many times each tensor is read (by nodes and as a graph output)."""
    counts: dict[str, int] = {}
    for node in graph.nodes:
        for name in node.inputs:
            if name:
                counts[name] = counts.get(name, 0) + 1
    for out in graph.outputs:
        counts[out.name] = counts.get(out.name, 0) + 1
    return counts


def unknown_operators(graph: Graph, known: Iterable[str]) -> dict[str, list[int]]:
    """Operator -> indices of its nodes, for every node whose operator is not in `known`."""
    known = set(known)
    found: dict[str, list[int]] = {}
    for i, node in enumerate(graph.nodes):
        key = op_key(node)
        if node.domain not in DEFAULT_DOMAINS or node.op_type not in known:
            found.setdefault(key, []).append(i)
    return found


def describe_unknown(graph: Graph, found: dict[str, list[int]]) -> str:
    """'Erf (2 nodes: a, b), com.x.Foo (1 node: c)', every operator listed, most frequent first."""
    parts = []
    for key, indices in sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        names = [short(graph.nodes[i].name) or f"#{i + 1}" for i in indices]
        nodes = "node" if len(names) == 1 else "nodes"
        parts.append(f"{shown(key, 60)[1:-1]} ({len(names)} {nodes}: {listing(names, NAMES_SHOWN)})")
    return ", ".join(parts)
