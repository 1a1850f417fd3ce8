"""Golden output of Jekyll's Liquid in Markdown posts (issue 18): rendered with python-liquid in
its sandbox before Markdown; what Pressroom does not know is left out with a warning, never shown
as template syntax."""

from __future__ import annotations

import pytest

from pressroom.model import Article
from pressroom.readers import read_article
from pressroom.readers.jekyll_liquid import UploadIncludes, render_liquid, uses_liquid
from tests.unit.readers.support import make_settings, make_source, read


def read_body(body: str, front_matter: str = "title: T\n") -> Article:
    return read("articles/_posts/2016-07-26-liquid.md", f"---\n{front_matter}---\n{body}")


class Includes:
    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def get(self, name: str, relative: bool = False) -> str | None:
        return self.files.get(name)


GOLDEN: dict[str, tuple[str, str]] = {
    "post_url": (
        "[Older]({{ site.baseurl }}{% post_url 2010-07-21-welcome-home %})\n",
        '<p><a href="/articles/welcome-home/">Older</a></p>\n',
    ),
    "post_url-in-folder": (
        "{% post_url news/2010-7-1-first %}\n",
        "<p>/articles/first/</p>\n",
    ),
    "link": (
        "[Page]({% link _posts/2016-07-26-name.md %})\n",
        '<p><a href="/articles/name/">Page</a></p>\n',
    ),
    "raw": (
        "{% raw %}Use {{ page.title }} and {% if x %}.{% endraw %}\n",
        "<p>Use {{ page.title }} and {% if x %}.</p>\n",
    ),
    "raw-shortcode-stays-text": (
        "{% raw %}{{< youtube abc >}}{% endraw %}\n",
        "<p>{{&lt; youtube abc &gt;}}</p>\n",
    ),
    "page-variables": (
        "{{ page.title }} by {{ page.author }}: {{ page.tags | join: ', ' }}.\n",
        "<p>T by Ann: a, b.</p>\n",
    ),
    "site-variables": (
        "[{{ site.title }}]({{ site.baseurl }}/x/) {{ site.url }}\n",
        '<p><a href="/x/">Pressroom</a> http://127.0.0.1:8000</p>\n',
    ),
    "standard-liquid": (
        "{% assign n = 3 %}{% for i in (1..n) %}{{ i }}{% endfor %} {{ 'Ab' | downcase }}\n",
        "<p>123 ab</p>\n",
    ),
    "output-is-sanitised": (
        'x {{ "<script>alert(1)</script>" }}<b>ok</b>\n',
        "<p>x <b>ok</b></p>\n",
    ),
}


@pytest.mark.parametrize("name", GOLDEN)
def test_given_liquid_when_read_then_golden_html(name: str) -> None:
    body, expected = GOLDEN[name]
    article = read_body(body, "title: T\nauthor: Ann\ntags: [a, b]\n")
    assert article.body_html == expected
    if name == "output-is-sanitised":  # what the sanitiser removed is reported (issue 17)
        [warning] = article.warnings
        assert "<script>" in warning
    else:
        assert article.warnings == ()


def test_given_highlight_when_read_then_the_same_block_as_a_fenced_one() -> None:
    liquid = read_body(
        "{% highlight ruby linenos %}\ndef show\n  @w = 1\nend\n{% endhighlight %}\n"
    )
    fenced = read_body("```ruby\ndef show\n  @w = 1\nend\n```\n")
    assert '<pre class="highlight"><code class="language-ruby">' in fenced.body_html
    assert liquid.body_html == fenced.body_html
    assert liquid.warnings == ()


def test_given_page_title_from_a_heading_when_read_then_it_is_the_articles_title() -> None:
    article = read(
        "articles/_posts/2009-03-12-hash.md",
        "---\npermalink: /2009/03/12/hash/\n---\n\n# Hash #1\n\nOn {{ page.title }}.\n",
    )
    assert article.title == "Hash #1"
    assert "<p>On Hash #1.</p>" in article.body_html
    assert article.published.date().isoformat() == "2009-03-12"


@pytest.mark.parametrize(
    ("body", "warning"),
    [
        ("a {% seo %} b\n", "The Liquid tag `seo` is not supported here: it is left out."),
        (
            "a {{ 'x' | jsonify }} b\n",
            "The Liquid filter `jsonify` is not supported here: its output is left out.",
        ),
        ("a {{ page.nope }} b\n", "The Liquid variable `page.nope` is not defined here: left out."),
        (
            "a {% post_url 2001-01-01-x/../.. %} b\n",
            "`{% post_url 2001-01-01-x/../.. %}` names no article here: it is left out.",
        ),
    ],
)
def test_given_unknown_liquid_when_read_then_left_out_with_a_warning(body: str, warning: str):
    article = read_body(body)
    assert article.body_html == "<p>a  b</p>\n"
    assert article.warnings == (warning,)


