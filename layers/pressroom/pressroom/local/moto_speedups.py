"""Make the embedded AWS backend (moto) cheap per call and flat in table size.

`moto_gaps` makes moto behave like AWS; the patches here change no response at all: each names
the moto or botocore machinery it skips and why what a caller sees stays the same. They are
applied with `moto_gaps.apply()` (backend side, so also in `pressroom up`'s moto server);
`install_client_hooks()` is for in-process clients only (`embedded_aws`)."""

from __future__ import annotations

import functools
import json
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    _queries_seek_in_sorted_partitions()
    _handlers_list_their_actions_once()
    _update_expressions_parse_once()
    _simple_updates_skip_the_validator()
    _results_convert_in_one_walk()
    _queue_attributes_count_messages_once()
    _queues_find_messages_in_one_pass()
    _s3_routes_load_once()
    _stream_records_serialise_as_stored()
    _server_lists_its_services_once()
    _applied = True


def speed_up_clients() -> None:
    """Client-side patches, for a process whose clients talk to the embedded backend (they
    parse exactly as botocore does, so a real AWS client in the same process is unaffected)."""
    global _clients_applied
    if _clients_applied:
        return
    _attribute_values_parse_as_sent()
    _attribute_values_serialise_as_given()
    _timestamps_parse_without_dateutil()
    _clients_applied = True


_clients_applied = False


# --- Queries: O(log P + results) in a partition of P items -------------------------------------

_PARTITIONS = "_pressroom_sorted_partitions"  # Table attribute: {hash DynamoType: _Partition}
_RANGE_OPS = frozenset({"=", "EQ", "<", "LT", "<=", "LE", ">", "GT", ">=", "GE", "BETWEEN"})
_BEGINS_WITH = "BEGINS_WITH"


def _native(value: Any, kind: str | None) -> Any:
    """The Python value moto orders a key attribute by (`DynamoType.cast_value`), or None when
    the attribute is not a plain string or number of the declared kind."""
    if value is None or value.type != kind:
        return None
    if kind == "S":
        return value.value if isinstance(value.value, str) else None
    if kind == "N":
        try:
            number = Decimal(value.value)
        except (ArithmeticError, TypeError, ValueError):
            return None
        return None if number.is_nan() else number
    return None


def _strip(entry: tuple[Any, ...]) -> tuple[Any, ...]:
    return entry[:-1]  # the sort key without the item's own key (a DynamoType)


class _Partition:
    """One partition's item keys in query order: by the table's range key, and by each local
    secondary index's range key then the table's (moto's order for an index query). Entries
    end with the item's range key (a DynamoType) to find the item in `table.items`."""

    def __init__(self, table: Any, indexes: dict[str, tuple[str, str]]) -> None:
        self.table = table
        self.indexes = indexes  # name → (range attribute, its declared type)
        self.by_range: list[tuple[Any, Any]] = []
        self.by_index: dict[str, list[tuple[Any, Any, Any]]] = {name: [] for name in indexes}
        self.entries: dict[Any, tuple[Any, dict[str, Any]]] = {}

    @classmethod
    def build(cls, table: Any, items: dict[Any, Any]) -> _Partition | None:
        partition = cls(table, _local_indexes(table))
        for key, item in items.items():
            if not partition._add(key, item, sort=False):
                return None
        partition.by_range.sort(key=_strip)
        for entries in partition.by_index.values():
            entries.sort(key=_strip)
        return partition

    def _add(self, key: Any, item: Any, sort: bool = True) -> bool:
        native = _native(key, self.table.range_key_type)
        if native is None:
            return False
        indexed: dict[str, Any] = {}
        for name, (attribute, kind) in self.indexes.items():
            value = item.attrs.get(attribute)
            if value is None:
                continue  # not in the index (moto skips items without the index's keys)
            indexed[name] = _native(value, kind)
            if indexed[name] is None:
                return False
        self.entries[key] = (native, indexed)
        add: Callable[[list[Any], Any], None] = (
            functools.partial(insort, key=_strip) if sort else list.append
        )
        add(self.by_range, (native, key))
        for name, value in indexed.items():
            add(self.by_index[name], (value, native, key))
        return True

    def refresh(self, key: Any, item: Any) -> bool:
        """Follow one item's write (`item` None: deleted). False: the partition holds keys
        this index cannot order; forget it and let moto answer."""
        old = self.entries.pop(key, None)
        if old is not None:
            native, indexed = old
            _remove(self.by_range, (native,))
            for name, value in indexed.items():
                _remove(self.by_index[name], (value, native))
        return item is None or self._add(key, item)


