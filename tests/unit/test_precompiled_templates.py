"""The theme's templates compiled ahead of time (as the layer build does) render the same pages
without Jinja2 compiling anything; a template changed since, or overridden by the operator, is
compiled from its source as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

import pressroom.render as render
from pressroom.render import Renderer, compile_templates
from pressroom.settings import Settings

SETTINGS = Settings(content_table="t", ingest_bucket="i", site_bucket="s", site_title="Tea")


@pytest.fixture
def compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(render, "COMPILED_TEMPLATES", tmp_path)
    compile_templates(tmp_path)
    return tmp_path


def no_compiling(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []
    original = Environment.compile

    def compile(self: Environment, source: str, name: str | None = None, *args, **kwargs):
        compiled.append(str(name))
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", compile)
    return compiled


def test_given_compiled_templates_then_pages_render_the_same_without_compiling(
    compiled: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
):
    monkeypatch.setattr(render, "COMPILED_TEMPLATES", tmp_path_factory.mktemp("none"))
    expected = (Renderer(SETTINGS).not_found_page(), Renderer(SETTINGS).robots_txt())
    monkeypatch.setattr(render, "COMPILED_TEMPLATES", compiled)
    compiling = no_compiling(monkeypatch)

    renderer = Renderer(SETTINGS)
    pages = (renderer.not_found_page(), renderer.robots_txt())

    assert pages == expected
    assert compiling == []
    assert len(list(compiled.iterdir())) == len(renderer.env.list_templates())


def test_given_an_operator_override_then_it_is_compiled_from_its_source(
    compiled: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
):
    overrides = tmp_path_factory.mktemp("theme")
    (overrides / "robots.txt").write_text("User-agent: *\nDisallow: /drafts/\n")
    compiling = no_compiling(monkeypatch)

    robots = Renderer(
        Settings(**{**SETTINGS.__dict__, "templates_dir": str(overrides)})
    ).robots_txt()

    assert robots == "User-agent: *\nDisallow: /drafts/\n"
    assert compiling == ["robots.txt"]


def test_given_no_compiled_templates_then_they_are_compiled_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(render, "COMPILED_TEMPLATES", tmp_path / "missing")
    compiling = no_compiling(monkeypatch)

    assert "Page not found" in Renderer(SETTINGS).not_found_page()
    assert "404.html" in compiling
    assert not (tmp_path / "missing").exists()


def test_given_a_compiled_copy_it_cannot_use_then_the_template_is_compiled(
    compiled: Path, monkeypatch: pytest.MonkeyPatch
):
    key = render.PrecompiledTemplates(compiled).get_cache_key("robots.txt")
    (compiled / f"{key}.cache").write_bytes(b"j2 compiled by another Python or Jinja2")
    compiling = no_compiling(monkeypatch)

    assert "User-agent" in Renderer(SETTINGS).robots_txt()
    assert compiling == ["robots.txt"]
