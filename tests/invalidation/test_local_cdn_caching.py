"""The local CDN caches like CloudFront, one rule at a time, on a pinned clock (no sleeping):
the origin's `Cache-Control` within the cache policy's MinTTL/DefaultTTL/MaxTTL,
`stale-while-revalidate`, `stale-if-error`, error caching, and invalidations."""

from __future__ import annotations

import textwrap
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from pressroom.local.cdn import (
    ERROR,
    FUNCTION_RESPONSE,
    HIT,
    MISS,
    ONE_DAY,
    ONE_YEAR,
    REFRESH_HIT,
    CacheBehavior,
    CachePolicy,
    CdnServer,
    EdgeCache,
    EdgeConfig,
    ErrorResponse,
    Job,
    LocalDistribution,
    Origin,
    error_caching_ttl,
)
from pressroom.local.embedded import LOCAL_ENV
from pressroom.local.template import Template

REPO = Path(__file__).resolve().parents[2]
# The managed CachingOptimized policy's TTLs and the template's 404 → /404.html response.
OPTIMIZED = CachePolicy(min_ttl=1, default_ttl=ONE_DAY, max_ttl=ONE_YEAR)
ERROR_TTL = 60.0
EDGE = EdgeConfig(
    behaviors=(),
    error_responses={
        code: ErrorResponse(code, ERROR_TTL, page_path="/404.html", response_code=404)
        for code in (403, 404)
    },
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeOrigin:
    """The site bucket as (status, body, headers) per cache key, counting fetches."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[int, bytes, dict[str, str]]] = {}
        self.fetches: Counter[str] = Counter()
        self.down = False

    def put(self, path: str, body: str, cache_control: str | None = None, **more: str) -> None:
        headers = {"Content-Type": "text/html; charset=utf-8", "ETag": f'"{hash(body)}"'}
        if cache_control is not None:
            headers["Cache-Control"] = cache_control
        headers.update({name.replace("_", "-"): value for name, value in more.items()})
        self.objects[path] = (200, body.encode(), headers)

    def fail(self, path: str, status: int) -> None:
        self.objects[path] = (status, b"", {})

    def fetch(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        self.fetches[path] += 1
        if self.down:
            raise ConnectionError("origin unreachable")
        return self.objects.get(path, (404, b"", {}))


class Edge:
    """A distribution on a fake origin and a pinned clock; background refreshes wait in
    `pending` until the test runs them."""

    def __init__(self, policy: CachePolicy = OPTIMIZED, edge: EdgeConfig = EDGE) -> None:
        self.origin = FakeOrigin()
        self.clock = Clock()
        self.cache = EdgeCache()
        self.pending: list[Job] = []
        config = EdgeConfig((*edge.behaviors, CacheBehavior("*", policy)), edge.error_responses)
        self.distribution = LocalDistribution(
            self.origin,  # type: ignore[arg-type]
            self.cache,
            edge=config,
            clock=self.clock,
            background=self.pending.append,
        )

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        status, body, headers = self.distribution.respond(path)
        return status, body.decode(), dict(headers)

    def run_background(self) -> None:
        while self.pending:
            self.pending.pop(0)()


@pytest.fixture
def edge() -> Edge:
    return Edge()


# -- TTLs from Cache-Control --------------------------------------------------------------------


def test_given_a_cached_page_when_asked_within_its_ttl_then_it_is_a_hit_with_its_age(edge: Edge):
    edge.origin.put("/a/", "one", "public, max-age=60, s-maxage=300")

    status, body, headers = edge.get("/a/")
    assert (status, body, headers["X-Cache"]) == (200, "one", MISS) and "Age" not in headers

    edge.origin.put("/a/", "two", "public, max-age=60, s-maxage=300")
    edge.clock.advance(299)
    status, body, headers = edge.get("/a/")

    assert (status, body, headers["X-Cache"], headers["Age"]) == (200, "one", HIT, "299")
    assert edge.origin.fetches["/a/"] == 1


def test_given_a_cached_page_when_its_ttl_has_passed_then_it_is_fetched_again(edge: Edge):
    edge.origin.put("/a/", "one", "s-maxage=300")
    edge.get("/a/")
    edge.origin.put("/a/", "two", "s-maxage=300")

    edge.clock.advance(300)
    status, body, headers = edge.get("/a/")

    assert (status, body, headers["X-Cache"]) == (200, "two", MISS) and "Age" not in headers
    assert edge.origin.fetches["/a/"] == 2


def test_given_s_maxage_and_max_age_then_the_cdn_keeps_the_page_for_s_maxage(edge: Edge):
    edge.origin.put("/a/", "one", "public, max-age=10, s-maxage=100")
    edge.get("/a/")

    edge.clock.advance(99)
    assert edge.get("/a/")[2]["X-Cache"] == HIT, "max-age is the browsers' TTL, not the CDN's"
    edge.clock.advance(1)
    assert edge.get("/a/")[2]["X-Cache"] == REFRESH_HIT  # unchanged on the origin
    assert edge.origin.fetches["/a/"] == 2


def test_given_only_max_age_then_the_cdn_keeps_the_page_for_max_age(edge: Edge):
    edge.origin.put("/a/", "one", "max-age=30")
    edge.get("/a/")

    edge.clock.advance(29.9)
    assert edge.get("/a/")[2]["X-Cache"] == HIT
    edge.clock.advance(0.1)
    edge.get("/a/")
    assert edge.origin.fetches["/a/"] == 2


@pytest.mark.parametrize("directive", ["max-age=0", "s-maxage=0, max-age=600"])
def test_given_a_ttl_below_min_ttl_then_the_page_is_kept_for_min_ttl(edge: Edge, directive: str):
    edge.origin.put("/a/", "one", directive)
    edge.get("/a/")

    edge.clock.advance(OPTIMIZED.min_ttl - 0.01)
    assert edge.get("/a/")[2]["X-Cache"] == HIT
    edge.clock.advance(0.01)
    edge.get("/a/")
    assert edge.origin.fetches["/a/"] == 2


def test_given_a_ttl_above_max_ttl_then_the_page_is_kept_for_max_ttl(edge: Edge):
    edge.origin.put("/a/", "one", f"s-maxage={10 * ONE_YEAR}")
    edge.get("/a/")

    edge.clock.advance(OPTIMIZED.max_ttl - 1)
    assert edge.get("/a/")[2]["X-Cache"] == HIT
    edge.clock.advance(1)
    edge.get("/a/")
    assert edge.origin.fetches["/a/"] == 2


@pytest.mark.parametrize("cache_control", [None, "public", "must-revalidate"])
def test_given_no_ttl_from_the_origin_then_the_page_is_kept_for_the_default_ttl(
    edge: Edge, cache_control: str | None
):
    edge.origin.put("/a/", "one", cache_control)
    edge.get("/a/")

    edge.clock.advance(OPTIMIZED.default_ttl - 1)
    assert edge.get("/a/")[2]["X-Cache"] == HIT
    edge.clock.advance(1)
    edge.get("/a/")
    assert edge.origin.fetches["/a/"] == 2


def test_given_an_expires_header_then_the_page_is_kept_until_then_counted_from_the_origins_date(
    edge: Edge,
):
    edge.origin.put(
        "/a/",
        "one",
        None,
        Date="Sun, 01 Mar 2026 12:00:00 GMT",
        Expires="Sun, 01 Mar 2026 12:10:00 GMT",
    )
    edge.get("/a/")

    edge.clock.advance(599)
    assert edge.get("/a/")[2]["X-Cache"] == HIT
    edge.clock.advance(1)
    edge.get("/a/")
    assert edge.origin.fetches["/a/"] == 2


@pytest.mark.parametrize("directive", ["no-store", "no-cache", "private, max-age=600"])
def test_given_no_store_no_cache_or_private_then_min_ttl_applies_and_a_zero_min_ttl_stores_nothing(
    directive: str,
):
    with_min = Edge(OPTIMIZED)
    with_min.origin.put("/a/", "one", directive)
    with_min.get("/a/")
    assert with_min.get("/a/")[2]["X-Cache"] == HIT, "CloudFront caches for MinTTL anyway"
    with_min.clock.advance(OPTIMIZED.min_ttl)
    with_min.get("/a/")
    assert with_min.origin.fetches["/a/"] == 2

    without_min = Edge(CachePolicy(min_ttl=0, default_ttl=ONE_DAY, max_ttl=ONE_YEAR))
    without_min.origin.put("/a/", "one", directive)
    without_min.get("/a/")
    assert without_min.get("/a/")[2]["X-Cache"] == MISS
    assert without_min.cache.keys() == []


def test_given_a_zero_ttl_then_each_request_asks_the_origin_and_unchanged_is_a_refresh_hit():
    edge = Edge(CachePolicy(min_ttl=0, default_ttl=0, max_ttl=ONE_YEAR))
    edge.origin.put("/a/", "one", "max-age=0")

    assert edge.get("/a/")[2]["X-Cache"] == MISS
    assert edge.get("/a/")[2]["X-Cache"] == REFRESH_HIT
    edge.origin.put("/a/", "two", "max-age=0")
    _status, body, headers = edge.get("/a/")
    assert (body, headers["X-Cache"]) == ("two", MISS)
    assert edge.origin.fetches["/a/"] == 3


# -- stale-while-revalidate and stale-if-error --------------------------------------------------


def test_given_swr_when_the_ttl_has_passed_then_the_stale_copy_is_served_and_refreshed_behind(
    edge: Edge,
):
    edge.origin.put("/tags/x/", "old", "public, max-age=60, s-maxage=60, stale-while-revalidate=30")
    edge.get("/tags/x/")
    edge.origin.put("/tags/x/", "new", "public, max-age=60, s-maxage=60, stale-while-revalidate=30")

    edge.clock.advance(75)
    first = edge.get("/tags/x/")
    second = edge.get("/tags/x/")

    assert first[1] == second[1] == "old", "the stale copy, without waiting for the origin"
    assert first[2]["X-Cache"] == REFRESH_HIT and first[2]["Age"] == "75"
    assert edge.origin.fetches["/tags/x/"] == 1 and len(edge.pending) == 1, "one refresh"

    edge.run_background()
    status, body, headers = edge.get("/tags/x/")

    assert (status, body, headers["X-Cache"], headers["Age"]) == (200, "new", HIT, "0")
    assert edge.origin.fetches["/tags/x/"] == 2


def test_given_stale_while_revalidate_when_the_window_has_passed_then_the_origin_is_asked_first(
    edge: Edge,
):
    edge.origin.put("/tags/x/", "old", "s-maxage=60, stale-while-revalidate=30")
    edge.get("/tags/x/")
    edge.origin.put("/tags/x/", "new", "s-maxage=60, stale-while-revalidate=30")

    edge.clock.advance(90)
    status, body, headers = edge.get("/tags/x/")

    assert (status, body, headers["X-Cache"]) == (200, "new", MISS)
    assert edge.pending == []


def test_given_stale_while_revalidate_when_the_page_was_deleted_then_the_refresh_caches_the_404(
    edge: Edge,
):
    edge.origin.put("/404.html", "not here", "s-maxage=300")
    edge.origin.put("/tags/x/", "old", "s-maxage=60, stale-while-revalidate=30")
    edge.get("/tags/x/")
    del edge.origin.objects["/tags/x/"]

    edge.clock.advance(61)
    assert edge.get("/tags/x/")[1] == "old"
    edge.run_background()

    status, body, headers = edge.get("/tags/x/")
    assert (status, body, headers["X-Cache"]) == (404, "not here", ERROR)


@pytest.mark.parametrize("failure", [500, 503, "unreachable"])
def test_given_stale_if_error_when_the_origin_fails_then_the_stale_copy_is_served_within_the_window(
    edge: Edge, failure: int | str
):
    edge.origin.put("/a/", "good", "s-maxage=60, stale-if-error=600")
    edge.get("/a/")
    if failure == "unreachable":
        edge.origin.down = True
    else:
        edge.origin.fail("/a/", int(failure))

    edge.clock.advance(300)
    status, body, headers = edge.get("/a/")
    assert (status, body, headers["X-Cache"]) == (200, "good", REFRESH_HIT)

    edge.clock.advance(360)
    status, _body, headers = edge.get("/a/")
    assert status == (502 if failure == "unreachable" else failure)
    assert headers["X-Cache"] == ERROR


def test_given_no_stale_if_error_when_the_origin_fails_after_the_ttl_then_the_error_is_served(
    edge: Edge,
):
    edge.origin.put("/a/", "good", "s-maxage=60")
    edge.get("/a/")
    edge.origin.fail("/a/", 500)

    edge.clock.advance(61)

    assert edge.get("/a/")[0] == 500


# -- errors -------------------------------------------------------------------------------------


def test_given_a_missing_page_then_its_404_is_cached_for_the_error_ttl_then_fetched_again(
    edge: Edge,
):
    edge.origin.put("/404.html", "<h1>Not found</h1>", "public, max-age=60, s-maxage=86400")

    status, body, headers = edge.get("/articles/soon/")
    assert (status, body, headers["X-Cache"]) == (404, "<h1>Not found</h1>", ERROR)

    edge.origin.put("/articles/soon/", "here now", "s-maxage=86400")
    edge.clock.advance(ERROR_TTL - 1)
    status, _body, headers = edge.get("/articles/soon/")
    assert (status, headers["X-Cache"], headers["Age"]) == (404, ERROR, str(int(ERROR_TTL - 1)))

    edge.clock.advance(1)
    status, body, headers = edge.get("/articles/soon/")
    assert (status, body, headers["X-Cache"]) == (200, "here now", MISS)
    assert edge.origin.fetches["/articles/soon/"] == 2
    assert edge.origin.fetches["/404.html"] == 1, "the error page is cached under its own TTL"


def test_given_no_custom_error_response_then_errors_are_cached_for_the_default_ten_seconds():
    edge = Edge(edge=EdgeConfig(behaviors=()))
    edge.origin.fail("/a/", 503)

    assert edge.get("/a/")[0] == 503
    edge.clock.advance(9.9)
    assert edge.get("/a/")[2]["X-Cache"] == ERROR and edge.origin.fetches["/a/"] == 1
    edge.clock.advance(0.1)
    edge.get("/a/")
    assert edge.origin.fetches["/a/"] == 2


def test_given_access_denied_for_a_missing_key_then_the_404_page_answers_with_404(edge: Edge):
    edge.origin.put("/404.html", "not here")
    edge.origin.fail("/private/", 403)

    assert edge.get("/private/")[:2] == (404, "not here")


def test_given_no_404_page_yet_then_a_plain_not_found_answers_and_is_cached_briefly(edge: Edge):
    status, body, headers = edge.get("/nothing/")

    assert (status, body, headers["X-Cache"]) == (404, "Not Found", ERROR)
    edge.clock.advance(ERROR_TTL)
    edge.origin.put("/404.html", "the page")
    assert edge.get("/nothing/")[:2] == (404, "the page")


# -- invalidations ------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["/articles/a/", "/articles/*", "/*"])
def test_given_a_fresh_page_when_an_invalidation_names_it_then_it_is_fetched_again(
    edge: Edge, pattern: str
):
    edge.origin.put("/articles/a/", "one", f"s-maxage={ONE_YEAR}")
    edge.origin.put("/tags/t/", "tag", f"s-maxage={ONE_YEAR}")
    edge.get("/articles/a/")
    edge.get("/tags/t/")
    edge.origin.put("/articles/a/", "two", f"s-maxage={ONE_YEAR}")

    evicted = edge.cache.invalidate([pattern])

    assert "/articles/a/" in evicted
    status, body, headers = edge.get("/articles/a/")
    assert (status, body, headers["X-Cache"]) == (200, "two", MISS)
    assert edge.get("/tags/t/")[2]["X-Cache"] == (MISS if pattern == "/*" else HIT)


def test_given_a_cached_404_when_an_invalidation_names_it_then_the_new_page_is_served(edge: Edge):
    edge.get("/articles/new/")
    edge.origin.put("/articles/new/", "published", "s-maxage=86400")

    edge.cache.invalidate(["/articles/new/"])

    assert edge.get("/articles/new/")[:2] == (200, "published")


def test_given_a_fetch_that_began_before_an_invalidation_then_what_it_read_is_not_stored():
    cache = EdgeCache()
    origin = FakeOrigin()
    origin.put("/a/", "old", "s-maxage=600")

    class Racing(FakeOrigin):
        def fetch(self, path: str) -> tuple[int, bytes, dict[str, str]]:
            answer = origin.fetch(path)  # the old bytes are read ...
            cache.invalidate(["/a/"])  # ... and the change's invalidation lands meanwhile
            return answer

    distribution = LocalDistribution(
        Racing(),  # type: ignore[arg-type]
        cache,
        edge=EdgeConfig(),
        clock=Clock(),
        background=lambda job: None,
    )

    assert distribution.respond("/a/")[1] == b"old"
    assert cache.keys() == [], "a later reader must not be served the pre-invalidation copy"


def test_given_a_directory_without_its_slash_then_the_viewer_function_redirects_uncached(
    edge: Edge,
):
    status, _body, headers = edge.get("/tags/x")

    assert (status, headers["Location"], headers["X-Cache"]) == (301, "/tags/x/", FUNCTION_RESPONSE)
    assert edge.origin.fetches == Counter()


# -- the template's distribution ----------------------------------------------------------------


def test_given_the_template_then_the_local_cdn_takes_its_cache_policy_and_error_responses():
    template = Template(REPO / "template.yaml")
    config = template.properties("Distribution")["DistributionConfig"]

    edge = EdgeConfig.from_template(template)

    policy_id = config["DefaultCacheBehavior"]["CachePolicyId"]
    if policy_id == "658327ea-f89d-4fab-a63d-7e88639e58f6":  # managed CachingOptimized
        assert edge.policy_for("/articles/a/") == OPTIMIZED
    for code in (403, 404):
        assert edge.error_response(code).caching_min_ttl == error_caching_ttl(config, code)
        assert edge.error_response(code).page_path == "/404.html"
        assert edge.error_response(code).response_code == 404
    assert edge.error_response(500).caching_min_ttl == 10, "CloudFront's default"


def test_given_a_template_with_a_cache_policy_resource_and_behaviours_then_each_path_gets_its_ttls(
    tmp_path: Path,
):
    (tmp_path / "template.yaml").write_text(
        textwrap.dedent(
            """\
            Parameters:
              ListingTtl: {Type: Number, Default: 120}
            Resources:
              ListingPolicy:
                Type: AWS::CloudFront::CachePolicy
                Properties:
                  CachePolicyConfig:
                    Name: listings
                    MinTTL: 0
                    DefaultTTL: !Ref ListingTtl
                    MaxTTL: 3600
              Site:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    CacheBehaviors:
                      - PathPattern: /tags/*
                        CachePolicyId: !Ref ListingPolicy
                      - PathPattern: "*.xml"
                        CachePolicyId: !GetAtt ListingPolicy.Id
                      - PathPattern: /legacy/*
                        MinTTL: 5
                        DefaultTTL: 50
                        MaxTTL: 500
                    DefaultCacheBehavior:
                      CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
                    CustomErrorResponses:
                      - {ErrorCode: 404, ResponseCode: "404", ResponsePagePath: /404.html}
                      - {ErrorCode: 503, ErrorCachingMinTTL: 0}
            """
        )
    )

    edge = EdgeConfig.from_template(Template(tmp_path / "template.yaml"))

    listing = CachePolicy(0, 120, 3600)
    assert edge.policy_for("/tags/x/") == listing
    assert edge.policy_for("/feed.xml") == edge.policy_for("/tags/x/atom.xml") == listing
    assert edge.policy_for("/legacy/a/") == CachePolicy(5, 50, 500)
    assert edge.policy_for("/articles/a/") == CachePolicy(0, 0, 0)  # CachingDisabled
    assert edge.error_response(404) == ErrorResponse(404, 10, "/404.html", 404)
    assert edge.error_response(503).caching_min_ttl == 0


def test_given_an_unknown_managed_policy_then_the_template_is_refused(tmp_path: Path):
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  D:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n"
        "      DistributionConfig:\n        DefaultCacheBehavior: {CachePolicyId: nope}\n"
    )

    with pytest.raises(ValueError, match="unknown managed cache policy nope"):
        EdgeConfig.from_template(Template(tmp_path / "template.yaml"))


# -- the real origin and the HTTP front ---------------------------------------------------------


@pytest.fixture
def site_bucket() -> Iterator[tuple[object, str]]:
    with pytest.MonkeyPatch.context() as env:
        for name, value in LOCAL_ENV.items():
            env.setenv(name, value)
        with mock_aws():
            s3 = boto3.client("s3")
            s3.create_bucket(Bucket="site-bucket")
            yield s3, "site-bucket"


def test_given_an_s3_object_then_its_stored_cache_control_decides_the_ttl(
    site_bucket: tuple[object, str],
):
    s3, bucket = site_bucket
    s3.put_object(  # type: ignore[attr-defined]
        Bucket=bucket,
        Key="tags/x/",
        Body=b"<p>old</p>",
        ContentType="text/html; charset=utf-8",
        CacheControl="public, max-age=60, s-maxage=120, stale-while-revalidate=30",
    )
    clock = Clock()
    pending: list[Job] = []
    distribution = LocalDistribution(
        Origin(s3, bucket),
        EdgeCache(),
        edge=EdgeConfig(),
        clock=clock,
        background=pending.append,
    )
    distribution.respond("/tags/x/")
    s3.put_object(Bucket=bucket, Key="tags/x/", Body=b"<p>new</p>")  # type: ignore[attr-defined]

    clock.advance(119)
    assert distribution.respond("/tags/x/")[1] == b"<p>old</p>"
    clock.advance(1)
    assert distribution.respond("/tags/x/")[1] == b"<p>old</p>"  # stale, while revalidating
    pending.pop()()
    status, body, headers = distribution.respond("/tags/x/")

    assert (status, body, dict(headers)["X-Cache"]) == (200, b"<p>new</p>", HIT)
    assert distribution.respond("/gone/")[0] == 404


def test_given_the_http_front_then_it_shows_x_cache_and_age_and_one_date():
    origin = FakeOrigin()
    origin.put("/a/", "one", "s-maxage=600", Date="Sun, 01 Mar 2026 12:00:00 GMT")
    clock = Clock()
    distribution = LocalDistribution(
        origin,  # type: ignore[arg-type]
        EdgeCache(),
        edge=EdgeConfig(),
        clock=clock,
        background=lambda job: None,
    )
    server = CdnServer(distribution, "127.0.0.1", 0)
    server.start()
    try:

        def get(path: str) -> tuple[int, list[tuple[str, str]]]:
            try:
                with urllib.request.urlopen(server.url + path, timeout=5) as response:
                    return response.status, response.headers.items()
            except urllib.error.HTTPError as error:
                return error.code, error.headers.items()

        _, first = get("/a/")
        clock.advance(42)
        status, second = get("/a/")
    finally:
        server.stop()

    assert dict(first)["X-Cache"] == MISS
    assert (status, dict(second)["X-Cache"], dict(second)["Age"]) == (200, HIT, "42")
    assert [value for name, value in second if name == "Date"] == ["Sun, 01 Mar 2026 12:00:00 GMT"]
