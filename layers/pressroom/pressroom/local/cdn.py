"""A local stand-in for the CloudFront distribution: serves the site bucket over HTTP and caches
what it served the way CloudFront caches it, so that a missing or wrong invalidation, a TTL too
long or a `stale-while-revalidate` window shows up locally as it would on AWS.

What it takes from `template.yaml` (DESIGN invariant 6: local and cloud cannot drift):
- the cache policy of each cache behaviour (a managed policy by its ID, an
  `AWS::CloudFront::CachePolicy` of the template, or a legacy behaviour's own TTLs): MinTTL,
  DefaultTTL and MaxTTL, matched by `PathPattern` as CloudFront matches them;
- the `CustomErrorResponses`: which page answers which error code, with which status, cached for
  how long (`ErrorCachingMinTTL`; 10 s, CloudFront's default, for codes the template leaves out).

How it caches (CloudFront's rules, "Manage how long content stays in the cache"), for whatever
headers the site's objects carry:
- the viewer-request function only redirects `/x` to `/x/`; nothing is rewritten, so the cache
  key is the requested path, and the origin key is `paths.page_key` of it (`/tags/x/` →
  `tags/x/`, `/` → the default root object `index.html`); query strings are not cache keys;
- a 200's TTL is its `Cache-Control` `s-maxage`, else `max-age`, else its `Expires` (relative to
  the origin's `Date`), clamped to [MinTTL, MaxTTL]; with none of them, DefaultTTL (at least
  MinTTL). `no-store`, `no-cache` or `private` mean "do not cache" when MinTTL is 0 and
  "cache for MinTTL" when it is not;
- after the TTL, `stale-while-revalidate=N` serves the stale copy at once for N more seconds
  while one background fetch refreshes it; later the origin is asked before answering;
  `stale-if-error=N` serves the stale copy for N seconds past the TTL when the origin fails
  (500, 502, 503, 504, or cannot be reached);
- an error from the origin (S3's 404 or 403 for a missing key) answers with its custom error
  page and status, and is cached for the error caching TTL (the greater of ErrorCachingMinTTL
  and the error's own `s-maxage`/`max-age`, which MaxTTL caps; not at all for a 404, 410, 414
  or 501 marked `no-store`/`no-cache`/`private`); the error page itself is fetched through the
  cache under its own path and TTL;
- an invalidation drops every entry it names (exact paths, or a trailing `*` for any suffix),
  whatever its TTL, and no fetch that started before it can store what it read.

Every response says what happened, as CloudFront's headers do: `X-Cache: Hit from cloudfront`
(fresh), `Miss from cloudfront` (fetched), `RefreshHit from cloudfront` (an expired copy: served
stale while it is refreshed or because the origin failed, or found unchanged by the origin),
`Error from cloudfront` (an error response, fetched or cached), `FunctionGeneratedResponse from
cloudfront` (the viewer function's redirect); and `Age`, the seconds since a copy served from
the cache was fetched.
"""

from __future__ import annotations

import email.utils
import http.server
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from botocore.exceptions import ClientError

from pressroom.local.background import BackgroundServer, bind
from pressroom.local.embedded import find_template
from pressroom.local.template import Template
from pressroom.paths import is_private, page_key

logger = logging.getLogger(__name__)

ERROR_PAGE = "/404.html"

HIT = "Hit from cloudfront"
MISS = "Miss from cloudfront"
REFRESH_HIT = "RefreshHit from cloudfront"
ERROR = "Error from cloudfront"
FUNCTION_RESPONSE = "FunctionGeneratedResponse from cloudfront"

ONE_DAY = 86_400
ONE_YEAR = 31_536_000
DEFAULT_ERROR_CACHING_MIN_TTL = 10.0
# The 4xx and 5xx codes CloudFront caches; it passes any other error through uncached.
CACHED_ERROR_CODES = frozenset({400, 403, 404, 405, 414, 500, 501, 502, 503, 504})
# Errors for which the origin's no-store/no-cache/private keeps CloudFront from caching them.
UNCACHEABLE_IF_ASKED = frozenset({404, 410, 414, 501})
# Origin statuses for which `stale-if-error` serves the stale copy (besides no answer at all).
STALE_IF_ERROR_CODES = frozenset({500, 502, 503, 504})
_STATUSES = {status.value for status in HTTPStatus}
UNREACHABLE = 502  # CloudFront's answer when it cannot connect to the origin

