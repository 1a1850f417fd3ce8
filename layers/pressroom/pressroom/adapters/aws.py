"""Where AWS clients come from, and the one place AWS error codes become domain errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pressroom.errors import ConcurrentUpdate, InFlightLimitReached, ItemTooLarge, TransientError

# Botocore already retries these with backoff ("standard" mode); what survives its retries is
# still transient, so the message is retried later rather than rejected.
_TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "TooManyRequestsException",
        "SlowDown",
        "InternalError",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
    }
)
_IN_FLIGHT_LIMIT_CODES = frozenset({"TooManyInvalidationsInProgress"})
_RACE_CODES = frozenset({"ConditionalCheckFailedException", "TransactionConflictException"})
# DynamoDB's size limits: "Item size has exceeded the maximum allowed size" (PutItem, a Put in a
# transaction, BatchWriteItem), "Item size to update has exceeded the maximum allowed size"
# (UpdateItem), and a transaction over 4 MB; as a ValidationException, or as a
# TransactionCanceledException's ValidationError reason when an Update in a transaction grows an
# item past 400 KB. Matched on words, not the whole text: the messages have changed before.
_VALIDATION_CODES = frozenset({"ValidationException", "ValidationError"})


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


@contextmanager
def domain_errors() -> Iterator[None]:
    """Translate `ClientError`s into `ItemTooLarge` / `ConcurrentUpdate` / `InFlightLimitReached`
    / `TransientError`; re-raise the rest."""
    from botocore.exceptions import ClientError, ConnectionError, ReadTimeoutError

    try:
        yield
    except ClientError as error:
        code = error_code(error)
        if _is_too_large(error):  # before the race check: retrying cannot make it fit
            raise ItemTooLarge(str(error)) from error
        if code in _RACE_CODES or _is_lost_transaction_race(error):
            raise ConcurrentUpdate(str(error)) from error
        if code in _IN_FLIGHT_LIMIT_CODES:
            raise InFlightLimitReached(str(error)) from error
        if code in _TRANSIENT_CODES or code in _botocore_retryable_codes() or _status(error) >= 500:
            raise TransientError(str(error)) from error
        raise
    except (ConnectionError, ReadTimeoutError) as error:
        raise TransientError(str(error)) from error


def _status(error: Exception) -> int:
    response = getattr(error, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _botocore_retryable_codes() -> frozenset[str]:
    """The throttling and transient codes botocore's standard retry mode retries (e.g. SQS's
    `RequestThrottled`), so the two lists cannot drift apart."""
    from botocore.retries.standard import ThrottledRetryableChecker, TransientRetryableChecker

    throttled = getattr(ThrottledRetryableChecker, "_THROTTLED_ERROR_CODES", [])
    transient = getattr(TransientRetryableChecker, "_TRANSIENT_ERROR_CODES", [])
    return frozenset([*throttled, *transient])


def _is_too_large(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    causes = [response.get("Error", {}), *(response.get("CancellationReasons") or [])]
    return any(
        cause.get("Code") in _VALIDATION_CODES and _says_too_large(str(cause.get("Message", "")))
        for cause in causes
    )


def _says_too_large(message: str) -> bool:
    """An item or transaction over a size limit; not a key, expression or attribute name over
    its own limit (those are bugs in the caller, not content to reject)."""
    text = message.lower()
    return "size" in text and "exceed" in text and ("item size" in text or "transaction" in text)


def _is_lost_transaction_race(error: Exception) -> bool:
    if error_code(error) != "TransactionCanceledException":
        return False
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    return (
        any(
            reason.get("Code") in ("ConditionalCheckFailed", "TransactionConflict")
            for reason in reasons
        )
        or not reasons
    )


_session: Any = None


def session() -> Any:
    """The process's botocore session, made on first use: what `boto3.client` uses (boto3's
    default session wraps one), without importing boto3 (s3transfer, and with it
    multiprocessing and concurrent.futures, none of which a function uses) and with a data loader
    that skips botocore's listing of every service (`botocore_data`). Hooks meant for every
    client a function creates (tests' fault injection, the bench's counters) are registered on
    it before the clients are made (or in botocore's `BUILTIN_HANDLERS`, which every new session
    gets, as moto's are)."""
    global _session
    if _session is None:
        from botocore.session import Session

        from pressroom.adapters.botocore_data import create_loader

        made = Session()
        made.register_component("data_loader", create_loader(made.get_config_variable("data_path")))
        _session = made
    return _session


def new_client(service: str) -> Any:
    """A client with standard-mode retries. Callers create clients on first use, never at import
    time, and pass them to the adapters (the Powertools convention)."""
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=32)
    return session().create_client(service, config=config)
