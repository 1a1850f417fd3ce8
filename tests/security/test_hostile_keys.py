"""S3 keys are URL-encoded, attacker-chosen strings: whatever an editor (or a forged event)
names a file, nothing is written outside the site's namespaces, and article pages land only
under `articles/<slug>/`."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import quote_plus

import pytest

from pressroom.errors import RejectedFile
from pressroom.paths import source_key_from_event
from tests.security.corpus import HOSTILE_KEY_NAMES
from tests.support import Site

PREFIX = "articles/"
SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# Every object the site bucket may hold: one lower-case, dot-free-segment grammar.
# The search records (`_search/`, private: never served) are the one namespace with a leading _.
SAFE_SITE_KEY = re.compile(
    rf"(?:_search/records/{SLUG}\.json)|"
    r"(?:[a-z0-9][a-z0-9._-]*/)*(?:[a-z0-9][a-z0-9._-]*)?"
)
ARTICLE_KEY = re.compile(rf"articles/{SLUG}/(?:index\.html)?")


def s3_event_key(key: str) -> str:
    """How S3 writes a key into an event notification (form-encoded, `/` kept)."""
    return quote_plus(key, safe="/")


def is_contained(key: str) -> bool:
    segments = key.split("/")
    return (
        key.startswith(PREFIX)
        and all(segment not in ("", ".", "..") for segment in segments)
        and not any(ord(ch) < 32 or ord(ch) == 127 for ch in key)
    )


@pytest.mark.parametrize("name", sorted(HOSTILE_KEY_NAMES))
def test_given_a_hostile_key_in_an_event_when_decoded_then_refused_or_contained(name: str):
    raw = s3_event_key(PREFIX + HOSTILE_KEY_NAMES[name])

    try:
        key = source_key_from_event(raw, PREFIX)
    except RejectedFile:
        return

    assert is_contained(key), key
    assert key == PREFIX + HOSTILE_KEY_NAMES[name]  # decoded exactly once, never re-decoded


@pytest.mark.parametrize(
    "raw",
    [
        "articles/%2e%2e/%2e%2e/site.md",
        "articles/%2E%2E%2Fescape.md",
        "articles/..%2F..%2Fescape.md",
        "articles/a/%2e/b.md",
        "articles/%2fabsolute.md",
        "articles/%00nul.md",
        "articles/%0d%0aheader.md",
        "articles/%7f.md",
        "%2e%2e/articles/x.md",
        "articles/../x.md",
        "articles//x.md",
        "/articles/x.md",
    ],
)
def test_given_encoded_traversal_or_controls_in_an_event_when_decoded_then_refused(raw: str):
    with pytest.raises(RejectedFile):
        source_key_from_event(raw, PREFIX)


def forge_s3_event(site: Site, key: str) -> None:
    """Put a notification for `key` on the ingest queue, exactly as S3 would send it."""
    settings = site.pipeline.settings
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "us-east-1",
        "eventTime": datetime.now(UTC).isoformat(),
        "eventName": "ObjectCreated:Put",
        "s3": {
            "s3SchemaVersion": "1.0",
            "bucket": {
                "name": settings.ingest_bucket,
                "arn": f"arn:aws:s3:::{settings.ingest_bucket}",
            },
            "object": {"key": s3_event_key(key), "size": 10, "sequencer": "0055AED6DCD90281E5"},
        },
    }
    sqs = site.runtime.stack.client("sqs")
    queue_url = site.runtime.stack.refs["IngestQueue"]
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"Records": [record]}))


def test_given_files_with_hostile_names_when_uploaded_then_pages_stay_in_their_namespace(
    site: Site,
):
    settings = site.pipeline.settings
    body = "---\ntitle: Named oddly\n---\n\nThe name is the attack.\n"
    for index, name in enumerate(HOSTILE_KEY_NAMES.values()):
        key = PREFIX + name
        # Titles differ so that slugs from titles do not collide.
        text = body.replace("oddly", f"oddly {index}")
        site.s3.put_object(Bucket=settings.ingest_bucket, Key=key, Body=text.encode())
        forge_s3_event(site, key)  # in case the object store normalised the key it stored
    site.runtime.drain()

    site_keys = site.object_keys()
    ingest_keys = set(site.pipeline.sources.keys(""))

    assert any(ARTICLE_KEY.fullmatch(key) for key in site_keys), "nothing was published"
    assert [key for key in site_keys if not SAFE_SITE_KEY.fullmatch(key)] == []
    assert [
        key for key in site_keys if key.startswith("articles/") and not ARTICLE_KEY.fullmatch(key)
    ] == []
    assert [
        key for key in ingest_keys if not key.startswith((PREFIX, settings.reports_prefix))
    ] == []


def test_given_hostile_slugs_in_front_matter_when_published_then_pages_stay_in_their_namespace(
    site: Site,
):
    slugs = ["../../escape", "/etc/passwd", "..\\..\\win", "%2e%2e%2fx", "a/b/c", "x\x00y", ".."]
    for index, slug in enumerate(slugs):
        site.upload(
            f"slug-{index}.md",
            f"---\ntitle: Slug {index}\nslug: {json.dumps(slug)}\n---\n\nBody.\n",
            drain=False,
        )
    site.runtime.drain()

    article_keys = {key for key in site.object_keys() if key.startswith("articles/")}

    assert article_keys, "nothing was published"
    assert [key for key in article_keys if not ARTICLE_KEY.fullmatch(key)] == []
    assert [key for key in site.object_keys() if not SAFE_SITE_KEY.fullmatch(key)] == []