Clock = Callable[[], float]
Job = Callable[[], None]


# -- what the template says -------------------------------------------------------------------


@dataclass(frozen=True)
class CachePolicy:
    """A cache policy's TTLs, in seconds (CloudFormation's defaults for a CachePolicyConfig)."""

    min_ttl: float = 0.0
    default_ttl: float = ONE_DAY
    max_ttl: float = ONE_YEAR

    def clamp(self, seconds: float) -> float:
        return min(max(seconds, self.min_ttl), self.max_ttl)


CACHING_OPTIMIZED = CachePolicy(1, ONE_DAY, ONE_YEAR)
# The managed policies, by the IDs a template names them with ("Use managed cache policies").
MANAGED_CACHE_POLICIES: dict[str, tuple[str, CachePolicy]] = {
    "658327ea-f89d-4fab-a63d-7e88639e58f6": ("CachingOptimized", CACHING_OPTIMIZED),
    "b2884449-e4de-46a7-ac36-70bc7f1ddd6d": (
        "CachingOptimizedForUncompressedObjects",
        CACHING_OPTIMIZED,
    ),
    "4135ea2d-6df8-44a3-9df3-4b5a84be39ad": ("CachingDisabled", CachePolicy(0, 0, 0)),
    "2e54312d-136d-493c-8eb9-b001f22f67d2": ("Amplify", CachePolicy(2, 2, 600)),
    "83da9c7e-98b4-4e11-a168-04f0df8e2c65": (
        "UseOriginCacheControlHeaders",
        CachePolicy(0, 0, ONE_YEAR),
    ),
}


def path_pattern_matches(pattern: str, uri: str) -> bool:
    """A cache behaviour's `PathPattern`: `*` matches any characters (`/` too), `?` exactly one,
    case-sensitively; the leading `/` is optional."""
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char)
        for char in pattern.lstrip("/")
    )
    return re.fullmatch(regex, uri.lstrip("/"), flags=re.DOTALL) is not None


@dataclass(frozen=True)
class CacheBehavior:
    path_pattern: str  # "*" for the default behaviour
    policy: CachePolicy


@dataclass(frozen=True)
class ErrorResponse:
    """One of the distribution's `CustomErrorResponses` (or CloudFront's default for a code)."""

    error_code: int
    caching_min_ttl: float = DEFAULT_ERROR_CACHING_MIN_TTL
    page_path: str | None = None
    response_code: int | None = None


@dataclass(frozen=True)
class EdgeConfig:
    """What the local CDN needs from the distribution: its cache behaviours (in the order
    CloudFront tries them, the default last) and its custom error responses."""

    behaviors: tuple[CacheBehavior, ...] = (CacheBehavior("*", CACHING_OPTIMIZED),)
    error_responses: Mapping[int, ErrorResponse] = field(default_factory=dict)

    def policy_for(self, uri: str) -> CachePolicy:
        for behavior in self.behaviors:
            if path_pattern_matches(behavior.path_pattern, uri):
                return behavior.policy
        return CACHING_OPTIMIZED  # no behaviour at all: a test's bare config

    def error_response(self, code: int) -> ErrorResponse:
        return self.error_responses.get(code) or ErrorResponse(code)

    @classmethod
    def from_template(cls, template: Template, logical_id: str | None = None) -> EdgeConfig:
        """The distribution `logical_id` (else the template's first) as the template defines
        it, with conditions and parameters evaluated as the local stack evaluates them."""
        distributions = template.of_type("AWS::CloudFront::Distribution")
        if not distributions:
            raise ValueError(f"{template.path} defines no AWS::CloudFront::Distribution")
        logical = logical_id or next(iter(distributions))
        config = _resolved(template, template.properties(logical).get("DistributionConfig", {}))
        behaviors = [
            CacheBehavior(str(item["PathPattern"]), _policy_of(template, item))
            for item in config.get("CacheBehaviors") or []
        ]
        behaviors.append(CacheBehavior("*", _policy_of(template, config["DefaultCacheBehavior"])))
        errors = {}
        for item in config.get("CustomErrorResponses") or []:
            code = int(item["ErrorCode"])
            errors[code] = ErrorResponse(
                error_code=code,
                caching_min_ttl=float(
                    item.get("ErrorCachingMinTTL", DEFAULT_ERROR_CACHING_MIN_TTL)
                ),
                page_path=item.get("ResponsePagePath") or None,
                response_code=int(item["ResponseCode"]) if item.get("ResponseCode") else None,
            )
        return cls(tuple(behaviors), errors)


