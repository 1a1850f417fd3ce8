"""The ingest domain function on each backend, from an upload's notification to the article's
page, and back out on a delete: the ports' semantics as the pipeline uses them together."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.data_classes import S3Event

from pressroom.paths import article_path, page_key
from pressroom.publishing.ingest import ingest_notifications
from tests.contract.conftest import Backend

POST = b"---\ntitle: Contract Post\ndate: 2024-03-01\ntags: [Orbits]\n---\nBody text.\n"


def ingest(backend: Backend) -> list[str]:
    """Hand the ingest queue's notifications to the domain function; the outcomes."""
    events = [(S3Event(json.loads(body)), "corr") for body in backend.messages("ingest")]
    results = ingest_notifications(events, backend.pipeline)
    assert not [r for r in results if isinstance(r, Exception)]
    return [sync.outcome for found in results if isinstance(found, list) for sync in found]


def test_given_an_upload_when_ingested_then_published_and_a_delete_unpublishes(
    backend: Backend,
):
    p = backend.pipeline
    key = f"{p.settings.articles_prefix}{backend.token}/2024-03-01-contract-post.md"
    backend.put_source(key, POST)

    assert ingest(backend) == ["published"]

    state = p.store.get_sources([key])[key]
    assert state.status == "published" and state.synced_rev == state.rev
    page = p.site_bucket.get(page_key(article_path(state.slug)))
    assert page is not None and b"Contract Post" in page
    assert p.store.get_article(state.slug) is not None

    # WHEN the file is deleted
    backend.delete_source(key)

    assert ingest(backend) == ["deleted"]
    assert p.store.get_article(state.slug) is None
    assert p.site_bucket.get(page_key(article_path(state.slug))) is None
    assert ingest(backend) == []  # nothing left: each notification was handled once
