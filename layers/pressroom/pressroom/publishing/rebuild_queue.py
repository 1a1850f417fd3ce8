"""The rebuild queue's messages: what is to be re-rendered, cut into pieces one worker finishes
in time. Written by the operator's full re-render (`operations.enqueue_rebuild`), by ingest
(articles to refresh for another's sake, asset uploads left for later) and by the listing function
(an index's deferred refresh), read by the rebuild function (`publishing.rebuild.rebuild`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from pressroom.parallel import chunks

KEYS_PER_MESSAGE = 10  # one worker renders ~10 articles: seconds, well inside the timeout
LISTINGS_PER_MESSAGE = 50  # a request is one small write a month; rendering is downstream


def rebuild_messages(
    keys: Iterable[str], listings: Iterable[str], invalidate: bool = True
) -> Iterator[str]:
    """Queue message bodies: `{"keys": [...]}` of up to 10 keys, `{"listings": [...]}`.
    `invalidate=False` (`"invalidate": false`): the pages are refreshed for another article's
    sake, and their cache TTL may bring the change to readers instead of an invalidation."""
    extra = {} if invalidate else {"invalidate": False}
    for chunk in chunks(keys, KEYS_PER_MESSAGE):
        yield json.dumps({"keys": chunk, **extra})
    yield from (json.dumps({"listings": chunk}) for chunk in chunks(listings, LISTINGS_PER_MESSAGE))


def index_message(name: str) -> str:
    """A message body that renders one index (`{"indexes": [name]}`: the tags, categories or
    authors index, or the sitemap index), sent delayed for a deferred refresh."""
    return json.dumps({"indexes": [name]})
