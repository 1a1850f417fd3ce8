"""Golden output of Pelican's intra-site links (issue 18) in Markdown links and images, raw
HTML `href`/`src`, and HTML articles."""

from __future__ import annotations

import pytest

from tests.unit.readers.support import read

LINKS: dict[str, tuple[str, str]] = {
    "filename-absolute": ("[x]({filename}/posts/other.md)", "/articles/other/"),
    "filename-relative": ("[x]({filename}other.md)", "/articles/other/"),
    "filename-jekyll-name": ("[x]({filename}../2017-2-5-launch.md)", "/articles/launch/"),
    "filename-anchor": ("[x]({filename}/other.md#part-2)", "/articles/other/#part-2"),
    "filename-old-syntax": ("[x](|filename|other.md)", "/articles/other/"),
    "filename-not-an-article": ("[x]({filename}/images/a.pdf)", "/images/a.pdf"),
    "static": ("[x]({static}/files/report.pdf)", "/files/report.pdf"),
    "attach": ("[x]({attach}report.pdf)", "/report.pdf"),
    "static-with-a-space": (
        "[x](<{static}/files/annual report.pdf>)",
        "/files/annual%20report.pdf",
    ),
    "tag": ("[x]({tag}elon-musk)", "/tags/elon-musk/"),
    "tag-with-spaces": ("[x]({tag}Elon Musk)", "/tags/elon-musk/"),
    "author": ("[x]({author}Jane Doe)", "/authors/jane-doe/"),
    "category": ("[x]({category}Space Flight)", "/categories/space-flight/"),
    "index": ("[x]({index})", "/"),
    "old-syntax-tag": ("[x](|tag|python)", "/tags/python/"),
}


@pytest.mark.parametrize("case", LINKS, ids=list(LINKS))
def test_given_a_pelican_link_in_markdown_when_read_then_it_is_the_site_url(case: str) -> None:
    link, url = LINKS[case]
    article = read("articles/links.md", f"Title: T\n\n{link}\n")
    assert article.body_html == f'<p><a href="{url}">x</a></p>\n'
    assert article.warnings == ()


def test_given_pelican_links_in_images_and_raw_html_when_read_then_resolved() -> None:
    article = read(
        "articles/links.md",
        "Title: T\n\n![pic]({static}/images/a.png)\n\n"
        '<p><a href=\'{filename}/other.md\'>o</a> <img src="{attach}b.png" alt="b"></p>\n',
    )
    assert article.body_html == (
        '<p><img src="/images/a.png" alt="pic"></p>\n'
        '<p><a href="/articles/other/">o</a> <img src="/b.png" alt="b"></p>\n'
    )


def test_given_a_pelican_link_in_an_html_article_when_read_then_resolved() -> None:
    article = read(
        "articles/links.html",
        "<html><head><title>T</title></head><body>"
        '<p><a href="{filename}/other.md">o</a> <a href="{tag}news">n</a></p></body></html>',
    )
    assert article.body_html == (
        '<p><a href="/articles/other/">o</a> <a href="/tags/news/">n</a></p>'
    )


def test_given_a_pelican_link_in_code_when_read_then_it_stays_literal() -> None:
    article = read("articles/links.md", "Title: T\n\nWrite `[x]({filename}/other.md)`.\n")
    assert article.body_html == "<p>Write <code>[x]({filename}/other.md)</code>.</p>\n"


def test_given_a_pelican_link_to_nothing_when_read_then_a_warning_and_no_url() -> None:
    article = read("articles/links.md", "Title: T\n\n[x]({tag}---)\n")
    assert article.body_html == '<p><a href="#">x</a></p>\n'
    assert article.warnings == ("The Pelican link `{tag}---` leads nowhere.",)


def test_given_a_path_escaping_upwards_when_read_then_it_stays_on_the_site() -> None:
    article = read("articles/links.md", "Title: T\n\n[x]({static}../../../etc/passwd)\n")
    assert article.body_html == '<p><a href="/etc/passwd">x</a></p>\n'
