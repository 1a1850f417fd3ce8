"""The embedded backend's speed patches answer exactly as moto does, and a query's cost does not
grow with its partition."""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

from pressroom.local import moto_gaps, moto_speedups
from pressroom.local.embedded import LOCAL_ENV
from pressroom.local.template import LOCAL_ACCOUNT

_tables = itertools.count()


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    moto_gaps.apply()
    with pytest.MonkeyPatch.context() as env:
        for name, value in LOCAL_ENV.items():
            env.setenv(name, value)
        with mock_aws():
            yield boto3.client("dynamodb")


@pytest.fixture
def sqs(dynamodb: Any) -> Any:
    """An SQS client on the same embedded backend."""
    return boto3.client("sqs")


def new_table(client: Any, sort_type: str = "S") -> str:
    """A table shaped like the content table: pk, sk and a local index on a number `seq`."""
    name = f"t{next(_tables)}"
    client.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": sort_type},
            {"AttributeName": "seq", "AttributeType": "N"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by_seq",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "seq", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def as_moto_alone(action: Callable[[], Any]) -> Any:
    """Run `action` with moto's own `Table.query` (no speed patch, no partition narrowing)."""
    patched = Table.query
    Table.query = inspect.unwrap(patched)  # type: ignore[method-assign]
    try:
        return action()
    finally:
        Table.query = patched  # type: ignore[method-assign]


def both_answers(client: Any, request: dict[str, Any]) -> tuple[Any, Any]:
    """The query's answer with the speed patch, and with moto alone."""
    fast = answer(lambda: client.query(**request))
    return fast, as_moto_alone(lambda: answer(lambda: client.query(**request)))


def answer(call: Callable[[], Any]) -> Any:
    try:
        response = call()
    except Exception as error:  # moto's own errors must match too
        return ("error", type(error).__name__, str(error))
    response.pop("ResponseMetadata", None)
    return response


# Keys with shared prefixes, non-ASCII and astral characters (code-point order), and numbers
# of several spellings and magnitudes.
# Mostly a few keys, so writes often hit keys that are already there.
sort_strings = st.one_of(
    st.sampled_from(["a", "ab", "b", "\u00e9", "\u00ff", "\U0001f600a"]),
    st.text(alphabet="ab\u00e9\u00ff\U0001f600", min_size=1, max_size=3),
)
sort_numbers = st.one_of(
    st.sampled_from(["-3", "0", "1", "2", "10"]),
    st.integers(-20, 40).map(str),
    st.sampled_from(["0.5", "-0.5", "1.0", "1e1", "2.50", "1E-3", "100000000000000000001"]),
)
partitions = st.sampled_from(["A", "A", "A", "B"])  # mostly one partition, written and read
maybe_seq = st.one_of(st.none(), sort_numbers)


def sort_value(kind: str) -> st.SearchStrategy[str]:
    return sort_strings if kind == "S" else sort_numbers


def writes(kind: str) -> st.SearchStrategy[tuple[Any, ...]]:
    key = st.tuples(partitions, sort_value(kind))
    return st.one_of(
        st.tuples(st.just("put"), key, maybe_seq, st.integers(0, 3)),
        st.tuples(st.just("update"), key, maybe_seq),
        st.tuples(st.just("delete"), key),
        st.tuples(st.just("failed transaction"), key, maybe_seq),
        st.tuples(st.just("batch"), st.lists(st.tuples(key, maybe_seq), max_size=4)),
    )


def queries(kind: str) -> st.SearchStrategy[tuple[Any, ...]]:
    conditions = st.one_of(
        st.tuples(st.sampled_from(["=", "<", "<=", ">", ">="]), st.integers(0, 1)),
        st.tuples(st.just("BETWEEN"), st.integers(0, 1)),
        st.tuples(st.just("begins_with"), st.integers(0, 1)),
        st.none(),
    )
    return st.tuples(
        st.just("query"),
        partitions,
        st.booleans(),  # on the index?
        conditions,
        st.lists(sort_value(kind), min_size=2, max_size=2),
        st.lists(sort_numbers, min_size=2, max_size=2),
        st.one_of(st.none(), st.integers(1, 6)),
        st.booleans(),  # forward?
        st.sampled_from(["none", "last page", "an item", "random"]),
        st.tuples(sort_value(kind), sort_numbers),  # a random start key, or which item
        st.sampled_from(["none", "filter", "projection"]),
    )


def typed(kind: str, value: str) -> dict[str, str]:
    return {kind: value}


def run_write(client: Any, table: str, kind: str, step: tuple[Any, ...]) -> None:
    def key(pk: str, sk: str) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": typed(kind, sk)}

    def item(pk: str, sk: str, seq: str | None, size: int = 0) -> dict[str, Any]:
        found = {**key(pk, sk), "v": {"S": "x" * size}}
        return found if seq is None else {**found, "seq": {"N": seq}}

    if step[0] == "put":
        (pk, sk), seq, size = step[1:]
        client.put_item(TableName=table, Item=item(pk, sk, seq, size))
    elif step[0] == "update":
        (pk, sk), seq = step[1:]
        if seq is None:
            client.update_item(TableName=table, Key=key(pk, sk), UpdateExpression="REMOVE seq")
        else:
            client.update_item(
                TableName=table,
                Key=key(pk, sk),
                UpdateExpression="SET seq = :s",
                ExpressionAttributeValues={":s": {"N": seq}},
            )
    elif step[0] == "delete":
        client.delete_item(TableName=table, Key=key(*step[1]))
    elif step[0] == "failed transaction":
        # Its first action changes the item; the second fails and rolls the first back.
        (pk, sk), seq = step[1:]
        other = "B" if pk == "A" else "A"
        with pytest.raises(client.exceptions.TransactionCanceledException):
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": table, "Item": item(pk, sk, seq or "7")}},
                    {
                        "ConditionCheck": {
                            "TableName": table,
                            "Key": key(other, sk),
                            "ConditionExpression": "attribute_exists(never)",
                        }
                    },
                ]
            )
    else:
        requests: dict[tuple[str, str], Any] = {}
        for (pk, sk), seq in step[1]:
            # One request per key; a key without a seq this time is deleted instead.
            requests[(pk, str(DynamoType(typed(kind, sk)).cast_value))] = (
                {"PutRequest": {"Item": item(pk, sk, seq)}}
                if seq is not None
                else {"DeleteRequest": {"Key": key(pk, sk)}}
            )
        if requests:
            client.batch_write_item(RequestItems={table: list(requests.values())})


