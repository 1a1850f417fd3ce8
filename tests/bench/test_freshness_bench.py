"""The bench's freshness part (issue 16) at a tiny size: its accounting, not its figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.__main__ import QUICK, command_line, output_name, run
from bench.freshness import (
    BOUNDS,
    KINDS,
    POLICIES,
    FreshnessResult,
    Mix,
    everything_per_publish,
    exact_paths,
    markdown,
    measure_freshness,
    new_policy,
    previous_policy,
)

from pressroom.local.embedded import find_template
from pressroom.local.template import Template
from pressroom.publishing.cache_policy import CachePolicy
from pressroom.publishing.invalidation import coalesce

# Ten at once in one directory: the bulk edit crosses the planner's wildcard threshold.
TINY = Mix(new=2, edits=2, retitles=1, deletes=1, bulk_import=3, bulk_edit=10)
SITE = 16


@pytest.fixture(scope="module")
def result() -> FreshnessResult:
    return measure_freshness(SITE, TINY, seed=3)


def _windows_in_template() -> dict[str, int]:
    """Each function's batching window, read straight from template.yaml's events."""
    resources = Template(find_template()).resources
    return {
        name: max(
            int(event["Properties"].get("MaximumBatchingWindowInSeconds", 0))
            for event in resources[name]["Properties"]["Events"].values()
        )
        for name in ("IngestFunction", "ListingFunction", "InvalidationFunction")
    }


def test_given_the_mix_then_every_step_is_recorded_once_with_its_publishes(result):
    steps = TINY.new + TINY.edits + TINY.retitles + TINY.deletes + 2
    assert len(result.publishes) == steps
    assert [row.scenario for row in result.costs()] == [*KINDS, "mix"]
    mix = result.mix_row
    assert mix.publishes == TINY.new + TINY.edits + TINY.retitles + TINY.deletes + 13
    assert mix.steps == steps
    assert sum(row.publishes for row in result.costs()[:-1]) == mix.publishes
    # Every step changed the site, so each one counts as one `/*`.
    assert all(step.changed for step in result.publishes)


def test_given_each_step_then_the_policies_are_ordered_and_star_counts_the_batches(result):
    for step in result.publishes:
        assert new_policy(step) <= previous_policy(step) <= exact_paths(step)
        assert everything_per_publish(step) == 1
    mix = result.mix_row
    assert mix.paths["`/*` per publish"] == mix.steps
    assert mix.paths["exact paths"] == sum(len(coalesce(s.changed)) for s in result.publishes)
    assert set(mix.paths) == set(POLICIES)
    for name in POLICIES:  # USD 0.005 a path
        assert mix.usd_per_thousand(name) == pytest.approx(mix.per_publish(name) * 5)


def test_given_the_new_policy_then_it_paid_only_for_served_article_pages_that_changed(result):
    for step in result.publishes:
        changed = coalesce(step.changed)
        for paths in step.invalidations:
            for path in paths:
                assert path == "/articles/*" or (
                    path in changed and path.startswith("/articles/")
                ), (step.kind, path)
    by_kind = {row.scenario: row for row in result.costs()}
    # New URLs are in no cache: nothing paid, though listings changed (the exact bill is not 0).
    for kind in ("new", "bulk import"):
        assert by_kind[kind].paths["new policy (this build)"] == 0
        assert by_kind[kind].paths["exact paths"] > by_kind[kind].publishes
    # One path for each edit, retitle and delete: the article's own page.
    for kind, count in (("edit", TINY.edits), ("retitle", TINY.retitles), ("delete", TINY.deletes)):
        assert by_kind[kind].invalidations == count
        assert by_kind[kind].paths["new policy (this build)"] == count
    # A delete or retitle re-renders listings and related pages, which the old policy paid for.
    assert by_kind["delete"].paths["previous policy"] > TINY.deletes
    assert [p for s in result.publishes if s.kind == "bulk edit" for p in s.invalidations] == [
        ("/articles/*",)
    ]


def test_given_the_template_then_the_staleness_rows_add_its_windows_and_the_cache_rules(result):
    rows = {row.kind: row for row in result.staleness}
    windows = _windows_in_template()
    policy = CachePolicy()
    assert result.policy == policy  # the functions' settings: the template's defaults
    assert {kind: rows[kind].bound for kind in BOUNDS} == BOUNDS

    def term(kind: str, label: str) -> float:
        return next(t.seconds for t in rows[kind].terms if t.label == label)

    for kind in ("home page", "listing"):
        assert term(kind, "IngestFunction window") == windows["IngestFunction"]
        assert term(kind, "ListingFunction window") == windows["ListingFunction"]
    for kind in ("article page on edit", "article page on delete"):
        assert term(kind, "InvalidationFunction window") == windows["InvalidationFunction"]
    cache = {kind: sum(t.seconds for t in rows[kind].terms if t.cache) for kind in rows}
    assert cache["home page"] == policy.home.staleness_seconds
    assert cache["listing"] == policy.listing.staleness_seconds
    distribution = Template(find_template()).properties("Distribution")["DistributionConfig"]
    [not_found] = [r for r in distribution["CustomErrorResponses"] if r["ErrorCode"] == 404]
    assert cache["new article page"] == not_found["ErrorCachingMinTTL"]
    assert cache["hashed asset"] == 0
    for row in result.staleness:
        assert row.seconds == pytest.approx(sum(t.seconds for t in row.terms))
        assert row.held is None or row.held == (row.seconds <= row.bound)
    # The measured runs are the longest invocations of the single publishes.
    assert 0 < term("home page", "ListingFunction run") < 60


def test_given_only_freshness_then_its_file_is_named_after_it_and_states_the_command(
    result, tmp_path: Path, monkeypatch
):
    table = markdown(result)
    for text in ("Freshness and its cost", "Target: ≤ 1 paid path", *POLICIES, *BOUNDS):
        assert text in table
    assert output_name(["freshness"]) == "freshness-only"
    assert output_name(["freshness", "publish"]) == "publish-freshness-only"
    assert output_name(None) == "results"
    command = command_line(["--only", "freshness"])
    assert command.endswith("python -m bench --only freshness")

    monkeypatch.setitem(QUICK, "freshness_articles", SITE)
    monkeypatch.setitem(QUICK, "freshness_mix", TINY)
    run("quick", tmp_path, {"freshness"}, 3, name="freshness-only", command=command)

    written = (tmp_path / "freshness-only.md").read_text()
    assert f"Command: `{command}`." in written
    assert "paid invalidation paths per publish on the mix ≤ 1" in written  # the Targets table
    assert sorted(p.name for p in tmp_path.iterdir()) == ["freshness-only.md"]
