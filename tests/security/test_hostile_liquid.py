"""Hostile Jekyll Liquid (issue 18): python-liquid's sandbox is the one deliberate exception to
"content is data", so SSTI, file access, loop, output and nesting bombs and XSS through variables
and filters are tried here — nothing reaches Python or the file system, no script survives,
no Liquid syntax reaches the page, and every one costs bounded time and size."""

from __future__ import annotations

import json
import time

import pytest

from pressroom.readers.jekyll_liquid import render_liquid
from pressroom.readers.liquid_sandbox import MAX_OUTPUT_BYTES
from pressroom.readers.prose import text_of
from tests.security.audit import audit_html
from tests.security.corpus import TEMPLATE_EVALUATED, TEMPLATE_PAYLOADS, XSS_VECTORS
from tests.unit.readers.support import read

HOSTILE_LIQUID = {
    "self": "{{ self }}",
    "class-walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "dunder-index": "{{ page['__class__'] }}{{ page.__dict__ }}{{ site.__init__.__globals__ }}",
    "filter-attr": "{{ page | map: '__class__' }}{{ 'x' | __class__ }}",
    "include-passwd": "{% include '/etc/passwd' %}{% include /etc/passwd %}",
    "include-parent": "{% include '../../x' %}{% include ../../pyproject.toml %}",
    "include-relative": "{% include_relative ../../../etc/hosts %}",
    "render-tag": "{% render 'x' %}",
    "loop-bomb": "{% for i in (1..1000000000) %}x{% endfor %}",
    "nested-loop-bomb": "{% for i in (1..100000) %}{% for j in (1..100000) %}x{% endfor %}"
    "{% endfor %}",
    "output-bomb": "{% assign s = 'xxxxxxxxxxxxxxxx' %}"
    + "{% assign s = s | append: s %}" * 40
    + "{{ s }}{{ s }}{{ s }}",
    "string-repeat-bomb": "{% for i in (1..9999) %}{{ 'x' | append: 'yyyyyyyyyyyyyyyyyyyy' }}"
    "{% for j in (1..9999) %}{{ j }}{% endfor %}{% endfor %}",
    "deep-nesting": "{% if true %}" * 500 + "x" + "{% endif %}" * 500,
    "deep-capture": "{% capture a %}" * 300 + "x" + "{% endcapture %}" * 300,
    "cycle-bomb": "{% for i in (1..100000) %}{% cycle 'a','b' %}{% endfor %}",
    "xss-string": '{{ "<script>alert(1)</script>" }}{{ "<img src=x onerror=alert(1)>" }}',
    "xss-filter": "{{ 'alert(1)' | prepend: '<script>' | append: '</script>' }}",
    "xss-variable": "{{ page.hostile }}",
    "raw-end": "{% endraw %}{{ page.title }}{% raw %}{% raw %}",
}


def liquid_post(body: str, hostile: str = "<script>alert(1)</script>") -> str:
    front_matter = f"---\ntitle: T\nhostile: {json.dumps(hostile)}\n---\n"
    return front_matter + f"Liquid {{{{ page.title }}}}\n\n{body}\n"


@pytest.mark.parametrize("name", HOSTILE_LIQUID)
def test_given_hostile_liquid_when_read_then_bounded_and_nothing_escapes(name: str) -> None:
    started = time.perf_counter()
    article = read("articles/_posts/2020-01-01-hostile.md", liquid_post(HOSTILE_LIQUID[name]))
    elapsed = time.perf_counter() - started

    assert elapsed < 3, elapsed
    assert len(article.body_html) < 2 * MAX_OUTPUT_BYTES
    assert list(audit_html("liquid", article.body_html, fragment=True)) == []
    text = text_of(article.body_html)
    for leaked in ("root:", "[project]", "<class", "__", "{%", "{{", "%}", "}}", "7006652"):
        assert leaked not in text, leaked


@pytest.mark.parametrize("name", sorted(TEMPLATE_PAYLOADS))
def test_given_a_template_payload_in_a_liquid_post_when_read_then_not_evaluated(name: str):
    article = read("articles/_posts/2020-01-01-tpl.md", liquid_post(TEMPLATE_PAYLOADS[name]))
    assert not any(marker in article.body_html for marker in TEMPLATE_EVALUATED)
    assert list(audit_html("liquid", article.body_html, fragment=True)) == []


@pytest.mark.parametrize("vector", XSS_VECTORS, ids=list(XSS_VECTORS))
def test_given_an_xss_vector_through_liquid_variables_and_filters_then_no_script(vector: str):
    value = XSS_VECTORS[vector]
    body = (
        "{{ page.hostile }} {{ page.hostile | upcase }} {{ page.hostile | strip_html }}\n\n"
        "[x]({{ page.hostile }}) {% include note.html %}\n\n"
        "{% highlight {{ page.hostile }} %}{{ page.hostile }}{% endhighlight %}\n"
    )
    article = read("articles/_posts/2020-01-01-xss.md", liquid_post(body, value))
    assert list(audit_html("liquid", article.body_html, fragment=True)) == []


def test_given_includes_that_include_themselves_then_the_depth_is_bounded() -> None:
    class Loop:
        def get(self, name: str, relative: bool = False) -> str:
            return "x{% include " + name + " %}{% include " + name + " %}"

    started = time.perf_counter()
    text, warnings = render_liquid("{% include a.html %}", {}, includes=Loop())
    assert time.perf_counter() - started < 2
    assert len(text) < 100_000
    assert warnings and "context depth" in " ".join(warnings)


def test_given_liquid_slower_than_the_time_bound_when_rendered_then_it_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pressroom.readers.liquid_sandbox.MAX_SECONDS", 0.0)
    body = "{% for i in (1..99) %}{% for j in (1..99) %}{{ j | plus: i | sort }}{% endfor %}"
    started = time.perf_counter()
    text, warnings = render_liquid("a " + body + "{% endfor %} b", {})
    assert time.perf_counter() - started < 1
    assert text == "a  b"
    assert warnings == [
        "The Liquid in this post went past a limit (time limit reached): "
        "all of its Liquid was left out."
    ]