def query_request(
    table: str,
    kind: str,
    step: tuple[Any, ...],
    last_page: dict[str, Any] | None,
    items: list[dict[str, Any]],
) -> dict[str, Any]:
    (_, pk, on_index, condition, sorts, seqs, limit, forward, start, random_start, extra) = step
    attribute, values, value_kind = ("seq", seqs, "N") if on_index else ("sk", sorts, kind)
    request: dict[str, Any] = {
        "TableName": table,
        "ScanIndexForward": forward,
        "ExpressionAttributeValues": {":p": {"S": pk}},
    }
    expression = "pk = :p"
    if condition is not None:
        op, which = condition
        low, high = sorted(values, key=lambda v: DynamoType(typed(value_kind, v)).cast_value)
        request["ExpressionAttributeValues"][":a"] = typed(value_kind, values[which])
        if op == "BETWEEN":
            request["ExpressionAttributeValues"][":a"] = typed(value_kind, low)
            request["ExpressionAttributeValues"][":b"] = typed(value_kind, high)
            expression += f" AND {attribute} BETWEEN :a AND :b"
        elif op == "begins_with":
            if value_kind != "S":
                return query_request(table, kind, (*step[:3], None, *step[4:]), last_page, items)
            expression += f" AND begins_with({attribute}, :a)"
        else:
            expression += f" AND {attribute} {op} :a"
    request["KeyConditionExpression"] = expression
    if on_index:
        request["IndexName"] = "by_seq"
    if limit is not None:
        request["Limit"] = limit
    if start == "last page" and last_page is not None:
        request["ExclusiveStartKey"] = last_page
    elif start == "an item" and items:
        chosen = items[len(random_start[0]) % len(items)]
        request["ExclusiveStartKey"] = {k: v for k, v in chosen.items() if k in ("pk", "sk", "seq")}
    elif start == "random":
        start_key = {"pk": {"S": pk}, "sk": typed(kind, random_start[0])}
        if on_index:
            start_key["seq"] = {"N": random_start[1]}
        request["ExclusiveStartKey"] = start_key
    if extra == "filter":
        request["FilterExpression"] = "size(v) > :zero"
        request["ExpressionAttributeValues"][":zero"] = {"N": "0"}
    elif extra == "projection":
        request["ProjectionExpression"] = "sk, seq"
    return request


