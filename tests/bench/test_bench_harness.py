"""The bench harness (issue 9) runs end to end in quick mode; timings are not checked here."""

from __future__ import annotations

from pathlib import Path

from bench.__main__ import run
from bench.bulk import hugo_available
from bench.corpus import Corpus, pelican_file, pressroom_file


def test_given_a_seed_when_the_corpus_is_generated_twice_then_it_is_identical_and_zipf_shaped():
    first = [pressroom_file(a) for a in Corpus(300, seed=3).articles()]
    again = [pressroom_file(a) for a in Corpus(300, seed=3).articles()]
    assert first == again
    # The same article whatever the corpus size: article i depends on (seed, i) only.
    assert next(Corpus(50, seed=3).articles()).slug == next(Corpus(300, seed=3).articles()).slug
    tags: dict[str, int] = {}
    for article in Corpus(300, seed=3).articles():
        for tag in article.tags:
            tags[tag] = tags.get(tag, 0) + 1
    counts = sorted(tags.values(), reverse=True)
    assert counts[0] > 5 * counts[len(counts) // 2]  # a head of popular tags, a long tail
    title = next(Corpus(1).articles()).title
    assert pelican_file(next(Corpus(1).articles()))[1].startswith(f"Title: {title}\n")


def test_given_quick_mode_when_the_bench_runs_then_every_part_reports_its_rows(tmp_path: Path):
    results = run("quick", tmp_path, {"publish", "bulk", "cold"})

    table = (tmp_path / "results.md").read_text()
    assert (tmp_path / "results.png").read_bytes().startswith(b"\x89PNG")
    assert [row.articles for row in results.publishes] == [12, 24]
    for row in results.publishes:
        assert row.total_calls > 0 and row.objects_written > 0
        # The workload publishes new articles: in no cache yet, and listings are refreshed by
        # their TTL (publishing.cache_policy), so no invalidation path is paid for.
        assert row.paths_invalidated == 0
        assert f"| {row.articles:,} |" in table
    tools = {build.tool for build in results.builds}
    expected = {"pressroom build", "pressroom build --backend moto", "Pelican"}
    assert tools == expected | ({"Hugo"} if hugo_available() else set())
    assert all(build.files > 0 for build in results.builds)
    names = {cold.name for cold in results.cold_starts}
    assert {"import boto3", "IngestFunction", "ListingFunction", "InvalidationFunction"} <= names
    assert set(results.costs) == {12, 24} and all(c.total > 0 for c in results.costs.values())
    for heading in ("Targets", "Incremental publish", "Bulk build", "Cold start", "Cost per 1,000"):
        assert heading in table
    # Each of the targets is named with what was measured and whether it held.
    for target in ("identical at N = 12 and N = 24", "within 1.5× of N = 12", "≥ 100× faster"):
        assert target in table
    assert "`pressroom build` of 12 ≤ 1.0× Pelican" in table and "worst " in table
    # Where the build's time goes: in process, by phase; on moto, the emulated AWS calls too.
    assert "listings (stream, render pages and feeds) " in table and "export (write " in table
    assert "AWS calls (moto + botocore) " in table and "calls, most time: " in table


def test_given_a_reference_size_then_only_the_other_tools_build_it(tmp_path: Path):
    from bench.bulk import bulk_builds

    builds = bulk_builds([6], tmp_path, seed=3, pressroom=False)

    assert {build.tool for build in builds} == {"Pelican"} | (
        {"Hugo"} if hugo_available() else set()
    )
    assert all(build.articles == 6 and build.files > 0 for build in builds)
