"""The content table: sources, articles, listing entries and heads, page hashes.

One DynamoDB table (single-table design), keys:

| item           | pk                | sk                       | written by                   |
|----------------|-------------------|--------------------------|------------------------------|
| source state   | `SRC#<key>`       | `SRC`                    | ingest (rev, status, digest) |
| article        | `ART#<slug>`      | `ART`                    | ingest (card, memberships)   |
| listing entry  | `LST#<listing>`   | `<UTC published>#<slug>` | ingest (the card)            |
| listing head   | `DIR#<kind>`      | `<name>` (`-` for home)  | listing fn (days, version)   |
| render request | `RRQ#<listing>`   | `<YYYY-MM>` or `-`       | rebuild (a counter)          |
| render version | `VER#<name>`      | `VER`                    | listing fn (tags index, ...; |
|                |                   |                          | last render, refresh due)    |
| page hash      | `PAGE#<site key>` | `PAGE`                   | site writer (sha256)         |
| referrer       | `REL#<slug>`      | `[translation#]<slug>`   | ingest (a page showing it)   |
| redirect claim | `RDR#<site key>`  | `RDR`                    | ingest (whose redirect)      |
| introduction   | `INT#<listing>`   | `INT`                    | ingest (a Hugo `_index.md`)  |
| article body   | `FEED#<slug>`     | `<content key>`          | ingest (full feeds only)     |

An asset upload (an image, a PDF, a video) has a source state too; its `asset` attribute records
the files published for it (`publishing.assets`), which articles read to resolve references.

Ingest writes only an article's own items (its source, article and entries), so two workers
conflict only over the same article; the one thing articles compete for, a redirect's key, is
claimed outside that transaction (the lowest source key wins, see `Claim`; the others wait on a
related link).
The table's stream carries entry and render-request changes to the listing function; heads are its
own record of what it rendered, so a listing's pages are always a function of its entries. Heads of
one kind share a partition, so "all tags" is one query.

The items' keys and their conversion to and from values are `pressroom.table_layout`'s (shared
with the memory store); this module holds the DynamoDB side: the requests, conditions and
transactions, and the AttributeValue encoding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import TYPE_CHECKING, Any

from pressroom.adapters.aws import domain_errors
from pressroom.errors import ConcurrentUpdate
from pressroom.publishing.catalog import ArticleRecord, Entry, Head, IndexState, ListingId, Plan
from pressroom.sources import Claim, SourceState
from pressroom.table_layout import (
    ENTRY_PREFIX,
    FEED_PREFIX,
    RENDER_REQUEST_PREFIX,
    TRANSLATION_LINK,
    article_item,
    entry_from_item,
    entry_item,
    entry_key,
    feed_content_item,
    feed_html,
    head_from_item,
    head_key,
    index_state_from_item,
    introduction_item,
    record_from_item,
    redirect_item,
    source_from_item,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryOutputTypeDef, TransactWriteItemTypeDef


class ContentStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self.table = table_name
        self._client = client

    # -- sources -------------------------------------------------------------------------------

    def get_sources(self, keys: Iterable[str]) -> dict[str, SourceState]:
        """The states of several keys in one consistent batch read (absent keys included)."""
        wanted = sorted(set(keys))
        found = {key: SourceState(key=key) for key in wanted}
        for item in self._batch_get([{"pk": f"SRC#{key}", "sk": "SRC"} for key in wanted]):
            key = item["pk"].removeprefix("SRC#")
            found[key] = source_from_item(key, item)
        return found

    def sources(self) -> Iterator[SourceState]:
        """Every source key the table knows (operators' status view; a scan)."""
        paginator = self._client.get_paginator("scan")
        for page in paginator.paginate(
            TableName=self.table,
            FilterExpression="begins_with(pk, :p)",
            ExpressionAttributeValues={":p": {"S": "SRC#"}},
            ConsistentRead=True,
        ):
            for raw in page["Items"]:
                item = _load(raw)
                yield source_from_item(item["pk"].removeprefix("SRC#"), item)

    def mark_synced(self, state: SourceState) -> bool:
        """Record that the site shows revision `state.rev`; False if a newer one was committed."""
        try:
            with domain_errors():
                self._client.update_item(
                    TableName=self.table,
                    Key=_dump({"pk": f"SRC#{state.key}", "sk": "SRC"}),
                    UpdateExpression="SET synced_rev = :rev",
                    ConditionExpression="rev = :rev",
                    ExpressionAttributeValues=_dump({":rev": state.rev}),
                )
        except ConcurrentUpdate:
            return False
        return True

    # -- articles and listings -----------------------------------------------------------------

    def get_article(self, slug: str) -> ArticleRecord | None:
        if not slug:
            return None
        item = self._get({"pk": f"ART#{slug}", "sk": "ART"})
        return None if item is None else record_from_item(item)

    def slug_owner(self, slug: str) -> str | None:
        item = self._get({"pk": f"ART#{slug}", "sk": "ART"})
        return None if item is None else str(item["source_key"])

    def get_head(self, listing: ListingId) -> Head:
        item = self._get(head_key(listing))
        return Head(listing) if item is None else head_from_item(item)

    def heads_of_kind(self, kind: str) -> list[Head]:
        return [
            head_from_item(item)
            for item in self._query(
                KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": f"DIR#{kind}"}
            )
        ]

    def save_head(self, head: Head, read_version: int) -> bool:
        """Record what a listing was rendered from, unless another render of it was recorded
        since `read_version` was read (then False: render again from a fresh read)."""
        item: dict[str, Any] = {**head_key(head.listing), "display": head.display}
        item |= {"days": head.days, "owed": sorted(head.owed)}
        if head.lastmod:
            item["lastmod"] = head.lastmod
        return self._put_if_version(item, read_version)

    def settle_head(self, head: Head) -> None:
        """Record that the site-wide pages a render of this listing owed are rendered, unless
        the listing was rendered again since (that render owes them itself)."""
        try:
            with domain_errors():
                self._client.update_item(
                    TableName=self.table,
                    Key=_dump(head_key(head.listing)),
                    UpdateExpression="SET owed = :none",
                    ConditionExpression="version = :version",
                    ExpressionAttributeValues=_dump({":none": [], ":version": head.version}),
                )
        except ConcurrentUpdate:
            pass

    def render_version(self, name: str) -> int:
        return self.index_state(name).version

    def index_state(self, name: str) -> IndexState:
        """The render version of a page built from many listings, when it was last rendered
        and when a deferred refresh of it is scheduled for (`IndexState`)."""
        item = self._get({"pk": f"VER#{name}", "sk": "VER"})
        return IndexState() if item is None else index_state_from_item(item)

    def claim_render(self, name: str, read_version: int, rendered: int = 0) -> bool:
        """Record a render of a page built from many listings (the tags index), made at
        `rendered` (epoch seconds): False when another render of it was recorded since
        `read_version` (render again). A recorded render clears any scheduled refresh."""
        item = {"pk": f"VER#{name}", "sk": "VER", "rendered": rendered}
        return self._put_if_version(item, read_version)

    def schedule_render(self, name: str, at: int) -> bool:
        """Record that a refresh of the page is scheduled for `at`, if the page was rendered
        and no refresh as late is recorded since: whether it was recorded."""
        try:
            with domain_errors():
                self._client.update_item(
                    TableName=self.table,
                    Key=_dump({"pk": f"VER#{name}", "sk": "VER"}),
                    UpdateExpression="SET scheduled = :at",
                    ConditionExpression=(
                        "attribute_exists(version) AND "
                        "(attribute_not_exists(scheduled) OR scheduled < :at)"
                    ),
                    ExpressionAttributeValues=_dump({":at": at}),
                )
        except ConcurrentUpdate:
            return False
        return True

    def request_render(self, listing: ListingId, part: str) -> None:
        """Ask the listing function to re-render one month of a listing's archive (`YYYY-MM`),
        or its root page, feeds and indexes (`WHOLE_LISTING`): the request reaches it through
        the stream, in order with the listing's other changes."""
        with domain_errors():
            self._client.update_item(
                TableName=self.table,
                Key=_dump({"pk": f"{RENDER_REQUEST_PREFIX}{listing}", "sk": part}),
                UpdateExpression="ADD version :one",
                ExpressionAttributeValues=_dump({":one": 1}),
            )

    def newest_entries(self, listing: ListingId, limit: int) -> list[Entry]:
        """The listing's `limit` newest entries, newest first."""
        items = self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": f"{ENTRY_PREFIX}{listing}"},
            ScanIndexForward=False,
            limit=limit,
        )
        return [entry_from_item(listing, item) for item in items]

    def period_entries(self, listing: ListingId, period: str) -> list[Entry]:
        """The entries published in a period (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`; "" for all),
        oldest first."""
        condition, values = "pk = :pk", {":pk": f"{ENTRY_PREFIX}{listing}"}
        if period:
            condition += " AND begins_with(sk, :period)"
            values[":period"] = period
        items = self._query(KeyConditionExpression=condition, ExpressionAttributeValues=values)
        return [entry_from_item(listing, item) for item in items]

    def count_day(self, listing: ListingId, day: str) -> int:
        """How many entries the listing has on one UTC day (`YYYY-MM-DD`)."""
        pages = self._pages(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :day)",
            ExpressionAttributeValues={":pk": f"{ENTRY_PREFIX}{listing}", ":day": day},
            Select="COUNT",
        )
        return sum(int(page["Count"]) for page in pages)

    # -- the one write path --------------------------------------------------------------------

    def commit(
        self,
        source: SourceState,
        new_source: SourceState,
        plan: Plan | None,
        correlation_id: str = "",
    ) -> None:
        """Apply a source-state change and its catalogue plan atomically.

        Conditional on the source revision read before planning and on slug ownership, so a
        concurrent worker on the same article makes this fail with `ConcurrentUpdate` instead of
        both writing. Nothing in it is shared with another article's change."""
        actions = [_source_update(self.table, source, new_source)]
        if plan is not None:
            actions += _plan_actions(self.table, plan, correlation_id)
        with domain_errors():
            self._client.transact_write_items(TransactItems=actions)

    # -- redirects (a key redirects to one article: the first source to claim it) ---------------

    def claim_redirect(self, key: str, source_key: str, slug: str) -> Claim:
        """Claim a redirect's key for a source's article (see `Claim`)."""
        return self._claim(redirect_item(key, source_key, slug), source_key)

    def redirect_claimant(self, key: str) -> str | None:
        """The source whose article a redirect's key leads to, if any."""
        item = self._get({"pk": f"RDR#{key}", "sk": "RDR"})
        return None if item is None else str(item["source_key"])

    def release_redirect(self, key: str, source_key: str) -> None:
        """Let go of a redirect's key, if this source still holds it."""
        try:
            with domain_errors():
                self._client.delete_item(
                    TableName=self.table,
                    Key=_dump({"pk": f"RDR#{key}", "sk": "RDR"}),
                    ConditionExpression="source_key = :key",
                    ExpressionAttributeValues=_dump({":key": source_key}),
                )
        except ConcurrentUpdate:
            pass

    # -- listing introductions (Hugo's `_index.md`) ------------------------------------------------

    def put_introduction(
        self, listing: ListingId, source_key: str, title: str, body: str
    ) -> tuple[Claim, bool]:
        """Store a listing's introduction (see `Claim`), and whether it changed."""
        item = introduction_item(listing, source_key, title, body)
        claim = self._claim(item, source_key)
        return claim, claim.won and claim.previous != item

    def remove_introduction(self, listing: ListingId, source_key: str) -> bool:
        """Remove a listing's introduction if it is this source's: whether one was removed."""
        try:
            with domain_errors():
                response = self._client.delete_item(
                    TableName=self.table,
                    Key=_dump({"pk": f"INT#{listing}", "sk": "INT"}),
                    ConditionExpression="source_key = :key",
                    ExpressionAttributeValues=_dump({":key": source_key}),
                    ReturnValues="ALL_OLD",
                )
        except ConcurrentUpdate:
            return False
        return bool(response.get("Attributes"))

    def introduction(self, listing: ListingId) -> str:
        """The listing's introduction (sanitised HTML), or ""."""
        item = self._get({"pk": f"INT#{listing}", "sk": "INT"})
        return "" if item is None else str(item["body"])

    # -- article bodies for full feeds ------------------------------------------------------------

    def put_feed_content(self, slug: str, key: str, html: str) -> None:
        """Keep a copy of an article body (`Card.content` names it) for full feeds."""
        with domain_errors():
            self._client.put_item(
                TableName=self.table, Item=_dump(feed_content_item(slug, key, html))
            )

    def feed_contents(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The stored bodies of these (slug, content key) pairs; missing ones left out."""
        wanted = [{"pk": f"{FEED_PREFIX}{slug}", "sk": key} for slug, key in sorted(set(keys))]
        return {
            (item["pk"].removeprefix(FEED_PREFIX), item["sk"]): feed_html(item)
            for item in self._batch_get(wanted)
        }

    def forget_feed_contents(self, slug: str, keep: str = "") -> None:
        """Delete the slug's stored bodies but `keep` (all of them for "")."""
        items = self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": f"{FEED_PREFIX}{slug}"},
            ProjectionExpression="pk, sk",
        )
        self._batch_write(
            [
                {"DeleteRequest": {"Key": _dump({"pk": item["pk"], "sk": item["sk"]})}}
                for item in items
                if item["sk"] != keep
            ]
        )

    # -- related-article links (who lists whom, so changes reach the pages that list them) -------

    def add_referrers(self, links: Iterable[tuple[str, str, str]]) -> None:
        """Record that article `slug` (from `source_key`) lists `target` as related, for each
        (target, slug, source_key) of `links`."""
        unique = {(target, slug): source_key for target, slug, source_key in links}
        self._batch_write(
            [
                {
                    "PutRequest": {
                        "Item": _dump({"pk": f"REL#{target}", "sk": slug, "source_key": source})
                    }
                }
                for (target, slug), source in sorted(unique.items())
            ]
        )

    def add_translation_links(self, links: Iterable[tuple[str, str, str]]) -> None:
        """Record that article `slug`'s page (from `source_key`) names `target` as one of its
        translations, for each (target, slug, source_key): a referrer like a related link (so a
        change of `target` re-renders that page), told apart by its sort key."""
        self.add_referrers(
            (target, f"{TRANSLATION_LINK}{slug}", source) for target, slug, source in links
        )

    def translation_referrers(self, slug: str) -> set[str]:
        """The articles whose page names `slug` as a translation: their slugs."""
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :link)",
            ExpressionAttributeValues={":pk": f"REL#{slug}", ":link": TRANSLATION_LINK},
        )
        return {str(item["sk"]).removeprefix(TRANSLATION_LINK) for item in items}

    def referrers(self, slug: str) -> dict[str, str]:
        """The articles that list `slug` as related or as a translation: their slug (for a
        translation, `TRANSLATION_LINK` + slug) → their source key."""
        items = self._query(
            KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": f"REL#{slug}"}
        )
        return {str(item["sk"]): str(item["source_key"]) for item in items}

    def forget_referrers(self, slug: str, referrers: Iterable[str]) -> None:
        """Drop links once their pages are queued for re-rendering, which records again the
        ones that still hold."""
        self._batch_write(
            [
                {"DeleteRequest": {"Key": _dump({"pk": f"REL#{slug}", "sk": referrer})}}
                for referrer in sorted(set(referrers))
            ]
        )

    # -- page hashes (skip writing identical bytes) ----------------------------------------------

    def page_hashes(self, keys: Iterable[str]) -> dict[str, str]:
        wanted = [{"pk": f"PAGE#{key}", "sk": "PAGE"} for key in sorted(set(keys))]
        # Consistent: a retry or a concurrent render must see the hash the last write recorded,
        # or it would skip a write (same bytes as a stale hash) or announce a change twice.
        items = self._batch_get(wanted, projection="pk, sha256")
        return {item["pk"].removeprefix("PAGE#"): item["sha256"] for item in items}

    def record_pages(self, written: dict[str, str], deleted: Iterable[str]) -> None:
        requests = [
            {"PutRequest": {"Item": _dump({"pk": f"PAGE#{key}", "sk": "PAGE", "sha256": sha})}}
            for key, sha in sorted(written.items())
        ] + [
            {"DeleteRequest": {"Key": _dump({"pk": f"PAGE#{key}", "sk": "PAGE"})}}
            for key in sorted(set(deleted))
        ]
        self._batch_write(requests)

    # -- plumbing ------------------------------------------------------------------------------

    def _claim(self, item: dict[str, Any], source_key: str) -> Claim:
        """Put an item several sources may ask for, unless a source with a lower key holds it."""
        try:
            with domain_errors():
                response = self._client.put_item(
                    TableName=self.table,
                    Item=_dump(item),
                    ConditionExpression="attribute_not_exists(pk) OR source_key >= :key",
                    ExpressionAttributeValues=_dump({":key": source_key}),
                    ReturnValues="ALL_OLD",
                )
        except ConcurrentUpdate:
            return Claim(won=False)
        previous = _load(response.get("Attributes") or {})
        displaced = previous.get("source_key", source_key)
        return Claim(True, previous, "" if displaced == source_key else str(displaced))

    def _put_if_version(self, item: dict[str, Any], read_version: int) -> bool:
        """Put `item` as version `read_version + 1` if it is still at `read_version`."""
        try:
            with domain_errors():
                self._client.put_item(
                    TableName=self.table,
                    Item=_dump({**item, "version": read_version + 1}),
                    ConditionExpression="attribute_not_exists(pk) OR version = :read",
                    ExpressionAttributeValues=_dump({":read": read_version}),
                )
        except ConcurrentUpdate:
            return False
        return True

    def _batch_get(
        self, keys: list[dict[str, str]], projection: str = "", consistent: bool = True
    ) -> Iterator[dict[str, Any]]:
        """The items with these keys (distinct), a hundred to a request, retrying unprocessed
        keys; missing items are left out."""
        for start in range(0, len(keys), 100):
            wanted: dict[str, Any] = {
                "Keys": [_dump(key) for key in keys[start : start + 100]],
                "ConsistentRead": consistent,
            }
            if projection:
                wanted["ProjectionExpression"] = projection
            request: dict[str, Any] = {self.table: wanted}
            while request:
                with domain_errors():
                    response = self._client.batch_get_item(RequestItems=request)
                for raw in response["Responses"].get(self.table, []):
                    yield _load(raw)
                request = response.get("UnprocessedKeys") or {}

    def _batch_write(self, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self.table: requests[start : start + 25]}
            while pending:
                with domain_errors():
                    response = self._client.batch_write_item(RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}

    def _get(self, key: dict[str, str]) -> dict[str, Any] | None:
        with domain_errors():
            response = self._client.get_item(
                TableName=self.table, Key=_dump(key), ConsistentRead=True
            )
        raw = response.get("Item")
        return None if raw is None else _load(raw)

    def _query(self, limit: int | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        return [_load(raw) for page in self._pages(limit, **kwargs) for raw in page["Items"]]

    def _pages(self, limit: int | None = None, **kwargs: Any) -> Iterator[QueryOutputTypeDef]:
        """A query's responses, page after page, until it ends or `limit` items came back."""
        kwargs["ExpressionAttributeValues"] = _dump(kwargs["ExpressionAttributeValues"])
        kwargs.setdefault("ConsistentRead", True)
        seen = 0
        while True:
            if limit is not None:
                kwargs["Limit"] = limit - seen
            with domain_errors():
                response = self._client.query(TableName=self.table, **kwargs)
            yield response
            seen += int(response["Count"])
            start_key = response.get("LastEvaluatedKey")
            if not start_key or (limit is not None and seen >= limit):
                return
            kwargs["ExclusiveStartKey"] = start_key


def _source_update(table: str, old: SourceState, new: SourceState) -> TransactWriteItemTypeDef:
    values: dict[str, Any] = {
        ":rev": new.rev,
        ":status": new.status,
        ":slug": new.slug,
        ":retired": new.retired_slug,
        ":digest": new.digest,
        ":sequencer": new.sequencer,
        ":reason": new.reason,
        ":fix": new.fix,
        ":updated": new.updated,
        ":live_uploaded": new.live_uploaded,
        ":key": new.key,
        ":redirects": list(new.redirects),
        ":released": list(new.released),
        ":moved_from": list(new.moved_from),
        ":warnings": list(new.warnings),
        ":introduces": new.introduces,
        ":retired_intro": new.retired_intro,
        ":asset": new.asset,
        ":shows": new.shows,
        ":due": new.due,
    }
    if old.exists:
        condition = "rev = :old_rev"
        values[":old_rev"] = old.rev
    else:
        condition = "attribute_not_exists(pk)"
    return {
        "Update": {
            "TableName": table,
            "Key": _dump({"pk": f"SRC#{new.key}", "sk": "SRC"}),
            "UpdateExpression": (
                "SET rev = :rev, #status = :status, slug = :slug, retired_slug = :retired, "
                "digest = :digest, "
                "sequencer = :sequencer, reason = :reason, fix = :fix, updated = :updated, "
                "live_uploaded = :live_uploaded, source_key = :key, redirects = :redirects, "
                "released = :released, moved_from = :moved_from, warnings = :warnings, "
                "introduces = :introduces, retired_intro = :retired_intro, asset = :asset, "
                "shows = :shows, due = :due"
            ),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": _dump(values),
        }
    }


def _plan_actions(
    table: str, plan: Plan, correlation_id: str = ""
) -> list[TransactWriteItemTypeDef]:
    actions: list[TransactWriteItemTypeDef] = []
    old, new = plan.old_record, plan.record
    if new is not None and new != old:
        actions.append(
            {
                "Put": {
                    "TableName": table,
                    "Item": _dump(article_item(new)),
                    # A slug belongs to one source file; another file claiming it is rejected
                    # before planning, and this condition closes the race between two of them.
                    "ConditionExpression": "attribute_not_exists(pk) OR source_key = :key",
                    "ExpressionAttributeValues": _dump({":key": new.source_key}),
                }
            }
        )
    if old is not None and (new is None or new.slug != old.slug):
        actions.append(
            {
                "Delete": {
                    "TableName": table,
                    "Key": _dump({"pk": f"ART#{old.slug}", "sk": "ART"}),
                    "ConditionExpression": "source_key = :key",
                    "ExpressionAttributeValues": _dump({":key": old.source_key}),
                }
            }
        )
    for entry in plan.delete_entries:
        actions.append({"Delete": {"TableName": table, "Key": _dump(entry_key(entry))}})
    for entry in plan.put_entries:
        # The upload behind the change rides on the entry's stream record to the listing logs.
        item = entry_item(entry) | ({"correlation_id": correlation_id} if correlation_id else {})
        actions.append({"Put": {"TableName": table, "Item": _dump(item)}})
    return actions


# Items go to and from DynamoDB's AttributeValues here rather than through boto3's
# TypeSerializer/TypeDeserializer: importing boto3.dynamodb.types imports all of boto3 (with
# s3transfer, multiprocessing, concurrent.futures), a cost every cold start paid for two small
# functions. These give what boto3's give for every type it supports, except that numbers come
# back as ints (we store no fractional numbers; boto3 gives Decimals, which `_load` turned into
# ints) and binaries as bytes (boto3 wraps them in its `Binary`; the table holds none).
# tests/unit/test_dynamodb_values.py checks them against boto3's.
_NUMBERS = Context(  # boto3's DYNAMODB_CONTEXT: DynamoDB's 38 digits, nothing rounded silently
    Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow]
)