def _remove(entries: list[Any], prefix: tuple[Any, ...]) -> None:
    at = bisect_left(entries, prefix, key=_strip)
    if at < len(entries) and _strip(entries[at]) == prefix:
        del entries[at]


def _local_indexes(table: Any) -> dict[str, tuple[str, str]]:
    """The table's local secondary indexes this index can order: one range attribute of type
    S or N, declared in the table's attribute definitions."""
    kinds = {a["AttributeName"]: a["AttributeType"] for a in table.attr or []}
    found = {}
    for index in table.indexes or []:
        hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
        ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        if (
            hashes == [table.hash_key_attr]
            and len(ranges) == 1
            and kinds.get(ranges[0]) in ("S", "N")
        ):
            found[index.name] = (ranges[0], kinds[ranges[0]])
    return found


def _partition(table: Any, hash_key: Any) -> _Partition | None:
    partitions = table.__dict__.setdefault(_PARTITIONS, {})
    found = partitions.get(hash_key)
    if found is None:
        items = table.items.get(hash_key)  # .get: moto's defaultdict must not grow
        found = _Partition.build(table, items or {})
        if found is not None:
            partitions[hash_key] = found
    return found


def _item_written(table: Any, hash_key: Any, range_key: Any) -> None:
    """Keep a cached partition in step with a write (put, update, delete, rollback) to it."""
    partitions = table.__dict__.get(_PARTITIONS)
    if not partitions or hash_key is None:
        return
    partition = partitions.get(hash_key)
    if partition is None:
        return
    items = table.items.get(hash_key)
    item = items.get(range_key) if items and range_key is not None else None
    if range_key is None or not partition.refresh(range_key, item):
        del partitions[hash_key]


def _keys_of(table: Any, key: dict[str, Any]) -> tuple[Any, Any]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_value, range_value = key.get(table.hash_key_attr), key.get(table.range_key_attr)
    if not isinstance(hash_value, dict) or not isinstance(range_value, dict):
        return None, None
    return DynamoType(hash_value), DynamoType(range_value)


class _Seek:
    """One query's key conditions in native values, or `ok` False when moto must answer it."""

    def __init__(
        self,
        table: Any,
        hash_key: Any,
        comparison: str | None,
        values: list[Any],
        limit: Any,
        start_key: Any,
        index_name: str | None,
        hash_conditions: Any,
        range_conditions: Any,
    ) -> None:
        self.ok = False
        if hash_key is None or not table.range_key_attr or table.range_key_type not in ("S", "N"):
            return
        if index_name is None:
            self.range_attr, kind = table.range_key_attr, table.range_key_type
        else:
            index = _local_indexes(table).get(index_name)
            if index is None or any(i.name == index_name for i in table.global_indexes or []):
                return
            self.range_attr, kind = index
        if hash_conditions and [name for name, _ in hash_conditions] != [table.hash_key_attr]:
            return
        if hash_conditions and hash_conditions[0][1] != hash_key:
            return
        if range_conditions and (
            len(range_conditions) != 1
            or range_conditions[0][0] != self.range_attr
            or range_conditions[0][1] != comparison
        ):
            return
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            return
        self.comparison = comparison
        self.values = [_native(v, kind) for v in values]
        if comparison is not None:
            if any(v is None for v in self.values):
                return
            if comparison == _BEGINS_WITH:
                if kind != "S" or len(self.values) != 1:
                    return
            elif comparison not in _RANGE_OPS:
                return
            if len(self.values) != (2 if comparison == "BETWEEN" else 1):
                return
        self.start: tuple[Any, ...] | None = None
        if start_key is not None:
            self.start = self._start(table, hash_key, start_key, index_name, kind)
            if self.start is None:
                return
        self.ok = True

    def _start(
        self, table: Any, hash_key: Any, start_key: Any, index_name: str | None, kind: str
    ) -> tuple[Any, ...] | None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        names = [table.hash_key_attr, table.range_key_attr]
        if index_name is not None:
            names.append(self.range_attr)
        if not isinstance(start_key, dict) or any(
            not isinstance(start_key.get(name), dict) or len(start_key[name]) != 1 for name in names
        ):
            return None
        if DynamoType(start_key[table.hash_key_attr]) != hash_key:
            return None
        own = _native(DynamoType(start_key[table.range_key_attr]), table.range_key_type)
        if own is None:
            return None
        if index_name is None:
            return (own,)
        indexed = _native(DynamoType(start_key[self.range_attr]), kind)
        return None if indexed is None else (indexed, own)

    def block(self, entries: list[Any]) -> tuple[int, int]:
        """The entries the key condition selects: a slice, as the entries are in key order."""
        first = functools.partial(bisect_left, entries, key=lambda e: e[0])
        last = functools.partial(bisect_right, entries, key=lambda e: e[0])
        op, values = self.comparison, self.values
        if op is None:
            return 0, len(entries)
        if op in ("=", "EQ"):
            return first(values[0]), last(values[0])
        if op in ("<", "LT"):
            return 0, first(values[0])
        if op in ("<=", "LE"):
            return 0, last(values[0])
        if op in (">", "GT"):
            return last(values[0]), len(entries)
        if op in (">=", "GE"):
            return first(values[0]), len(entries)
        if op == "BETWEEN":
            low, high = first(values[0]), last(values[1])
            return low, max(low, high)
        prefix = values[0]  # BEGINS_WITH: key order is also the order of keys' prefixes
        size = len(prefix)
        return (
            bisect_left(entries, prefix, key=lambda e: e[0][:size]),
            bisect_right(entries, prefix, key=lambda e: e[0][:size]),
        )


