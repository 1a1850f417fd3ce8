"""Article references to uploaded assets (`publishing.asset_refs`), pure: resolution against the
article's key and the upload root, responsive rewriting, figures, warnings, covers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from pressroom.model import Article
from pressroom.publishing.asset_refs import (
    AssetRecord,
    StoredFile,
    bundle_covers,
    is_asset_key,
    media_key,
    references,
    resolve,
    resolve_article,
    rewrite,
)

PREFIX = "articles/"
KEY = "articles/2026/harbour/index.md"


def image(name: str) -> AssetRecord:
    files = []
    for width, height in ((480, 320), (960, 640)):
        for role, ext, media_type in (
            ("webp", "webp", "image/webp"),
            ("fallback", "jpg", "image/jpeg"),
        ):
            files.append(
                StoredFile(
                    f"media/x/{name}-{width}.abcdef123456.{ext}",
                    role,
                    width,
                    height,
                    media_type,
                    width * 10,
                )
            )
    files.append(StoredFile(f"media/x/{name}-og.abcdef123456.jpg", "og", 960, 640, "image/jpeg"))
    return AssetRecord("image/jpeg", "image", tuple(files))


PDF = AssetRecord(
    "application/pdf", "document", (StoredFile("media/y/report.0123456789ab.pdf", "file"),)
)


@pytest.mark.parametrize(
    ("ref", "keys"),
    [
        ("quay.jpg", ("articles/2026/harbour/quay.jpg",)),
        ("./img/quay.JPG?v=2#x", ("articles/2026/harbour/img/quay.JPG",)),
        ("../shared/map.png", ("articles/2026/shared/map.png",)),
        ("/assets/img/x.png", ("articles/assets/img/x.png", "articles/static/assets/img/x.png")),
        ("Harbour%20view.webp", ("articles/2026/harbour/Harbour view.webp",)),
        ("../../../../etc/passwd.png", ()),  # above the upload root: no upload
        ("https://example.com/x.jpg", ()),
        ("//cdn.example/x.jpg", ()),
        ("other-post/", ()),
        ("notes.md", ()),
        ("#section", ()),
    ],
)
def test_given_a_reference_then_it_resolves_to_the_uploads_it_may_name(ref, keys):
    assert resolve(ref, KEY, PREFIX) == keys


def test_given_asset_and_article_keys_then_only_asset_formats_are_assets():
    assert is_asset_key("articles/a/b.JPG") and is_asset_key("articles/doc.pdf")
    assert not is_asset_key("articles/post.md") and not is_asset_key("articles/.jpg")


def test_given_two_uploads_with_the_same_name_then_their_files_never_share_a_key():
    assert media_key("articles/a/cover.jpg", "c.1.jpg") != media_key(
        "articles/b/cover.jpg", "c.1.jpg"
    )


def test_given_a_record_then_it_round_trips_through_json():
    record = image("quay")
    assert AssetRecord.from_json(record.to_json()) == record
    assert AssetRecord.from_json("") is None


def test_given_a_lone_titled_image_then_a_figure_with_a_responsive_picture():
    body = '<p><img src="quay.jpg" alt="Boats" title="The quay"></p><p>Text.</p>'
    out = rewrite(body, KEY, PREFIX, {"articles/2026/harbour/quay.jpg": image("quay")})
    assert out.body_html.startswith('<figure><picture><source type="image/webp"')
    assert (
        'srcset="/media/x/quay-480.abcdef123456.jpg 480w, /media/x/quay-960.abcdef123456.jpg 960w"'
        in out.body_html
    )
    assert 'width="960" height="640" alt="Boats">' in out.body_html  # the lead image: not lazy
    assert "<figcaption>The quay</figcaption></figure><p>Text.</p>" in out.body_html
    assert out.warnings == []


def test_given_later_images_then_they_are_lazy_and_missing_alt_is_a_warning():
    body = '<p>a <img src="quay.jpg" alt="A"> b <img src="quay.jpg"></p>'
    out = rewrite(body, KEY, PREFIX, {"articles/2026/harbour/quay.jpg": image("quay")})
    first, second = out.body_html.split("<img")[1:]
    assert 'loading="lazy"' not in first and 'loading="lazy"' in second
    [warning] = out.warnings
    assert "quay.jpg" in warning and "alt text" in warning


def test_given_missing_assets_then_they_are_left_out_with_warnings_and_links_keep_text():
    body = '<p><img src="gone.jpg" alt="x"></p><p>See <a href="/docs/r.pdf">the report</a>.</p>'
    out = rewrite(body, KEY, PREFIX, {})
    assert out.body_html == "<p>See the report.</p>"
    assert len(out.warnings) == 2 and "gone.jpg" in out.warnings[0] and "r.pdf" in out.warnings[1]


def test_given_document_media_and_external_links_then_only_uploads_are_rewritten():
    body = (
        '<p><a href="/docs/r.pdf">r</a> <a href="https://e.example/r.pdf">e</a></p>'
        '<video controls=""><source src="clip.mp4" type="video/mp4"></video>'
    )
    records = {
        "articles/docs/r.pdf": PDF,
        "articles/2026/harbour/clip.mp4": AssetRecord(
            "video/mp4", "video", (StoredFile("media/z/clip.0123456789ab.mp4", "file"),)
        ),
    }
    out = rewrite(body, KEY, PREFIX, records)
    assert '<a href="/media/y/report.0123456789ab.pdf">r</a>' in out.body_html
    assert '<a href="https://e.example/r.pdf">e</a>' in out.body_html
    assert '<source src="/media/z/clip.0123456789ab.mp4" type="video/mp4">' in out.body_html
    assert references(body, KEY, PREFIX) == (
        "articles/docs/r.pdf",
        "articles/static/docs/r.pdf",
        "articles/2026/harbour/clip.mp4",
    )


def test_given_a_bundle_then_its_cover_candidates_are_beside_its_index():
    covers = bundle_covers(KEY)
    assert (
        "articles/2026/harbour/cover.jpg" in covers
        and "articles/2026/harbour/featured.png" in covers
    )
    assert bundle_covers("articles/post.md") == ()


def _article(body: str, cover_ref: str = "", **more: Any) -> Article:
    return Article(
        source_key=KEY,
        slug="harbour",
        title="Harbour",
        body_html=body,
        summary="",
        published=datetime(2026, 1, 1, tzinfo=UTC),
        cover_ref=cover_ref,
        **more,
    )


def test_given_a_front_matter_cover_then_og_image_thumbnail_and_dependencies():
    records = {"articles/assets/c.jpg": image("c")}
    article = resolve_article(
        _article("<p>x</p>", "/assets/c.jpg"), lambda keys: records, PREFIX, "https://s.example"
    )
    assert article.cover is not None
    assert article.cover.og_image == "https://s.example/media/x/c-og.abcdef123456.jpg"
    assert article.cover.thumbnail == "/media/x/c-480.abcdef123456.jpg"
    assert article.depends_on == ("articles/assets/c.jpg", "articles/static/assets/c.jpg")
    assert article.warnings == ()


def test_given_a_missing_cover_then_no_cover_a_warning_and_still_a_dependency():
    article = resolve_article(_article("<p>x</p>", "c.jpg"), lambda keys: {}, PREFIX, "")
    assert article.cover is None
    assert "c.jpg" in article.warnings[0]
    assert article.depends_on == ("articles/2026/harbour/c.jpg",)


def test_given_a_bundle_cover_then_it_is_the_cover_and_every_candidate_is_a_dependency():
    records = {"articles/2026/harbour/featured.webp": image("f")}
    article = resolve_article(_article("<p>x</p>"), lambda keys: records, PREFIX, "")
    assert article.cover is not None and article.warnings == ()
    assert set(bundle_covers(KEY)) == set(article.depends_on)


def test_given_further_front_matter_images_then_found_ones_are_shown_and_missing_reported():
    # GIVEN a cover, and further images of which one is uploaded and one is not
    records = {"articles/2026/harbour/c.jpg": image("c"), "articles/2026/harbour/d.jpg": image("d")}
    article = _article("<p>x</p>", "c.jpg", image_refs=("d.jpg", "gone.jpg"))

    # WHEN resolved
    resolved = resolve_article(article, lambda keys: records, PREFIX, "https://s.example")

    # THEN the uploaded one is a further image (its og:image absolute), the other a warning, and
    # the article depends on both (so it is re-rendered when the missing one arrives)
    assert [p.og_image for p in resolved.images] == [
        "https://s.example/media/x/d-og.abcdef123456.jpg"
    ]
    assert len(resolved.warnings) == 1 and "`gone.jpg` of `images`" in resolved.warnings[0]
    assert {"articles/2026/harbour/d.jpg", "articles/2026/harbour/gone.jpg"} <= set(
        resolved.depends_on
    )


def test_given_a_cover_alt_then_the_cover_carries_it_and_its_thumbnails_size_and_type():
    records = {"articles/2026/harbour/c.jpg": image("c")}
    article = _article("<p>x</p>", "c.jpg", cover_alt="Boats at the quay")

    resolved = resolve_article(article, lambda keys: records, PREFIX, "")

    assert resolved.cover is not None and resolved.cover.alt == "Boats at the quay"
    assert resolved.cover.thumbnail == "/media/x/c-480.abcdef123456.jpg"
    assert (resolved.cover.thumbnail_bytes, resolved.cover.thumbnail_type) == (4800, "image/jpeg")


def test_given_a_record_with_a_fingerprint_and_sizes_then_both_round_trip_and_old_ones_read():
    record = AssetRecord(
        "image/png",
        "image",
        (StoredFile("media/x/a.png", "fallback", 4, 3, "image/png", 99),),
        fingerprint="f00d",
    )
    assert AssetRecord.from_json(record.to_json()) == record
    old = (
        '{"t":"image/png","k":"image",'
        '"f":[["media/x/a.png","fallback",4,3,"image/png"]],"p":[],"d":[]}'
    )
    assert AssetRecord.from_json(old) == AssetRecord(
        "image/png", "image", (StoredFile("media/x/a.png", "fallback", 4, 3, "image/png", 0),)
    )