_RESOURCE = "resource:"  # how `_resolved` marks a Ref/GetAtt of one of the template's resources


def _resolved(template: Template, value: Any) -> Any:
    return template.resolve(value, lambda logical, _attribute: _RESOURCE + logical)


def _policy_of(template: Template, behavior: Mapping[str, Any]) -> CachePolicy:
    policy_id = behavior.get("CachePolicyId")
    if policy_id is None:  # a legacy behaviour: its own TTLs (ForwardedValues)
        return CachePolicy(
            float(behavior.get("MinTTL", 0)),
            float(behavior.get("DefaultTTL", ONE_DAY)),
            float(behavior.get("MaxTTL", ONE_YEAR)),
        )
    policy_id = str(policy_id)
    if policy_id.startswith(_RESOURCE):
        logical = policy_id.removeprefix(_RESOURCE)
        config = _resolved(template, template.properties(logical)).get("CachePolicyConfig", {})
        return CachePolicy(
            float(config["MinTTL"]), float(config["DefaultTTL"]), float(config["MaxTTL"])
        )
    if policy_id not in MANAGED_CACHE_POLICIES:
        raise ValueError(f"unknown managed cache policy {policy_id}: add its TTLs to the table")
    return MANAGED_CACHE_POLICIES[policy_id][1]


def error_caching_ttl(distribution_config: dict[str, Any], code: int = 404) -> float:
    """`ErrorCachingMinTTL` of the template's custom error response for `code` (default 10 s,
    as on CloudFront when none is set)."""
    for response in distribution_config.get("CustomErrorResponses", []):
        if int(response.get("ErrorCode", 0)) == code:
            return float(response.get("ErrorCachingMinTTL", DEFAULT_ERROR_CACHING_MIN_TTL))
    return DEFAULT_ERROR_CACHING_MIN_TTL


# -- how long a response stays ----------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    """How long a stored response is served as it is, and for how long after that it may still
    be served stale (seconds since it was fetched). `store=False`: not cached at all."""

    ttl: float
    stale_while_revalidate: float = 0.0
    stale_if_error: float = 0.0
    store: bool = True


def cache_directives(value: str | None) -> dict[str, str | None]:
    """`Cache-Control` as lower-cased directive → value (None for a bare directive)."""
    directives: dict[str, str | None] = {}
    for part in (value or "").split(","):
        name, sep, argument = part.strip().partition("=")
        if name:
            directives[name.strip().lower()] = argument.strip().strip('"') if sep else None
    return directives


def _seconds(directives: Mapping[str, str | None], name: str) -> float | None:
    value = directives.get(name)
    if value is None or not value.isdigit():
        return None
    return float(value)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _expires_in(headers: Mapping[str, str]) -> float | None:
    """Seconds from the origin's `Date` (else now) to its `Expires`; an invalid date is in the
    past, as HTTP says."""
    expires = _header(headers, "Expires")
    if expires is None:
        return None
    try:
        deadline = email.utils.parsedate_to_datetime(expires).timestamp()
    except (TypeError, ValueError):
        return 0.0
    date = _header(headers, "Date")
    try:
        now = email.utils.parsedate_to_datetime(date).timestamp() if date else time.time()
    except (TypeError, ValueError):
        now = time.time()
    return max(deadline - now, 0.0)


def _origin_ttl(directives: Mapping[str, str | None], headers: Mapping[str, str]) -> float | None:
    """The shared cache's lifetime the origin asked for: `s-maxage`, else `max-age`, else
    `Expires`; None if it asked for none."""
    for name in ("s-maxage", "max-age"):
        seconds = _seconds(directives, name)
        if seconds is not None:
            return seconds
    return _expires_in(headers)


def freshness_of(headers: Mapping[str, str], policy: CachePolicy) -> Freshness:
    """A 200's freshness under `policy`, as CloudFront computes it."""
    directives = cache_directives(_header(headers, "Cache-Control"))
    if directives.keys() & {"no-store", "no-cache", "private"}:
        if policy.min_ttl <= 0:
            return Freshness(0.0, store=False)
        return Freshness(policy.min_ttl)
    asked = _origin_ttl(directives, headers)
    ttl = max(policy.default_ttl, policy.min_ttl) if asked is None else policy.clamp(asked)
    return Freshness(
        ttl,
        stale_while_revalidate=_seconds(directives, "stale-while-revalidate") or 0.0,
        stale_if_error=_seconds(directives, "stale-if-error") or 0.0,
    )