def _queries_seek_in_sorted_partitions() -> None:
    """A DynamoDB query reads one partition from its first matching key. moto sorts the whole
    partition on each query (a `DynamoType` comparison at a time, and for an index it first
    builds every item's sort tuple), so a query of a 10,000-entry listing costs ~0.1 s whatever
    its `Limit`. Keep each queried partition's keys sorted (native `str` / `Decimal`, moto's own
    `cast_value`, so the order is moto's), follow every write to it, and answer queries on the
    table or a local secondary index with a key condition on one range attribute by bisection.
    The walk over the selected keys is moto's own loop (Limit, 1 MB page, LastEvaluatedKey,
    ScannedCount, then projection, filter and ProjectionExpression on the page); anything else
    (QueryFilter, global indexes, multi-attribute keys, odd key types) is moto's own code."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, Table

    fallback = Table.query

    @functools.wraps(fallback)
    def query(
        self: Table,
        hash_key: Any,
        range_comparison: str | None,
        range_objs: list[Any],
        limit: int,
        exclusive_start_key: dict[str, Any],
        scan_index_forward: bool,
        projection_expressions: list[list[str]] | None,
        index_name: str | None = None,
        consistent_read: bool = False,
        filter_expression: Any = None,
        hash_key_conditions: Any = None,
        range_key_conditions: Any = None,
        **filter_kwargs: Any,
    ) -> Any:
        seek = None
        if not filter_kwargs:
            seek = _Seek(
                self,
                hash_key,
                range_comparison,
                range_objs,
                limit,
                exclusive_start_key,
                index_name,
                hash_key_conditions,
                range_key_conditions,
            )
        partition = _partition(self, hash_key) if seek is not None and seek.ok else None
        if seek is None or partition is None:
            return fallback(
                self,
                hash_key,
                range_comparison,
                range_objs,
                limit,
                exclusive_start_key,
                scan_index_forward,
                projection_expressions,
                index_name,
                consistent_read,
                filter_expression,
                hash_key_conditions=hash_key_conditions,
                range_key_conditions=range_key_conditions,
                **filter_kwargs,
            )
        entries = partition.by_range if index_name is None else partition.by_index[index_name]
        return _walk(
            self,
            self.items.get(hash_key) or {},
            entries,
            seek,
            limit,
            scan_index_forward is not False,
            projection_expressions,
            index_name,
            filter_expression,
            RESULT_SIZE_LIMIT,
        )

    Table.query = query  # type: ignore[method-assign]

    def following_writes(method: Any, keys: Callable[..., tuple[Any, Any, Any]]) -> Any:
        @functools.wraps(method)
        def write(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            finally:
                table, hash_key, range_key = keys(self, *args, **kwargs)
                if table is not None:
                    _item_written(table, hash_key, range_key)

        return write

    def put_keys(table: Table, item_attrs: dict[str, Any], *_: Any, **__: Any) -> Any:
        return (table, *_keys_of(table, item_attrs))

    def delete_keys(table: Table, hash_key: Any, range_key: Any, *_: Any, **__: Any) -> Any:
        return table, hash_key, range_key

    def update_keys(backend: DynamoDBBackend, table_name: str, key: Any, *_: Any, **__: Any) -> Any:
        table = backend.tables.get(table_name)
        return (None, None, None) if table is None else (table, *_keys_of(table, key))

    Table.put_item = following_writes(Table.put_item, put_keys)  # type: ignore[method-assign]
    Table.delete_item = following_writes(Table.delete_item, delete_keys)  # type: ignore[method-assign]
    DynamoDBBackend.update_item = following_writes(  # type: ignore[method-assign]
        DynamoDBBackend.update_item, update_keys
    )
    transact = DynamoDBBackend.transact_write_items

    @functools.wraps(transact)
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        try:
            transact(self, transact_items)
        except Exception:
            # A failed transaction's items were put back behind the table's methods' backs.
            for action in transact_items:
                op = next(iter(action.values()))
                table = self.tables.get(op.get("TableName", ""))
                if table is not None:
                    _item_written(table, *_keys_of(table, op.get("Key") or op.get("Item") or {}))
            raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _walk(
    table: Any,
    items: dict[Any, Any],
    entries: list[Any],
    seek: _Seek,
    limit: int | None,
    forward: bool,
    projection_expressions: Any,
    index_name: str | None,
    filter_expression: Any,
    size_limit: int,
) -> tuple[list[Any], int, dict[str, Any] | None]:
    """moto's `Table.query` loop over the selected slice instead of the whole partition."""
    low, high = seek.block(entries)
    begin, end = 0, len(entries)  # what is left after ExclusiveStartKey
    if seek.start is not None:
        if forward:
            begin = bisect_right(entries, seek.start, key=_strip)
        else:
            end = bisect_left(entries, seek.start, key=_strip)
    low, high = max(low, begin), min(high, end)
    results: list[Any] = []
    result_size = 0
    last_evaluated_key = None
    if low < high:
        order: Iterator[int] = iter(range(low, high) if forward else range(high - 1, low - 1, -1))
        for at in order:
            item = items[entries[at][-1]]
            size = item.size()
            if len(results) == limit or result_size + size > size_limit:
                last_evaluated_key = table._get_last_evaluated_key(results[-1], index_name)
                break
            results.append(item)
            result_size += size
        else:
            # moto walks on past the matches: one more key in the partition ends a full page
            # (Limit reached, or 1 MB with that key's item; items are under 410 KB, so only a
            # page already past 590 KB needs the walk).
            after = range(high, end) if forward else range(low - 1, begin - 1, -1)
            if after and len(results) == limit:
                last_evaluated_key = table._get_last_evaluated_key(results[-1], index_name)
            elif after and result_size > size_limit - 410_000:
                for at in after:
                    if result_size + items[entries[at][-1]].size() > size_limit:
                        last_evaluated_key = table._get_last_evaluated_key(results[-1], index_name)
                        break
    scanned_count = len(results)
    # moto deep-copies the page here; nothing below changes an item (projections build new
    # ones) and the response is made of fresh dicts, so the stored items cannot leak out.
    if index_name:
        index = table.get_index(index_name)
        results = [index.project(r) for r in results]
    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]
    if projection_expressions:
        results = [r.project(projection_expressions) for r in results]
    return results, scanned_count, last_evaluated_key