@pytest.mark.parametrize("kind", ["S", "N"])
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_given_random_writes_when_queried_then_the_sorted_partitions_answer_as_moto_does(
    dynamodb: Any, kind: str, data: st.DataObject
) -> None:
    # GIVEN a content-shaped table, written to and queried in a random interleaving (queries
    # keep partitions cached, so later writes must keep them right)
    table = new_table(dynamodb, kind)
    steps = data.draw(st.lists(st.one_of(writes(kind), queries(kind)), min_size=8, max_size=30))
    last_page: dict[str, Any] | None = None
    for step in steps:
        if step[0] != "query":
            run_write(dynamodb, table, kind, step)
            continue
        items = dynamodb.scan(TableName=table)["Items"]
        request = query_request(table, kind, step, last_page, items)

        # WHEN the query runs with the speed patch, and with moto alone
        fast, alone = both_answers(dynamodb, request)

        # THEN the answers are the same: items, order, counts and the last evaluated key
        assert fast == alone, request
        if isinstance(fast, dict):
            last_page = fast.get("LastEvaluatedKey") or last_page


def test_given_items_near_the_page_size_when_queried_then_pages_end_where_moto_ends_them(
    dynamodb: Any,
) -> None:
    # GIVEN a partition of big items (1 MB holds three of them), some past the key condition
    table = new_table(dynamodb)
    for n in range(8):
        dynamodb.put_item(
            TableName=table,
            Item={
                "pk": {"S": "A"},
                "sk": {"S": f"{n}"},
                "seq": {"N": f"{n}"},
                "v": {"S": "x" * 300_000},
            },
        )
    # Each selects three items, which fill 900 KB of the page; the next key's item overflows it.
    for condition, value, more in (
        ("sk < :a", {"S": "3"}, {}),
        ("sk > :a", {"S": "4"}, {"ScanIndexForward": False}),
        ("seq < :a", {"N": "3"}, {"IndexName": "by_seq"}),
    ):
        request = {
            "TableName": table,
            "KeyConditionExpression": f"pk = :p AND {condition}",
            "ExpressionAttributeValues": {":p": {"S": "A"}, ":a": value},
            "ProjectionExpression": "sk",
            **more,
        }

        # WHEN the query runs with the speed patch, and with moto alone
        fast, alone = both_answers(dynamodb, request)

        # THEN both end the page at the same key
        assert fast == alone
        assert "LastEvaluatedKey" in fast


