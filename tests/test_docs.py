"""Docs stay true to the code: every kind and key is documented, README's commands are current."""

from pathlib import Path

from convcost.layers.registry import get_rules
from convcost.render import ReportFormat as Format
from convcost.render import renderer

ROOT = Path(__file__).parent.parent


def test_every_kind_and_key_is_in_the_layer_file_doc():
    doc = (ROOT / "docs" / "layer-file.md").read_text()
    for kind, rule in get_rules().items():
        assert f"`{kind}`" in doc, kind
        for setting in rule.settings:
            assert f"`{setting.name}`" in doc, (kind, setting.name)


def test_every_format_has_a_renderer():
    for fmt in Format:
        assert callable(renderer(fmt))


def test_readme_has_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "pip install . && convcost analyze mobilenet_v1" in readme
    assert 'pip install ".[test]" && ruff check convcost tests benchmarks && python -m pytest -q' in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "ruff check convcost tests benchmarks\npython -m pytest -q" in ci