# --- Per-request overhead ------------------------------------------------------------------------


def _handlers_list_their_actions_once() -> None:
    """moto looks up which actions a response class implements with `inspect.getmembers` on
    every request (~0.3 ms). A class's functions do not change while it serves requests (the
    patches here and in `moto_gaps` are all applied before the first one): list them once."""
    from moto.core import responses, utils

    original = utils.method_names_from_class

    @functools.cache
    def method_names_from_class(clazz: object) -> list[str]:
        return original(clazz)

    responses.method_names_from_class = method_names_from_class


def _update_expressions_parse_once() -> None:
    """moto parses an UpdateExpression twice per update (the handler, then the backend) and its
    validator walks the tree once per processor, rebuilding each processor's node-type map at
    every node. A parsed expression depends only on its text and moto never changes it (the
    validator works on a deep copy, where names and values are bound per call): keep the last
    few hundred parses. A processor's map is made of its own bound methods: build it once."""
    from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser  # type: ignore[attr-defined]
    from moto.dynamodb.parsing.expressions import (  # type: ignore[attr-defined]
        UpdateExpressionParser,
    )

    make = UpdateExpressionParser.make.__func__

    @functools.lru_cache(maxsize=512)
    def parse(cls: type, expression: str) -> Any:
        tree = make(cls, expression)
        tree.simple_actions = simple_actions(expression)  # see _simple_updates_skip_the_validator
        return tree

    def cached_make(cls: type, expression: Any) -> Any:
        return parse(cls, expression) if isinstance(expression, str) else make(cls, expression)

    UpdateExpressionParser.make = classmethod(cached_make)

    def processing_map(traverser: Any) -> dict[type, Any]:
        found = traverser.__dict__.get("_pressroom_map")
        if found is None:
            found = traverser.__dict__["_pressroom_map"] = traverser._processing_map()
        return found

    def nodes_to_be_processed(self: Any) -> tuple[type, ...]:
        return tuple(processing_map(self))

    def process(self: Any, node: Any) -> Any:
        for class_key, processor in processing_map(self).items():
            if isinstance(node, class_key):
                return processor(node)
        return None

    DepthFirstTraverser.nodes_to_be_processed = nodes_to_be_processed
    DepthFirstTraverser.process = process


