"""The invalidation planner, one rule at a time (pure: no AWS)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pressroom.local.template import Template
from pressroom.publishing.invalidation import (
    CONSUMERS,
    EVERYTHING,
    MAX_PATHS_IN_FLIGHT,
    MAX_WILDCARDS_IN_FLIGHT,
    WILDCARD_THRESHOLD,
    InvalidationPlan,
    Limits,
    caller_reference,
    coalesce,
    collapse,
    normalise,
    other_plan,
    paths_of,
    plan_invalidation,
)

REPO = Path(__file__).resolve().parents[2]


def record(message_id: str, body: str) -> object:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    return SQSRecord({"messageId": message_id, "body": body})


# -- normalise ------------------------------------------------------------------------------------


def test_given_an_index_document_path_when_normalised_then_it_is_its_directory():
    assert normalise("/a/index.html") == "/a/"
    assert normalise("a/b/index.html") == "/a/b/"
    assert normalise("/index.html") == "/index.html"
    assert normalise("index.html") == "/index.html"


def test_given_sloppy_spellings_when_normalised_then_one_leading_slash_and_no_empty_segments():
    assert normalise("a/") == "/a/"
    assert normalise("//a//b") == "/a/b"
    assert normalise("/tags/x/") == "/tags/x/"
    assert normalise("/feed.xml") == "/feed.xml"
    assert normalise("/") == "/index.html", "the home page is cached as its root object"


def test_given_unsafe_characters_when_normalised_then_percent_encoded_and_never_a_wildcard():
    assert normalise("/tags/caf\u00e9/") == "/tags/caf%C3%A9/"
    assert normalise("/a b/") == "/a%20b/"
    assert normalise("/odd*name/") == "/odd%2Aname/"


# -- de-duplicate and coalesce --------------------------------------------------------------------


def test_given_spellings_of_one_page_when_coalesced_then_it_counts_once():
    assert coalesce(["/a/", "a/index.html", "/a/index.html", "//a/", "/b", ""]) == {"/a/", "/b"}


def test_given_a_batch_of_messages_then_their_paths_coalesce_into_one_plan():
    records = [
        record("m1", json.dumps({"paths": ["/articles/x/", "/tags/a/", "/"]})),
        record("m2", json.dumps({"paths": ["/tags/a/", "/articles/x/index.html", "/tags/"]})),
        record("m3", json.dumps({"paths": ["/index.html"]})),
    ]

    plan = plan_invalidation(paths_of(records), ["m1", "m2", "m3"])

    assert plan is not None
    assert plan.paths == ("/articles/x/", "/index.html", "/tags/", "/tags/a/")
    assert plan.requested == 4


def test_given_malformed_messages_then_they_are_dropped_and_the_rest_is_kept():
    records = [
        record("bad-json", "{not json"),
        record("no-paths", json.dumps({"other": 1})),
        record("not-a-list", json.dumps({"paths": "/a/"})),
        record("good", json.dumps({"paths": ["/a/"]})),
    ]

    assert paths_of(records) == ["/a/"]


def test_given_no_paths_then_there_is_nothing_to_plan():
    assert plan_invalidation([], ["m1"]) is None


# -- wildcard above a threshold -------------------------------------------------------------------


def articles(count: int, prefix: str = "/articles/") -> set[str]:
    return {f"{prefix}story-{n}/" for n in range(count)}


def test_given_the_wildcard_threshold_then_it_prices_evicting_a_directory_in_paths():
    # A path costs USD 0.005; evicting 10,000 article pages from ~13 regional caches costs
    # ~130,000 S3 GETs at USD 0.0004 per 1,000, about ten paths.
    path_price, get_price = 0.005, 0.0004 / 1000
    assert round(10_000 * 13 * get_price / path_price) == WILDCARD_THRESHOLD


def test_given_ten_edited_articles_in_a_batch_then_one_wildcard_path_is_paid():
    plan = plan_invalidation(articles(WILDCARD_THRESHOLD), ["m1"])
    fewer = plan_invalidation(articles(WILDCARD_THRESHOLD - 1), ["m1"])

    assert plan is not None and plan.paths == ("/articles/*",)
    assert fewer is not None and len(fewer.paths) == WILDCARD_THRESHOLD - 1


def test_given_threshold_many_items_left_after_collapsing_then_everything_is_one_path():
    scattered = {f"/section-{n}/page/" for n in range(WILDCARD_THRESHOLD)}

    plan = plan_invalidation(scattered, ["m1"])

    assert plan is not None and plan.paths == (EVERYTHING,)


def test_given_fewer_paths_than_the_threshold_under_a_directory_then_they_stay_exact():
    paths = articles(WILDCARD_THRESHOLD - 1) | {"/"}

    assert collapse(paths, WILDCARD_THRESHOLD) == paths


def test_given_threshold_many_paths_under_a_directory_then_one_wildcard_replaces_them():
    paths = articles(WILDCARD_THRESHOLD) | {"/", "/tags/x/"}

    assert collapse(paths, WILDCARD_THRESHOLD) == {"/", "/articles/*", "/tags/x/"}


def test_given_paths_concentrated_deep_then_the_deepest_directory_worth_it_gets_the_wildcard():
    archive = {f"/tags/big/page/{n}/" for n in range(1, 6)}
    paths = archive | {"/tags/a/", "/tags/b/"}

    # 5 archive pages make /tags/big/page/* (threshold 5); /tags/ then holds 3 items: stays.
    assert collapse(paths, 5) == {"/tags/big/page/*", "/tags/a/", "/tags/b/"}
    # With threshold 3 the parent is worth a wildcard too, and it absorbs the deeper one.
    assert collapse(paths, 3) == {"/tags/*"}


def test_given_a_directory_page_and_its_archive_then_the_wildcard_covers_the_page_itself():
    paths = {"/tags/x/", "/tags/x/page/1/", "/tags/x/page/2/"}

    assert collapse(paths, 3) == {"/tags/x/*"}


def test_given_any_threshold_then_the_root_is_never_collapsed_by_it():
    paths = {"/", "/robots.txt", "/sitemap.xml", "/404.html"}

    assert collapse(paths, 2) == paths


# -- in-flight limits -----------------------------------------------------------------------------


def test_given_the_template_then_the_planner_knows_the_invalidation_functions_concurrency():
    template = Template(REPO / "template.yaml")
    function = template.resources["InvalidationFunction"]["Properties"]
    [queue_event] = function["Events"].values()

    assert queue_event["Properties"]["ScalingConfig"]["MaximumConcurrency"] == CONSUMERS
    assert Limits().paths * CONSUMERS <= MAX_PATHS_IN_FLIGHT
    assert Limits().wildcards * CONSUMERS <= MAX_WILDCARDS_IN_FLIGHT


def test_given_more_exact_paths_than_an_invocations_share_then_top_level_wildcards_are_used():
    limits = Limits(paths=10, wildcards=3, wildcard_threshold=1000)
    paths = articles(8) | articles(8, "/tags/") | {"/", "/robots.txt"}

    plan = plan_invalidation(paths, ["m1"], limits)

    assert plan is not None
    assert plan.paths == ("/articles/*", "/index.html", "/robots.txt", "/tags/*")
    assert plan.wildcards == 2


def test_given_too_many_top_level_directories_for_the_wildcard_share_then_everything_goes():
    limits = Limits(paths=10, wildcards=3, wildcard_threshold=1000)
    paths = {f"/section-{n}/page-{m}/" for n in range(4) for m in range(3)}

    plan = plan_invalidation(paths, ["m1"], limits)

    assert plan is not None and plan.paths == (EVERYTHING,)


def test_given_exactly_the_share_then_the_plan_stays_exact():
    limits = Limits(paths=16, wildcards=3, wildcard_threshold=1000)
    paths = articles(8) | articles(8, "/tags/")

    plan = plan_invalidation(paths, ["m1"], limits)

    assert plan is not None and plan.wildcards == 0 and len(plan.paths) == 16


def test_given_an_exact_plan_refused_then_its_other_shape_is_top_level_wildcards():
    wanted = {"/articles/a/", "/articles/b/", "/tags/t/", "/"}
    plan = plan_invalidation(wanted, ["m1"])
    assert plan is not None and plan.wildcards == 0

    coarse = other_plan(plan, wanted, ["m1"])

    assert coarse is not None
    assert coarse.paths == ("/articles/*", "/index.html", "/tags/*")
    assert coarse.caller_reference != plan.caller_reference
    beyond_the_path_share = {f"/s{n}/p/" for n in range(Limits().paths + 1)}
    everything = InvalidationPlan((EVERYTHING,), "ref", len(beyond_the_path_share))
    assert other_plan(everything, beyond_the_path_share, ["m1"]) is None


def test_given_a_wildcard_plan_refused_then_the_exact_paths_are_tried_on_their_own_budget():
    # Wildcards and exact paths are limited separately in flight: a full wildcard budget
    # leaves the path budget free.
    wanted = articles(WILDCARD_THRESHOLD)
    plan = plan_invalidation(wanted, ["m1"])
    assert plan is not None and plan.paths == ("/articles/*",)

    exact = other_plan(plan, wanted, ["m1"])

    assert exact is not None and set(exact.paths) == wanted and exact.wildcards == 0
    too_many = Limits(paths=WILDCARD_THRESHOLD - 1)
    assert other_plan(plan, wanted, ["m1"], too_many) is None, "no other shape fits"


@given(
    st.sets(
        st.lists(st.sampled_from(["a", "b", "tags", "page", "x", "index.html"]), max_size=4).map(
            lambda parts: "/" + "/".join(parts) + "/"
        ),
        max_size=60,
    ),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=2, max_value=20),
)
def test_given_any_batch_then_the_plan_covers_every_path_within_the_limits_and_never_grows(
    paths: set[str], max_paths: int, max_wildcards: int, threshold: int
):
    limits = Limits(paths=max_paths, wildcards=max_wildcards, wildcard_threshold=threshold)

    plan = plan_invalidation(paths, ["m1"], limits)

    wanted = coalesce(paths)
    if not wanted:
        assert plan is None
        return
    assert plan is not None
    assert all(plan.covers(path) for path in wanted)
    assert plan.wildcards <= max(limits.wildcards, 1)
    assert len(plan.paths) - plan.wildcards <= limits.paths
    assert len(plan.paths) <= len(wanted)


# -- caller reference -----------------------------------------------------------------------------


def test_given_the_same_batch_again_then_the_caller_reference_is_the_same():
    first = caller_reference(["/b", "/a/"], ["m2", "m1"])

    assert caller_reference(["/a/", "/b"], ["m1", "m2"]) == first
    assert first.startswith("pressroom-") and len(first) <= 64


def test_given_new_messages_for_the_same_paths_then_the_caller_reference_is_new():
    assert caller_reference(["/a/"], ["m1"]) != caller_reference(["/a/"], ["m3"])


def test_given_other_paths_for_the_same_messages_then_the_caller_reference_is_new():
    assert caller_reference(["/a/"], ["m1"]) != caller_reference(["/*"], ["m1"])


def test_given_a_wildcard_refused_by_cloudfront_then_the_exact_paths_are_sent_at_once():
    from pressroom.errors import InFlightLimitReached
    from pressroom.publishing.invalidation import invalidate
    from tests.invalidation.test_retry import ScriptedDistribution, pipeline_with

    cdn = ScriptedDistribution([InFlightLimitReached("TooManyInvalidationsInProgress")])
    edited = sorted(articles(WILDCARD_THRESHOLD))

    outcome = invalidate(edited, ["m1"], pipeline_with(cdn))

    assert [paths for paths, _reference in cdn.calls] == [("/articles/*",), tuple(edited)]
    assert outcome.fell_back and not outcome.deferred and outcome.plan is not None
