"""The content table: sources, articles, listing entries and heads, page hashes.

One DynamoDB table (single-table design), keys:

| item            | pk                 | sk                     | notes                          |
|-----------------|--------------------|------------------------|--------------------------------|
| source state    | `SRC#<key>`        | `SRC`                  | rev, status, digest, sequencer |
| article         | `ART#<slug>`       | `ART`                  | card, memberships, source key  |
| listing entry   | `LST#<listing>`    | `<published>#<slug>`   | card + `seq` (LSI `by_seq`)    |
| listing head    | `DIR#<kind>`       | `<name>` (`-` for home)| count, next_seq, version       |
| page hash       | `PAGE#<site key>`  | `PAGE`                 | sha256 of the bytes written    |

Heads of one kind share a partition, so "all tags with counts" is one query, and the stream
delivers every change of one head in order, which serialises the re-renders of each listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

from pressroom.adapters.aws import domain_errors
from pressroom.errors import ConcurrentUpdate
from pressroom.model import Tag
from pressroom.publishing.catalog import (
    ArticleRecord,
    Card,
    Entry,
    Head,
    HeadChange,
    ListingId,
    Plan,
)

SEQ_INDEX = "by_seq"


@dataclass(frozen=True)
class SourceState:
    """What the table knows of one source key."""

    key: str
    rev: int = 0
    status: str = "absent"  # published | unlisted | draft | rejected | deleted | absent
    slug: str = ""  # the live article's slug ("" when nothing is live)
    retired_slug: str = ""  # a slug this source last gave up, whose page may still need removing
    digest: str = ""
    sequencer: str = ""
    synced_rev: int = 0
    reason: str = ""
    fix: str = ""
    updated: str = ""
    # The LastModified (ISO 8601) of the object version the live article was read from, so that
    # a rejected re-upload can tell whether the key was deleted since ("" if unknown).
    live_uploaded: str = ""

    @property
    def exists(self) -> bool:
        return self.rev > 0


def head_key(listing: ListingId) -> dict[str, str]:
    return {"pk": f"DIR#{listing.kind}", "sk": listing.name or "-"}


def listing_of_head_key(pk: str, sk: str) -> ListingId:
    return ListingId(pk.removeprefix("DIR#"), "" if sk == "-" else sk)


class ContentStore:
    def __init__(self, table_name: str, client: Any) -> None:
        self.table = table_name
        self._client = client

    # -- sources -------------------------------------------------------------------------------

    def get_sources(self, keys: Iterable[str]) -> dict[str, SourceState]:
        """The states of several keys in one consistent batch read (absent keys included)."""
        wanted = sorted(set(keys))
        found = {key: SourceState(key=key) for key in wanted}
        for item in self._batch_get([{"pk": f"SRC#{key}", "sk": "SRC"} for key in wanted]):
            key = item["pk"].removeprefix("SRC#")
            found[key] = _source_from_item(key, item)
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
                yield _source_from_item(item["pk"].removeprefix("SRC#"), item)

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
        if item is None:
            return None
        return ArticleRecord(
            source_key=item["source_key"],
            card=_card_from_item(item["card"]),
            status=item["status"],
            memberships={ListingId.parse(k): int(v) for k, v in item["memberships"].items()},
        )

    def slug_owner(self, slug: str) -> str | None:
        item = self._get({"pk": f"ART#{slug}", "sk": "ART"})
        return None if item is None else str(item["source_key"])

    def get_heads(self, listings: Iterable[ListingId]) -> dict[ListingId, Head]:
        keys = [head_key(listing) for listing in sorted(set(listings))]
        heads = (_head_from_item(item) for item in self._batch_get(keys))
        return {head.listing: head for head in heads}

    def heads_of_kind(self, kind: str) -> list[Head]:
        return [
            _head_from_item(item)
            for item in self._query(
                KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": f"DIR#{kind}"}
            )
        ]

    def touch_head(self, listing: ListingId, pages: Iterable[int]) -> bool:
        """Ask for a listing's pages to be re-rendered (a full rebuild): the head's stream
        record reaches the listing function in order with every other change of that listing.
        False when the head does not exist (nothing to render)."""
        try:
            with domain_errors():
                self._client.update_item(
                    TableName=self.table,
                    Key=_dump(head_key(listing)),
                    # No upload caused this render: drop the last one's correlation id.
                    # `rebuilds` tells the listing function to re-render the tags index too.
                    UpdateExpression=(
                        "SET touched = :pages REMOVE correlation_id ADD version :one, rebuilds :one"
                    ),
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeValues=_dump({":pages": set(pages), ":one": 1}),
                )
        except ConcurrentUpdate:
            return False
        return True

    def newest_entries(self, listing: ListingId, limit: int) -> list[Entry]:
        items = self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": f"LST#{listing}"},
            ScanIndexForward=False,
            limit=limit,
        )
        return [_entry_from_item(listing, item) for item in items]

    def all_entries(self, listing: ListingId) -> list[Entry]:
        items = self._query(
            KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": f"LST#{listing}"}
        )
        return [_entry_from_item(listing, item) for item in items]

    def page_entries(self, listing: ListingId, page: int, page_size: int) -> list[Entry]:
        """Archive page `page` (1-based): entries whose seq falls in that page's slots."""
        first = (page - 1) * page_size
        items = self._query(
            IndexName=SEQ_INDEX,
            KeyConditionExpression="pk = :pk AND seq BETWEEN :lo AND :hi",
            ExpressionAttributeValues={
                ":pk": f"LST#{listing}",
                ":lo": first,
                ":hi": first + page_size - 1,
            },
        )
        entries = [_entry_from_item(listing, item) for item in items]
        return sorted(entries, key=lambda entry: entry.card.sort_key, reverse=True)

    # -- the one write path --------------------------------------------------------------------

    def commit(
        self,
        source: SourceState,
        new_source: SourceState,
        plan: Plan | None,
        correlation_id: str = "",
    ) -> None:
        """Apply a source-state change and its catalogue plan atomically.

        Conditional on the source revision read before planning, on slug ownership and on each
        allocated seq, so a concurrent worker makes this fail with `ConcurrentUpdate` instead of
        both writing."""
        actions = [_source_update(source, new_source)]
        if plan is not None:
            actions += _plan_actions(plan, now=new_source.updated, correlation_id=correlation_id)
        for action in actions:
            next(iter(action.values()))["TableName"] = self.table
        with domain_errors():
            self._client.transact_write_items(TransactItems=actions)

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

    def referrers(self, slug: str) -> dict[str, str]:
        """The articles that list `slug` as related: their slug → their source key."""
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
        items = self._batch_get(wanted, projection="pk, sha256", consistent=False)
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
        kwargs["ExpressionAttributeValues"] = _dump(kwargs["ExpressionAttributeValues"])
        kwargs.setdefault("ConsistentRead", True)
        items: list[dict[str, Any]] = []
        start_key = None
        while True:
            if start_key:
                kwargs["ExclusiveStartKey"] = start_key
            if limit is not None:
                kwargs["Limit"] = limit - len(items)
            with domain_errors():
                response = self._client.query(TableName=self.table, **kwargs)
            items += [_load(raw) for raw in response["Items"]]
            start_key = response.get("LastEvaluatedKey")
            if not start_key or (limit is not None and len(items) >= limit):
                return items