_SIMPLE_ACTION = {
    "SET": re.compile(r"\s*(#?\w+)\s*=\s*(:\w+)\s*", re.ASCII),
    "ADD": re.compile(r"\s*(#?\w+)\s+(:\w+)\s*", re.ASCII),
    "REMOVE": re.compile(r"\s*(#?\w+)()\s*", re.ASCII),
}
_CLAUSE = re.compile(r"(?<![#:\w])(SET|ADD|REMOVE|DELETE)(?!\w)", re.ASCII | re.IGNORECASE)


def simple_actions(expression: str) -> tuple[tuple[str, str, str], ...] | None:
    """An UpdateExpression made only of `SET name = :value`, `ADD name :value` and
    `REMOVE name` (name: an attribute or a #placeholder), each clause once, as (clause, name,
    value placeholder) triples; None for anything else (paths, functions, arithmetic, DELETE)."""
    head, *clauses = _CLAUSE.split(expression)
    if head.strip() or not clauses:
        return None
    actions: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for keyword, body in zip(clauses[::2], clauses[1::2], strict=True):
        clause = keyword.upper()
        if clause not in _SIMPLE_ACTION or clause in seen:
            return None
        seen.add(clause)
        for part in body.split(","):
            found = _SIMPLE_ACTION[clause].fullmatch(part)
            if found is None:
                return None
            actions.append((clause, found[1], found[2]))
    return tuple(actions)


def _simple_updates_skip_the_validator() -> None:
    """moto checks an UpdateExpression with ten passes over a deep copy of its tree (one of them
    quadratic in the number of actions): ~4 ms for a listing head's seven actions, twice for a
    new item, and a build makes thousands. When every action is simple (`simple_actions`) and
    names a top-level attribute that is no key of the table or of an index, build the checked
    tree moto's executor then runs directly: the same nodes holding the same values, so moto
    still applies them. Anything else, including a name given twice and a missing placeholder,
    goes through moto's validator, which raises moto's errors."""
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.parsing import ast_nodes
    from moto.dynamodb.parsing.reserved_keywords import ReservedKeywords
    from moto.dynamodb.parsing.validators import UpdateExpressionValidator

    ast: Any = ast_nodes  # untyped
    reserved_words = ReservedKeywords.get_reserved_keywords()

    action_nodes = {
        "SET": ast.UpdateExpressionSetAction,
        "ADD": ast.UpdateExpressionAddAction,
        "REMOVE": ast.UpdateExpressionRemoveAction,
    }

    class SimpleUpdateValidator(UpdateExpressionValidator):
        def __init__(self, expression: Any, **arguments: Any) -> None:
            # moto's __init__ deep-copies the tree: only a fallback needs that.
            self.expression, self.arguments = expression, arguments

        def validate(self) -> Any:
            checked = self._checked(getattr(self.expression, "simple_actions", None))
            if checked is None:
                return UpdateExpressionValidator(self.expression, **self.arguments).validate()
            return checked

        def _checked(self, actions: tuple[tuple[str, str, str], ...] | None) -> Any:
            if actions is None:
                return None
            names = self.arguments["expression_attribute_names"] or {}
            values = self.arguments["expression_attribute_values"] or {}
            table = self.arguments["table"]
            keys = {*table.table_key_attrs, *table.attribute_keys}
            keys.update(definition["AttributeName"] for definition in table.attr)
            nodes, targets = [], set()
            for clause, name, placeholder in actions:
                attribute = names.get(name) if name.startswith("#") else name
                if attribute is None or attribute in targets or attribute in keys:
                    return None
                if placeholder and placeholder not in values:
                    return None
                targets.add(attribute)
                # As moto's own checked tree: placeholders stay, its executor resolves them.
                if name.startswith("#"):
                    path = ast.ExpressionAttributeName(name)
                elif name.upper() in reserved_words:  # moto refuses those
                    return None
                else:
                    path = ast.ExpressionAttribute(name)
                children = [ast.UpdateExpressionPath(children=[path])]
                if placeholder:
                    children.append(ast.DDBTypedValue(DynamoType(values[placeholder])))
                nodes.append(action_nodes[clause](children=children))
            return ast.UpdateExpression(children=nodes)

    models.UpdateExpressionValidator = SimpleUpdateValidator  # type: ignore[misc,assignment]


