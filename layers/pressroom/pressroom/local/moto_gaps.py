"""Where moto behaves unlike AWS in ways the pipeline depends on, make it behave like AWS.

Each patch names the AWS behaviour it restores; remove it once moto does the same."""

from __future__ import annotations

import functools
from typing import Any

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    _send_delete_marker_events()
    _transactions_cost_their_items_not_their_tables()
    _items_serialise_in_proportion_to_their_size()
    _queries_read_one_partition()
    _dynamodb_requests_are_atomic()
    # The speed patches change no response; they go on top of the fixes above.
    from pressroom.local import moto_speedups

    moto_speedups.apply()
    _applied = True


def _send_delete_marker_events() -> None:
    """S3 sends `ObjectRemoved:DeleteMarkerCreated` when a plain DELETE hits a versioned
    bucket; moto sends nothing, so a deleted article would never be unpublished locally."""
    from moto.s3 import notifications
    from moto.s3.models import FakeKey, S3Backend

    original = S3Backend.delete_object

    @functools.wraps(original)
    def delete_object(
        self: S3Backend,
        bucket_name: str,
        key_name: str,
        version_id: str | None = None,
        bypass: bool = False,
    ) -> tuple[bool, dict[str, Any]]:
        bucket = self.get_bucket(bucket_name)
        current = bucket.keys.get(key_name) if version_id is None else None
        result = original(self, bucket_name, key_name, version_id, bypass)
        if isinstance(current, FakeKey) and result[1].get("delete-marker") == "true":
            notifications.send_event(
                self.account_id,
                notifications.S3NotificationEvent.OBJECT_REMOVED_DELETE_MARKER_CREATED_EVENT,
                bucket,
                current,
            )
        return result

    S3Backend.delete_object = delete_object  # type: ignore[method-assign]


def _transactions_cost_their_items_not_their_tables() -> None:
    """A DynamoDB transaction costs its items on AWS. moto, to roll a failed one back,
    deep-copies every table it touches, once per item and with the whole stream history, so
    each local commit is O(table) and a 500-article `pressroom build` takes hours. Snapshot
    only the items the transaction names (and the stream's length), restore those on failure."""
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class _NoTableCopies:
        """`copy` as moto's backend module sees it: tables are not copied (see below)."""

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = _NoTableCopies  # type: ignore[assignment]
    original = DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for action in transact_items:
            op = next(iter(action.values()))
            table = self.tables.get(op.get("TableName", ""))
            if table is None:
                continue
            key = op.get("Key") or op.get("Item") or {}
            if table.hash_key_attr not in key:
                continue
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = (
                DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
            )
            current = table.get_item(hash_value, range_value)
            saved.append((table, hash_value, range_value, copy.deepcopy(current)))
        shards = {
            id(t): (t.stream_shard, len(t.stream_shard.items))
            for t, *_ in saved
            if t.stream_shard is not None
        }
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in saved:
                # moto keeps {hash: {range: item}}, or {hash: item} without a range key.
                bucket: Any = table.items[hash_value] if range_value is not None else table.items
                slot = range_value if range_value is not None else hash_value
                if item is None:
                    bucket.pop(slot, None)
                else:
                    bucket[slot] = item
            for shard, length in shards.values():
                del shard.items[length:]
            raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _items_serialise_in_proportion_to_their_size() -> None:
    """DynamoDB returns items as they are stored. moto's response serialiser walks every nested
    `AttributeValue` through all ten of its members, so a query returning ten article cards
    costs ~100 ms, and the local pipeline spends most of its time there. moto's DynamoDB
    models already hold items in wire format, so pass them through (binary values, which need
    base64, still take the long way)."""
    from moto.core.serialize import JSONSerializer

    original = JSONSerializer._serialize_type_structure

    def has_binary(value: Any) -> bool:
        if isinstance(value, dict):
            return "B" in value or "BS" in value or any(has_binary(v) for v in value.values())
        if isinstance(value, list):
            return any(has_binary(v) for v in value)
        return False

    @functools.wraps(original)
    def serialize_structure(
        self: JSONSerializer, serialized: Any, value: Any, shape: Any, key: str
    ) -> None:
        plain = key and shape.name == "AttributeValue" and isinstance(value, dict)
        if plain and not has_binary(value):
            serialized[key] = value
            return
        original(self, serialized, value, shape, key)

    JSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign,assignment]


def _queries_read_one_partition() -> None:
    """A DynamoDB query reads one partition. moto sorts and filters every item of the table on
    each query, so locally a publish gets slower as the site grows (O(table) per query, ~80,000
    items for a 10,000-article site). Queries on the table or a local secondary index (same
    partition key) now see only their partition; everything else is moto's own code."""
    import threading

    from moto.dynamodb.models.table import Table

    scope = threading.local()
    all_items, query = Table.all_items, Table.query

    @functools.wraps(all_items)
    def partition_items(self: Table) -> list[Any]:
        if getattr(scope, "table", None) is not self:
            return all_items(self)
        partition = self.items.get(scope.hash_key)  # .get: the defaultdict must not grow
        if partition is None:
            return []
        if not self.range_key_attr:
            return [partition]
        return [partition[key] for key in sorted(partition)]

    @functools.wraps(query)
    def partition_query(
        self: Table, hash_key: Any, *args: Any, index_name: str | None = None, **kwargs: Any
    ) -> Any:
        # moto passes the index name as the 8th positional argument.
        index = index_name or (args[6] if len(args) > 6 else None)
        if index_name is not None:
            kwargs["index_name"] = index_name
        if hash_key is None or (index and index not in {i.name for i in self.indexes}):
            return query(self, hash_key, *args, **kwargs)
        scope.table, scope.hash_key = self, hash_key
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            scope.table = None

    Table.all_items = partition_items  # type: ignore[method-assign]
    Table.query = partition_query  # type: ignore[method-assign]


def _dynamodb_requests_are_atomic() -> None:
    """Each DynamoDB request is atomic on AWS: a transaction's conditions and writes see no
    other request in between. moto checks a transaction's conditions item by item while other
    threads write, and rolls a failed one back by restoring a snapshot, which erases what other
    threads wrote meanwhile (20 parallel publishes to one tag lost an entry). `pressroom up`'s
    moto server and parallel tests run requests on threads: one lock per request restores
    AWS's isolation."""
    import threading

    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    original = DynamoHandler.call_action

    @functools.wraps(original)
    def call_action(self: DynamoHandler) -> Any:
        with lock:
            return original(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
