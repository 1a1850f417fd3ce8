"""Article content is hostile: whatever an editor uploads, no page, feed or sitemap the pipeline
writes carries script, and template syntax in any field is printed, never evaluated."""

from __future__ import annotations

from collections import Counter
from html import unescape
from pathlib import Path

import html5lib
import pytest
from markdown_it import MarkdownIt

from pressroom.readers.jekyll_liquid import uses_liquid
from tests.security.audit import audit
from tests.security.corpus import TEMPLATE_EVALUATED, TEMPLATE_PAYLOADS, XSS_VECTORS
from tests.security.hostile_site import Hostile, HostileSite

# Builds the whole corpus (~420 files) through the pipeline once per run: ~2 CPU-minutes.
pytestmark = pytest.mark.slow


def page_text(html: str) -> str:
    """What a reader sees of a page, plus the meta descriptions: whitespace-normalised."""
    root = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    parts = [text for element in root.iter() for text in (element.text, element.tail) if text]
    parts += [meta.get("content", "") for meta in root.iter("meta")]
    return " ".join(" ".join(parts).split())


def article_file(site: HostileSite, hostile: Hostile) -> Path:
    return site.site.folder / "articles" / hostile.slug / "index.html"


def article_page(site: HostileSite, hostile: Hostile) -> str:
    return article_file(site, hostile).read_text()


def test_given_the_corpus_then_it_has_at_least_fifty_vectors_in_every_format(
    hostile_site: HostileSite,
):
    formats = Counter(hostile.name.split("/")[0] for hostile in hostile_site.files)

    assert len(XSS_VECTORS) >= 50
    assert set(formats) == {"md-body", "md-fields", "txt", "html"}
    assert min(formats.values()) == len(XSS_VECTORS) + len(TEMPLATE_PAYLOADS)


def test_given_hostile_files_when_published_then_every_one_has_its_article_page(
    hostile_site: HostileSite,
):
    """Non-vacuity: the payloads really reached the renderer (a rejected file proves nothing)."""
    missing = [
        hostile.name
        for hostile in hostile_site.files
        if not article_file(hostile_site, hostile).is_file()
    ]

    assert missing == []


def test_given_every_vector_in_every_format_when_published_then_no_output_can_run_script(
    hostile_site: HostileSite,
):
    outputs = dict(hostile_site.outputs())
    kinds = Counter(name.rsplit(".", 1)[-1] for name in outputs)

    findings = [finding for name, data in outputs.items() for finding in audit(name, data)]

    assert kinds["html"] > len(hostile_site.files) and kinds["xml"] and kinds["json"]
    assert findings == [], "\n".join(map(str, findings[:40]))


def test_given_template_syntax_anywhere_when_published_then_nothing_was_evaluated(
    hostile_site: HostileSite,
):
    evaluated = [
        (name, marker)
        for name, data in hostile_site.outputs()
        for marker in TEMPLATE_EVALUATED
        # (Pagefind's index files are binary: searched as they are, they cannot match.)
        if marker in unescape(data.decode("utf-8", errors="replace"))
    ]

    assert evaluated == []


def _expected_literals(hostile: Hostile) -> list[str]:
    """The text each field must show: the payload as typed (Markdown bodies as Markdown renders
    it, since `__x__` is emphasis there, not a template)."""
    payload = hostile.payload
    if hostile.name.startswith("md-body/") and uses_liquid(payload):
        return []  # Jekyll's sandboxed Liquid: tests/security/test_hostile_liquid.py
    if hostile.name.startswith("md-body/"):
        rendered = MarkdownIt("commonmark").render(payload)
        return [page_text(f"<p>{rendered}</p>")]
    if hostile.name.startswith("md-fields/"):
        literals = [f"Fields {payload}", f"Author {payload}"]
        return literals + ([payload] if "summary" in hostile.fields else [])
    if hostile.name.startswith("txt/"):
        return [f"Text article {payload}", f"The first paragraph quotes it: {payload}"]
    return [f"HTML page {payload}", payload]


@pytest.mark.parametrize("name", sorted(TEMPLATE_PAYLOADS))
def test_given_a_template_payload_in_every_field_when_published_then_it_renders_literally(
    hostile_site: HostileSite, name: str
):
    carriers = [hostile for hostile in hostile_site.files if hostile.slug.endswith(f"-tpl-{name}")]
    assert len(carriers) == 4

    missing = [
        (hostile.name, literal)
        for hostile in carriers
        for literal in _expected_literals(hostile)
        if literal not in page_text(article_page(hostile_site, hostile))
    ]

    assert missing == []