def _results_convert_in_one_walk() -> None:
    """moto turns each DynamoDB result into plain dicts by asking every string and number in it
    whether it is a datetime, a DynamoType, a model, a dict or a list. Scalars and their
    containers take a direct path; anything else (binary, datetimes, models) moto's own."""
    from moto.dynamodb import responses
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import dynamo_to_dict

    scalars = {"S", "N", "BOOL", "NULL"}
    containers = {"M", "L", "SS", "NS"}

    def convert(obj: Any) -> Any:
        kind = type(obj)
        if kind is DynamoType:
            if obj.type in scalars and type(obj.value) in (str, bool):
                return {obj.type: obj.value}
            if obj.type in containers:
                return {obj.type: convert(obj.value)}
            return dynamo_to_dict(obj)
        if kind is str or kind is int or kind is bool or obj is None:
            return obj
        if kind is dict or kind is LimitedSizeDict:  # an item's attributes are the latter
            return {key: convert(value) for key, value in obj.items()}
        if kind is list:
            return [convert(value) for value in obj]
        return dynamo_to_dict(obj)

    responses.dynamo_to_dict = convert


def _attribute_values_parse_as_sent() -> None:
    """botocore parses every DynamoDB `AttributeValue` of a response member by member through
    its shape model (~20 µs each; a query of ten article cards holds thousands). Without binary
    members a JSON AttributeValue parses to itself (strings, numbers as strings, booleans, and
    lists and maps of the same), so return it as sent when it is exactly that."""
    from botocore.parsers import BaseJSONParser

    original = getattr(BaseJSONParser, "_handle_structure")  # noqa: B009 (private; untyped)

    @functools.wraps(original)
    def handle_structure(self: BaseJSONParser, shape: Any, value: Any) -> Any:
        if shape.name == "AttributeValue" and "NULL" in shape.members and _as_parsed(value):
            return value
        return original(self, shape, value)

    setattr(BaseJSONParser, "_handle_structure", handle_structure)  # noqa: B010


def _attribute_values_serialise_as_given() -> None:
    """The request side of the same walk: botocore validates, then serialises, every
    `AttributeValue` of a request member by member (a 14-item transaction: ~20% of its time).
    An AttributeValue that is exactly a JSON one (`_as_parsed`) passes botocore's checks (one
    member, of its type) and serialises to itself; anything else goes botocore's way."""
    from botocore.serialize import JSONSerializer
    from botocore.validate import ParamValidator

    validate = getattr(ParamValidator, "_validate_structure")  # noqa: B009 (private; untyped)
    serialise = getattr(JSONSerializer, "_serialize_type_structure")  # noqa: B009

    @functools.wraps(validate)
    def validate_structure(self: Any, params: Any, shape: Any, errors: Any, name: str) -> None:
        if shape.name == "AttributeValue" and _as_parsed(params):
            return
        validate(self, params, shape, errors, name)

    @functools.wraps(serialise)
    def serialise_structure(self: Any, serialized: Any, value: Any, shape: Any, key: Any) -> None:
        if key is not None and shape.name == "AttributeValue" and _as_parsed(value):
            serialized[key] = value
            return
        serialise(self, serialized, value, shape, key)

    setattr(ParamValidator, "_validate_structure", validate_structure)  # noqa: B010
    setattr(JSONSerializer, "_serialize_type_structure", serialise_structure)  # noqa: B010


