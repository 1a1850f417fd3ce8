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
