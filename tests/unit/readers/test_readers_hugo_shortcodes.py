"""Golden output of Hugo's built-in shortcodes in Markdown (issue 18): rendered natively as data,
never left on the page as template syntax, except inside code and Hugo's `{{</* */>}}` form."""

from __future__ import annotations

import pytest

from pressroom.model import Article
from pressroom.readers.hugo_shortcodes import MAX_SHORTCODES
from pressroom.readers.prose import text_of
from tests.unit.readers.support import read

NOOPENER = 'rel="noopener noreferrer"'


def read_body(body: str, front_matter: str = "title: T\n") -> Article:
    """WHEN a Markdown article with this body (and front matter) is read."""
    return read("articles/shortcodes.md", f"---\n{front_matter}---\n{body}")


GOLDEN: dict[str, tuple[str, str]] = {
    "figure": (
        '{{< figure src="/images/press.jpg" alt="The press" caption="Our press, 1923" '
        'title="Printing" link="https://example.org/press" width="640" height="480" >}}\n\n'
        "After.\n",
        f'<figure><a href="https://example.org/press" {NOOPENER}>'
        '<img src="/images/press.jpg" alt="The press" width="640" height="480"></a>'
        "<figcaption><strong>Printing</strong> Our press, 1923</figcaption></figure>\n"
        "<p>After.</p>\n",
    ),
    "figure-positional": (
        '{{< figure "/a.png" >}}\n',
        '<figure><img src="/a.png" alt=""></figure>\n',
    ),
    "figure-percent-form": (
        '{{% figure src="/a.png" caption="c" %}}\n',
        '<figure><img src="/a.png" alt=""><figcaption>c</figcaption></figure>\n',
    ),
    "youtube-own-line": (
        "{{< youtube w7Ft2ymGmfc >}}\n",
        '<p><a href="https://www.youtube-nocookie.com/embed/w7Ft2ymGmfc" '
        f"{NOOPENER}>Watch the video on YouTube</a></p>\n",
    ),
    "youtube-named-in-a-sentence": (
        'Watch {{< youtube id="w7Ft2ymGmfc" title="the launch" >}} now.\n',
        '<p>Watch <a href="https://www.youtube-nocookie.com/embed/w7Ft2ymGmfc" '
        f"{NOOPENER}>the launch</a> now.</p>\n",
    ),
    "vimeo": (
        "{{< vimeo 146022717 >}}\n",
        f'<p><a href="https://vimeo.com/146022717" {NOOPENER}>Watch the video on Vimeo</a></p>\n',
    ),
    "x": (
        '{{< x user="SanDiegoZoo" id="1453110110599868418" >}}\n',
        '<blockquote><p><a href="https://x.com/SanDiegoZoo/status/1453110110599868418" '
        f"{NOOPENER}>A post by @SanDiegoZoo on X</a></p></blockquote>\n",
    ),
    "tweet-named": (
        '{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}\n',
        '<blockquote><p><a href="https://x.com/SanDiegoZoo/status/1453110110599868418" '
        f"{NOOPENER}>A post by @SanDiegoZoo on X</a></p></blockquote>\n",
    ),
    "twitter-old-positional": (
        "{{< twitter 1453110110599868418 >}}\n",
        '<blockquote><p><a href="https://x.com/i/status/1453110110599868418" '
        f"{NOOPENER}>A post on X</a></p></blockquote>\n",
    ),
    "instagram": (
        "{{< instagram BWNjjyYFxVx >}}\n",
        f'<p><a href="https://www.instagram.com/p/BWNjjyYFxVx/" {NOOPENER}>'
        "A post on Instagram</a></p>\n",
    ),
    "gist": (
        "{{< gist spf13 7896402 >}}\n",
        f'<p><a href="https://gist.github.com/spf13/7896402" {NOOPENER}>A gist by spf13</a></p>\n',
    ),
    "gist-file": (
        '{{< gist spf13 7896402 "img.html" >}}\n',
        f'<p><a href="https://gist.github.com/spf13/7896402#file-img-html" {NOOPENER}>'
        "A gist by spf13: img.html</a></p>\n",
    ),
    "ref-relref": (
        '[a]({{< ref "other.md" >}}) [b]({{< relref "post/2017-2-5-launch-day.md#crew" >}}) '
        '[c]({{< ref "/posts/my-bundle/index.md" >}}) [d]({{< ref other >}})\n',
        '<p><a href="/articles/other/">a</a> '
        '<a href="/articles/launch-day/#crew">b</a> '
        '<a href="/articles/my-bundle/">c</a> '
        '<a href="/articles/other/">d</a></p>\n',
    ),
    "details": (
        '{{< details summary="See more" >}}\nHidden **text**.\n{{< /details >}}\n',
        "<details><summary>See more</summary>\n<p>Hidden <strong>text</strong>.</p>\n</details>\n",
    ),
    "details-open-percent": (
        '{{% details summary="More" open=true %}}\nx\n{{% /details %}}\n',
        '<details open=""><summary>More</summary>\n<p>x</p>\n</details>\n',
    ),
    "comment-shortcode-hides": (
        "A {{< comment >}}secret{{< /comment >}} B\n",
        "<p>A  B</p>\n",
    ),
    "comment-form-prints-the-shortcode": (
        'Write {{</* figure src="x.png" */>}} and {{%/* x */%}}.\n',
        '<p>Write {{&lt; figure src="x.png" &gt;}} and {{% x %}}.</p>\n',
    ),
    "code-fence-stays-literal": (
        "```\n{{< youtube w7Ft2ymGmfc >}}\n{{</* gist a b */>}}\n```\n",
        "<pre><code>{{&lt; youtube w7Ft2ymGmfc &gt;}}\n{{&lt; gist a b &gt;}}\n</code></pre>\n",
    ),
    "code-span-stays-literal": (
        "Inline `{{< youtube w7Ft2ymGmfc >}}` stays.\n",
        "<p>Inline <code>{{&lt; youtube w7Ft2ymGmfc &gt;}}</code> stays.</p>\n",
    ),
}


