"""CloudFront adapter: create invalidations. Limits and retries are planned by the caller
(`publishing/invalidation.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pressroom.adapters.aws import domain_errors

if TYPE_CHECKING:
    from mypy_boto3_cloudfront import CloudFrontClient


class Distribution:
    def __init__(self, distribution_id: str, client: CloudFrontClient) -> None:
        self.id = distribution_id
        self._client = client

    def invalidate(self, paths: list[str], caller_reference: str) -> str:
        """Create one invalidation and return its id. A request repeating an earlier caller
        reference with the same paths returns that earlier invalidation (no new charge).
        `TooManyInvalidationsInProgress` surfaces as `InFlightLimitReached`, throttling as
        `TransientError`, so the caller can ask for less or retry later."""
        with domain_errors():
            response = self._client.create_invalidation(
                DistributionId=self.id,
                InvalidationBatch={
                    "Paths": {"Quantity": len(paths), "Items": paths},
                    "CallerReference": caller_reference,
                },
            )
        return str(response["Invalidation"]["Id"])