class Work:
    """What moto does per item: item sizes taken, key hashes and key comparisons."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        for cls, names in (
            (DynamoType, ("__hash__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__")),
            (Item, ("size",)),
        ):
            for name in names:
                monkeypatch.setattr(cls, name, self.counted(getattr(cls, name)))

    def counted(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def counting(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return method(*args, **kwargs)

        return counting


def listing_queries(client: Any, table: str, size: int) -> list[Callable[[], Any]]:
    """A publish's kind of queries into a listing of `size` entries: newest first, a page by
    seq on the index, a prefix."""
    values = {":p": {"S": "LST#home"}}
    return [
        lambda: client.query(
            TableName=table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=values,
            ScanIndexForward=False,
            Limit=10,
        ),
        lambda: client.query(
            TableName=table,
            IndexName="by_seq",
            KeyConditionExpression="pk = :p AND seq BETWEEN :a AND :b",
            ExpressionAttributeValues={**values, ":a": {"N": "20"}, ":b": {"N": "29"}},
        ),
        lambda: client.query(
            TableName=table,
            KeyConditionExpression="pk = :p AND begins_with(sk, :e)",
            ExpressionAttributeValues={**values, ":e": {"S": f"E#{size - 5:06d}"}},
        ),
    ]


def query_work(client: Any, monkeypatch: pytest.MonkeyPatch, size: int, alone: bool) -> int:
    table = new_table(client)
    for start in range(0, size, 25):
        client.batch_write_item(
            RequestItems={
                table: [
                    {
                        "PutRequest": {
                            "Item": {
                                "pk": {"S": "LST#home"},
                                "sk": {"S": f"E#{n:06d}"},
                                "seq": {"N": str(n)},
                            }
                        }
                    }
                    for n in range(start, min(start + 25, size))
                ]
            }
        )
    run = listing_queries(client, table, size)
    for query in run:
        query()  # the partition's first query sorts it once
    # A write to the partition (as each publish adds an entry) must not undo that.
    client.put_item(
        TableName=table,
        Item={"pk": {"S": "LST#home"}, "sk": {"S": "E#999999"}, "seq": {"N": "999999"}},
    )
    with monkeypatch.context() as patches:
        work = Work(patches)
        for query in run:
            if alone:
                as_moto_alone(query)
            else:
                query()
    return work.count


def test_given_listings_of_100_and_5000_entries_when_queried_then_the_work_is_the_same(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a listing partition of 100 entries and one of 5,000, each queried once already
    # WHEN the same queries run again after a write to the partition
    small = query_work(dynamodb, monkeypatch, 100, alone=False)
    large = query_work(dynamodb, monkeypatch, 5000, alone=False)

    # THEN they cost the same, where moto alone does work in proportion to the partition
    assert small == large
    assert query_work(dynamodb, monkeypatch, 5000, alone=True) > 10 * large


def botocore_parse(body: dict[str, Any], patched: bool) -> Any:
    """Parse a GetItem response body as a DynamoDB client does, with or without the patch."""
    import json

    import botocore.session
    from botocore.parsers import BaseJSONParser, JSONParser

    model = botocore.session.get_session().get_service_model("dynamodb")
    shape = model.operation_model("GetItem").output_shape
    assert shape is not None
    response = {"body": json.dumps(body).encode(), "headers": {}, "status_code": 200}
    handle = BaseJSONParser.__dict__["_handle_structure"]
    if not patched:
        setattr(BaseJSONParser, "_handle_structure", inspect.unwrap(handle))  # noqa: B010
    try:
        return JSONParser().parse(response, shape)
    finally:
        setattr(BaseJSONParser, "_handle_structure", handle)  # noqa: B010


def attribute_value_trees(*leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        st.one_of(
            st.builds(lambda v: {"S": v}, st.text(max_size=5)),
            st.builds(lambda v: {"N": v}, st.integers().map(str)),
            st.builds(lambda v: {"BOOL": v}, st.booleans()),
            st.just({"NULL": True}),
            st.builds(lambda v: {"SS": v}, st.lists(st.text(max_size=3), max_size=3)),
            st.builds(lambda v: {"B": v}, st.sampled_from(["", "YWJj", "AAEC"])),  # base64
            st.builds(lambda v: {"BS": v}, st.lists(st.just("YWJj"), max_size=2)),
            *leaves,
        ),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda v: {"L": v}),
            st.dictionaries(st.text(max_size=3), inner, max_size=3).map(lambda v: {"M": v}),
        ),
        max_leaves=12,
    )


stored_values = attribute_value_trees()
attribute_values = attribute_value_trees(st.just({"S": None}))  # botocore drops a null member


@settings(max_examples=200, deadline=None)
@given(item=st.dictionaries(st.text(max_size=4), attribute_values, max_size=4))
def test_given_any_item_when_a_client_parses_it_then_it_parses_as_botocore_parses_it(
    item: dict[str, Any],
) -> None:
    # GIVEN a GetItem response holding any mix of attribute types (binary and nulls included)
    moto_speedups.speed_up_clients()
    body = {"Item": item}

    # WHEN a DynamoDB client parses it, with the speed patch and without
    # THEN the results are equal
    assert botocore_parse(body, patched=True) == botocore_parse(body, patched=False)


@settings(max_examples=200, deadline=None)
# From year 1000: strftime writes earlier years unpadded, a text neither parser reads.
@given(moment=st.datetimes(min_value=datetime(1000, 1, 1)), digits=st.sampled_from([0, 3, 6]))
def test_given_moto_timestamps_when_parsed_then_they_equal_botocores_parse(
    moment: Any, digits: int
) -> None:
    # GIVEN a moment as moto writes it: ISO 8601 in UTC
    from botocore import parsers, utils

    moto_speedups.speed_up_clients()
    fraction = f".{moment.microsecond:06d}"[: digits + 1] if digits else ""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"

    # WHEN the patched client parser reads it
    parsed = parsers.DEFAULT_TIMESTAMP_PARSER(text)

    # THEN it is botocore's own result, down to the time zone object
    expected = utils.parse_timestamp(text)
    assert parsed == expected and type(parsed.tzinfo) is type(expected.tzinfo)
    assert parsed.replace(tzinfo=None) == expected.replace(tzinfo=None)


@settings(max_examples=200, deadline=None)
@given(item=st.dictionaries(st.text(max_size=4), stored_values, max_size=4))
def test_given_any_item_when_moto_answers_with_it_then_it_converts_as_moto_converts_it(
    item: dict[str, Any],
) -> None:
    # GIVEN an item as moto stores it (any mix of attribute types), in a query's result
    from moto.dynamodb import responses
    from moto.dynamodb.models.utilities import dynamo_to_dict

    moto_gaps.apply()
    stored = Item(DynamoType({"S": "pk"}), None, item)
    result = {"Items": [stored.attrs], "Count": 1, "LastEvaluatedKey": {"pk": stored.hash_key}}

    # WHEN the handler turns it into plain dicts, with the speed patch and with moto's own walk
    # THEN both give the same
    assert responses.dynamo_to_dict(result) == dynamo_to_dict(result)


def test_given_messages_in_every_state_when_queue_attributes_are_read_then_moto_counts_agree(
    sqs: Any,
) -> None:
    """One counting pass gives the counts of moto's own three properties (ready, delayed, in
    flight), for a standard and a FIFO queue; named attributes equal the same from "All"."""
    from moto.sqs.models import sqs_backends

    for name, fifo in (("plain", {}), ("ordered.fifo", {"FifoQueue": "true"})):
        extra = {"ContentBasedDeduplication": "true"} if fifo else {}
        url = sqs.create_queue(QueueName=name, Attributes={**fifo, **extra})["QueueUrl"]
        for n in range(6):
            sent: dict[str, Any] = {"QueueUrl": url, "MessageBody": f"m{n}"}
            if fifo:
                sent["MessageGroupId"] = f"g{n}"
            elif n < 2:
                sent["DelaySeconds"] = 60
            sqs.send_message(**sent)
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=60)
        queue = sqs_backends[LOCAL_ACCOUNT]["us-east-1"].get_queue(name)

        counted = queue.attributes

        assert (
            (
                counted["ApproximateNumberOfMessages"],
                counted["ApproximateNumberOfMessagesDelayed"],
                counted["ApproximateNumberOfMessagesNotVisible"],
            )
            == (
                queue.approximate_number_of_messages,
                queue.approximate_number_of_messages_delayed,
                queue.approximate_number_of_messages_not_visible,
            )
            == ((4, 0, 2) if fifo else (2, 2, 2))
        )
        every = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
        names = ["ApproximateNumberOfMessages", "MessageRetentionPeriod", "QueueArn"]
        named = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)
        assert named["Attributes"] == {n: every["Attributes"][n] for n in names}


# Attribute names: plain, reserved (`count`: moto refuses it unless through a placeholder), the
# table's keys and its index key. Values of every kind; ADD takes numbers and sets only.
update_names = ["title", "n", "tags", "settings", "count", "pk", "seq"]
any_value = st.sampled_from(
    [
        {"S": "x"},
        {"S": ""},
        {"N": "1"},
        {"N": "-2.5"},
        {"SS": ["a", "b"]},
        {"NS": ["1", "2"]},
        {"L": [{"S": "a"}]},
        {"M": {"k": {"N": "3"}}},
        {"BOOL": True},
    ]
)
addable_value = st.sampled_from([{"N": "1"}, {"N": "0.5"}, {"SS": ["b", "c"]}, {"NS": ["2"]}])
# Mostly valid requests; each flaw below makes moto refuse one.
update_flaws = st.sampled_from(
    [None] * 6 + ["clause twice", "DELETE", "value missing", "name twice", "bare count"]
)


@st.composite
def update_requests(draw: st.DrawFn) -> tuple[str, dict[str, str], dict[str, Any]]:
    """An UpdateItem's (UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues):
    up to three clauses, each name plain or through a #placeholder."""
    clauses = draw(st.lists(st.sampled_from(["SET", "ADD", "REMOVE"]), min_size=1, max_size=3))
    clauses = list(dict.fromkeys(clauses))
    flaw = draw(update_flaws)
    if flaw == "clause twice":
        clauses.append(clauses[0])
    elif flaw == "DELETE":
        clauses.append("DELETE")
    order = draw(st.permutations(update_names))
    names_left = iter(order)
    parts: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    for clause in clauses:
        written = []
        for _ in range(draw(st.integers(1, 2))):
            name = next(names_left, order[0])
            target = name
            if (name == "count" and flaw != "bare count") or draw(st.booleans()):
                target = f"#n{len(names)}"
                names[target] = name
            placeholder = f":v{len(values)}"
            if clause == "REMOVE":
                written.append(target)
                continue
            values[placeholder] = draw(addable_value if clause != "SET" else any_value)
            written.append(
                f"{target} = {placeholder}" if clause == "SET" else f"{target} {placeholder}"
            )
        parts.append(f"{draw(st.sampled_from([clause, clause.lower()]))} {', '.join(written)}")
    if flaw == "value missing" and values:
        values.pop(next(iter(values)))
    if flaw == "name twice":
        parts.append(f"REMOVE {order[0]}" if "REMOVE" not in clauses else "")
    return " ".join(parts).strip(), names, values


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    before=st.one_of(
        st.none(), st.dictionaries(st.sampled_from(update_names), any_value, max_size=4)
    ),
    request=update_requests(),
)
@example(before=None, request=("SET count = :v", {}, {":v": {"S": "x"}}))  # moto: reserved word
@example(before={"n": {"S": "x"}}, request=("ADD n :v", {}, {":v": {"N": "1"}}))  # wrong type
def test_given_any_update_when_applied_then_the_item_and_errors_are_moto_alones(
    dynamodb: Any, before: Any, request: tuple[str, dict[str, str], dict[str, Any]]
) -> None:
    from moto.dynamodb import models
    from moto.dynamodb.parsing.validators import UpdateExpressionValidator

    # GIVEN an item (or none) and an update of any shape, valid or not
    table = new_table(dynamodb)
    expression, names, values = request
    answers = []
    for pk, validator in (
        ("fast", models.UpdateExpressionValidator),
        ("moto", UpdateExpressionValidator),
    ):
        key = {"pk": {"S": pk}, "sk": {"S": "HEAD"}}
        if before is not None:
            attributes = {k: v for k, v in before.items() if k not in ("pk", "sk", "seq")}
            dynamodb.put_item(TableName=table, Item={**key, **attributes})
        update: dict[str, Any] = {"TableName": table, "Key": key, "UpdateExpression": expression}
        if names:
            update["ExpressionAttributeNames"] = names
        if values:
            update["ExpressionAttributeValues"] = values
        patched, models.UpdateExpressionValidator = models.UpdateExpressionValidator, validator  # type: ignore[misc]
        try:
            # WHEN it is applied with the speed patch, then with moto's own validator
            outcome = answer(lambda: dynamodb.update_item(**update))  # noqa: B023
        finally:
            models.UpdateExpressionValidator = patched  # type: ignore[misc]
        stored = dynamodb.get_item(TableName=table, Key=key).get("Item", {})
        answers.append((outcome, {k: v for k, v in stored.items() if k != "pk"}))

    # THEN the answer (or error) and the stored item are the same
    assert answers[0] == answers[1]