def _source_from_item(key: str, item: dict[str, Any]) -> SourceState:
    return SourceState(
        key=key,
        rev=int(item["rev"]),
        status=item.get("status", "absent"),
        slug=item.get("slug", ""),
        retired_slug=item.get("retired_slug", ""),
        digest=item.get("digest", ""),
        sequencer=item.get("sequencer", ""),
        synced_rev=int(item.get("synced_rev", 0)),
        reason=item.get("reason", ""),
        fix=item.get("fix", ""),
        updated=item.get("updated", ""),
        live_uploaded=item.get("live_uploaded", ""),
    )


def _source_update(old: SourceState, new: SourceState) -> dict[str, Any]:
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
    }
    if old.exists:
        condition = "rev = :old_rev"
        values[":old_rev"] = old.rev
    else:
        condition = "attribute_not_exists(pk)"
    return {
        "Update": {
            "Key": _dump({"pk": f"SRC#{new.key}", "sk": "SRC"}),
            "UpdateExpression": (
                "SET rev = :rev, #status = :status, slug = :slug, retired_slug = :retired, "
                "digest = :digest, "
                "sequencer = :sequencer, reason = :reason, fix = :fix, updated = :updated, "
                "live_uploaded = :live_uploaded, source_key = :key"
            ),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": _dump(values),
        }
    }


