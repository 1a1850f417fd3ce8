"""Assets on the embedded backend (issue 17): an article follows the image it shows, whichever
arrives first, through the image's changes and its removal; renditions live one generation."""

from __future__ import annotations

import re

from pressroom.publishing.ingest import SyncRequest, sync_sources
from tests.support import Site, queued
from tests.unit.media.generated import encode, photo

POST = (
    "---\ntitle: Harbour\ndate: 2026-03-01\nimage: harbour.jpg\ntags: [sea]\n---\n\n"
    "Before.\n\n![The harbour](harbour.jpg)\n\nAfter.\n"
)


def _images(page: str) -> list[str]:
    return re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', page.split('<div class="body">')[1])


def test_given_an_article_before_its_image_then_the_image_arriving_is_shown(site: Site):
    site.upload("harbour.md", POST)
    page = site.page("/articles/harbour/")
    assert page is not None and _images(page) == [] and "Before." in page
    assert "harbour.jpg" in (site.report("harbour.md") or "")

    site.upload("harbour.jpg", encode(photo(1200, 800), "JPEG"))

    page = site.page("/articles/harbour/")
    assert page is not None
    [src] = _images(page)
    assert src.startswith("/media/") and src.lstrip("/") in site.object_keys()
    assert 'property="og:image"' in page
    assert site.report("harbour.md") is None
    home = site.page("/") or ""
    assert 'class="lead-image"' in home  # the home page's lead story now shows its cover


def test_given_the_image_replaced_then_deleted_then_the_page_follows_and_files_go(site: Site):
    site.upload("harbour.jpg", encode(photo(1200, 800, "RGB"), "JPEG"))
    site.upload("harbour.md", POST)
    first = _images(site.page("/articles/harbour/") or "")
    assert len(first) == 1

    site.upload("harbour.jpg", encode(photo(1000, 500).rotate(90), "JPEG"))
    second = _images(site.page("/articles/harbour/") or "")
    assert len(second) == 1 and second != first
    keys = site.object_keys()
    assert second[0].lstrip("/") in keys and first[0].lstrip("/") in keys  # one generation kept

    site.upload("harbour.jpg", encode(photo(900, 600), "JPEG"))
    third = _images(site.page("/articles/harbour/") or "")
    keys = site.object_keys()
    assert third[0].lstrip("/") in keys and second[0].lstrip("/") in keys
    assert first[0].lstrip("/") not in keys  # the generation before is deleted

    site.delete("harbour.jpg")
    page = site.page("/articles/harbour/") or ""
    assert _images(page) == [] and "og:image" not in page
    assert not any(key.startswith("media/") for key in site.object_keys())
    assert "harbour.jpg" in (site.report("harbour.md") or "")


def test_given_a_rejected_asset_then_it_is_reported_and_a_fixed_upload_clears_the_report(
    site: Site,
):
    site.upload("photo.jpg", b"<html>not a photo</html>")
    report = site.report("photo.jpg") or ""
    assert "photo.jpg" in report and "HTML" in report.upper()

    site.upload("photo.jpg", encode(photo(300, 200), "JPEG"))
    assert site.report("photo.jpg") is None
    assert any(key.startswith("media/") for key in site.object_keys())


def test_given_too_little_time_left_then_assets_after_the_first_go_to_the_rebuild_queue(
    site: Site,
):
    prefix = site.pipeline.settings.articles_prefix
    for name in ("one.jpg", "two.jpg"):
        site.upload(name, encode(photo(300, 200), "JPEG"), drain=False)
    before = queued(site.runtime, "RebuildQueue")

    results = sync_sources(
        [SyncRequest(prefix + "one.jpg"), SyncRequest(prefix + "two.jpg")],
        site.pipeline,
        remaining_ms=lambda: 0,
    )

    assert [getattr(r, "outcome", r) for r in results] == ["published", "deferred"]
    assert queued(site.runtime, "RebuildQueue") == before + 1
    site.runtime.drain()
    states = site.pipeline.store.get_sources([prefix + "one.jpg", prefix + "two.jpg"])
    assert {state.status for state in states.values()} == {"published"}


def test_given_a_pdf_then_it_is_copied_whole_under_its_content_hash_and_replaced_on_change(
    site: Site,
):
    prefix = site.pipeline.settings.articles_prefix
    first = b"%PDF-1.4\n" + b"x" * 3_000_000 + b"\n%%EOF\n"  # streamed in several chunks
    site.upload("docs/Annual Report.pdf", first)
    site.upload(
        "post.md", "---\ntitle: Post\n---\n\nRead [the report](docs/Annual%20Report.pdf).\n"
    )
    [href] = re.findall(r'href="(/media/[^"]+)"', site.page("/articles/post/") or "")
    assert re.fullmatch(r"/media/[0-9a-f]{10}/annual-report\.[0-9a-f]{12}\.pdf", href)
    assert site.pipeline.site_bucket.get(href.lstrip("/")) == first
    head = site.s3.head_object(Bucket=site.pipeline.settings.site_bucket, Key=href.lstrip("/"))
    assert head["ContentType"] == "application/pdf" and "immutable" in head["CacheControl"]

    site.upload("docs/Annual Report.pdf", b"%PDF-1.4\nsecond\n%%EOF\n")
    [second] = re.findall(r'href="(/media/[^"]+)"', site.page("/articles/post/") or "")
    assert second != href
    assert site.pipeline.site_bucket.get(second.lstrip("/")) == b"%PDF-1.4\nsecond\n%%EOF\n"
    state = site.pipeline.store.get_sources([prefix + "docs/Annual Report.pdf"])
    assert state[prefix + "docs/Annual Report.pdf"].status == "published"


def test_given_an_oversized_video_then_it_is_rejected_without_being_read_whole(
    site: Site, monkeypatch
):
    from dataclasses import dataclass

    from pressroom.adapters import buckets
    from pressroom.media import SizeLimits, formats
    from pressroom.publishing import assets

    @dataclass(frozen=True)
    class Small(SizeLimits):
        video: int = 100_000

    monkeypatch.setattr(formats, "SizeLimits", Small)
    monkeypatch.setattr(assets, "SizeLimits", Small)
    read: list[int] = []
    original = buckets.IngestBucket.inspect

    def counting(self, key, head_bytes, max_bytes):
        found = original(self, key, head_bytes, max_bytes)
        read.append(len(found.head) if found else 0)
        return found

    monkeypatch.setattr(buckets.IngestBucket, "inspect", counting)
    site.upload("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 300_000)

    report = site.report("clip.mp4") or ""
    assert "clip.mp4" in report and "at most" in report
    assert read and max(read) <= 8192
    assert not any(key.endswith(".mp4") for key in site.object_keys())
