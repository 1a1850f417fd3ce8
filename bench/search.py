"""Site search at 1,000 and 10,000 articles: the Pagefind index's build time and size, what one
query downloads and how long it takes in Chromium, and what keeping the index fresh costs.

For each size N, the corpus's N articles become search records (as ingest writes them) in a
memory site bucket, and `refresh_index` builds the index from nothing (the first build), then
again after one article changed (what a scheduled run does after a publish): its time, the
records it read and the index files it wrote. The query is timed in headless Chromium against
the written index (Pagefind's own API: load, search, the first 10 results' data), with the
bytes the browser fetched. The cost per day prices the scheduled runs on Lambda (arm64, 3008
MB) and S3 at the measured build time, for a stated publish rate.
"""

from __future__ import annotations

import math
import resource
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from resource import RUSAGE_CHILDREN, RUSAGE_SELF
from typing import Any

from bench.corpus import Corpus
from pressroom.adapters.pagefind import build_index
from pressroom.local.memory.buckets import MemorySiteBucket
from pressroom.publishing.cache_policy import CachePolicy
from pressroom.publishing.search import (
    INDEX_PREFIX,
    RECORDS_PREFIX,
    SearchRecord,
    record_key,
    refresh_index,
)

LAMBDA_GB = 3.008  # template.yaml SearchIndexFunction MemorySize
GB_SECOND = 0.0000133334  # arm64, USD
S3_PUT, S3_GET, S3_LIST = 0.005 / 1000, 0.0004 / 1000, 0.005 / 1000  # USD per request
PERIOD_MINUTES = 3  # SearchIndexMinutes default
PUBLISHES_PER_DAY = 200
CHECK_SECONDS = 0.3  # a run that finds nothing changed: a listing and one small GET


@dataclass
class SearchRow:
    articles: int
    build_seconds: float  # the first build, from nothing
    rebuild_seconds: float  # after one article changed
    rebuild_cpu: float  # CPU seconds of that rebuild: Pagefind's (all its threads) and ours
    pagefind_cpu: float
    index_bytes: int
    index_files: int
    records_read: int  # by the rebuild after one change
    files_written: int  # by the rebuild after one change
    query_ms: float
    query_bytes: int
    cost_per_day: float


class _Counting(MemorySiteBucket):
    def __init__(self) -> None:
        super().__init__()
        self.puts = 0
        self.gets = 0

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        self.puts += 1
        super().put(key, body, content_type, cache_control)

    def get(self, key: str) -> bytes | None:
        self.gets += 1
        return super().get(key)


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _record(article: Any) -> SearchRecord:
    text = "\n".join(block.removeprefix("## ") for block in article.body)
    return SearchRecord(
        url=f"/articles/{article.slug}/",
        title=article.title,
        summary=article.summary,
        text=text,
        published=article.published.isoformat(),
        tags=article.tags,
        authors=(article.author,),
    )


def cost_per_day(articles: int, rebuild_seconds: float, written: int) -> float:
    runs = 24 * 60 / PERIOD_MINUTES
    busy = runs * (1 - math.exp(-PUBLISHES_PER_DAY / runs))  # runs that find a change
    listing = math.ceil(articles / 1000) * S3_LIST + S3_GET
    lambda_cost = (busy * rebuild_seconds + (runs - busy) * CHECK_SECONDS) * LAMBDA_GB * GB_SECOND
    per_rebuild = (PUBLISHES_PER_DAY / busy) * S3_GET + (written + 1) * S3_PUT
    return lambda_cost + runs * listing + busy * per_rebuild


