"""Site search: the records ingest writes, and the index refresh that projects them (with a
recording builder, and once with the real Pagefind binary)."""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from datetime import UTC, datetime

from pressroom.adapters.pagefind import build_index, page_of
from pressroom.local.inprocess import Engine, default_template
from pressroom.local.memory.buckets import MemorySiteBucket
from pressroom.model import Article, Tag
from pressroom.publishing.cache_policy import CachePolicy
from pressroom.publishing.search import (
    INDEX_PREFIX,
    RECORDS_PREFIX,
    SNAPSHOT_KEY,
    SearchRecord,
    cache_control_of,
    record_key,
    record_of,
    refresh_index,
    update_records,
)
from pressroom.readers.prose import plain_text

POLICY = CachePolicy()


def article(slug: str, body: str = "<p>Words.</p>", status: str = "published") -> Article:
    return Article(
        source_key=f"articles/{slug}.md",
        slug=slug,
        title=f"Title of {slug}",
        body_html=body,
        text=plain_text(body),
        summary="A summary.",
        published=datetime(2024, 5, 1, tzinfo=UTC),
        tags=(Tag.of("Space"),),
        authors=("Ann Lee",),
        status=status,  # type: ignore[arg-type]
    )


class Builder:
    """Stands in for Pagefind: records what it was given, returns a small bundle whose
    content-addressed chunk changes with the set of URLs."""

    def __init__(self) -> None:
        self.calls: list[list[SearchRecord]] = []

    def __call__(self, records: Sequence[SearchRecord], language: str, seconds: float):
        self.calls.append(list(records))
        urls = ",".join(r.url for r in records)
        digest = f"{abs(hash(urls)) % 16**7:07x}"
        return {
            "pagefind.js": b"js",
            f"index/en_{digest}.pf_index": urls.encode(),
            "pagefind-entry.json": digest.encode(),
        }


def put_records(bucket: MemorySiteBucket, *articles: Article) -> None:
    update_records(bucket, articles, [])


def test_given_body_html_then_the_record_holds_its_visible_text_on_lines():
    html = (
        "<h2>Intro</h2><p>Tea &amp; <em>cake</em></p><pre>x = 1</pre><style>p{}</style><p>End</p>"
    )
    assert plain_text(html) == "Intro\nTea & cake\nx = 1\nEnd"
    record = record_of(article("tea", html))
    assert record.url == "/articles/tea/" and record.tags == ("Space",)
    assert record.authors == ("Ann Lee",) and record.text.startswith("Intro")
    assert SearchRecord.decode(record.encode()) == record


def test_given_records_when_rewritten_unchanged_then_their_etags_stay_and_gone_ones_go():
    bucket = MemorySiteBucket()
    update_records(bucket, [article("a"), article("b")], [])
    before = dict(bucket.etags(RECORDS_PREFIX))
    # WHEN the same articles come again and one slug leaves (and one that never had a record)
    update_records(bucket, [article("a")], ["b", "never-there"])
    # THEN a's record is unchanged for the index refresh, which compares ETags, and b's is gone
    assert dict(bucket.etags(RECORDS_PREFIX)) == {record_key("a"): before[record_key("a")]}
    update_records(bucket, [article("a", "<p>New words.</p>")], [])
    assert dict(bucket.etags(RECORDS_PREFIX))[record_key("a")] != before[record_key("a")]


def test_given_a_build_then_only_published_listed_articles_have_search_records():
    engine = Engine.for_template(default_template(), {"SITE_URL": "https://n.example"})
    files = {
        "live.md": "---\ntitle: Live\ndate: 2024-01-01\n---\nBody.\n",
        "draft.md": "---\ntitle: Draft\ndate: 2024-01-01\ndraft: true\n---\nBody.\n",
        "hidden.md": "---\ntitle: Hidden\ndate: 2024-01-01\nstatus: unlisted\n---\nBody.\n",
    }
    for name, text in files.items():
        engine.backend.sources.put_object("articles/" + name, text.encode())
    engine.run()
    assert engine.backend.site_bucket.get("articles/hidden/") is not None, "unlisted: a page"
    assert list(engine.backend.site_bucket.keys(RECORDS_PREFIX)) == [record_key("live")]

    # WHEN the live one is deleted THEN its record goes too
    engine.backend.sources.delete_object("articles/live.md")
    engine.run()
    assert list(engine.backend.site_bucket.keys(RECORDS_PREFIX)) == []


