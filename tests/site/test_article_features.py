"""Issue 18's headings, code and math on a built article page: published through the real
pipeline, the page shows highlighted code, heading anchors, its table of contents and MathML,
is valid HTML5, and its stylesheet colours the code."""

from __future__ import annotations

import re

import pytest

from tests.site.support import BuiltSite, build, nu_checker

ARTICLE = """---
title: Brewing in orbit
date: 2026-03-01
tags: [space]
toc: true
math: true
---
Tea at zero g costs $5 a cup.

## Kettles {#kettle-list}

```python
def brew(cups: int) -> str:
    return "<tea>" * cups
```

### Electric kettles

The heat needed is $Q = mc\\,\\Delta T$.

## Kettles

$$
\\int_0^1 x\\,dx
$$
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """GIVEN one article with headings, a `{#id}`, Python code, math, `toc: true` and
    `math: true`, published by `pressroom build`'s machinery."""
    root = tmp_path_factory.mktemp("features")
    (root / "src").mkdir()
    (root / "src" / "brewing-in-orbit.md").write_text(ARTICLE, encoding="utf-8")
    return build(root / "src", root / "out", {})


def page(site: BuiltSite) -> str:
    html = site.page("/articles/brewing-in-orbit/")
    assert html is not None
    return html


def test_given_code_then_the_page_shows_it_highlighted_and_escaped(site: BuiltSite):
    html = page(site)

    assert '<pre class="highlight"><code class="language-python">' in html
    assert '<span class="k">def</span>' in html
    assert "&lt;tea&gt;" in html and "<tea>" not in html


def test_given_headings_then_the_page_has_anchors_ids_and_a_table_of_contents(site: BuiltSite):
    html = page(site)

    for identifier in ("kettle-list", "electric-kettles", "kettles"):
        assert f'id="{identifier}"' in html
        assert (
            f'<a class="heading-anchor" href="#{identifier}" aria-label="Link to this section"'
            in html
        )
    toc = re.search(r'<nav class="toc" aria-labelledby="toc-heading">.*?</nav>', html, re.DOTALL)
    assert toc is not None
    links = re.findall(r'href="#([^"]+)"', toc.group())
    assert links == ["kettle-list", "electric-kettles", "kettles"]
    assert "{#kettle-list}" not in html


def test_given_math_true_then_the_page_has_mathml_and_prices_stay_text(site: BuiltSite):
    html = page(site)

    assert '<math display="inline">' in html and '<math display="block">' in html
    assert '<mspace width="0.167em"></mspace>' in html  # `\,` survived
    assert "costs $5 a cup" in html


def test_given_the_page_then_its_stylesheet_colours_code_and_anchors(site: BuiltSite):
    [href] = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page(site))
    css = (site.folder / href.lstrip("/")).read_text()

    assert ".highlight .k {" in css and "prefers-color-scheme: dark" in css
    assert ".body .heading-anchor::before" in css


def test_given_the_page_when_nu_checks_it_then_there_are_no_errors(
    site: BuiltSite, capsys: pytest.CaptureFixture[str]
):
    file = site.folder / "articles" / "brewing-in-orbit" / "index.html"

    errors = nu_checker().validate([str(file)])

    assert errors == 0, capsys.readouterr().out


def test_given_a_toc_when_rendered_then_its_list_nests_by_depth_golden():
    from pressroom.readers import read_article
    from pressroom.render import Renderer
    from tests.site.test_theme import SETTINGS
    from tests.unit.readers.support import make_settings, make_source

    article = read_article(
        make_source(
            "articles/x.md", "---\ntitle: T\ntoc: true\n---\n## A\n\n### B\n\n#### C\n\n## D\n"
        ),
        make_settings(),
    )
    html = Renderer(SETTINGS).article_page(article, related=[])
    toc = re.search(r'(?<=<nav class="toc" aria-labelledby="toc-heading">).*?</nav>', html, re.S)

    assert toc is not None
    assert re.sub(r">\s+<", "><", toc.group().strip()) == (
        '<h2 id="toc-heading">Contents</h2>'
        '<ol><li><a href="#a">A</a><ol><li><a href="#b">B</a><ol><li><a href="#c">C</a></li>'
        '</ol></li></ol></li><li><a href="#d">D</a></li></ol></nav>'
    )
