"""Bad input gets a clear report, nothing live is damaged, and fixing the file clears it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pressroom.adapters.aws import session
from pressroom.adapters.buckets import IngestBucket
from pressroom.errors import TransientError
from tests.support import Site, ingest_calls

GOOD = "---\ntitle: Budget vote\ntags: [council]\n---\nThe council voted.\n"
BROKEN = "---\ntitle: [unclosed\n---\nThe council voted.\n"


def test_given_live_article_when_broken_version_uploaded_then_page_stays_and_report_names_it(
    site: Site,
):
    site.upload("budget-vote.md", GOOD)
    live = site.page("/articles/budget-vote/")

    site.upload("budget-vote.md", BROKEN)

    assert site.page("/articles/budget-vote/") == live
    report = site.report("budget-vote.md")
    assert report is not None
    assert "articles/budget-vote.md" in report and "How to fix" in report
    key = "articles/budget-vote.md"
    state = site.pipeline.store.get_sources([key])[key]
    assert state.status == "rejected" and state.reason and state.slug == "budget-vote"


def test_given_a_deleted_article_when_a_broken_file_replaces_it_unseen_then_the_delete_holds(
    site: Site,
):
    # GIVEN a live article whose file is deleted, then replaced by a broken file, the two
    # notifications delivered together (so the delete is never seen on its own)
    site.upload("budget-vote.md", GOOD)
    site.delete("budget-vote.md", drain=False)
    site.upload("budget-vote.md", BROKEN, drain=False)

    # WHEN they are synced
    site.runtime.drain()

    # THEN the broken file is reported, and the deleted article does not stay on the site
    assert site.report("budget-vote.md") is not None
    assert site.page("/articles/budget-vote/") is None
    assert "/articles/budget-vote/" not in (site.page("/tags/council/") or "")
    key = "articles/budget-vote.md"
    state = site.pipeline.store.get_sources([key])[key]
    assert state.status == "rejected" and state.slug == "" and state.retired_slug == "budget-vote"


def test_given_a_live_article_then_only_a_rejected_upload_reads_the_keys_delete_history(
    site: Site,
):
    calls = ingest_calls(site)
    site.upload("budget-vote.md", GOOD)

    site.upload("budget-vote.md", GOOD.replace("voted", "voted again"))  # an update
    updated = calls["ListObjectVersions"]
    site.upload("budget-vote.md", BROKEN)  # a rejection over the live article

    assert updated == 0 and calls["ListObjectVersions"] == 1


def test_given_a_rejected_file_when_it_is_fixed_then_it_publishes_and_the_report_goes(site: Site):
    site.upload("budget-vote.md", BROKEN)
    assert site.report("budget-vote.md") is not None
    assert site.page("/articles/budget-vote/") is None

    site.upload("budget-vote.md", GOOD)

    assert site.report("budget-vote.md") is None
    assert site.page("/articles/budget-vote/") is not None


def test_given_two_files_claiming_one_slug_then_the_second_is_rejected_and_the_first_stays(
    site: Site,
):
    site.upload("first.md", "---\ntitle: One\nslug: shared\n---\nFirst.\n")
    site.upload("second.md", "---\ntitle: Two\nslug: shared\n---\nSecond.\n")

    page = site.page("/articles/shared/")
    assert page is not None and "First." in page
    report = site.report("second.md")
    assert report is not None and "articles/first.md" in report


def test_given_a_live_article_when_it_becomes_a_draft_then_it_is_unpublished_everywhere(
    site: Site,
):
    site.upload("budget-vote.md", GOOD)

    site.upload("budget-vote.md", GOOD.replace("tags:", "draft: true\ntags:"))

    assert site.page("/articles/budget-vote/") is None
    assert site.page("/tags/council/") is None
    assert "budget-vote" not in (site.page("/") or "")


def test_given_a_renamed_slug_then_the_old_page_redirects_and_the_new_one_is_listed(site: Site):
    site.upload("budget-vote.md", GOOD)

    site.upload("budget-vote.md", GOOD.replace("tags:", "slug: council-budget\ntags:"))

    old_page = site.page("/articles/budget-vote/")
    assert old_page is not None and 'content="0; url=/articles/council-budget/"' in old_page
    assert site.page("/articles/council-budget/") is not None
    tag_page = site.page("/tags/council/")
    assert tag_page is not None and "/articles/council-budget/" in tag_page
    assert "/articles/budget-vote/" not in tag_page


def test_given_a_fix_whose_sync_stopped_before_clearing_the_report_then_the_retry_clears_it(
    site: Site, monkeypatch: pytest.MonkeyPatch
):
    """A valid publish skips the report deletion when no report can exist; a report left by
    an unfinished sync (the state's synced revision lags) is still cleared by the retry."""
    site.upload("budget-vote.md", BROKEN)
    deletions: list[str] = []
    clear = IngestBucket.delete_report

    def stop_once(bucket: IngestBucket, key: str) -> None:
        deletions.append(key)
        if len(deletions) == 1:
            raise TransientError("the worker stopped here")
        clear(bucket, key)

    monkeypatch.setattr(IngestBucket, "delete_report", stop_once)

    site.upload("budget-vote.md", GOOD)

    assert deletions == ["articles/budget-vote.md"] * 2
    assert site.report("budget-vote.md") is None
    site.upload("other.md", GOOD.replace("Budget vote", "Other story"))
    assert len(deletions) == 2  # a first publish has no report to clear


def test_given_an_article_dynamodb_cannot_store_then_it_is_rejected_not_retried(site: Site):
    # GIVEN a live article, and DynamoDB refusing its next version's transaction as too large
    # (the readers cap every field, so only the limit itself is faked here; clients copy the
    # session's hooks when they are made, so the hook is there before the first upload)
    refusing = [False]

    def too_large(params: dict[str, Any], **_: Any) -> None:
        if refusing[0] and any("ART#" in str(action) for action in params["TransactItems"][1:]):
            message = "Item size has exceeded the maximum allowed size"
            error = {"Error": {"Code": "ValidationException", "Message": message}}
            raise ClientError(error, "TransactWriteItems")  # type: ignore[arg-type]

    events = session().get_component("event_emitter")
    events.register("before-parameter-build.dynamodb.TransactWriteItems", too_large)
    try:
        site.upload("budget-vote.md", GOOD)
        live = site.page("/articles/budget-vote/")
        refusing[0] = True
        # WHEN the new version is uploaded
        site.upload("budget-vote.md", GOOD.replace("voted", "voted again"))
    finally:
        events.unregister("before-parameter-build.dynamodb.TransactWriteItems", too_large)

    # THEN the upload is rejected with a report naming the reason, nothing waits for a retry or
    # in a dead-letter queue, and the live version stays up
    report = site.report("budget-vote.md")
    assert report is not None and "too large to index" in report
    assert site.runtime.failures == 0
    assert site.page("/articles/budget-vote/") == live
