"""The ingest and site buckets, on moto and in memory: current objects, truncated reads,
versions with delete markers, reports, key listings, and the notifications uploads send."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event

from tests.contract.conftest import Backend


def test_given_an_upload_when_read_then_body_and_upload_time_come_back(backend: Backend):
    key = f"articles/{backend.token}/post.md"
    before = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    backend.put_source(key, b"0123456789")

    found = backend.pipeline.sources.read(key, 100)
    cut = backend.pipeline.sources.read(key, 3)

    assert found is not None and found.key == key and found.body == b"0123456789"
    assert found.uploaded.tzinfo is not None and found.uploaded >= before
    assert cut is not None and cut.body == b"0123"  # max_bytes + 1: too large is detectable


def test_given_an_empty_or_absent_object_when_read_then_empty_or_none(backend: Backend):
    key = f"articles/{backend.token}/empty.md"
    backend.put_source(key, b"")

    empty = backend.pipeline.sources.read(key, 10)

    assert empty is not None and empty.body == b""
    assert backend.pipeline.sources.read(f"articles/{backend.token}/none.md", 10) is None


def test_given_a_delete_when_read_then_gone_and_its_marker_dates_it(backend: Backend):
    sources = backend.pipeline.sources
    key = f"articles/{backend.token}/gone.md"
    sibling = key + ".bak"
    backend.put_source(key, b"v1")
    backend.put_source(sibling, b"other")
    uploaded = sources.read(key, 10).uploaded  # type: ignore[union-attr]

    backend.delete_source(key)

    assert sources.read(key, 10) is None
    assert sources.deleted_since(key, uploaded) is True
    assert sources.deleted_since(key, datetime.now(UTC) + timedelta(hours=1)) is False
    assert sources.deleted_since(sibling, uploaded) is False  # a key, not a prefix
    assert sources.deleted_since(f"articles/{backend.token}/never.md", uploaded) is False
    backend.put_source(key, b"v2")  # a re-upload: current again, the marker stays
    assert sources.read(key, 10).body == b"v2"  # type: ignore[union-attr]
    assert sources.deleted_since(key, uploaded) is True


def test_given_objects_and_reports_when_listed_then_current_keys_in_order(backend: Backend):
    sources = backend.pipeline.sources
    prefix = f"articles/{backend.token}/"
    for name in ("b.md", "a.md", "c/d.md", "é.md", "Z.md"):
        backend.put_source(prefix + name, b"x")
    backend.delete_source(prefix + "c/d.md")

    assert list(sources.keys(prefix)) == [prefix + n for n in ("Z.md", "a.md", "b.md", "é.md")]

    sources.put_report(prefix + "a.md", "a.md: rejected because ✗\n")
    report = sources.report_key(prefix + "a.md")
    assert report.startswith(backend.settings.reports_prefix) and report.endswith(".txt")
    assert list(sources.keys(sources.report_key(prefix)[: -len(".txt")])) == [report]
    assert sources.read(report, 1000).body.decode() == "a.md: rejected because ✗\n"  # type: ignore[union-attr]
    sources.delete_report(prefix + "a.md")
    sources.delete_report(prefix + "never.md")  # no error
    assert sources.read(report, 1000) is None


def test_given_uploads_and_deletes_under_the_articles_prefix_then_ingest_is_notified(
    backend: Backend,
):
    key = f"articles/{backend.token}/a post+1.md"
    backend.put_source(key, b"hello")
    backend.delete_source(key)
    backend.pipeline.sources.put_report(key, "not an article")  # reports notify nothing

    events = [S3Event(json.loads(body)) for body in backend.messages("ingest")]

    records = [record for event in events for record in event.records]
    assert [r.event_name.split(":")[0] for r in records] == ["ObjectCreated", "ObjectRemoved"]
    assert all(r.s3.bucket.name == backend.settings.ingest_bucket for r in records)
    assert all(unquote_plus(r.s3.get_object.key) == key for r in records)


def test_given_site_objects_when_written_then_read_listed_and_deleted(backend: Backend):
    site = backend.pipeline.site_bucket
    prefix = f"{backend.token}/"
    site.put(prefix + "b/index.html", b"<p>b</p>", "text/html; charset=utf-8", "max-age=60")
    site.put(prefix + "a.xml", b"<a/>", "application/xml", "max-age=60")
    site.put(prefix + "a.xml", b"<a2/>", "application/xml", "max-age=60")

    assert site.get(prefix + "a.xml") == b"<a2/>"
    assert site.get(prefix + "none") is None
    assert list(site.keys(prefix)) == [prefix + "a.xml", prefix + "b/index.html"]
    site.delete(prefix + "a.xml")
    site.delete(prefix + "a.xml")  # idempotent
    assert list(site.keys(prefix)) == [prefix + "b/index.html"]


def test_given_site_objects_then_their_tags_are_listed_and_change_only_with_their_bytes(
    backend: Backend,
):
    site = backend.pipeline.site_bucket
    prefix = f"_search/{backend.token}/"
    site.put(prefix + "b.json", b"two", "application/json", "private")
    site.put(prefix + "a.json", b"one", "application/json", "private")
    site.put(f"_search/{backend.token}x.json", b"outside", "application/json", "private")

    first = dict(site.etags(prefix))
    site.put(prefix + "a.json", b"one", "application/json", "private")  # the same bytes
    site.put(prefix + "b.json", b"TWO", "application/json", "private")
    site.delete(prefix + "c.json")
    second = list(site.etags(prefix))

    assert list(first) == [prefix + "a.json", prefix + "b.json"]
    assert [key for key, _ in second] == list(first)
    assert dict(second)[prefix + "a.json"] == first[prefix + "a.json"]
    assert dict(second)[prefix + "b.json"] != first[prefix + "b.json"]
    assert all(tag and '"' not in tag for _, tag in second)


def test_given_an_upload_when_inspected_then_digest_head_size_and_its_version_is_copied(
    backend: Backend,
):
    # Assets (issue 17): documents and media are streamed, not held, and copied inside S3.
    import hashlib

    key = f"articles/{backend.token}/doc.pdf"
    backend.put_source(key, b"%PDF-1.4 first")
    sources, site = backend.pipeline.sources, backend.pipeline.site_bucket

    found = sources.inspect(key, 4, 100)
    backend.put_source(key, b"%PDF-1.4 second")  # a newer version arrives meanwhile
    site.copy_from(found, sources.name, f"{backend.token}/doc.pdf", "application/pdf", "x")
    too_large = sources.inspect(key, 4, 5)

    assert found is not None and found.head == b"%PDF" and found.size == 14
    assert found.digest == hashlib.sha256(b"%PDF-1.4 first").hexdigest()
    assert site.get(f"{backend.token}/doc.pdf") == b"%PDF-1.4 first"  # the version inspected
    assert too_large is not None and too_large.digest.startswith("etag:")
    assert too_large.head == b"%PDF" and too_large.size == 15
    assert sources.inspect(f"articles/{backend.token}/none.pdf", 4, 100) is None
