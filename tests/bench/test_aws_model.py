"""The AWS-scale model of a bulk import (bench/aws_model.py): what it says about the OLD design and
the NEW design as shipped, that its NEW listing function plans pages as `archive.rerender` does,
that it says it the same way every time, and that it is wired into the bench report."""

from __future__ import annotations

import itertools
import random
import statistics
from dataclasses import replace
from pathlib import Path

import pytest
from bench.__main__ import run
from bench.aws_model import (
    Latency,
    Params,
    Report,
    day_of,
    markdown,
    plan_pages,
    previous_template,
    run_model,
    simulate,
    targets,
    within_limits,
)

from pressroom.local.template import load_template
from pressroom.publishing.archive import Layout, rerender

SHIPPED = Params()


def test_given_a_latency_when_drawn_then_its_median_and_99th_percentile_are_as_stated():
    rng = random.Random(1)
    draws = sorted(Latency(0.020, 0.120).draw(rng) for _ in range(20_000))

    assert statistics.median(draws) == pytest.approx(0.020, rel=0.05)
    assert draws[int(0.99 * len(draws))] == pytest.approx(0.120, rel=0.15)


def test_given_template_yaml_when_the_model_starts_then_its_defaults_are_the_shipped_settings():
    doc = load_template(Path(__file__).parents[2] / "template.yaml")
    resources = doc["Resources"]
    ingest = resources["IngestFunction"]["Properties"]
    listing = resources["ListingFunction"]["Properties"]
    [queue] = [e["Properties"] for e in ingest["Events"].values() if e["Type"] == "SQS"]
    [stream] = [e["Properties"] for e in listing["Events"].values() if e["Type"] == "DynamoDB"]
    ingest_queue = resources["IngestQueue"]["Properties"]

    assert doc["Globals"]["Function"]["Timeout"] == SHIPPED.timeout
    assert ingest["MemorySize"] == listing["MemorySize"] == SHIPPED.memory_mb
    assert queue["ScalingConfig"]["MaximumConcurrency"] == SHIPPED.ingest_concurrency
    assert queue["BatchSize"] == SHIPPED.ingest_batch_size
    assert queue["MaximumBatchingWindowInSeconds"] == SHIPPED.ingest_window
    assert ingest_queue["VisibilityTimeout"] == SHIPPED.visibility_timeout
    assert ingest_queue["RedrivePolicy"]["maxReceiveCount"] == SHIPPED.max_receive_count
    assert stream["ParallelizationFactor"] == SHIPPED.parallelization_factor
    assert stream["MaximumBatchingWindowInSeconds"] == SHIPPED.listing_window
    assert stream["BatchSize"] == SHIPPED.listing_batch_size
    assert stream["MaximumRetryAttempts"] == SHIPPED.listing_retries
    assert stream["BisectBatchOnFunctionError"] is SHIPPED.bisect_on_error
    assert stream["BatchSize"] in SHIPPED.listing_batch_sizes


def test_given_random_listings_when_the_model_plans_pages_then_rerender_plans_the_same(
    monkeypatch: pytest.MonkeyPatch,
):
    rng = random.Random(5)
    positions = 0
    position = Layout.position

    def counted(layout: Layout, day: str) -> tuple[str, int] | None:
        nonlocal positions
        positions += 1
        return position(layout, day)

    monkeypatch.setattr(Layout, "position", counted)
    for _ in range(150):
        days = [day_of(n * rng.choice([1, 1, 3, 40])) for n in range(rng.choice([5, 30, 300]))]
        old: dict[str, int] = {}
        for day in days:
            if rng.random() < 0.6:
                old[day] = old.get(day, 0) + rng.randint(1, rng.choice([1, 6, 20]))
        changed = rng.sample(days, min(len(days), rng.choice([1, 3, 10, 30])))
        new = dict(old)
        for day in changed:
            if rng.random() < 0.9:
                new[day] = new.get(day, 0) + rng.randint(1, 3)
            else:
                new.pop(day, None)
        size = rng.choice([2, 10])
        before, after = Layout(old, size, "/tags/x/"), Layout(new, size, "/tags/x/")

        positions = 0
        expected = rerender(before, after, changed)
        # The model charges one `Layout.position` per changed day: so does `rerender`.
        assert positions == len(set(changed))
        planned = plan_pages(before, after, changed)
        assert planned.render == expected.render
        assert planned.delete == expected.delete


