"""The table's stream, on moto and in memory: what the listing function is handed when entries
and render requests change (records in order per key, DynamoDB-shaped, folded alike)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from pressroom.model import Tag
from pressroom.publishing.catalog import Entry, ListingId, Plan
from pressroom.publishing.listings import fold
from pressroom.sources import SourceState
from tests.contract.conftest import Backend
from tests.contract.test_content_store import BASE, card, listing, state


def entry_records(backend: Backend) -> list[dict[str, Any]]:
    return [r for r in backend.stream() if r["dynamodb"]["Keys"]["pk"]["S"].startswith("LST#")]


def test_given_a_commit_with_entries_then_each_reaches_the_stream_and_folds_per_listing(
    backend: Backend,
):
    store = backend.pipeline.store
    a, b = listing(backend, "a"), listing(backend, "b")
    first = card(f"s1-{backend.token}", tags=(Tag("Space Flight", a.name),))
    new = state(backend, "s1")

    store.commit(
        SourceState(new.key), new, Plan(None, None, (Entry(a, first), Entry(b, first))), "up-1"
    )

    records = entry_records(backend)
    assert [r["eventName"] for r in records] == ["INSERT", "INSERT"]
    assert {r["dynamodb"]["Keys"]["pk"]["S"] for r in records} == {f"LST#{a}", f"LST#{b}"}
    assert all(r["dynamodb"]["Keys"]["sk"]["S"] == first.sort_key for r in records)
    assert all("OldImage" not in r["dynamodb"] for r in records)
    batch = fold(DynamoDBRecord(r) for r in records)
    assert set(batch.listings) == {a, b}
    assert batch.listings[a].days == {"2024-03-01"}
    assert batch.listings[a].display == "Space Flight"
    assert batch.correlation_ids == {"up-1"}


def test_given_changes_to_one_listing_then_records_keep_their_order(backend: Backend):
    store = backend.pipeline.store
    lst = listing(backend)
    one, two = card(f"o1-{backend.token}"), card(f"o2-{backend.token}", BASE.replace(day=5))
    src = state(backend, "order")
    store.commit(SourceState(src.key), src, Plan(None, None, (Entry(lst, one),)))
    src2 = state(backend, "order", rev=2)
    store.commit(src, src2, Plan(None, None, (Entry(lst, two),), (Entry(lst, one),)))
    store.commit(src2, state(backend, "order", rev=3), Plan(None, None, (), (Entry(lst, two),)))

    records = entry_records(backend)

    assert [(r["eventName"], r["dynamodb"]["Keys"]["sk"]["S"]) for r in records] == [
        ("INSERT", one.sort_key),
        ("REMOVE", one.sort_key),
        ("INSERT", two.sort_key),
        ("REMOVE", two.sort_key),
    ]
    removed = records[1]["dynamodb"]
    assert "NewImage" not in removed and removed["OldImage"]["card"]["M"]["slug"]["S"] == one.slug
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert fold(DynamoDBRecord(r) for r in records).listings[lst].days == {
        "2024-03-01",
        "2024-03-05",
    }


def test_given_render_requests_then_each_is_a_record_that_folds_into_what_to_render(
    backend: Backend,
):
    store = backend.pipeline.store
    lst = listing(backend)

    store.request_render(lst, "-")
    store.request_render(lst, "-")
    store.request_render(lst, "2024-03")

    records = [r for r in backend.stream() if r["dynamodb"]["Keys"]["pk"]["S"].startswith("RRQ#")]
    # moto records an update that creates an item twice: first its bare keys (which AWS never
    # records; the fold reads them as a request all the same), then the item.
    records = [r for r in records if r["dynamodb"].get("NewImage") != r["dynamodb"]["Keys"]]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "INSERT"]
    assert [r["dynamodb"]["NewImage"]["version"]["N"] for r in records] == ["1", "2", "1"]
    change = fold(DynamoDBRecord(r) for r in records).listings[lst]
    assert change.whole is True
    assert change.months == {"2024-03"}
    assert change.days == set()


def test_given_the_home_listing_when_its_entries_change_then_records_name_it(backend: Backend):
    store = backend.pipeline.store
    home = ListingId("home")
    mine = card(f"home-{backend.token}")
    src = state(backend, "home")

    store.commit(SourceState(src.key), src, Plan(None, None, (Entry(home, mine),)))

    records = [r for r in backend.read_stream() if backend.token in str(r["dynamodb"])]
    [record] = [r for r in records if r["dynamodb"]["Keys"]["pk"]["S"] == "LST#home"]
    assert record["dynamodb"]["NewImage"]["card"]["M"]["slug"]["S"] == mine.slug
    assert home in fold([DynamoDBRecord(record)]).listings
