"""What one render of the tags index costs by number of tags (the memory backend: the heads'
query, rendering and hashing), which is why a change of a count alone waits for the index's
refresh period (`INDEX_REFRESH_SECONDS`) instead of costing a render on every publish.

    PYTHONPATH=layers/pressroom:. python -m bench.index_render
"""

from __future__ import annotations

import time

from pressroom.local.inprocess import InProcessBackend
from pressroom.publishing.catalog import Head, ListingId
from pressroom.publishing.listings import render_index
from pressroom.settings import Settings

RUNS = 5


def measure(tags: int) -> tuple[float, int]:
    """Milliseconds per render of an index of `tags` tags, and the page's size in bytes."""
    backend = InProcessBackend.create(
        Settings(content_table="content", ingest_bucket="ingest", site_bucket="site")
    )
    p = backend.pipeline
    for n in range(tags):
        head = Head(ListingId("tag", f"tag-{n:05d}"), f"Tag {n}", {"2024-03-01": n % 7 + 1}, 1)
        p.store.save_head(head, 0)
    render_index("tags", "", p)  # the templates compiled, the first page written
    started = time.perf_counter()
    for _ in range(RUNS):
        render_index("tags", "", p)
    took = (time.perf_counter() - started) / RUNS * 1000
    return took, len(p.site_bucket.get("tags/") or b"")


def main() -> None:
    for tags in (100, 1_000, 5_000):
        took, size = measure(tags)
        print(f"{tags:>5} tags: {took:6.1f} ms a render, page {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
