"""CloudFront adapter: create invalidations. Limits and retries are planned by the caller."""

from __future__ import annotations

from typing import Any

from pressroom.adapters.aws import domain_errors


class Distribution:
    def __init__(self, distribution_id: str, client: Any) -> None:
        self.id = distribution_id
        self._client = client

    def invalidate(self, paths: list[str], caller_reference: str) -> str:
        """Create one invalidation; `TooManyInvalidationsInProgress` and throttling surface as
        `TransientError` so the paths go back to the queue instead of being lost."""
        with domain_errors():
            response = self._client.create_invalidation(
                DistributionId=self.id,
                InvalidationBatch={
                    "Paths": {"Quantity": len(paths), "Items": paths},
                    "CallerReference": caller_reference,
                },
            )
        return str(response["Invalidation"]["Id"])
