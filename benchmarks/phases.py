"""Split one ``convcost analyze --format json`` run into its phases, in one process, without a profiler.

    python benchmarks/phases.py mobilenet_v1 deep-2000 deep-20000
    python benchmarks/phases.py path/to/net.yaml --repeat 3

``deep-N`` names a generated stack of N/2 depthwise+pointwise pairs (see deepnet.py). For each network it
prints wall and CPU seconds of: load (YAML -> validated spec), analyze (spec -> report), and the JSON
renderer the CLI uses (of which building the plain dict is shown apart), plus, for reference, ``json.dumps``
of that dict with ``indent=2`` (pure-Python encoder) and compact (C encoder), and for files PyYAML's composer
alone. cProfile inflates pure-Python code several times over; these numbers do not.

It reaches into convcost's modules (``api.load``, ``analysis.engine.analyze_spec``, ``render.json_``), so it
follows the engine's layout; when those move, adjust the imports in ``main``.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the checkout
from deepnet import deep_separable_yaml  # noqa: E402

sys.dont_write_bytecode = _write  # only for the sibling: the modules measured keep their bytecode


class Clock:
    """Wall and CPU seconds of each named phase, best of the repeats."""

    def __init__(self) -> None:
        self.best: dict[str, tuple[float, float]] = {}

    def time(self, name: str, fn, *args):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn(*args)
        took = (time.perf_counter() - wall, time.process_time() - cpu)
        old = self.best.get(name)
        self.best[name] = took if old is None or took[0] < old[0] else old
        return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("networks", nargs="+", help="built-in name, layer file, or deep-N (N layers)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many (default 3)")
    parser.add_argument("--no-gc", action="store_true", help="gc.disable() first: what the collector costs")
    args = parser.parse_args(argv)
    if args.no_gc:
        gc.disable()

    clock = Clock()
    import_wall, import_cpu = time.perf_counter(), time.process_time()
    import yaml

    from convcost.analysis.build import analyze_spec
    from convcost.api import load
    from convcost.render.report_json import render, report_dict

    print(
        f"import yaml + convcost api, engine, json renderer: {time.perf_counter() - import_wall:.3f} s wall, "
        f"{time.process_time() - import_cpu:.3f} s cpu (first import in this process)"
    )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with tempfile.TemporaryDirectory() as tmp:
        for network in args.networks:
            source = network
            if network.startswith("deep-"):
                source = str(Path(tmp) / f"{network}.yaml")
                Path(source).write_text(deep_separable_yaml(int(network.split("-")[1]) // 2))
            clock.best.clear()
            for _ in range(args.repeat):
                spec = clock.time("load", load, source)
                report = clock.time("analyze", analyze_spec, spec)
                text = clock.time("render (JSON as the CLI writes it)", render, report)
                data = clock.time("  of which report_dict", report_dict, report)
                clock.time("  json.dumps(dict, indent=2)", lambda d: json.dumps(d, indent=2), data)
                clock.time("  json.dumps(dict) compact", json.dumps, data)
                if Path(source).is_file():
                    text_in = Path(source).read_text()
                    clock.time(f"  yaml.compose ({loader.__name__})", yaml.compose, text_in, loader)
            total = sum(clock.best[k][0] for k in ("load", "analyze", "render (JSON as the CLI writes it)"))
            print(f"== {network}: {len(report.layers)} layers, JSON {len(text) / 1e6:.2f} MB")
            for name, (wall, cpu) in clock.best.items():
                share = f"{100 * wall / total:5.1f}%" if not name.startswith(" ") else ""
                print(f"  {name:36} {wall:8.3f} s wall {cpu:8.3f} s cpu  {share}")
            print(f"  {'load + analyze + render':36} {total:8.3f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
