"""The adapters' interfaces (`pressroom.ports`) implemented in this process's memory, for local
builds: no emulated AWS, no serialising, signing or parsing of requests. Their semantics are
the AWS adapters' (conditional writes, all-or-nothing commits, the ordered stream, versioned
sources, queue redelivery): `tests/contract/` runs one suite against both."""

from pressroom.local.memory.buckets import MemoryIngestBucket, MemorySiteBucket, Notification
from pressroom.local.memory.queues import (
    MemoryDistribution,
    MemoryInvalidationQueue,
    MemoryQueue,
    MemoryWorkQueue,
    Message,
)
from pressroom.local.memory.store import MemoryContentStore

__all__ = [
    "MemoryContentStore",
    "MemoryDistribution",
    "MemoryIngestBucket",
    "MemoryInvalidationQueue",
    "MemoryQueue",
    "MemorySiteBucket",
    "MemoryWorkQueue",
    "Message",
    "Notification",
]