@pytest.mark.parametrize("case", GOLDEN, ids=list(GOLDEN))
def test_given_a_builtin_shortcode_when_read_then_it_renders_as_hugo_means_it(case: str) -> None:
    body, expected = GOLDEN[case]
    article = read_body(body)
    assert article.body_html == expected
    assert article.warnings == ()


def test_given_highlight_when_read_then_it_is_a_fenced_code_block_in_that_language() -> None:
    article = read_body(
        "{{< highlight html >}}\n<div>{{ .Title }}</div>\n{{< /highlight >}}\nAfter.\n"
    )
    assert 'class="language-html"' in article.body_html
    assert text_of(article.body_html).startswith("<div>{{ .Title }}</div>")  # code as written
    assert "highlight" not in article.body_html.replace('class="highlight"', "")
    assert "<div>" not in article.body_html
    assert article.body_html.endswith("<p>After.</p>\n")


def test_given_param_when_read_then_the_front_matter_value_is_shown_as_text() -> None:
    article = read_body(
        'Said: {{< param subtitle >}}. {{< param "meta.kind" >}}\n',
        'subtitle: "A <b>bold</b> *claim*"\nmeta:\n  kind: essay\n',
    )
    assert article.body_html == "<p>Said: A &lt;b&gt;bold&lt;/b&gt; *claim*. essay</p>\n"


def test_given_param_of_a_missing_key_when_read_then_empty_with_a_warning() -> None:
    article = read_body("Said: {{% param nothing %}}.\n")
    assert article.body_html == "<p>Said: .</p>\n"
    assert article.warnings == (
        "The `param` shortcode names 'nothing', which the front matter lacks.",
    )


def test_given_an_unknown_paired_shortcode_when_read_then_inner_kept_and_warning_names_it() -> None:
    article = read_body("Before {{< notice warning >}}Careful **now**{{< /notice >}} after.\n")
    assert article.body_html == "<p>Before Careful <strong>now</strong> after.</p>\n"
    assert article.warnings == (
        "The shortcode `notice` is not one Pressroom knows: its tags were removed and its "
        "inner content kept.",
    )