def _as_parsed(value: Any) -> bool:
    """Whether botocore's parse of this AttributeValue would equal it."""
    if type(value) is not dict or len(value) != 1:
        return False
    ((kind, member),) = value.items()
    if kind in ("S", "N"):
        return type(member) is str
    if kind in ("BOOL", "NULL"):
        return type(member) is bool
    if kind in ("SS", "NS"):
        return type(member) is list and all(type(v) is str for v in member)
    if kind == "L":
        return type(member) is list and all(_as_parsed(v) for v in member)
    if kind == "M":
        return type(member) is dict and all(
            type(k) is str and _as_parsed(v) for k, v in member.items()
        )
    return False


def _timestamps_parse_without_dateutil() -> None:
    """botocore parses every timestamp of a response with dateutil's general parser (~60 µs;
    a 1,000-key S3 listing spends most of its client time there). moto writes ISO 8601 in UTC
    (`2026-01-02T03:04:05.000Z`): parse that exact shape directly, with the zone object
    dateutil gives "Z" on this machine (`tzutc()`, or `tzlocal()` where the local zone is
    named UTC); anything else with botocore. (HTTP dates stay with dateutil: it reads "GMT" by
    the local zone's name too.)"""
    import re
    from datetime import datetime

    from botocore import parsers

    original = parsers.DEFAULT_TIMESTAMP_PARSER
    iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3}|\.\d{6})?Z\Z", re.ASCII)
    zone = original("2000-01-01T00:00:00Z").tzinfo

    def parse_timestamp(value: Any) -> Any:
        if type(value) is str and iso.match(value):
            try:
                return datetime.fromisoformat(value[:-1]).replace(tzinfo=zone)
            except ValueError:
                pass  # e.g. day 31 of a short month: botocore says what is wrong with it
        return original(value)

    parsers.DEFAULT_TIMESTAMP_PARSER = parse_timestamp


def _queue_attributes_count_messages_once() -> None:
    """moto builds a queue's attributes (three message counts, each a pass over every message)
    on each SendMessage, three times per GetQueueAttributes, and three times per message
    received (the retention check asks for one attribute). With a thousand uploads queued, a
    `pressroom build` spent most of its time there. Count in one pass with one clock reading
    (the same comparisons as `Message.visible` / `.delayed`), build the attributes once per
    request, and read the retention period from the queue itself."""
    from moto.core.utils import camelcase_to_underscores, unix_time, unix_time_millis
    from moto.sqs.models import Queue, SQSBackend

    counts = (
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateNumberOfMessagesNotVisible",
    )
    names = {name: camelcase_to_underscores(name) for name in Queue.BASE_ATTRIBUTES}

    def attributes(self: Queue) -> dict[str, Any]:
        now = unix_time_millis()
        ready = delayed = hidden = 0
        for message in self._messages:
            is_visible, is_delayed = now > message.visible_at, now < message.delayed_until
            ready += is_visible and not is_delayed
            delayed += is_delayed
            hidden += not is_visible
        found = dict(zip(counts, (ready, delayed, hidden), strict=True))
        result: dict[str, Any] = {
            name: found[name] if name in found else getattr(self, names[name])
            for name in Queue.BASE_ATTRIBUTES
        }
        kms = self.kms_master_key_id  # type: ignore[attr-defined]
        for group, wanted in (
            (Queue.FIFO_ATTRIBUTES, self.fifo_queue),
            (Queue.KMS_ATTRIBUTES, kms),
        ):
            if wanted:
                result.update({n: getattr(self, camelcase_to_underscores(n)) for n in group})
        if self.policy:
            result["Policy"] = self.policy
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy)
        return {k: str(v).lower() if isinstance(v, bool) else v for k, v in result.items()}

    get_attributes = SQSBackend.get_queue_attributes

    def get_queue_attributes(
        self: SQSBackend, queue_name: str, attribute_names: list[str]
    ) -> dict[str, Any]:
        if not attribute_names or "All" in attribute_names:
            return get_attributes(self, queue_name, attribute_names)
        get_attributes(self, queue_name, [])  # moto's checks (queue exists) without the work
        current = self.get_queue(queue_name).attributes
        return {n: current[n] for n in attribute_names if current.get(n) is not None}

    def is_message_valid_based_on_retention_period(
        self: SQSBackend, queue_name: str, message: Any
    ) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
        return bool(retention + message.sent_timestamp / 1000 > unix_time())

    Queue.attributes = property(attributes)  # type: ignore[method-assign,assignment]
    SQSBackend.get_queue_attributes = get_queue_attributes  # type: ignore[method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = (  # type: ignore[method-assign]
        is_message_valid_based_on_retention_period
    )


