"""Issue 18's Hugo, Jekyll and Pelican idioms on a built site: one folder mixing
hugoBasicExample-style posts (shortcodes, `ref`, `aliases`, a section `_index.md`), Jekyll posts
(non-zero-padded dates, `_drafts/`, includes, `redirect_from`, `permalink`) and Pelican posts
(`{filename}`, `{tag}`, `{author}` links), published by `pressroom build`'s machinery."""

from __future__ import annotations

import re

import pytest

from tests.site.support import BuiltSite, build_files, links_of

FILES = {
    "content/post/_index.md": "---\ntitle: Posts\n---\nAll the posts.\n",
    "content/post/rich-content.md": """---
title: Rich Content
date: 2019-03-10
aliases: [/post/rich/, old-rich-content]
---
Hugo ships with several built-in shortcodes.
<!--more-->

{{< figure src="/images/press.jpg" caption="The press" >}}

{{< youtube ZJthWmvUzzc >}}

{{< highlight html >}}
<section id="main">{{ .Title }}</section>
{{< /highlight >}}

Read [the launch]({{< ref "2017-2-5-launch-day.md" >}}) and
[the tour]({{< relref "printing-plant-tour.md" >}}).

Docs show `{{< youtube id >}}` and {{</* figure src="x.png" */>}} literally.
""",
    "content/post/rich-content.fr.md": "---\ntitle: Contenu riche\ndate: 2019-03-10\n---\nSalut.\n",
    "_posts/2017-2-5-launch-day.md": "---\nlayout: post\n---\nThe launch went well.\n",
    "_drafts/half-an-idea.md": "---\ntitle: Half an idea\n---\nNot yet.\n",
    "_posts/2018-03-04-liquid-notes.md": """---
title: Liquid notes
redirect_from: /blog/liquid-notes.html
permalink: /notes/liquid/
---
Back to [the launch]({{ site.baseurl }}{% post_url 2017-2-5-launch-day %}) and
[the tour]({% link pelican/printing-plant-tour.md %}).

{% highlight ruby linenos %}
title = "{{ page.title }}"
{% endhighlight %}

```
{% raw %}{{ page.title }} {% post_url 2017-2-5-launch-day %}{% endraw %}
```

{% include note.html %}
""",
    "_includes/note.html": "<aside>A note</aside>\n",
    "pelican/printing-plant-tour.md": """Title: Printing plant tour
Date: 2026-01-05
Tags: printing
Author: Jane Doe

We visited the plant; see [the launch]({filename}/_posts/2017-2-5-launch-day.md),
[all printing posts]({tag}printing), [Jane's posts]({author}Jane Doe), [home]({index}).
""",
}

SYNTAX = ("{{<", "{{%", ">}}", "%}}", "{filename}", "%7Bfilename", "{tag}", "{author}", "{%", "%}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_files(tmp_path_factory.mktemp("migrated"), FILES)


def article_body(html: str) -> str:
    found = re.search(r"<article.*?</article>", html, re.DOTALL)
    assert found is not None
    return found.group()


def test_given_a_migrated_folder_then_articles_publish_but_sections_and_drafts_do_not(
    site: BuiltSite,
):
    assert site.article_paths() == {
        "/articles/rich-content/",
        "/articles/rich-content-fr/",
        "/articles/launch-day/",
        "/articles/printing-plant-tour/",
        "/articles/liquid-notes/",
    }


def test_given_a_jekyll_name_without_zero_padding_then_its_date_and_title(site: BuiltSite):
    html = site.page("/articles/launch-day/")
    assert html is not None
    assert 'datetime="2017-02-05' in html and "Launch Day" in html


def test_given_shortcodes_and_pelican_links_then_no_page_shows_their_syntax(site: BuiltSite):
    for page in site.html_pages():
        body = page.read_text("utf-8")
        outside_code = re.sub(r"<(pre|code)[ >].*?</\1>", "", body, flags=re.DOTALL)
        for syntax in SYNTAX:
            assert syntax not in outside_code, (page, syntax)
    rich = site.page("/articles/rich-content/")
    assert rich is not None
    assert "<code>{{&lt; youtube id &gt;}}</code>" in rich  # docs about Hugo, as written
    assert 'href="https://www.youtube-nocookie.com/embed/ZJthWmvUzzc"' in rich
    assert 'class="language-html"' in rich
    liquid = site.page("/articles/liquid-notes/")
    assert liquid is not None
    assert '<code class="language-ruby">' in liquid and "Liquid notes" in liquid
    assert "{{ page.title }} {% post_url 2017-2-5-launch-day %}" in liquid  # raw, in code


def test_given_ref_and_filename_links_then_every_internal_link_resolves(site: BuiltSite):
    articles = site.article_paths()
    targets = {"/tags/printing/", "/authors/jane-doe/", "/"}
    for path in (
        "/articles/rich-content/",
        "/articles/printing-plant-tour/",
        "/articles/liquid-notes/",
    ):
        html = site.page(path)
        assert html is not None
        links = set(links_of(article_body(html)))
        internal = {link for link in links if link.startswith("/articles/")}
        assert internal and internal <= articles, (path, internal - articles)
    tour = site.page("/articles/printing-plant-tour/")
    assert tour is not None
    assert targets <= set(links_of(article_body(tour)))
    for target in targets - {"/"}:
        assert site.page(target) is not None, target


@pytest.mark.parametrize(
    ("alias", "target"),
    [
        ("/post/rich/", "/articles/rich-content/"),
        ("/content/post/old-rich-content/", "/articles/rich-content/"),
        ("/blog/liquid-notes.html", "/articles/liquid-notes/"),
        ("/notes/liquid/", "/articles/liquid-notes/"),
    ],
)
def test_given_aliases_and_redirect_from_then_they_lead_to_the_article(
    site: BuiltSite, alias: str, target: str
):
    html = site.page(alias)
    assert html is not None, alias
    assert f'http-equiv="refresh" content="0; url={target}"' in html
    assert site.page(target) is not None


def test_given_a_jekyll_include_then_the_uploaded_file_is_rendered_in_place(site: BuiltSite):
    liquid = site.page("/articles/liquid-notes/")
    assert liquid is not None and "<aside>A note</aside>" in liquid


def test_given_a_hugo_translation_then_each_page_has_its_language_and_names_the_other(
    site: BuiltSite,
):
    french, english = site.page("/articles/rich-content-fr/"), site.page("/articles/rich-content/")
    assert french is not None and english is not None
    assert '<html lang="fr"' in french and '<html lang="en"' in english
    assert re.search(r'hreflang="fr" href="[^"]*/articles/rich-content-fr/"', english)
    assert re.search(r'hreflang="en" href="[^"]*/articles/rich-content/"', french)