def error_freshness(
    status: int, headers: Mapping[str, str], error: ErrorResponse, policy: CachePolicy
) -> Freshness:
    """An origin error's freshness ("Control how long CloudFront caches errors")."""
    if status not in CACHED_ERROR_CODES:
        return Freshness(0.0, store=False)
    directives = cache_directives(_header(headers, "Cache-Control"))
    if status in UNCACHEABLE_IF_ASKED and directives.keys() & {"no-store", "no-cache", "private"}:
        return Freshness(0.0, store=False)
    asked = _origin_ttl(directives, headers)
    if asked is None:
        return Freshness(error.caching_min_ttl)
    return Freshness(max(min(asked, policy.max_ttl), error.caching_min_ttl))


# -- the cache --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedResponse:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    fetched_at: float  # the distribution's clock when the origin last answered for it
    freshness: Freshness = Freshness(0.0)

    def age(self, now: float) -> float:
        return max(now - self.fetched_at, 0.0)

    def is_fresh(self, now: float) -> bool:
        return self.age(now) < self.freshness.ttl

    def may_serve_while_revalidating(self, now: float) -> bool:
        return self.status == 200 and self.age(now) < (
            self.freshness.ttl + self.freshness.stale_while_revalidate
        )

    def may_serve_on_error(self, now: float) -> bool:
        return self.status == 200 and self.age(now) < (
            self.freshness.ttl + self.freshness.stale_if_error
        )

    @property
    def etag(self) -> str | None:
        return _header(dict(self.headers), "ETag")


class EdgeCache:
    """The distribution's cache, keyed by the requested path. It keeps entries until an
    invalidation drops them; whether one may still be served is the distribution's call."""

    _LOG_SIZE = 4096  # invalidations remembered to refuse late writes (older fetches: refused)

    def __init__(self) -> None:
        self._entries: dict[str, CachedResponse] = {}
        self._lock = threading.Lock()
        self._epoch = 0
        self._log: deque[tuple[int, tuple[str, ...]]] = deque(maxlen=self._LOG_SIZE)

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            return self._entries.get(key)

    def epoch(self) -> int:
        """A mark to pass to `put` for what is fetched from now on."""
        with self._lock:
            return self._epoch

    def put(self, key: str, response: CachedResponse, since: int | None = None) -> bool:
        """Store `response` unless an invalidation naming `key` came after `since` (the
        response may predate the change the invalidation announced); True if stored."""
        with self._lock:
            if since is not None and self._invalidated_since(key, since):
                return False
            self._entries[key] = response
            return True

    def discard(self, key: str, response: CachedResponse) -> None:
        """Drop `key` if it still holds `response` (an uncacheable answer replaced it)."""
        with self._lock:
            if self._entries.get(key) is response:
                del self._entries[key]

    def _invalidated_since(self, key: str, since: int) -> bool:
        if since < self._epoch and (not self._log or self._log[0][0] > since + 1):
            return True  # older than what the log remembers: assume it was invalidated
        return any(
            epoch > since and any(invalidation_matches(pattern, key) for pattern in patterns)
            for epoch, patterns in self._log
        )

    def invalidate(self, patterns: Iterable[str]) -> list[str]:
        """Evict every entry an invalidation path matches; returns the evicted keys."""
        patterns = tuple(patterns)
        with self._lock:
            self._epoch += 1
            self._log.append((self._epoch, patterns))
            doomed = [
                key
                for key in self._entries
                if any(invalidation_matches(pattern, key) for pattern in patterns)
            ]
            for key in doomed:
                del self._entries[key]
        return doomed

    def keys(self) -> list[str]:
        with self._lock:
            return sorted(self._entries)


def viewer_request(uri: str) -> tuple[str | None, str]:
    """The template's `DirectoryIndexFunction`: (the redirect location for a directory-like
    path without its trailing slash, or None; the URI CloudFront continues with — and caches
    under: `/` becomes the home page object `/index.html`, everything else is unchanged)."""
    last_segment = uri.rsplit("/", 1)[-1]
    if last_segment and "." not in last_segment:
        return uri + "/", uri
    return None, "/index.html" if uri == "/" else uri