def test_given_no_change_since_the_last_build_then_the_refresh_reads_nothing_more():
    bucket, build = MemorySiteBucket(), Builder()
    put_records(bucket, article("a"), article("b"))

    first = refresh_index(bucket, POLICY, build, "en")
    again = refresh_index(bucket, POLICY, build, "en")

    assert first.rebuilt and first.articles == 2 and first.fetched == 2
    assert not again.rebuilt and len(build.calls) == 1
    assert bucket.get(INDEX_PREFIX + "pagefind.js") == b"js"


def test_given_one_changed_and_one_deleted_record_then_only_the_changed_one_is_read():
    bucket, build = MemorySiteBucket(), Builder()
    put_records(bucket, article("a"), article("b"), article("c"))
    refresh_index(bucket, POLICY, build, "en")

    update_records(bucket, [article("a", "<p>New words.</p>")], ["c"])
    result = refresh_index(bucket, POLICY, build, "en")

    assert result.rebuilt and result.fetched == 1 and result.articles == 2
    indexed = {r.url: r.text for r in build.calls[-1]}
    assert indexed == {"/articles/a/": "New words.", "/articles/b/": "Words."}
    assert result.written == 2  # the new chunk and the entry file; pagefind.js is unchanged


def test_given_generations_then_the_one_before_last_stays_for_readers_and_older_ones_go():
    bucket, build = MemorySiteBucket(), Builder()
    put_records(bucket, article("a"))
    refresh_index(bucket, POLICY, build, "en")
    [first_chunk] = bucket.keys(INDEX_PREFIX + "index/")

    put_records(bucket, article("b"))
    refresh_index(bucket, POLICY, build, "en")
    assert first_chunk in set(bucket.keys(INDEX_PREFIX + "index/")), "kept one generation"

    put_records(bucket, article("c"))
    refresh_index(bucket, POLICY, build, "en")
    assert first_chunk not in set(bucket.keys(INDEX_PREFIX + "index/"))
    assert len(list(bucket.keys(INDEX_PREFIX + "index/"))) == 2


def test_given_an_unreadable_snapshot_or_a_foreign_record_then_the_index_is_rebuilt_whole():
    bucket, build = MemorySiteBucket(), Builder()
    put_records(bucket, article("a"))
    bucket.put(RECORDS_PREFIX + "junk.json", b"not json", "application/json", "private")
    bucket.put(SNAPSHOT_KEY, b"garbage", "application/gzip", "private")

    result = refresh_index(bucket, POLICY, build, "en")

    assert result.rebuilt and [r.url for r in build.calls[-1]] == ["/articles/a/"]
    gzip.decompress(bucket.get(SNAPSHOT_KEY) or b"")  # a readable snapshot again


def test_given_index_files_then_hashed_ones_are_immutable_and_entry_files_short_lived():
    assert "immutable" in cache_control_of("index/en_c7f2fea.pf_index", POLICY)
    assert "immutable" in cache_control_of("fragment/en_a923f0f.pf_fragment", POLICY)
    assert "immutable" in cache_control_of("pagefind.en_11b41e3571.pf_meta", POLICY)
    for path in ("pagefind-entry.json", "pagefind.js", "wasm.en.pagefind"):
        assert cache_control_of(path, POLICY) == POLICY.listing.cache_control


def test_given_hostile_text_then_the_page_pagefind_reads_escapes_it():
    record = record_of(article("x", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"))
    record = SearchRecord(**{**record.__dict__, "title": '"><img src=x onerror=alert(1)>'})
    page = page_of(record, "en")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&#34;&gt;&lt;img" in page


def test_given_records_then_pagefind_builds_one_fragment_per_article():
    records = [record_of(article(slug)) for slug in ("a", "b", "c")]
    files = build_index(records, "en-GB")
    assert "pagefind-entry.json" in files and "pagefind.js" in files
    assert b'"en"' in files["pagefind-entry.json"]
    assert sum(1 for path in files if path.startswith("fragment/")) == 3


def test_given_the_search_records_then_the_cdn_refuses_them_as_the_bucket_policy_does():
    from pressroom.local.cdn import Origin
    from pressroom.local.embedded import find_template
    from pressroom.local.template import Template

    policies = Template(find_template()).of_type("AWS::S3::BucketPolicy").values()
    [policy] = [p for p in policies if p["Properties"]["Bucket"] == {"Ref": "SiteBucket"}]
    denied = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    ]
    assert [s["Resource"] for s in denied] == [{"Fn::Sub": "${SiteBucket.Arn}/_search/*"}]
    assert Origin(s3=None, bucket="site").fetch("/_search/records/a.json") == (403, b"", {})