def _dump(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _attribute(value) for key, value in item.items()}


def _load(raw: dict[str, Any]) -> dict[str, Any]:
    return {key: _value(attribute) for key, attribute in raw.items()}


def _number(value: Any) -> str:
    number = str(_NUMBERS.create_decimal(value))
    if number in ("Infinity", "NaN"):
        raise TypeError("Infinity and NaN not supported")
    return number


def _attribute(value: Any) -> dict[str, Any]:
    """boto3's `TypeSerializer().serialize(value)`."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, Decimal)):
        return {"N": _number(value)}
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (bytes, bytearray)):
        return {"B": value}
    if isinstance(value, AbstractSet):
        if all(isinstance(v, (int, Decimal)) for v in value):  # an empty set is NS, as boto3's
            return {"NS": [_number(v) for v in value]}
        if all(isinstance(v, str) for v in value):
            return {"SS": list(value)}
        if all(isinstance(v, (bytes, bytearray)) for v in value):
            return {"BS": list(value)}
    elif isinstance(value, (list, tuple)):
        return {"L": [_attribute(v) for v in value]}
    elif isinstance(value, Mapping):
        return {"M": {k: _attribute(v) for k, v in value.items()}}
    raise TypeError(f"Unsupported type {type(value)} for value {value!r}")


def _value(attribute: Mapping[str, Any]) -> Any:
    """boto3's `TypeDeserializer().deserialize(attribute)`, numbers as ints, binaries as bytes."""
    if not attribute:
        raise TypeError("Value must be a nonempty dictionary whose key is a valid dynamodb type.")
    kind, value = next(iter(attribute.items()))
    if kind == "S" or kind == "BOOL" or kind == "B":
        return value
    if kind == "N":
        return int(_NUMBERS.create_decimal(value))
    if kind == "M":
        return {k: _value(v) for k, v in value.items()}
    if kind == "L":
        return [_value(v) for v in value]
    if kind == "SS" or kind == "BS":
        return set(value)
    if kind == "NS":
        return {int(_NUMBERS.create_decimal(v)) for v in value}
    if kind == "NULL":
        return None
    raise TypeError(f"Dynamodb type {kind} is not supported")