def test_given_includes_when_rendered_then_the_uploads_own_files_with_parameters() -> None:
    includes = Includes({"note.html": "<em>{{ include.text }} in {{ page.title }}</em>"})
    text, warnings = render_liquid(
        '{% include note.html text="Hi" %}|{% include_relative note.html text=page.title %}',
        {"title": "T"},
        includes=includes,
    )
    assert text == "<em>Hi in T</em>|<em>T in T</em>"
    assert warnings == []


def test_given_an_include_without_includes_when_read_then_a_warning() -> None:
    article = read_body("a {% include note.html %} b\n")
    assert article.body_html == "<p>a  b</p>\n"
    assert article.warnings == (
        "`{% include note.html %}`: the include is not available here: it is left out.",
    )


def test_given_hugo_shortcodes_or_code_when_recognised_then_not_liquid() -> None:
    assert uses_liquid("a {{ page.title }}\n")
    assert uses_liquid("{% raw %}{{< x >}}{% endraw %}\n")
    assert not uses_liquid("a {{< youtube x >}} {{ y }}\n")
    assert not uses_liquid("a `{{ y }}`\n\n```\n{% x %}\n```\n")
    article = read_body("{{< param title >}} `{{ x }}`\n")
    assert article.body_html == "<p>T <code>{{ x }}</code></p>\n"


def test_given_a_file_in_includes_when_read_then_it_is_not_published() -> None:
    article = read("articles/_includes/note.html", "<aside>{{ include.text }}</aside>\n")
    assert article.status == "draft"
    assert article.body_html == ""
    assert "_includes/" in article.warnings[0]


@pytest.mark.parametrize(
    ("post", "name", "relative", "key"),
    [
        ("articles/_posts/2024-01-02-a.md", "note.html", False, "articles/_includes/note.html"),
        ("articles/blog/_posts/a.md", "n/x.html", False, "articles/blog/_includes/n/x.html"),
        ("articles/blog/_drafts/a.md", "note.html", False, "articles/blog/_includes/note.html"),
        ("articles/posts/a.md", "note.html", False, "articles/_includes/note.html"),
        ("articles/_posts/a.md", "snippet.md", True, "articles/_posts/snippet.md"),
        ("articles/a.md", "../../etc/passwd", True, None),
    ],
)
def test_given_a_post_key_when_it_includes_then_the_file_is_read_from_its_sites_includes(
    post: str, name: str, relative: bool, key: str | None
) -> None:
    asked: list[str] = []
    includes = UploadIncludes(post, "articles/", lambda k: asked.append(k) or "text")
    assert includes.get(name, relative) == ("text" if key else None)
    assert asked == ([key] if key else [])
    assert includes.read_keys == tuple(asked)


def test_given_a_fetch_when_read_then_includes_render_and_the_article_depends_on_them() -> None:
    files = {"articles/_includes/note.html": "<em>{{ include.text }}</em>"}
    article = read_article(
        make_source(
            "articles/_posts/2024-01-02-a.md",
            '{% include note.html text="Hi" %}\n{% include gone.html %}\n',
        ),
        make_settings(),
        files.get,
    )
    assert "<em>Hi</em>" in article.body_html
    assert article.depends_on == ("articles/_includes/note.html", "articles/_includes/gone.html")
    assert article.warnings == (
        "`{% include gone.html %}`: `_includes/gone.html` was not uploaded: left out.",
    )


def test_given_an_html_post_with_front_matter_when_read_then_its_liquid_is_rendered() -> None:
    article = read(
        "articles/_posts/2016-07-26-page.html",
        "---\ntitle: Page\n---\n<p>{{ page.title }} in {% if true %}HTML{% endif %}"
        " {% mystery %}</p>\n",
    )
    assert article.body_html.strip() == "<p>Page in HTML </p>"
    assert any("mystery" in warning for warning in article.warnings)


def test_given_an_html_page_without_front_matter_when_read_then_braces_stay_text() -> None:
    article = read("articles/page.html", "<title>T</title><p>{{ not liquid }}</p>\n")
    assert "{{ not liquid }}" in article.body_html


def test_given_the_include_limit_reached_when_a_read_file_is_included_again_then_it_still_shows():
    files = {f"articles/_includes/{n}.html": f"<b>{n}</b>" for n in range(25)}
    includes = UploadIncludes("articles/_posts/a.md", "articles/", files.get)
    texts = [includes.get(f"{n}.html") for n in range(25)]
    assert texts[:20] == [f"<b>{n}</b>" for n in range(20)] and texts[20:] == [None] * 5
    assert includes.get("3.html") == "<b>3</b>"  # one of the 20 it read: no new file
    assert len(includes.read_keys) == 20