def test_given_simple_and_other_updates_when_read_then_only_simple_ones_skip_the_validator():
    assert moto_speedups.simple_actions("SET a = :a, #b = :b ADD #c :one REMOVE d") == (
        ("SET", "a", ":a"),
        ("SET", "#b", ":b"),
        ("ADD", "#c", ":one"),
        ("REMOVE", "d", ""),
    )
    assert moto_speedups.simple_actions("set settings=:s remove #set") == (
        ("SET", "settings", ":s"),
        ("REMOVE", "#set", ""),
    )
    for other in (
        "SET a = :a SET b = :b",  # a clause twice (moto says so)
        "SET a.b = :a",  # a nested path
        "SET a[0] = :a",
        "SET a = b",  # another attribute's value
        "SET a = :a + :b",
        "SET a = if_not_exists(a, :a)",
        "DELETE s :s",
        "ADD a",
        "",
    ):
        assert moto_speedups.simple_actions(other) is None, other


def test_given_s3_requests_when_routed_then_moto_reads_its_routes_again_only_when_they_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN moto's S3 backend with the speed patch, counting re-imports of its URL module
    from importlib import reload

    from moto.s3 import models
    from moto.s3.models import s3_backends

    moto_gaps.apply()
    backend = s3_backends[LOCAL_ACCOUNT]["aws"]
    reloads = []
    monkeypatch.setattr(models, "reload", lambda module: reloads.append(module) or reload(module))
    monkeypatch.setenv("MOTO_S3_CUSTOM_ENDPOINTS", "https://first.example")
    assert "https://first.example" in backend.url_bases

    # WHEN requests are routed, then the custom endpoints change
    for _ in range(3):
        backend.urls  # noqa: B018 (what moto reads per request)
    read_before_the_change = len(reloads)
    monkeypatch.setenv("MOTO_S3_CUSTOM_ENDPOINTS", "https://second.example")

    # THEN the routes were read at most once until then, and follow the change
    assert read_before_the_change <= 1
    assert "https://second.example" in backend.url_bases
    assert "https://first.example" not in backend.url_bases