def test_given_an_unknown_self_closing_shortcode_when_read_then_removed_with_a_warning() -> None:
    article = read_body('A {{< qr text="x" />}} B\n')
    assert article.body_html == "<p>A  B</p>\n"
    assert "`qr`" in article.warnings[0]


def test_given_a_stray_closing_tag_when_read_then_removed_with_a_warning() -> None:
    article = read_body("Inline {{</ math.inline >}} math.\n")
    assert article.body_html == "<p>Inline  math.</p>\n"
    assert article.warnings == ("The closing shortcode `/math.inline` has no opening tag.",)


def test_given_quoted_arguments_with_escapes_when_read_then_they_are_one_value() -> None:
    article = read_body('{{< figure src="/a.png" caption="He said \\"hi\\" >}} ok" >}}\n')
    assert '<figcaption>He said "hi" &gt;}} ok</figcaption>' in article.body_html


def test_given_no_shortcodes_when_read_then_the_body_is_unchanged() -> None:
    # (`{{ x }}` and `{% x %}` outside code are Jekyll's Liquid: test_readers_jekyll_liquid.py)
    article = read_body("Plain { not a shortcode } and 50%} text.\n")
    assert article.body_html == "<p>Plain { not a shortcode } and 50%} text.</p>\n"
    assert article.warnings == ()


def test_given_a_ref_to_a_section_file_when_read_then_no_url_and_a_warning() -> None:
    article = read_body('[posts]({{< ref "post/_index.md" >}})\n')
    assert article.body_html == '<p><a href="#">posts</a></p>\n'
    assert article.warnings == (
        "The `ref` shortcode's target 'post/_index.md' is not valid: skipped.",
    )


def test_given_more_shortcodes_than_the_cap_when_read_then_the_rest_lose_their_delimiters() -> None:
    article = read_body("{{< param title >}} " * (MAX_SHORTCODES + 10))
    assert article.body_html.count("T") == MAX_SHORTCODES
    assert "{{" not in article.body_html and "}}" not in article.body_html
    assert article.warnings == (
        f"The article has more than {MAX_SHORTCODES:,} shortcodes: the delimiters of the rest "
        "were removed.",
    )


HUGO_BASIC_EXAMPLE_RICH_CONTENT = """---
author: Hugo Authors
title: Rich Content
date: 2019-03-10
---

Hugo ships with several Built-in Shortcodes for rich content.
<!--more-->
---

{{< youtube ZJthWmvUzzc >}}

{{< twitter_simple 1085870671291310081 >}}

{{< vimeo_simple 48912912 >}}

{{< math.inline >}}
<p>
Inline math: \\(\\varphi = \\dfrac{1+\\sqrt5}{2}= 1.6180339887…\\)
</p>
{{</ math.inline >}}
"""


def test_given_hugo_basic_examples_rich_content_when_read_then_no_shortcode_is_shown() -> None:
    article = read("articles/post/rich-content.md", HUGO_BASIC_EXAMPLE_RICH_CONTENT)
    assert article.summary == "Hugo ships with several Built-in Shortcodes for rich content."
    assert "{{" not in article.body_html and "}}" not in article.body_html
    for url in (
        "https://www.youtube-nocookie.com/embed/ZJthWmvUzzc",
        "https://x.com/i/status/1085870671291310081",
        "https://vimeo.com/48912912",
    ):
        assert f'href="{url}"' in article.body_html
    assert "Inline math: \\(\\varphi" in article.body_html
    assert article.warnings == (
        "The shortcode `math.inline` is not one Pressroom knows: its tags were removed and its "
        "inner content kept.",
    )


def test_given_multi_line_arguments_and_params_when_read_then_each_is_one_line_of_text() -> None:
    article = read_body(
        "{{< figure src=/a.png caption=`one\n\n# two` >}}\n\n{{< param note >}}\n",
        'note: "a\\n\\n# b"\n',
    )
    assert article.body_html == (
        '<figure><img src="/a.png" alt=""><figcaption>one # two</figcaption></figure>\n'
        "<p>a # b</p>\n"
    )
