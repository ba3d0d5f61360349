"""Hostile and broken ONNX files (issue 11, the treatment docs/security.md gives layer files): each
makes `analyze` and `check` exit 2 with a clear message, in bounded time (two seconds, as
tests/test_hostile.py) and bounded memory, never a traceback.

The files are made here: by onnx.helper where it will write them, by hand (tests/pbenc.py) where
only a corrupt file can say it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import onnx
import pytest
from helpers import invoke_cli as invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper
from onnx_build import ints, model, node, weight
from pbenc import f_len, f_str, f_varint, packed_varints

from convcost.errors import ConvcostError
from convcost.onnx.source import load

SECONDS = 2.0


def _write(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.SerializeToString())
    return str(path)


def _tensor(name, dims, data_type=TensorProto.FLOAT, raw: bytes | None = None):
    t = TensorProto(name=name, data_type=data_type, dims=dims)
    if raw is not None:
        t.raw_data = raw
    return t


def _conv_model(**attrs):
    return model([node("Conv", ["x", "w"], "y", **attrs)], [weight("w", 4, 3, 3, 3)])


def _cases(tmp_path):
    """name -> (path, what the first line of the error says)."""
    good = _conv_model(pads=[1, 1, 1, 1]).SerializeToString()
    huge = _tensor("w", [10**5, 10**5, 3, 3], raw=b"\0" * 4)
    cases = {
        "truncated": (good[: len(good) // 2], "not a valid ONNX model"),
        "empty": (b"", "the model holds no graph"),
        "yaml_text": (b"input: [3, 8, 8]\nlayers:\n  - relu\n", "not a valid ONNX model"),
        "random_bytes": (bytes(range(256)) * 4, "not a valid ONNX model"),
        "ten_gigabyte_claim": (model([node("Conv", ["x", "w"], "y")], [huge]), "claims 90000000000 elements"),
        "no_data_at_all": (model([node("Conv", ["x", "w"], "y")], [_tensor("w", [4, 3, 3, 3])]),
                           "holds no data"),
        "external_length_mismatch": (_external_mismatch(), "its external data is 8 bytes"),
        "negative_dim": (model([node("Conv", ["x", "w"], "y")], [_tensor("w", [-4, 3, 3, 3], raw=b"")]),
                         "has a negative dim"),
        "cycle": (model([node("Relu", ["b"], "a"), node("Relu", ["a"], "b"), node("Relu", ["x"], "y")]),
                  "the graph has a cycle: nodes a, b wait for each other"),
        "self_loop": (model([node("Add", ["x", "s"], "s"), node("Relu", ["s"], "y")]), "cycle"),
        "missing_input": (model([node("Relu", ["ghost"], "y")]),
                          "reads 'ghost', which no node makes"),
        "made_twice": (model([node("Relu", ["x"], "y"), node("Sigmoid", ["x"], "y", name="again")]),
                       "already made by node 'y'"),
        "absurd_stride": (_conv_model(strides=[2**63 - 1, 1]), "out of range"),
        "zero_group": (_conv_model(group=0), "group = 0 is out of range"),
        "negative_pads": (_conv_model(pads=[-5, 0, 0, 0]), "attribute pads has -5, out of range"),
        "zero_dilation": (_conv_model(dilations=[0, 1]), "out of range"),
        "kernel_mismatch": (_conv_model(kernel_shape=[5, 5]), "kernel_shape [5, 5] differs"),
        "huge_kernel": (model([node("MaxPool", ["x"], "y", kernel_shape=[2**40, 2**40])]),
                        "output height reaches"),
        "three_pads": (_conv_model(pads=[1, 1, 1]), "attribute pads has 3 values, expected 4"),
        "two_inputs": (model([node("Add", ["x", "z"], "y")], inputs=[
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8]),
            helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 3, 8, 8])]),
                       "one input; this graph has 2"),
        "rank_three_input": (model([node("Relu", ["x"], "y")], shape=(1, 3, 8)), "has 3 dims"),
        "input_of_huge_rank": (model([node("Relu", ["x"], "y")], shape=(1,) * 100_000), "has 100000 dims"),
        "weight_of_huge_rank": (model([node("Conv", ["x", "w"], "y")],
                                      [_tensor("w", [1] * 100_000, raw=b"\0" * 4)]),
                                "the weight has dims [1, 1, 1, 1, 1, 1, 1, 1, ... (100000 in all)]"),
        "zero_size_input": (model([node("Relu", ["x"], "y")], shape=(1, 3, 0, 8)), "the input's height is 0"),
        "constant_of_huge_shape": (model([node("ConstantOfShape", ["shape"], "big"),
                                          node("Reshape", ["x", "big"], "y")], [ints("shape", [2**40])]),
                                   "more than 1000000 elements"),
        "huge_range": (model([node("Range", ["a", "b", "c"], "r"), node("Reshape", ["x", "r"], "y")],
                             [ints("a", 0), ints("b", 2**50), ints("c", 1)]), "more than 1000000 elements"),
        "division_by_zero": (model([node("Shape", ["x"], "s"), node("Div", ["s", "z"], "d"),
                                    node("Reshape", ["x", "d"], "y")], [ints("z", [0, 1, 1, 1])]),
                             "integer division by zero"),
        "reshape_of_wrong_size": (model([node("Reshape", ["x", "t"], "y")], [ints("t", [1, 7, 7])]),
                                  "Reshape of [1, 3, 8, 8] (192 elements) to [1, 7, 7]"),
        "nested_subgraphs": (_nested(200), "nested deeper than 8 levels"),
        "too_many_records": (f_varint(1, 8) + f_len(7, f_len(1, b"") * 600_000), "more than 500000 records"),
        "huge_attribute": (_node_bytes(f_len(5, f_str(1, "pads") + packed_varints(8, [1] * 600_000))),
                           "more than 500000 records"),
        "unknown_everything": (model([node("Foo", ["x"], "a"), node("Bar", ["a"], "y")]),
                               "2 operators convcost does not know: Bar (1 node: y), Foo (1 node: a)"),
    }
    out = {name: (_write(tmp_path, f"{name}.onnx", data), expect) for name, (data, expect) in cases.items()}
    os.mkdir(tmp_path / "directory.onnx")
    out["directory"] = (str(tmp_path / "directory.onnx"), "is not a regular file")
    return out


def _external_mismatch():
    m = model([node("Conv", ["x", "w"], "y")], [weight("w", 4, 3, 3, 3)])
    t = m.graph.initializer[0]
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "gone.data"), ("offset", "0"), ("length", "8")):
        entry = t.external_data.add()
        entry.key, entry.value = key, value
    return m


def _nested(depth: int) -> bytes:
    g = f_str(2, "leaf")
    for k in range(depth):
        attr = f_str(1, "body") + f_varint(20, 5) + f_len(6, g)
        g = f_len(1, f_str(4, "Loop") + f_len(5, attr)) + f_str(2, f"g{k}")
    return f_varint(1, 8) + f_len(7, g)


def _node_bytes(attribute: bytes) -> bytes:
    return f_varint(1, 8) + f_len(7, f_len(1, f_str(4, "Pad") + f_str(1, "x") + f_str(2, "y") + attribute))


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return _cases(tmp_path_factory.mktemp("hostile_onnx"))


CASE_NAMES = sorted((
    "truncated", "empty", "yaml_text", "random_bytes", "ten_gigabyte_claim", "no_data_at_all",
    "external_length_mismatch", "negative_dim", "cycle", "self_loop", "missing_input", "made_twice",
    "absurd_stride", "zero_group", "negative_pads", "zero_dilation", "kernel_mismatch", "huge_kernel",
    "three_pads", "two_inputs", "rank_three_input", "input_of_huge_rank", "weight_of_huge_rank",
    "zero_size_input", "constant_of_huge_shape", "huge_range",
    "division_by_zero", "reshape_of_wrong_size", "nested_subgraphs", "too_many_records", "huge_attribute",
    "unknown_everything", "directory"))


@pytest.mark.parametrize("command", ["analyze", "check"])
@pytest.mark.parametrize("name", CASE_NAMES)
def test_hostile_file_exits_2_quickly_with_a_clear_message(cases, name, command):
    path, expect = cases[name]
    start = time.perf_counter()
    res = invoke(command, path)
    elapsed = time.perf_counter() - start
    assert res.exit_code == 2, res.output
    first = res.stderr.splitlines()[0]
    assert expect in first, first
    assert first.startswith(path), first
    assert len(res.stderr) < 2000, res.stderr[:300]  # messages quote the input, cut
    assert elapsed < SECONDS, f"{name}: {elapsed:.2f} s"


def test_every_case_is_listed(cases):
    assert sorted(cases) == CASE_NAMES


# The child's own peak resident memory in kB. (Not ru_maxrss: Linux carries it over exec from the
# forked copy of this test process.)
PEAK = "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')))"
needs_proc = pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc/self/status")


@needs_proc
@pytest.mark.parametrize("name", ["too_many_records", "ten_gigabyte_claim", "constant_of_huge_shape"])
def test_memory_stays_bounded(cases, name):
    """A child process's peak memory: the budgets hold it near the interpreter's own (about 30 MB),
    far from what the file claims."""
    path, _ = cases[name]
    code = ("import sys\nfrom convcost.cli import main\n"
            f"sys.argv = ['convcost', 'analyze', {path!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 2\n"
            f"{PEAK}\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert int(out.stdout.split()[-1]) < 200_000, out.stdout


MODEL = _conv_model(pads=[1, 1, 1, 1]).SerializeToString()
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(MODEL) - 1), st.integers(0, 255)), min_size=1, max_size=6),
       st.integers(1, len(MODEL)))
def test_corrupt_models_load_or_fail_cleanly(tmp_path_factory, flips, cut):
    """Byte flips and truncations anywhere: the whole load (reader, checks, conversion) ends in a
    Spec or a ConvcostError, nothing else, and quickly."""
    data = bytearray(MODEL)
    for pos, value in flips:
        data[pos] = value
    path = tmp_path_factory.mktemp("fuzz") / "m.onnx"
    path.write_bytes(bytes(data[:cut]))
    start = time.perf_counter()
    try:
        load(str(path))
    except ConvcostError:
        pass
    assert time.perf_counter() - start < SECONDS


@needs_proc
def test_weights_are_never_read(tmp_path):
    """A 67 MB weight in the file: the child's peak memory stays below it (the file is mapped and
    only the pages holding the graph are touched)."""
    weights = numpy_helper.from_array(np.zeros((4096, 3, 37, 37), np.float32), "w")
    path = tmp_path / "big.onnx"
    onnx.save(model([node("Conv", ["x", "w"], "y")], [weights], shape=(1, 3, 40, 40)), path)
    code = ("from convcost.onnx.source import load\n"
            f"assert load({str(path)!r}).layers[0].attrs['out'] == 4096\n"
            f"{PEAK}\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert int(out.stdout.split()[-1]) < 60_000, out.stdout  # kB


def test_huge_dims_are_exact_and_cheap(tmp_path):
    """Sizes near int64's limit are only arithmetic: exact, in milliseconds (no element is made)."""
    big = 2**62
    path = _write(tmp_path, "huge.onnx", model([node("Conv", ["x", "w"], "c", strides=[2, 2]),
                                                 node("GlobalAveragePool", ["c"], "y")],
                                                [weight("w", 4, 3, 3, 3)], shape=(1, 3, big, big)))
    start = time.perf_counter()
    res = invoke("analyze", path, "-f", "json")
    assert res.exit_code == 0 and time.perf_counter() - start < SECONDS
    side = (big - 3) // 2 + 1
    assert f'"macs": {108 * side * side}' in res.stdout