def test_given_stream_records_when_read_then_the_direct_json_parses_as_moto_serialises_it(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    # GIVEN a streamed table after inserts, an update and a delete (every image kind)
    name = new_table(dynamodb)
    dynamodb.update_table(
        TableName=name,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    for n in range(5):
        item = {"pk": {"S": "p"}, "sk": {"S": f"s{n}"}, "seq": {"N": str(n)}}
        dynamodb.put_item(TableName=name, Item={**item, "m": {"M": {"l": {"L": [{"N": "1.5"}]}}}})
    dynamodb.update_item(
        TableName=name,
        Key={"pk": {"S": "p"}, "sk": {"S": "s1"}},
        UpdateExpression="SET b = :b",
        ExpressionAttributeValues={":b": {"BOOL": True}},
    )
    dynamodb.delete_item(TableName=name, Key={"pk": {"S": "p"}, "sk": {"S": "s2"}})
    streams = boto3.client("dynamodbstreams")
    arn = dynamodb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

    def read(limit: int) -> list[Any]:
        """Two pages of the shard, through the next-page iterator."""
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        first = streams.get_records(ShardIterator=iterator, Limit=limit)
        second = streams.get_records(ShardIterator=first["NextShardIterator"], Limit=limit)
        return [first["Records"], second["Records"]]

    # WHEN they are read with the patch and with moto's own serialiser
    assert hasattr(DynamoDBStreamsHandler.get_records, "__wrapped__")  # the patch is in place
    patched = read(4)
    monkeypatch.setattr(
        DynamoDBStreamsHandler, "get_records", DynamoDBStreamsHandler.get_records.__wrapped__
    )
    as_moto = read(4)

    # THEN a client parses the same records, timestamps included
    assert [len(page) for page in patched] == [4, 3]
    assert patched == as_moto
    assert isinstance(patched[0][0]["dynamodb"]["ApproximateCreationDateTime"], datetime)


def test_given_the_server_patch_then_it_names_the_services_moto_ships() -> None:
    import os

    import moto
    from moto import backends

    moto_gaps.apply()
    folder = os.path.dirname(moto.__file__)
    shipped = sorted(
        name
        for name in os.listdir(folder)
        if os.path.isdir(os.path.join(folder, name)) and not name.startswith("__")
    )
    assert list(backends.list_of_moto_modules()) == shipped
    assert {"s3", "dynamodb", "sqs", "cloudfront"} <= set(shipped)


def test_given_messages_in_every_state_when_received_and_deleted_then_moto_semantics_hold(
    sqs: Any,
) -> None:
    """The one-pass listing of ready messages is moto's `visible and not delayed`; a delete by
    any handle a message ever had removes that message only, again is accepted, and a handle
    no message had is refused."""
    from moto.sqs.models import sqs_backends

    url = sqs.create_queue(QueueName="states")["QueueUrl"]
    for n in range(8):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}", DelaySeconds=60 if n < 2 else 0)
    queue = sqs_backends[LOCAL_ACCOUNT]["us-east-1"].get_queue("states")
    # two received and hidden; one received, made visible again, then received again
    hidden = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=60)
    [again] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
    [later] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=60)["Messages"]
    assert later["MessageId"] == again["MessageId"]

    ready = [m.id for m in queue.messages]
    assert ready == [m.id for m in queue._messages if m.visible and not m.delayed]
    assert len(ready) == 3

    # WHEN a message is deleted by its first, older handle
    before = [m.id for m in queue._messages]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=later["ReceiptHandle"])  # again
    first = hidden["Messages"][0]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])

    # THEN those two are gone, the others stay in order, and a made-up handle is refused
    gone = {again["MessageId"], first["MessageId"]}
    assert [m.id for m in queue._messages] == [i for i in before if i not in gone]
    assert len(before) - len(queue._messages) == 2
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="no-such-handle")


