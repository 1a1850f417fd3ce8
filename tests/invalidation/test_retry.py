"""CloudFront pushing back: `TooManyInvalidationsInProgress` and throttling never lose a path.

Unit tests drive `invalidate` with a scripted distribution; the end-to-end tests inject the
error into the invalidation function's real CloudFront client with a botocore event hook."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from pressroom.adapters.cdn import Distribution
from pressroom.errors import InFlightLimitReached, TransientError
from pressroom.local.runtime import LocalRuntime, QueuePump
from pressroom.pipeline import Pipeline
from pressroom.publishing.invalidation import invalidate, normalise
from pressroom.settings import Settings
from tests.support import Site, queued

# -- unit: a scripted distribution ----------------------------------------------------------------


@dataclass
class ScriptedDistribution:
    """Answers each `invalidate` with the next scripted error, or an id once the script is out."""

    script: list[Exception] = field(default_factory=list)
    calls: list[tuple[tuple[str, ...], str]] = field(default_factory=list)

    def invalidate(self, paths: list[str], caller_reference: str) -> str:
        self.calls.append((tuple(paths), caller_reference))
        if self.script:
            raise self.script.pop(0)
        return f"I{len(self.calls)}"


def pipeline_with(distribution: ScriptedDistribution) -> Pipeline:
    p = Pipeline(Settings(content_table="t", ingest_bucket="i", site_bucket="s"))
    p.distribution = distribution  # type: ignore[assignment]
    return p


CHANGED = ["/articles/a/", "/articles/b/", "/tags/t/", "/"]


def test_given_cloudfront_accepts_then_one_call_invalidates_exactly_the_paths():
    cdn = ScriptedDistribution()

    outcome = invalidate(CHANGED, ["m1", "m2"], pipeline_with(cdn))

    assert not outcome.deferred and outcome.calls == 1 and not outcome.fell_back
    assert cdn.calls[0][0] == ("/articles/a/", "/articles/b/", "/index.html", "/tags/t/")
    assert outcome.invalidation_id == "I1"


def test_given_too_many_in_progress_then_the_same_paths_go_at_once_as_top_level_wildcards():
    cdn = ScriptedDistribution([InFlightLimitReached("TooManyInvalidationsInProgress")])

    outcome = invalidate(CHANGED, ["m1"], pipeline_with(cdn))

    assert not outcome.deferred and outcome.fell_back and outcome.calls == 2
    assert cdn.calls[1][0] == ("/articles/*", "/index.html", "/tags/*")
    assert outcome.plan is not None
    assert all(outcome.plan.covers(normalise(path)) for path in CHANGED)


def test_given_wildcards_are_refused_too_then_the_batch_is_deferred():
    refused = InFlightLimitReached("TooManyInvalidationsInProgress")
    cdn = ScriptedDistribution([refused, InFlightLimitReached("still")])

    outcome = invalidate(CHANGED, ["m1"], pipeline_with(cdn))

    assert outcome.deferred and outcome.calls == 2 and outcome.plan is None


def test_given_throttling_then_the_batch_is_deferred_without_a_fallback_call():
    cdn = ScriptedDistribution([TransientError("Throttling: Rate exceeded")])

    outcome = invalidate(CHANGED, ["m1"], pipeline_with(cdn))

    assert outcome.deferred and outcome.calls == 1


def test_given_a_deferred_batch_when_it_comes_back_then_the_retry_repeats_its_caller_reference():
    cdn = ScriptedDistribution([TransientError("Throttling")])
    p = pipeline_with(cdn)

    invalidate(CHANGED, ["m1", "m2"], p)
    invalidate(list(reversed(CHANGED)), ["m2", "m1"], p)

    # A request that did reach CloudFront before the failure is then answered with the existing
    # invalidation instead of a second, charged one.
    assert cdn.calls[0] == cdn.calls[1]


def test_given_an_empty_batch_then_cloudfront_is_not_called():
    cdn = ScriptedDistribution()

    outcome = invalidate([], ["m1"], pipeline_with(cdn))

    assert outcome.calls == 0 and outcome.plan is None and not cdn.calls


# -- end to end: the error injected into the function's CloudFront client -------------------------


@dataclass
class Refusals:
    """A botocore `before-call` hook answering CreateInvalidation with an error, `times` times."""

    times: int
    code: str = "TooManyInvalidationsInProgress"
    refused: int = 0

    def __call__(self, **kwargs: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if self.refused >= self.times:
            return None
        self.refused += 1
        error = {"Code": self.code, "Message": "injected by the test"}
        return AWSResponse("https://cloudfront.test", 400, {}, None), {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }


@pytest.fixture
def refusals(site: Site) -> Iterator[Callable[[int], Refusals]]:
    """Give the deployed invalidation function a CloudFront client that refuses N times."""
    [spec] = [f for f in site.runtime.stack.template.functions() if f.logical_id.startswith("Inv")]
    # The first execution environment's: the one invocations run in, one at a time.
    function_pipeline = site.runtime.environments[spec.logical_id].collaborators[0].pipeline

    def install(times: int) -> Refusals:
        hook = Refusals(times)
        client = site.runtime.stack.client("cloudfront")
        client.meta.events.register("before-call.cloudfront.CreateInvalidation", hook)
        function_pipeline.distribution = Distribution(  # type: ignore[misc]
            site.pipeline.settings.distribution_id, client
        )
        return hook

    yield install


def send_paths(runtime: LocalRuntime, *batches: list[str]) -> None:
    sqs = runtime.stack.client("sqs")
    for paths in batches:
        sqs.send_message(
            QueueUrl=runtime.stack.refs["InvalidationQueue"],
            MessageBody=json.dumps({"paths": paths}),
        )


def test_given_too_many_in_progress_twice_when_the_batch_returns_then_its_paths_are_invalidated(
    site: Site, refusals: Callable[[int], Refusals]
):
    hook = refusals(2)  # the exact plan and its wildcard form are both refused once
    send_paths(site.runtime, ["/articles/a/", "/"], ["/tags/t/", "/articles/a/index.html"])

    site.runtime.drain()

    assert hook.refused == 2
    assert [sorted(batch) for batch in site.invalidated_paths()] == [
        ["/articles/a/", "/index.html", "/tags/t/"]
    ]
    assert queued(site.runtime, "InvalidationQueue") == 0
    assert queued(site.runtime, "InvalidationDeadLetterQueue") == 0


def test_given_too_many_in_progress_once_then_wildcards_invalidate_the_batch_at_once(
    site: Site, refusals: Callable[[int], Refusals]
):
    refusals(1)
    send_paths(site.runtime, ["/articles/a/", "/articles/b/", "/"])

    site.runtime.drain()

    assert [sorted(batch) for batch in site.invalidated_paths()] == [["/articles/*", "/index.html"]]
    invalidation_pumps = [p for p in site.runtime.pumps if isinstance(p, QueuePump)]
    assert sum(pump.failures for pump in invalidation_pumps) == 0


def test_given_cloudfront_refuses_for_good_then_the_paths_wait_in_the_dead_letter_queue(
    site: Site, refusals: Callable[[int], Refusals]
):
    refusals(10_000)
    send_paths(site.runtime, ["/articles/a/"], ["/tags/t/"])

    site.runtime.drain()  # settles: nothing consumes the dead-letter queue

    assert site.invalidated_paths() == []
    assert queued(site.runtime, "InvalidationQueue") == 0
    sqs = site.runtime.stack.client("sqs")
    dead = sqs.receive_message(
        QueueUrl=site.runtime.stack.refs["InvalidationDeadLetterQueue"], MaxNumberOfMessages=10
    )["Messages"]
    assert sorted(path for m in dead for path in json.loads(m["Body"])["paths"]) == [
        "/articles/a/",
        "/tags/t/",
    ]


def test_given_a_malformed_message_among_good_ones_then_the_good_paths_are_invalidated(site: Site):
    sqs = site.runtime.stack.client("sqs")
    queue = site.runtime.stack.refs["InvalidationQueue"]
    sqs.send_message(QueueUrl=queue, MessageBody="{not json")
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"paths": "/not-a-list/"}))
    send_paths(site.runtime, ["/articles/a/"])

    site.runtime.drain()

    assert site.invalidated_paths() == [["/articles/a/"]]
    assert queued(site.runtime, "InvalidationQueue") == 0
    assert queued(site.runtime, "InvalidationDeadLetterQueue") == 0
