"""Hostile Hugo shortcode arguments and Pelican links (issue 18): the corpus's XSS vectors and
template payloads in every argument stay data — no script survives, nothing is evaluated, no
shortcode syntax reaches the page — and hostile shortcode text costs bounded time."""

from __future__ import annotations

import json
import time

import pytest

from pressroom.readers.base import WARNINGS
from pressroom.readers.migration import before_markdown
from pressroom.readers.prose import text_of
from pressroom.render import Renderer
from tests.security.audit import audit_html
from tests.security.corpus import TEMPLATE_EVALUATED, TEMPLATE_PAYLOADS, XSS_VECTORS
from tests.unit.readers.support import make_settings, read

# Every argument a shortcode or link renders, each with `{v}` for the hostile value.
SHORTCODE_USES = (
    '{{{{< figure src="{v}" alt="{v}" caption="{v}" title="{v}" link="{v}" width="{v}" >}}}}',
    '{{{{< figure "{v}" >}}}}',
    '{{{{% youtube "{v}" %}}}}',
    '{{{{< youtube id="w7Ft2ymGmfc" title="{v}" >}}}}',
    '{{{{< vimeo "{v}" >}}}}',
    '{{{{< x user="{v}" id="{v}" >}}}}',
    '{{{{< tweet "{v}" >}}}}',
    '{{{{< instagram "{v}" >}}}}',
    '{{{{< gist "{v}" "{v}" "{v}" >}}}}',
    '{{{{< highlight "{v}" >}}}}\ncode\n{{{{< /highlight >}}}}',
    '[ref]({{{{< ref "{v}" >}}}})',
    "{{{{< param hostile >}}}}",
    '{{{{< details summary="{v}" >}}}}\ninner\n{{{{< /details >}}}}',
    '{{{{< "{v}" >}}}}',
)
LINK_USES = ("[a]({{filename}}{v})", "[a]({{tag}}{v})", "<a href='{{static}}{v}'>s</a>")


def quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def hostile_article(value: str) -> str:
    uses = "\n\n".join(use.format(v=quoted(value)) for use in SHORTCODE_USES + LINK_USES)
    return f"---\ntitle: T\nhostile: {json.dumps(value)}\n---\n{uses}\n"


def shown_shortcode_syntax(body_html: str) -> bool:
    """Shortcode delimiters in the page's text outside code."""
    outside_code = body_html.split("<pre")[0]
    text = text_of(outside_code)
    return any(mark in text for mark in ("{{<", "{{%", ">}}", "%}}"))


@pytest.mark.parametrize("vector", XSS_VECTORS, ids=list(XSS_VECTORS))
def test_given_an_xss_vector_in_every_shortcode_argument_when_read_then_no_script(
    vector: str,
) -> None:
    article = read("articles/hostile.md", hostile_article(XSS_VECTORS[vector]))
    assert list(audit_html("body", article.body_html, fragment=True)) == []
    assert not shown_shortcode_syntax(article.body_html)


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS, ids=list(TEMPLATE_PAYLOADS))
def test_given_a_template_payload_in_shortcode_arguments_when_rendered_then_not_evaluated(
    payload: str,
) -> None:
    article = read("articles/hostile.md", hostile_article(TEMPLATE_PAYLOADS[payload]))
    page = Renderer(make_settings()).article_page(article, [])
    assert not any(marker in page for marker in TEMPLATE_EVALUATED)
    assert not shown_shortcode_syntax(article.body_html)


@pytest.mark.parametrize(
    ("body", "unwanted"),
    [
        ('{{< figure src="{{7*7}}" >}}', ("49", "{{7*7}}")),
        ('{{< figure src="javascript:alert(1)" >}}', ("javascript",)),
        ('{{< figure src="/a.png" link="JaVaScRiPt:alert(1)" >}}', ("javascript", "<a")),
        ('{{< youtube "\\"><script>alert(1)</script>" >}}', ("script", "youtube")),
        ('{{< figure src="data:text/html,<script>alert(1)</script>" >}}', ("data:", "script")),
        ('{{< figure src="//evil.example/x.png" >}}', ("evil",)),
        ("[x]({filename}javascript:alert(1))", ('href="javascript',)),  # a path: `/javascr…`
        ("<a href='{static}javascript:alert(1)'>x</a>", ('href="javascript',)),
    ],
)
def test_given_a_hostile_url_argument_when_read_then_it_is_dropped(
    body: str, unwanted: tuple[str, ...]
) -> None:
    article = read("articles/hostile.md", f"---\ntitle: T\n---\n{body}\n")
    for text in unwanted:
        assert text not in article.body_html.lower()


@pytest.mark.parametrize(
    "body",
    [
        "{{< a >}}{{< b >}}x{{< /a >}}{{< /b >}}",
        "{{< details >}}{{< details >}}deep{{< /details >}}",
        "{{< /details >}} {{< figure",
        '{{< figure src="x >}}\n\nnever closed',
        "{{< highlight go >}}\nno end",
    ],
)
def test_given_unbalanced_or_nested_shortcodes_when_read_then_no_syntax_on_the_page(
    body: str,
) -> None:
    article = read("articles/hostile.md", f"---\ntitle: T\n---\n{body}\n")
    assert not shown_shortcode_syntax(article.body_html)


HOSTILE_RUNS = {
    "openers": "{{<" * 350_000,
    "open-quotes": '{{< "' * 200_000,
    "comments": "{{</*" * 200_000,
    "unknown": "{{< a >}}" * 100_000,
    "nested": "{{< details >}}" * 60_000,
    "backticks": "`" * 1_000 + " {{< x" * 100_000,
    "runs": "".join("`" * n + " {{< x >}}" for n in range(1, 1_400)),
    "links": "[a]({tag}" * 100_000,
}


@pytest.mark.parametrize("case", HOSTILE_RUNS, ids=list(HOSTILE_RUNS))
def test_given_a_megabyte_of_hostile_shortcode_text_when_prepared_then_bounded_time_and_size(
    case: str,
) -> None:
    body = HOSTILE_RUNS[case]
    metadata: dict[str, list[str]] = {}
    started = time.monotonic()
    prepared = before_markdown(body, metadata)
    assert time.monotonic() - started < 15  # 1-3 s here: linear, not quadratic
    assert len(prepared) <= len(body) * 1.2  # nothing multiplies
    assert len(metadata.get(WARNINGS, [])) <= 20


def test_given_a_megabyte_of_openers_when_read_then_published_without_them() -> None:
    started = time.monotonic()
    article = read("articles/hostile.md", "---\ntitle: T\n---\nText " + "{{<" * 350_000)
    assert time.monotonic() - started < 20
    assert article.body_html == "<p>Text</p>\n"