def botocore_request(item: dict[str, Any], patched: bool) -> Any:
    """A PutItem of `item` as botocore validates and serialises it: the request body, or the
    validation error's report."""
    import botocore.session
    from botocore.exceptions import ParamValidationError
    from botocore.serialize import JSONSerializer
    from botocore.validate import ParamValidator, validate_parameters

    model = botocore.session.get_session().get_service_model("dynamodb")
    operation = model.operation_model("PutItem")
    assert operation.input_shape is not None
    swaps = [(ParamValidator, "_validate_structure"), (JSONSerializer, "_serialize_type_structure")]
    saved = [(owner, name, owner.__dict__[name]) for owner, name in swaps]
    if not patched:
        for owner, name, method in saved:
            setattr(owner, name, inspect.unwrap(method))
    try:
        params = {"TableName": "t", "Item": item}
        try:
            validate_parameters(params, operation.input_shape)
        except ParamValidationError as error:
            return str(error)
        return JSONSerializer().serialize_to_request(params, operation)["body"]
    finally:
        for owner, name, method in saved:
            setattr(owner, name, method)


# Values a caller might wrongly send, besides well-formed ones: each must fail as botocore fails.
malformed_values = st.sampled_from(
    [{"N": 5}, {"S": "a", "N": "1"}, {}, {"L": "x"}, {"BOOL": "yes"}, {"M": {"k": {"Q": "1"}}}]
)


@settings(max_examples=200, deadline=None)
@given(
    item=st.dictionaries(
        st.text(max_size=4), attribute_value_trees(malformed_values), min_size=1, max_size=4
    )
)
def test_given_any_item_when_a_client_sends_it_then_it_is_checked_and_sent_as_botocore_does(
    item: dict[str, Any],
) -> None:
    # GIVEN a PutItem of any mix of attribute types, well-formed or not (binary included)
    moto_speedups.speed_up_clients()

    # WHEN a DynamoDB client validates and serialises it, with the speed patch and without
    # THEN the bodies (or the validation errors) are equal
    assert botocore_request(item, patched=True) == botocore_request(item, patched=False)
