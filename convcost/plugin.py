"""pytest plugin (registered through the `pytest11` entry point).

Collection of `*.convcost.yaml` files as test items is added by the checks work (issue 4); until
then this module only declares the ini option so that projects can already configure it.
"""

from __future__ import annotations


def pytest_addoption(parser) -> None:
    parser.addini(
        "convcost_files",
        type="args",
        default=[],
        help="extra glob patterns of layer files to collect as convcost checks (besides *.convcost.yaml)",
    )