def invalidation_matches(pattern: str, uri: str) -> bool:
    """CloudFront invalidation paths are exact, or end in a single `*` matching any suffix."""
    if pattern.endswith("*"):
        return uri.startswith(pattern[:-1])
    return uri == pattern


class InvalidationWatcher:
    """Applies the invalidations created on the (moto) distribution to the local cache."""

    def __init__(self, cloudfront: Any, distribution_id: str, cache: EdgeCache) -> None:
        self._cloudfront = cloudfront
        self._distribution_id = distribution_id
        self._cache = cache
        self._seen: set[str] = set()

    def poll(self) -> int:
        """Apply the invalidations not seen yet; returns how many there were."""
        listing = self._cloudfront.list_invalidations(DistributionId=self._distribution_id)
        fresh = [
            item["Id"]
            for item in listing.get("InvalidationList", {}).get("Items", [])
            if item["Id"] not in self._seen
        ]
        for invalidation_id in fresh:
            detail = self._cloudfront.get_invalidation(
                DistributionId=self._distribution_id, Id=invalidation_id
            )
            paths = detail["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", [])
            evicted = self._cache.invalidate(paths)
            logger.info("invalidation %s evicted %s", invalidation_id, evicted)
            self._seen.add(invalidation_id)
        return len(fresh)


class ObjectSource(Protocol):
    """What the distribution fetches from: `fetch(path)` → (status, body, headers)."""

    def fetch(self, path: str) -> tuple[int, bytes, dict[str, str]]: ...


