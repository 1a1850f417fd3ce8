"""US-dollar cost per 1,000 publishes at public AWS list prices, from measured figures.

Prices: us-east-1, on-demand, as published on the AWS pricing pages on 2026-11-24. Free tiers
are ignored (a steady site outgrows them). Lambda runs on arm64 with each function's memory as
template.yaml sets it."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

from pressroom.local.embedded import find_template
from pressroom.local.template import Template

PRICES_AS_OF = "2026-11-24, us-east-1, on-demand list prices, free tiers ignored"
LAMBDA_ARM64_USD_PER_GB_SECOND = 0.0000133334
LAMBDA_USD_PER_REQUEST = 0.20 / 1_000_000

DYNAMODB_USD_PER_WRITE_REQUEST_UNIT = 0.625 / 1_000_000  # on-demand
DYNAMODB_USD_PER_READ_REQUEST_UNIT = 0.125 / 1_000_000
S3_USD_PER_PUT = 0.005 / 1_000  # PUT, COPY, POST, LIST (S3 Standard)
S3_USD_PER_GET = 0.0004 / 1_000  # GET and all other requests
SQS_USD_PER_REQUEST = 0.40 / 1_000_000  # standard queues, per 64 KB chunk
CLOUDFRONT_USD_PER_INVALIDATION_PATH = 0.005  # beyond the first 1,000 paths a month
# Lambda's SQS pollers make requests on the account's queues; stream reads by Lambda are free.
_S3_WRITES = frozenset({"PutObject", "CopyObject", "ListObjectsV2", "ListObjects"})
# Request units per call, for items under 1 KB (writes) / 4 KB (strongly consistent reads);
# a transaction costs twice per item. These are lower bounds: larger items cost more units.
_DYNAMODB_WRITE_UNITS = {"PutItem": 1, "UpdateItem": 1, "DeleteItem": 1}
_DYNAMODB_READ_UNITS = {"GetItem": 1}


@dataclass(frozen=True)
class Cost:
    lambda_usd: float
    dynamodb_usd: float
    s3_usd: float
    sqs_usd: float
    cloudfront_usd: float

    @property
    def total(self) -> float:
        return sum(
            (self.lambda_usd, self.dynamodb_usd, self.s3_usd, self.sqs_usd, self.cloudfront_usd)
        )


def per_thousand_publishes(
    calls: Counter[str],
    function_seconds: dict[str, float],
    invocations: dict[str, float],
    paths_invalidated: float,
    items_written: float,
    items_read: float,
    sqs_polls: float,
) -> Cost:
    """Figures are per publish (means); returns the cost of 1,000 publishes.

    `items_written` / `items_read` are DynamoDB items touched by batch and transactional calls
    (a transaction item counts twice), which the call counts alone do not show."""
    memory_gb = _memory_gb()
    gb_seconds = sum(seconds * memory_gb[name] for name, seconds in function_seconds.items())
    lambda_usd = gb_seconds * LAMBDA_ARM64_USD_PER_GB_SECOND
    lambda_usd += sum(invocations.values()) * LAMBDA_USD_PER_REQUEST
    dynamodb_usd = items_written * DYNAMODB_USD_PER_WRITE_REQUEST_UNIT
    dynamodb_usd += items_read * DYNAMODB_USD_PER_READ_REQUEST_UNIT
    s3_usd = sqs = 0.0
    for operation, count in calls.items():
        service, name = operation.split(":", 1)
        if service == "s3":
            s3_usd += count * (S3_USD_PER_PUT if name in _S3_WRITES else S3_USD_PER_GET)
        elif service == "sqs":
            sqs += count * SQS_USD_PER_REQUEST
    sqs += sqs_polls * SQS_USD_PER_REQUEST
    cloudfront_usd = paths_invalidated * CLOUDFRONT_USD_PER_INVALIDATION_PATH
    return Cost(
        lambda_usd=lambda_usd * 1000,
        dynamodb_usd=dynamodb_usd * 1000,
        s3_usd=s3_usd * 1000,
        sqs_usd=sqs * 1000,
        cloudfront_usd=cloudfront_usd * 1000,
    )


@functools.cache
def _memory_gb() -> dict[str, float]:
    """Each function's memory in GB, as template.yaml sets it."""
    return {f.logical_id: f.memory_mb / 1024 for f in Template(find_template()).functions()}
