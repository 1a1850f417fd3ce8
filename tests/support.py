"""Test helpers that act like an editor (upload, delete) and a reader (fetch pages)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pressroom.adapters.aws import session
from pressroom.local.runtime import LocalRuntime, QueuePump
from pressroom.paths import is_private, page_key, public_path
from pressroom.pipeline import Pipeline


@dataclass
class Site:
    runtime: LocalRuntime
    pipeline: Pipeline

    @property
    def s3(self) -> Any:
        return self.runtime.stack.client("s3")

    def upload(self, name: str, body: str | bytes, drain: bool = True) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        key = self.pipeline.settings.articles_prefix + name
        self.s3.put_object(Bucket=self.pipeline.settings.ingest_bucket, Key=key, Body=data)
        if drain:
            self.runtime.drain()

    def delete(self, name: str, drain: bool = True) -> None:
        key = self.pipeline.settings.articles_prefix + name
        self.s3.delete_object(Bucket=self.pipeline.settings.ingest_bucket, Key=key)
        if drain:
            self.runtime.drain()

    def page(self, path: str) -> str | None:
        """The bytes a reader gets for a public path, or None when there is no such object."""
        body = self.pipeline.site_bucket.get(page_key(path))
        return None if body is None else body.decode("utf-8")

    def object_keys(self) -> set[str]:
        return set(self.pipeline.site_bucket.keys())

    def report(self, name: str) -> str | None:
        key = self.pipeline.sources.report_key(self.pipeline.settings.articles_prefix + name)
        try:
            body = self.s3.get_object(Bucket=self.pipeline.settings.ingest_bucket, Key=key)
        except self.s3.exceptions.NoSuchKey:
            return None
        return body["Body"].read().decode("utf-8")

    def table_items(self) -> list[dict[str, Any]]:
        dynamodb = self.runtime.stack.client("dynamodb")
        paginator = dynamodb.get_paginator("scan")
        return [
            item
            for page in paginator.paginate(TableName=self.pipeline.settings.content_table)
            for item in page["Items"]
        ]

    def etags(self) -> dict[str, str]:
        """Every object of the site bucket with its ETag (the identity of its bytes)."""
        paginator = self.s3.get_paginator("list_objects_v2")
        return {
            item["Key"]: item["ETag"]
            for page in paginator.paginate(Bucket=self.pipeline.settings.site_bucket)
            for item in page.get("Contents", [])
            if not is_private(item["Key"])  # the search records: never served
        }

    def changed_during(self, action: Callable[[], None]) -> list[str]:
        """The sorted public paths whose object in the site bucket was added, rewritten with
        other bytes or removed while `action` ran (and the pipeline drained): what a publish
        rewrites, whether or not the cache policy invalidates it."""
        before = self.etags()
        action()
        self.runtime.drain()
        return changed_paths(before, self.etags())

    def effects_during(self, action: Callable[[], None]) -> tuple[list[str], list[str]]:
        """`changed_during(action)` and the paths invalidated meanwhile: what a publish
        rewrote, and what of it the cache policy paid to evict."""
        calls = len(self.invalidated_paths())
        changed = self.changed_during(action)
        invalidated = {path for batch in self.invalidated_paths()[calls:] for path in batch}
        return changed, sorted(invalidated)

    def invalidated_during(self, action: Callable[[], None]) -> list[str]:
        """The sorted set of paths invalidated while `action` ran (and the pipeline drained)."""
        before = len(self.invalidated_paths())
        action()
        self.runtime.drain()
        return sorted({path for batch in self.invalidated_paths()[before:] for path in batch})

    def invalidated_paths(self) -> list[list[str]]:
        """Each CloudFront invalidation created so far, oldest first (moto lists them in
        creation order), as its list of paths."""
        cloudfront = self.runtime.stack.client("cloudfront")
        distribution = self.pipeline.settings.distribution_id
        listing = cloudfront.list_invalidations(DistributionId=distribution)
        summaries = listing.get("InvalidationList", {}).get("Items", [])
        batches = []
        for summary in summaries:
            detail = cloudfront.get_invalidation(DistributionId=distribution, Id=summary["Id"])
            batches.append(detail["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", []))
        return batches


def changed_paths(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The sorted public paths of the keys whose ETag differs between two `Site.etags()`."""
    keys = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    return sorted(public_path(key) for key in keys)


def ingest_calls(site: Site) -> Counter[str]:
    """The AWS calls the ingest function makes, by operation (clients copy the session's hooks
    when they are made, so call this before the first upload)."""
    [pump] = [
        p
        for p in site.runtime.pumps
        if isinstance(p, QueuePump) and p.source.queue == "IngestQueue"
    ]
    handle, inside, counts = pump._handler, [False], Counter[str]()

    def ingest(event: dict[str, Any], context: Any) -> Any:
        inside[0] = True
        try:
            return handle(event, context)
        finally:
            inside[0] = False

    def count(model: Any, **_: Any) -> None:
        if inside[0]:
            counts[model.name] += 1

    pump._handler = ingest
    session().get_component("event_emitter").register("before-call", count)
    return counts


_CARD = re.compile(r'<h2><a href="/articles/([^/]+)/">.*?<time datetime="([^"]+)"', re.DOTALL)
_NEXT = re.compile(r'<link rel="next" href="https://news\.example(/[^"]*)">')


def walk(site: Callable[[str], str | None], root: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each page a reader reaches from `root` by rel=next links, with its cards (slug, date)."""
    pages: list[tuple[str, list[tuple[str, str]]]] = []
    path: str | None = root
    while path is not None:
        assert path not in [seen for seen, _ in pages], f"{path}: the walk came back"
        html = site(path)
        assert html is not None, f"{path}: linked but not published"
        pages.append((path, _CARD.findall(html)))
        following = _NEXT.search(html)
        path = following.group(1) if following else None
    return pages


def queued(runtime: LocalRuntime, logical_id: str) -> int:
    """Messages in a queue of the template, visible or in flight."""
    attributes = runtime.stack.client("sqs").get_queue_attributes(
        QueueUrl=runtime.stack.refs[logical_id],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(count) for count in attributes.values())