def _plan_actions(plan: Plan, now: str, correlation_id: str = "") -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    old, new = plan.old_record, plan.record
    if new is not None and new != old:
        actions.append(
            {
                "Put": {
                    "Item": _dump(_article_item(new)),
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
                    "Key": _dump({"pk": f"ART#{old.slug}", "sk": "ART"}),
                    "ConditionExpression": "source_key = :key",
                    "ExpressionAttributeValues": _dump({":key": old.source_key}),
                }
            }
        )
    for entry in plan.delete_entries:
        actions.append({"Delete": {"Key": _dump(_entry_key(entry))}})
    for entry in plan.put_entries:
        actions.append({"Put": {"Item": _dump(_entry_item(entry))}})
    for change in plan.heads:
        actions.append({"Update": _head_update(change, now, correlation_id)})
    return actions


def _head_update(change: HeadChange, now: str, correlation_id: str = "") -> dict[str, Any]:
    values: dict[str, Any] = {
        ":delta": change.count_delta,
        ":one": 1,
        ":pages": set(change.touched_pages),
        ":now": now,
    }
    sets = ["touched = :pages", "updated = :now"]
    if change.display:
        sets.append("display = :display")
        values[":display"] = change.display
    if correlation_id:  # the upload this change came from, for the listing function's logs
        sets.append("correlation_id = :correlation")
        values[":correlation"] = correlation_id
    update: dict[str, Any] = {"Key": _dump(head_key(change.listing))}
    if change.expected_next_seq is not None:
        sets.append("next_seq = :next")
        values[":next"] = change.expected_next_seq + 1
        if change.expected_next_seq == 0:
            update["ConditionExpression"] = "attribute_not_exists(next_seq)"
        else:
            update["ConditionExpression"] = "next_seq = :expected"
            values[":expected"] = change.expected_next_seq
    update["UpdateExpression"] = "SET " + ", ".join(sets) + " ADD #count :delta, version :one"
    update["ExpressionAttributeNames"] = {"#count": "count"}
    update["ExpressionAttributeValues"] = _dump(values)
    return update


def _article_item(record: ArticleRecord) -> dict[str, Any]:
    return {
        "pk": f"ART#{record.slug}",
        "sk": "ART",
        "source_key": record.source_key,
        "status": record.status,
        "card": _card_item(record.card),
        "memberships": {str(k): v for k, v in record.memberships.items()},
    }


def _entry_key(entry: Entry) -> dict[str, str]:
    return {"pk": f"LST#{entry.listing}", "sk": entry.card.sort_key}


def _entry_item(entry: Entry) -> dict[str, Any]:
    return {**_entry_key(entry), "seq": entry.seq, "card": _card_item(entry.card)}


def _entry_from_item(listing: ListingId, item: dict[str, Any]) -> Entry:
    return Entry(listing=listing, card=_card_from_item(item["card"]), seq=int(item["seq"]))


def _head_from_item(item: dict[str, Any]) -> Head:
    return Head(
        listing=listing_of_head_key(item["pk"], item["sk"]),
        display=item.get("display", ""),
        count=int(item.get("count", 0)),
        next_seq=int(item.get("next_seq", 0)),
    )


def _card_item(card: Card) -> dict[str, Any]:
    item: dict[str, Any] = {
        "slug": card.slug,
        "title": card.title,
        "summary": card.summary,
        "published": card.published.isoformat(),
        "tags": [[tag.name, tag.slug] for tag in card.tags],
        "authors": list(card.authors),
    }
    if card.modified is not None:
        item["modified"] = card.modified.isoformat()
    return item


def _card_from_item(item: dict[str, Any]) -> Card:
    modified = item.get("modified")
    return Card(
        slug=item["slug"],
        title=item["title"],
        summary=item["summary"],
        published=_parse_time(item["published"]),
        modified=_parse_time(modified) if modified else None,
        tags=tuple(Tag(name=name, slug=slug) for name, slug in item["tags"]),
        authors=tuple(item["authors"]),
    )


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