def measure(size: int, seed: int, folder: Path) -> SearchRow:
    corpus = list(Corpus(size, seed).articles())
    bucket = _Counting()
    for article in corpus:
        record = _record(article)
        bucket.put(record_key(article.slug), record.encode(), "application/json", "private")
    policy = CachePolicy()
    started = time.perf_counter()
    first = refresh_index(bucket, policy, build_index, "en")
    build_seconds = time.perf_counter() - started
    changed = _record(corpus[size // 2])
    changed = SearchRecord(**{**changed.__dict__, "text": changed.text + "\nA late correction."})
    bucket.put(record_key(corpus[size // 2].slug), changed.encode(), "application/json", "p")
    bucket.gets = bucket.puts = 0
    started, own, children = time.perf_counter(), _cpu(RUSAGE_SELF), _cpu(RUSAGE_CHILDREN)
    again = refresh_index(bucket, policy, build_index, "en")
    rebuild_seconds = time.perf_counter() - started
    pagefind_cpu = _cpu(RUSAGE_CHILDREN) - children
    rebuild_cpu = pagefind_cpu + _cpu(RUSAGE_SELF) - own
    files = [key for key in bucket.keys(INDEX_PREFIX)]
    for key in files:
        target = folder / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bucket.get(key) or b"")
    word = corpus[size // 3].body[0].split()[2].strip(".,").lower()
    query_ms, query_bytes = _query(folder, word)
    assert len(list(bucket.keys(RECORDS_PREFIX))) == size
    return SearchRow(
        articles=size,
        build_seconds=build_seconds,
        rebuild_seconds=rebuild_seconds,
        rebuild_cpu=rebuild_cpu,
        pagefind_cpu=pagefind_cpu,
        index_bytes=first.index_bytes,
        index_files=len(files),
        records_read=again.fetched,
        files_written=again.written,
        query_ms=query_ms,
        query_bytes=query_bytes,
        cost_per_day=cost_per_day(size, rebuild_cpu, again.written),
    )


_QUERY = """
const [word, done] = arguments;
const started = performance.now();
import("/pagefind/pagefind.js").then(async (pagefind) => {
  await pagefind.init();
  const search = await pagefind.search(word);
  await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
  done([performance.now() - started, search.results.length]);
}).catch((error) => done([-1, String(error)]));
"""


def _query(folder: Path, word: str) -> tuple[float, int]:
    """A first query in a fresh browser: Pagefind loaded, `word` searched, 10 results' data."""
    from tests.browser import chromium

    (folder / "index.html").write_text("<!DOCTYPE html><title>bench</title>")
    sent = {"bytes": 0}
    lock = threading.Lock()

    class Counting(SimpleHTTPRequestHandler):
        """Counts the bytes of every file served (the page's, the worker's fetches too)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def copyfile(self, source: Any, outputfile: Any) -> None:
            body = source.read()
            with lock:
                sent["bytes"] += len(body)
            outputfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with chromium() as browser:
            browser.open(f"http://127.0.0.1:{server.server_address[1]}/")
            page = sent["bytes"]
            browser.driver.set_script_timeout(120)
            ms, found = browser.driver.execute_async_script(_QUERY, word)
    finally:
        server.shutdown()
        server.server_close()
    if ms < 0 or not found:
        raise RuntimeError(f"the query for {word!r} failed: {found}")
    return float(ms), sent["bytes"] - page


def markdown(rows: list[SearchRow]) -> str:
    lines = [
        "### Site search (Pagefind; `bench/search.py`)",
        "",
        "| articles | first build (s) | rebuild after 1 change (s) "
        "| its CPU s (Pagefind's) | index size | files "
        "| records read / files written by that rebuild | first query (ms) "
        "| first query downloads | freshness cost per day |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row.articles:,} | {row.build_seconds:.1f} | {row.rebuild_seconds:.1f} "
            f"| {row.rebuild_cpu:.1f} ({row.pagefind_cpu:.1f}) "
            f"| {row.index_bytes / 1e6:.1f} MB | {row.index_files:,} "
            f"| {row.records_read} / {row.files_written} | {row.query_ms:.0f} "
            f"| {row.query_bytes / 1e3:.0f} kB | USD {row.cost_per_day:.3f} |"
        )
    lines += [
        "",
        f"Freshness cost: a check every {PERIOD_MINUTES} minutes (`SearchIndexMinutes`), "
        f"{PUBLISHES_PER_DAY} publishes a day spread evenly; runs that find a change rebuild "
        f"(Lambda arm64 at {LAMBDA_GB:g} GB, priced at the rebuild's CPU seconds as its "
        "duration: an upper bound, since Pagefind uses both of Lambda's vCPUs; wall times here "
        "are on 2 cores shared with other work, see the load average), the others list the "
        "records and stop "
        f"({CHECK_SECONDS} s). S3: a LIST per 1,000 records and the snapshot GET per run; per "
        "rebuild the changed records' GETs and a PUT per written file and the snapshot. "
        "Query: a first search in a fresh headless Chromium on loopback (Pagefind's scripts, "
        "WebAssembly, the index chunks for the word and the first 10 results' fragments).",
    ]
    return "\n".join(lines) + "\n"
