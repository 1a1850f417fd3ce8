"""DynamoDB's size limits (400 KB an item, 4 MB a transaction) become `ItemTooLarge`, a domain
error ingest can turn into a rejection report, on the embedded backend as on AWS; other
validation errors and lost races keep their meaning."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pressroom.adapters.aws import domain_errors
from pressroom.errors import ConcurrentUpdate, ItemTooLarge, PressroomError, TransientError
from pressroom.local.embedded import embedded_aws

OVER_400_KB = "x" * 410_000


@pytest.fixture(scope="module")
def table() -> Iterator[tuple[Any, str]]:
    """GIVEN the template's content table on the embedded backend (moto, speed patches on)."""
    with embedded_aws() as local:
        yield local.stack.client("dynamodb"), local.stack.refs["ContentTable"]


def item(pk: str, **attributes: str) -> dict[str, Any]:
    values = {name: {"S": value} for name, value in attributes.items()}
    return {"pk": {"S": pk}, "sk": {"S": "ART"}, **values}


def client_error(code: str, message: str, **extra: Any) -> ClientError:
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": 400},
        **extra,
    }
    return ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]


def test_given_an_item_over_400_kb_when_it_is_put_then_item_too_large(table: tuple[Any, str]):
    client, name = table

    # WHEN
    with pytest.raises(ItemTooLarge) as raised, domain_errors():
        client.put_item(TableName=name, Item=item("ART#huge", title=OVER_400_KB))

    # THEN it is a domain error that is not retried, carrying DynamoDB's words
    assert not isinstance(raised.value, TransientError)
    assert isinstance(raised.value, PressroomError)
    assert "maximum allowed size" in str(raised.value)


def test_given_an_update_that_grows_an_item_over_400_kb_then_item_too_large(
    table: tuple[Any, str],
):
    client, name = table
    client.put_item(TableName=name, Item=item("ART#grows", title="small"))

    # WHEN
    with pytest.raises(ItemTooLarge), domain_errors():
        client.update_item(
            TableName=name,
            Key={"pk": {"S": "ART#grows"}, "sk": {"S": "ART"}},
            UpdateExpression="SET summary = :s",
            ExpressionAttributeValues={":s": {"S": OVER_400_KB}},
        )


def test_given_a_transaction_with_an_item_over_400_kb_then_item_too_large(
    table: tuple[Any, str],
):
    client, name = table
    small = {"Put": {"TableName": name, "Item": item("SRC#a", rev="1")}}
    huge = {"Put": {"TableName": name, "Item": item("ART#a", title=OVER_400_KB)}}

    # WHEN
    with pytest.raises(ItemTooLarge), domain_errors():
        client.transact_write_items(TransactItems=[small, huge])

    # THEN nothing of the transaction was written
    written = client.get_item(TableName=name, Key={"pk": {"S": "SRC#a"}, "sk": {"S": "ART"}})
    assert "Item" not in written


def test_given_a_batch_write_with_an_item_over_400_kb_then_item_too_large(
    table: tuple[Any, str],
):
    client, name = table

    # WHEN
    with pytest.raises(ItemTooLarge), domain_errors():
        client.batch_write_item(
            RequestItems={name: [{"PutRequest": {"Item": item("PAGE#x", sha=OVER_400_KB)}}]}
        )


@pytest.mark.parametrize(
    "error",
    [
        # AWS cancels a transaction whose Update grows an item past 400 KB, with the reason
        # per action (moto checks the size before the transaction and answers as put_item does)
        client_error(
            "TransactionCanceledException",
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            "[None, ValidationError]",
            CancellationReasons=[
                {"Code": "None"},
                {
                    "Code": "ValidationError",
                    "Message": "Item size to update has exceeded the maximum allowed size",
                },
            ],
        ),
        # a transaction whose items add up to more than 4 MB (moto does not check this)
        client_error("ValidationException", "Transaction request size exceeds the 4 MB limit"),
        client_error("ValidationException", "Transaction item size has exceeded the 4 MB limit"),
    ],
    ids=["update-in-transaction", "transaction-over-4-mb", "transaction-items-over-4-mb"],
)
def test_given_aws_size_failures_moto_does_not_make_then_item_too_large(error: ClientError):
    # WHEN / THEN
    with pytest.raises(ItemTooLarge), domain_errors():
        raise error


def test_given_a_lost_race_in_a_transaction_then_still_a_concurrent_update():
    error = client_error(
        "TransactionCanceledException",
        "Transaction cancelled [ConditionalCheckFailed, None]",
        CancellationReasons=[{"Code": "ConditionalCheckFailed"}, {"Code": "None"}],
    )

    # WHEN / THEN
    with pytest.raises(ConcurrentUpdate), domain_errors():
        raise error


@pytest.mark.parametrize(
    "message",
    [
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
        "size limit of 2048 bytes",
        "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size",
        "One or more parameter values were invalid: An AttributeValue may not contain an empty "
        "string",
    ],
    ids=["key-too-long", "expression-too-long", "other-validation"],
)
def test_given_other_validation_errors_then_they_are_not_item_too_large(message: str):
    # WHEN / THEN: a caller's bug, re-raised as it came (not a reason to reject a file)
    with pytest.raises(ClientError), domain_errors():
        raise client_error("ValidationException", message)