def test_given_the_old_design_and_template_when_it_imports_then_the_heads_make_workers_conflict():
    p = replace(SHIPPED, articles=3_000)

    old = simulate("old", previous_template(p), seed=9)
    new = simulate("new", p, seed=9, listing_batch_size=5000)

    # Every OLD transaction updates the home head: concurrent workers cancel each other.
    assert old.ingest_concurrency == 10
    assert old.attempts_per_article > 1.5
    assert old.conflicts > old.articles // 2
    # NEW transactions hold only the article's own items: only duplicate events collide.
    assert new.ingest_concurrency == 40
    assert new.attempts_per_article < 1.05
    assert new.published == new.articles == old.published
    assert new.articles_per_second > 5 * old.articles_per_second


def test_given_the_shipped_configuration_when_10000_articles_arrive_then_it_meets_its_targets():
    shipped = simulate("new", SHIPPED, seed=9, listing_batch_size=5000)
    template_bound = simulate("new", SHIPPED, seed=9, listing_batch_size=1000)

    assert [held for _, _, held in targets(shipped)] == [True, True, True]
    assert within_limits(shipped) and shipped.articles_per_second >= 100
    assert shipped.timeouts == 0 and shipped.dlq_messages == shipped.dlq_records == 0
    assert max(shipped.longest_ingest, shipped.longest_listing) <= 0.5 * shipped.timeout
    # BatchSize 1,000 (the template's before the model chose) is within limits too, but the
    # lane carrying the home listing takes more, smaller batches and ends below the target.
    assert within_limits(template_bound) and template_bound.articles_per_second < 100
    report = Report(SHIPPED, 9, shipped, [template_bound, shipped], template_bound)
    assert report.chosen == 5000
    # 5,000 records of ~1.4 KB do not fit Lambda's 6 MB payload: a batch holds ~4,490.
    assert SHIPPED.listing_batch_limit < 5000


def test_given_listings_slower_than_the_budget_when_a_batch_stops_early_then_the_rest_comes_back():
    # Pages twenty times slower to render: one busy listing takes most of the time budget.
    slow = replace(SHIPPED, articles=2_000, listing_render_cpu=0.1)

    outcome = simulate("new", slow, seed=9, listing_batch_size=1000)

    # The budget stops batches before the timeout; the records from the first listing not
    # started come back at once, those of listings it had rendered included, which are then
    # rendered again from unchanged counts: nothing lost, nothing timed out, but slow.
    assert outcome.partial_returns > 0 and outcome.max_deferrals > 1
    assert outcome.redone_renders > 0
    assert outcome.finished and outcome.published == outcome.articles
    assert outcome.dlq_records == outcome.listing_timeouts == 0
    assert outcome.longest_listing < outcome.timeout


def test_given_a_seed_when_the_model_runs_twice_then_the_numbers_are_identical():
    p = replace(SHIPPED, listing_batch_sizes=(300, 1000), listing_batch_size=1000)

    first = markdown(run_model(400, seed=3, p=p, workers=1))
    again = markdown(run_model(400, seed=3, p=p, workers=2))
    other = markdown(run_model(400, seed=4, p=p, workers=1))

    assert first == again
    assert first != other


def test_given_more_ingest_concurrency_when_the_new_design_imports_then_throughput_does_not_drop():
    outcomes = [
        simulate("new", replace(SHIPPED, articles=3_000, ingest_concurrency=c), 9, 5000)
        for c in (10, 20, 40)
    ]

    ingest = [o.ingest_rate for o in outcomes]
    assert ingest[0] < ingest[1] < ingest[2]
    for fewer, more in itertools.pairwise(outcomes):
        assert more.articles_per_second >= 0.98 * fewer.articles_per_second
        assert more.attempts_per_article < 1.05


def test_given_quick_mode_when_the_bench_runs_the_aws_model_then_the_report_has_its_section(
    tmp_path: Path,
):
    results = run("quick", tmp_path, {"aws-model"})

    table = (tmp_path / "results.md").read_text()
    assert results.aws_model is not None and results.aws_model.params.articles == 1_000
    assert "### AWS-scale model (simulated)" in table
    for row in ("| OLD (45cfef2, ", "| NEW as shipped, ", "| NEW without the template changes, "):
        assert row in table
    assert "| ≥ 100 articles/s end to end |" in table
    assert "Chosen listing BatchSize: **" in table
    assert "S3 GET 20/120" in table  # the parameters, summarised
