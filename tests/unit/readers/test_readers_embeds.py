"""Media and embeds in article bodies (issue 17): `<video>`/`<audio>` kept, `<iframe>` kept only
from YouTube's privacy-enhanced domain and Vimeo (sandboxed, lazy, no referrer), and whatever
the sanitiser removes is named in a warning."""

from __future__ import annotations

import pytest

from pressroom.model import Article
from tests.unit.readers import support


def read(body: str) -> Article:
    return support.read("articles/embeds.md", f"---\ntitle: Embeds\n---\n\n{body}\n")


@pytest.mark.parametrize(
    "url",
    ["https://www.youtube-nocookie.com/embed/abc123", "https://player.vimeo.com/video/42"],
)
def test_given_an_allowed_embed_then_it_is_kept_sandboxed_and_nothing_is_reported(url):
    article = read(f'<iframe src="{url}" title="A film" allowfullscreen></iframe>')
    assert f'src="{url}"' in article.body_html
    assert 'sandbox="' in article.body_html and 'loading="lazy"' in article.body_html
    assert 'referrerpolicy="no-referrer"' in article.body_html
    assert article.warnings == ()


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/embed/abc123",  # not the privacy-enhanced domain
        "http://player.vimeo.com/video/42",  # not HTTPS
        "https://evil.example/embed/x",
        "javascript:alert(1)",
    ],
)
def test_given_another_iframe_then_it_is_removed_and_named_in_a_warning(url):
    article = read(f'Text.\n\n<iframe src="{url}"></iframe>\n')
    assert "<iframe" not in article.body_html
    [warning] = article.warnings
    assert "an embed from" in warning


def test_given_video_and_audio_then_they_are_kept_with_their_controls():
    article = read(
        '<video controls poster="still.jpg"><source src="clip.mp4" type="video/mp4"></video>\n\n'
        '<audio controls src="talk.mp3"></audio>\n'
    )
    assert '<video controls="" poster="still.jpg"><source src="clip.mp4" type="video/mp4">' in (
        article.body_html
    )
    assert '<audio controls="" src="talk.mp3"></audio>' in article.body_html
    assert article.warnings == ()


def test_given_scripts_and_forms_then_the_warning_names_and_counts_them():
    article = read('<script>a()</script><script>b()</script><form><input name="q"></form>Hi')
    [warning] = article.warnings
    assert "<script> (2×)" in warning and "<form>" in warning and "<input>" in warning