def _queues_find_messages_in_one_pass() -> None:
    """Each ReceiveMessage lists a queue's ready messages (two clock readings per message) and
    each deleted message is looked for twice through the whole queue: ~200 ms per receive and
    delete of ten with 10,000 uploads queued, O(N²) over a build. List them with one clock
    reading (`Message.visible` / `.delayed`'s comparisons), and find a deleted message in one
    pass that stops at it (the oldest, at the front, are the ones received and deleted)."""
    from moto.core.utils import unix_time_millis
    from moto.sqs.exceptions import ReceiptHandleIsInvalid
    from moto.sqs.models import Queue

    def messages(self: Queue) -> list[Any]:
        now = unix_time_millis()
        return [m for m in self._messages if now > m.visible_at and not now < m.delayed_until]

    def delete_message(self: Queue, receipt_handle: str) -> None:
        if receipt_handle in self.deleted_messages:
            return  # already deleted: moto accepts it again
        index = next(
            (i for i, m in enumerate(self._messages) if receipt_handle in m.all_receipt_handles),
            None,
        )
        if index is None:
            raise ReceiptHandleIsInvalid()
        message = self._messages[index]
        # A handle is one message's (moto's are random). A new list, as moto makes: a receive
        # on another thread (`pressroom up`) may be going through the old one.
        self._messages = self._messages[:index] + self._messages[index + 1 :]
        self.pending_messages.discard(message)
        self.deleted_messages.update(message.all_receipt_handles)  # type: ignore[arg-type]

    Queue.messages = property(messages)  # type: ignore[method-assign,assignment]
    Queue.delete_message = delete_message  # type: ignore[method-assign]


def _s3_routes_load_once() -> None:
    """moto re-imports its S3 URL module twice per S3 request, so that a change of
    MOTO_S3_CUSTOM_ENDPOINTS (read at import) takes effect: ~0.3 ms a request, and a build of
    1,000 articles makes 10,000 of them. Re-import only when that variable has changed."""
    import os

    from moto.s3.models import S3Backend

    load = S3Backend._url_module.fget  # type: ignore[attr-defined]
    loaded: dict[str | None, Any] = {}

    def url_module(self: S3Backend) -> Any:
        endpoints = os.environ.get("MOTO_S3_CUSTOM_ENDPOINTS")
        if endpoints not in loaded:
            loaded.clear()
            loaded[endpoints] = load(self)
        return loaded[endpoints]

    S3Backend._url_module = property(url_module)  # type: ignore[method-assign,assignment]


def _stream_records_serialise_as_stored() -> None:
    """GetRecords answers with up to 1,000 records whose keys and images moto already holds in
    wire format, yet its response serialiser walks each record member by member (~0.25 ms a
    record: a tenth of a 1,000-article build). Write the JSON body directly; the records' one
    non-JSON value, a timestamp, as moto's serialiser writes it (epoch seconds)."""
    from datetime import datetime

    from moto.core.serialize import TimestampSerializer
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    def epoch_seconds(value: Any) -> Any:
        if isinstance(value, datetime):
            return TimestampSerializer._timestamp_unixtimestamp(value)
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    original = DynamoDBStreamsHandler.get_records

    @functools.wraps(original)
    def get_records(self: DynamoDBStreamsHandler) -> str:
        limit = self._get_param("Limit")
        result = self.backend.get_records(
            self._get_param("ShardIterator"), 1000 if limit is None else limit
        )
        return json.dumps(result, default=epoch_seconds)

    DynamoDBStreamsHandler.get_records = get_records  # type: ignore[method-assign,assignment]


def _server_lists_its_services_once() -> None:
    """moto's server lists its package folder (~60 `stat` calls, ~0.5 ms) on every request, to
    tell a host naming a service from a hostname (`pressroom up`, the cold-start bench). The
    folder does not change while it runs: list it once."""
    from moto import backends

    services = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: services