class Origin:
    """The site bucket, read the way CloudFront's S3 origin reads it: (status, body, headers),
    the headers those S3 keeps with the object (`Content-Type`, `Cache-Control`, `Expires`,
    `ETag`) and the response's `Date`."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def fetch(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        key = page_key(unquote(path))
        if is_private(key):
            return 403, b"", {}  # the bucket policy's DenyCloudFrontPrivateObjects
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=key)
        except self._s3.exceptions.NoSuchKey:
            return 404, b"", {}
        except ClientError as error:  # AccessDenied (403), SlowDown (503), InternalError (500)
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500))
            return status, b"", {}
        headers = {"Content-Type": response.get("ContentType", "application/octet-stream")}
        for name, field_name in (("Cache-Control", "CacheControl"), ("ETag", "ETag")):
            if response.get(field_name):
                headers[name] = response[field_name]
        if response.get("ExpiresString"):
            headers["Expires"] = response["ExpiresString"]
        elif response.get("Expires"):
            headers["Expires"] = email.utils.format_datetime(response["Expires"], usegmt=True)
        date = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
        if date:
            headers["Date"] = date
        with response["Body"] as body:
            return 200, body.read(), headers


def _in_thread(job: Job) -> None:
    threading.Thread(target=job, name="local-cdn-refresh", daemon=True).start()


class LocalDistribution:
    """The distribution's request handling: viewer function, cache, origin, error pages.

    `edge` is what the template says (read from `find_template()` when not given); `error_ttl`,
    if given, overrides its ErrorCachingMinTTL for 404 and 403. `clock` (seconds, monotonic)
    decides every TTL; `background` runs a stale-while-revalidate refresh (a daemon thread by
    default; tests pass a list's `append` and run the jobs when they choose)."""

    def __init__(
        self,
        origin: ObjectSource,
        cache: EdgeCache,
        *,
        edge: EdgeConfig | None = None,
        clock: Clock = time.monotonic,
        background: Callable[[Job], None] = _in_thread,
    ) -> None:
        self.origin = origin
        self.cache = cache
        self.edge = (
            edge if edge is not None else EdgeConfig.from_template(Template(find_template()))
        )
        self.clock = clock
        self._background = background
        self._refreshing: set[str] = set()
        self._refreshing_lock = threading.Lock()

    def respond(self, raw_path: str) -> tuple[int, bytes, list[tuple[str, str]]]:
        """Status, body and headers for a GET of `raw_path` (query strings are not cache keys
        under the CachingOptimized policy, so they are dropped)."""
        redirect, key = viewer_request(urlsplit(raw_path).path or "/")
        if redirect is not None:
            return (
                301,
                b"",
                [("Location", redirect), ("Content-Length", "0"), ("X-Cache", FUNCTION_RESPONSE)],
            )
        response, outcome, cached = self._lookup(key)
        headers = [*response.headers, ("X-Cache", outcome)]
        if cached:
            headers.append(("Age", str(int(response.age(self.clock())))))
        return response.status, response.body, headers

    # -- the cache's decisions ----------------------------------------------------------------

    def _lookup(self, key: str, error_page: bool = False) -> tuple[CachedResponse, str, bool]:
        """(the response for `key`, its X-Cache, whether it was served from the cache)."""
        entry = self.cache.get(key)
        now = self.clock()
        if entry is not None:
            if entry.is_fresh(now):
                return entry, ERROR if entry.status >= 400 else HIT, True
            if entry.may_serve_while_revalidating(now):
                self._refresh_later(key, error_page)
                return entry, REFRESH_HIT, True
        return self._from_origin(key, entry, error_page)

    def _from_origin(
        self, key: str, stale: CachedResponse | None, error_page: bool
    ) -> tuple[CachedResponse, str, bool]:
        since = self.cache.epoch()
        try:
            status, body, headers = self.origin.fetch(key)
        except Exception:
            logger.exception("local CDN: the origin did not answer for %s", key)
            status, body, headers = UNREACHABLE, b"", {}
        now = self.clock()
        if status == 200:
            fresh = CachedResponse(
                200,
                body,
                tuple(headers.items()),
                now,
                freshness_of(headers, self.edge.policy_for(key)),
            )
            self._store(key, fresh, since)
            unchanged = (
                stale is not None
                and stale.status == 200
                and stale.etag is not None
                and stale.etag == fresh.etag
            )
            return fresh, REFRESH_HIT if unchanged else MISS, False
        if (
            stale is not None
            and (status in STALE_IF_ERROR_CODES or status == UNREACHABLE)
            and stale.may_serve_on_error(now)
        ):
            return stale, REFRESH_HIT, True
        failed = self._error(key, status, body, headers, now, error_page)
        self._store(key, failed, since)
        return failed, ERROR, False

    def _error(
        self,
        key: str,
        status: int,
        body: bytes,
        headers: Mapping[str, str],
        now: float,
        error_page: bool,
    ) -> CachedResponse:
        """The answer to an origin error: the custom error page (fetched through the cache
        under its own path) with the configured status, or the origin's error as it is."""
        custom = self.edge.error_response(status)
        freshness = error_freshness(status, headers, custom, self.edge.policy_for(key))
        answer = custom.response_code or status
        if custom.page_path and not error_page:
            page, _outcome, _cached = self._lookup(custom.page_path, error_page=True)
            if page.status == 200:
                page_headers = tuple((n, v) for n, v in page.headers if n.lower() != "age")
                return CachedResponse(answer, page.body, page_headers, now, freshness)
        if not body:
            body = HTTPStatus(answer).phrase.encode() if answer in _STATUSES else b"Error"
            headers = {"Content-Type": "text/plain; charset=utf-8"}
        return CachedResponse(answer, body, tuple(headers.items()), now, freshness)

    def _store(self, key: str, response: CachedResponse, since: int) -> None:
        if response.freshness.store:
            self.cache.put(key, response, since)
            return
        stale = self.cache.get(key)
        if stale is not None:
            self.cache.discard(key, stale)

    def _refresh_later(self, key: str, error_page: bool) -> None:
        with self._refreshing_lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def refresh() -> None:
            try:
                self._from_origin(key, self.cache.get(key), error_page)
            except Exception:
                logger.exception("local CDN: refreshing %s failed", key)
            finally:
                with self._refreshing_lock:
                    self._refreshing.discard(key)

        self._background(refresh)


def handler_for(distribution: LocalDistribution) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            try:
                status, body, headers = distribution.respond(self.path)
            except Exception:
                logger.exception("local CDN failed on %s", self.path)
                status, body, headers = 502, b"Bad Gateway", [("Content-Type", "text/plain")]
            names = {name.lower() for name, _ in headers}
            if "date" in names:  # the origin's, as a cache passes it on (with Age)
                self.log_request(status)
                self.send_response_only(status)
                self.send_header("Server", self.version_string())
            else:
                self.send_response(status)
            for name, value in headers:
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("local CDN: " + format, *args)

    return Handler


class CdnServer(BackgroundServer):
    """The HTTP front of a `LocalDistribution`, on its own thread."""

    def __init__(self, distribution: LocalDistribution, host: str, port: int) -> None:
        handler = handler_for(distribution)
        server = bind(host, port, lambda: http.server.ThreadingHTTPServer((host, port), handler))
        server.daemon_threads = True
        super().__init__(server, "local-cdn")
