"""Freshness and what it costs (issue 16): a realistic mix of publishes into an existing site,
measured on the embedded backend, priced under four invalidation policies in one run, with the
S3 GETs the short listing TTLs cost instead and the worst-case staleness of every kind of page.

The site: `articles` corpus articles uploaded at once and published through the real pipeline
(so every article page exists and counts as served). The mix (`Mix`, in a seeded random order of
kinds; new articles in date order): new articles, body edits (a paragraph added), title edits
(cards change: listings and related lists re-render), deletes, one bulk import of new articles
uploaded at once and one bulk body-edit of existing articles uploaded at once. Each step is one
upload (or one bulk upload) followed by a drain of the pipeline, as the functions would run it;
a bulk step counts as as many publishes as it has files.

Recorded per step, from outside the functions:
- the public paths whose bytes changed: the site bucket's ETags before and after, read where
  moto keeps them (a ListObjectsV2 of a 300-article site costs ~0.6 s, ~100 times per run);
- the invalidations the functions created, as CloudFront stored them (moto's ListInvalidations
  and GetInvalidation);
- each function invocation's duration (`bench.counters.Meter`).

Policies priced on the same steps (CloudFront bills USD 0.005 a path, a wildcard is one path;
the 1,000 free paths a month are ignored, as in `bench.cost`):
- "new policy (this build)": the paths actually created;
- "previous policy": the code before 6cde33b, which invalidated every changed path of a batch:
  each step's changed paths planned with its rules (exact, a directory wildcarded from 200
  paths, fit to the in-flight limits). Its 30 s window gathered all of a step's paths into one
  batch, so one step is one batch;
- "`/*` per publish": one path for each step that changed anything;
- "exact paths": every changed path, exactly.

Staleness (`staleness`) is computed from template.yaml, the cache policy and the longest
invocations measured here; CloudFront's own delay in applying an invalidation is a model
parameter, not something the emulator can show.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bench.corpus import Corpus, GeneratedArticle, pressroom_file
from bench.cost import CLOUDFRONT_USD_PER_INVALIDATION_PATH, S3_USD_PER_GET
from bench.counters import Meter, instrument
from pressroom.local.cdn import EdgeConfig
from pressroom.local.embedded import embedded_aws, find_template
from pressroom.local.template import LOCAL_ACCOUNT, ScheduleSource, Template
from pressroom.paths import public_path
from pressroom.publishing.cache_policy import CachePolicy, CacheRule
from pressroom.publishing.invalidation import Limits, coalesce, collapse, fit
from pressroom.settings import Settings

# -- model parameters ---------------------------------------------------------------------------
# The target of issue 16: at most one paid path per publish on the mix (USD 5 per 1,000).
TARGET_PATHS_PER_PUBLISH = 1.0
# The rules before 6cde33b: a directory wildcarded from 200 of its paths; pages cached a day.
PREVIOUS_WILDCARD_THRESHOLD = 200
PREVIOUS_EDGE_SECONDS = 86_400  # `s-maxage=86400` on every page
# Edge refreshes: CloudFront's regional edge caches are what ask S3 (edge locations ask them).
# A page read continuously at each refetches it at most once per TTL.
REGIONAL_EDGE_CACHES = 13
SECONDS_PER_MONTH = 30 * 86_400
BUSY_LISTINGS = 20  # listing pages (tags, authors, feeds, sitemaps) read all the time
PUBLISHES_PER_DAY = 100
FREE_PATHS_PER_MONTH = 1_000  # CloudFront's, ignored in the prices (as in bench.cost)
# How long CloudFront takes to apply an invalidation once created: not measurable on the
# emulator. The local figures use 0; the table shows what each bound leaves for it.
INVALIDATION_PROPAGATION_SECONDS = 0.0
# Issue 16's bounds on how long a reader may see an outdated copy, per kind of page.
BOUNDS = {
    "home page": 15.0,
    "listing": 60.0,
    "new article page": 5.0,
    "article page on edit": 10.0,
    "article page on delete": 10.0,
}
KINDS = ("new", "edit", "retitle", "delete", "bulk import", "bulk edit")
SINGLE_KINDS = ("new", "edit", "retitle", "delete")


@dataclass(frozen=True)
class Mix:
    """One round of the workload: counts of single publishes, and the sizes of the two bulk
    uploads (each counted as that many publishes)."""

    new: int = 60
    edits: int = 25
    retitles: int = 5
    deletes: int = 10
    bulk_import: int = 100
    bulk_edit: int = 50

    @property
    def existing_needed(self) -> int:
        """Existing articles the mix changes (each at most once)."""
        return self.edits + self.retitles + self.deletes + self.bulk_edit

    def describe(self) -> str:
        return (
            f"{self.new} new articles, {self.edits} body edits, {self.retitles} title edits, "
            f"{self.deletes} deletes, one bulk import of {self.bulk_import} new articles and one "
            f"bulk edit of {self.bulk_edit} existing articles"
        )


QUICK_MIX = Mix(new=6, edits=3, retitles=1, deletes=2, bulk_import=20, bulk_edit=12)


@dataclass(frozen=True)
class Step:
    """One upload (or one bulk upload) of the mix: (relative path, text; None deletes it)."""

    kind: str
    files: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class Publish:
    """What one step did, as seen from outside the functions."""

    kind: str
    count: int  # publishes it stands for
    changed: tuple[str, ...]  # public paths whose bytes changed (written or deleted)
    invalidations: tuple[tuple[str, ...], ...]  # each CreateInvalidation, its paths as created
    invocations: tuple[tuple[str, float], ...]  # (function, seconds)


# -- policies: paid paths for one step ---------------------------------------------------------


def new_policy(step: Publish) -> int:
    return sum(len(paths) for paths in step.invalidations)


def previous_policy(step: Publish) -> int:
    """The planner before 6cde33b on every changed path of the step."""
    wanted = coalesce(step.changed)
    if not wanted:
        return 0
    limits = Limits(wildcard_threshold=PREVIOUS_WILDCARD_THRESHOLD)
    return len(fit(collapse(wanted, limits.wildcard_threshold), limits))


def everything_per_publish(step: Publish) -> int:
    return 1 if step.changed else 0


def exact_paths(step: Publish) -> int:
    return len(coalesce(step.changed))


POLICIES: dict[str, Callable[[Publish], int]] = {
    "new policy (this build)": new_policy,
    "previous policy": previous_policy,
    "`/*` per publish": everything_per_publish,
    "exact paths": exact_paths,
}
NEW_POLICY = next(iter(POLICIES))


@dataclass(frozen=True)
class CostRow:
    scenario: str
    publishes: int
    steps: int
    changed: int  # changed paths, all steps
    invalidations: int  # CreateInvalidation requests the functions made
    paths: dict[str, int]  # policy → paid paths, all steps

    def per_publish(self, policy: str) -> float:
        return self.paths[policy] / self.publishes

    def usd_per_thousand(self, policy: str) -> float:
        return self.per_publish(policy) * 1000 * CLOUDFRONT_USD_PER_INVALIDATION_PATH


@dataclass(frozen=True)
class Term:
    """One part of a page kind's worst-case staleness."""

    label: str
    seconds: float
    cache: bool = False  # the CDN's share (else the pipeline's)


@dataclass(frozen=True)
class Staleness:
    kind: str
    terms: tuple[Term, ...]
    bound: float | None  # issue 16's, when it sets one

    @property
    def seconds(self) -> float:
        return sum(term.seconds for term in self.terms)

    @property
    def held(self) -> bool | None:
        return None if self.bound is None else self.seconds <= self.bound


@dataclass
class FreshnessResult:
    articles: int
    mix: Mix
    publishes: list[Publish]
    staleness: list[Staleness]
    policy: CachePolicy
    edge_ttls: dict[str, float]  # "home page" / "listing" → the TTL the edge applies
    seed_seconds: float = 0.0
    seconds: float = 0.0

    def costs(self) -> list[CostRow]:
        """One row per kind of step, then the whole mix."""
        rows = [_cost_row(kind, [p for p in self.publishes if p.kind == kind]) for kind in KINDS]
        return [row for row in rows if row.steps] + [_cost_row("mix", self.publishes)]

    @property
    def mix_row(self) -> CostRow:
        return _cost_row("mix", self.publishes)


def _cost_row(scenario: str, steps: list[Publish]) -> CostRow:
    return CostRow(
        scenario=scenario,
        publishes=sum(step.count for step in steps),
        steps=len(steps),
        changed=sum(len(step.changed) for step in steps),
        invalidations=sum(len(step.invalidations) for step in steps),
        paths={name: sum(map(paid, steps)) for name, paid in POLICIES.items()},
    )


# -- the workload --------------------------------------------------------------------------------


def workload(corpus: Corpus, existing: list[GeneratedArticle], mix: Mix, seed: int) -> list[Step]:
    """The mix's steps in a seeded random order of kinds (see the module docstring)."""
    if mix.existing_needed > len(existing):
        raise ValueError(f"the mix changes {mix.existing_needed} articles; the site has fewer")
    rng = random.Random(f"freshness:{seed}")
    fresh = iter(corpus.new_articles(mix.new + mix.bulk_import))  # in date order
    targets = iter(rng.sample(existing, mix.existing_needed))
    kinds = ["new"] * mix.new + ["edit"] * mix.edits + ["retitle"] * mix.retitles
    kinds += ["delete"] * mix.deletes + ["bulk import", "bulk edit"]
    rng.shuffle(kinds)
    make: dict[str, Callable[[], tuple[tuple[str, str | None], ...]]] = {
        "new": lambda: (pressroom_file(next(fresh)),),
        "edit": lambda: (pressroom_file(_edited(next(targets))),),
        "retitle": lambda: (pressroom_file(_retitled(next(targets))),),
        "delete": lambda: ((pressroom_file(next(targets))[0], None),),
        "bulk import": lambda: tuple(pressroom_file(next(fresh)) for _ in range(mix.bulk_import)),
        "bulk edit": lambda: tuple(
            pressroom_file(_edited(next(targets))) for _ in range(mix.bulk_edit)
        ),
    }
    return [Step(kind, make[kind]()) for kind in kinds]


def _edited(article: GeneratedArticle) -> GeneratedArticle:
    """The body changes (a correction is appended); title, summary and tags do not."""
    return replace(article, body=(*article.body, "Correction: an earlier version misquoted."))


def _retitled(article: GeneratedArticle) -> GeneratedArticle:
    """The title changes (the slug is in the front matter, so the URL does not)."""
    return replace(article, title=article.title + ", updated")


# -- measuring -----------------------------------------------------------------------------------


def measure_freshness(
    articles: int, mix: Mix, meter: Meter | None = None, seed: int = 9
) -> FreshnessResult:
    started = time.perf_counter()
    corpus = Corpus(articles, seed)
    existing = list(corpus.articles())
    steps = workload(corpus, existing, mix, seed)
    meter = meter or Meter()
    with embedded_aws({"SITE_URL": "https://news.example"}) as runtime:
        settings = runtime.settings
        meter.site_bucket = settings.site_bucket
        instrument(runtime, meter)
        editor = _Editor(runtime, settings)
        editor.publish(tuple(pressroom_file(article) for article in existing))
        seed_seconds = time.perf_counter() - started
        watch = _Watch(runtime, settings)
        publishes = []
        for step in steps:
            with meter.measuring() as tally:
                editor.publish(step.files)
            publishes.append(
                Publish(
                    kind=step.kind,
                    count=len(step.files),
                    changed=watch.changed_paths(),
                    invalidations=watch.new_invalidations(),
                    invocations=tuple(tally.invocations),
                )
            )
        if runtime.failures:
            raise RuntimeError(f"{runtime.failures} deliveries failed during the mix")
        # The TTLs the functions themselves use (pressroom.pipeline builds the same policy).
        policy = CachePolicy(settings.home_cache_seconds, settings.listing_cache_seconds)
    template = Template(find_template())
    edge = EdgeConfig.from_template(template)
    return FreshnessResult(
        articles=articles,
        mix=mix,
        publishes=publishes,
        staleness=staleness(template, edge, policy, longest_runs(publishes)),
        policy=policy,
        edge_ttls={
            "home page": _edge_ttl(edge, policy.home, "/"),
            "listing": _edge_ttl(edge, policy.listing, "/tags/x/"),
        },
        seed_seconds=seed_seconds,
        seconds=time.perf_counter() - started,
    )


class _Editor:
    """Uploads (or deletes) a step's files at once, then lets the pipeline run dry."""

    def __init__(self, runtime: Any, settings: Settings) -> None:
        self._runtime = runtime
        self._s3 = runtime.stack.client("s3")
        self._bucket = settings.ingest_bucket
        self._prefix = settings.articles_prefix

    def publish(self, files: tuple[tuple[str, str | None], ...]) -> None:
        for relative, text in files:
            key = self._prefix + relative
            if text is None:
                self._s3.delete_object(Bucket=self._bucket, Key=key)
            else:
                self._s3.put_object(Bucket=self._bucket, Key=key, Body=text.encode("utf-8"))
        self._runtime.drain()


class _Watch:
    """The site bucket's ETags and CloudFront's invalidations since the previous look."""

    def __init__(self, runtime: Any, settings: Settings) -> None:
        self._cloudfront = runtime.stack.client("cloudfront")
        self._distribution = settings.distribution_id
        self._bucket = settings.site_bucket
        self._etags = site_etags(self._bucket)
        self._seen = {summary["Id"] for summary in self._summaries()}

    def changed_paths(self) -> tuple[str, ...]:
        before, after = self._etags, site_etags(self._bucket)
        self._etags = after
        changed = (key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
        return tuple(sorted(public_path(key) for key in changed))

    def new_invalidations(self) -> tuple[tuple[str, ...], ...]:
        fresh = sorted(
            (s for s in self._summaries() if s["Id"] not in self._seen),
            key=lambda summary: summary["CreateTime"],
        )
        self._seen |= {summary["Id"] for summary in fresh}
        return tuple(self._paths_of(summary["Id"]) for summary in fresh)

    def _summaries(self) -> list[dict[str, Any]]:
        listing = self._cloudfront.list_invalidations(
            DistributionId=self._distribution, MaxItems="1000"
        )
        return list(listing.get("InvalidationList", {}).get("Items", []))

    def _paths_of(self, invalidation_id: str) -> tuple[str, ...]:
        detail = self._cloudfront.get_invalidation(
            DistributionId=self._distribution, Id=invalidation_id
        )
        return tuple(detail["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", []))


def site_etags(bucket_name: str) -> dict[str, str]:
    """Key → ETag of every current object of an embedded bucket, read where moto keeps them
    (as `pressroom.local.build` exports a site: a listing call per step would dominate)."""
    from moto.s3.models import FakeKey, s3_backends

    bucket = s3_backends[LOCAL_ACCOUNT]["aws"].get_bucket(bucket_name)
    current = ((key, bucket.keys.get(key)) for key in list(bucket.keys))
    return {key: found.etag for key, found in current if isinstance(found, FakeKey)}


def longest_runs(publishes: list[Publish]) -> dict[str, float]:
    """Each function's longest invocation during the single publishes (a bulk step's are a
    bulk's, not what one reader waits for)."""
    longest: dict[str, float] = {}
    for step in publishes:
        if step.kind in SINGLE_KINDS:
            for function, seconds in step.invocations:
                longest[function] = max(longest.get(function, 0.0), seconds)
    return longest


# -- staleness -----------------------------------------------------------------------------------


def staleness(
    template: Template, edge: EdgeConfig, policy: CachePolicy, runs: dict[str, float]
) -> list[Staleness]:
    """Worst case per kind of page: the pipeline's batching windows and longest runs on its way
    to the page, then what the CDN adds (a TTL, a cached 404, applying an invalidation)."""
    windows = batching_windows(template)

    def stages(*functions: str) -> list[Term]:
        return [
            term
            for function in functions
            for term in (
                Term(f"{function} window", windows[function]),
                Term(f"{function} run", runs.get(function, 0.0)),
            )
        ]

    def cached(rule: CacheRule, path: str) -> list[Term]:
        return [
            Term("edge TTL", _edge_ttl(edge, rule, path), cache=True),
            Term("stale-while-revalidate", rule.stale_seconds, cache=True),
        ]

    applied = Term("CloudFront applies the invalidation", INVALIDATION_PROPAGATION_SECONDS, True)
    not_found = Term("404 cached", edge.error_response(404).caching_min_ttl, cache=True)
    rows = {
        "home page": stages("IngestFunction", "ListingFunction") + cached(policy.home, "/"),
        "listing": stages("IngestFunction", "ListingFunction") + cached(policy.listing, "/tags/x/"),
        "new article page": [*stages("IngestFunction"), not_found],
        "article page on edit": [*stages("IngestFunction", "InvalidationFunction"), applied],
        "article page on delete": [*stages("IngestFunction", "InvalidationFunction"), applied],
        # Re-rendered for another article's sake (a related title changed or went): by design
        # not invalidated, so its day-long TTL bounds it.
        "article page, related list only": stages("IngestFunction", "RebuildFunction")
        + cached(policy.article, "/articles/x/"),
        "hashed asset": [Term("a change is a new name: no copy is ever outdated", 0.0, True)],
    }
    return [Staleness(kind, tuple(terms), BOUNDS.get(kind)) for kind, terms in rows.items()]


def batching_windows(template: Template) -> dict[str, int]:
    """Each function's MaximumBatchingWindowInSeconds (the longest of its event sources)."""
    return {
        spec.logical_id: max(
            (s.window_seconds for s in spec.sources if not isinstance(s, ScheduleSource)),
            default=0,
        )
        for spec in template.functions()
    }


def _edge_ttl(edge: EdgeConfig, rule: CacheRule, path: str) -> float:
    """The TTL CloudFront applies: the rule's s-maxage within the behaviour's MinTTL–MaxTTL."""
    return edge.policy_for(path).clamp(rule.edge_seconds)


# -- what the short TTLs cost instead ----------------------------------------------------------


def gets_per_month(ttl: float) -> float:
    """S3 GETs a page read continuously at every regional edge cache costs in a month."""
    return REGIONAL_EDGE_CACHES * SECONDS_PER_MONTH / ttl


def edge_refresh_gets(result: FreshnessResult, policy: str) -> float:
    """The home page and the busiest listings, at the TTLs `policy` gives them (this build's
    short ones, or a day for the policies that invalidate listings instead)."""
    if policy != NEW_POLICY:
        return (1 + BUSY_LISTINGS) * gets_per_month(PREVIOUS_EDGE_SECONDS)
    home, listing = result.edge_ttls["home page"], result.edge_ttls["listing"]
    return gets_per_month(home) + BUSY_LISTINGS * gets_per_month(listing)


# -- report ----------------------------------------------------------------------------------------


def targets(result: FreshnessResult) -> list[tuple[str, str, bool]]:
    """Issue 16's targets for the report's table: (what, measured, held)."""
    mix = result.mix_row
    paths, usd = mix.per_publish(NEW_POLICY), mix.usd_per_thousand(NEW_POLICY)
    found = [
        (
            "paid invalidation paths per publish on the mix ≤ 1 (≤ USD 5 per 1,000 publishes)",
            f"{paths:.2f} (USD {usd:.2f}); previous policy "
            f"{mix.per_publish('previous policy'):.2f} (USD "
            f"{mix.usd_per_thousand('previous policy'):.2f})",
            paths <= TARGET_PATHS_PER_PUBLISH,
        )
    ]
    bounded = [row for row in result.staleness if row.bound is not None]
    worst = [f"{row.kind} {row.seconds:.1f} s / {row.bound:g} s" for row in bounded]
    found.append(
        (
            "every page kind within issue 16's staleness bound (local, propagation 0)",
            "; ".join(worst),
            all(row.held for row in bounded),
        )
    )
    return found


def markdown(result: FreshnessResult, heading: str = "###") -> str:
    lines = [
        f"{heading} Freshness and its cost (issue 16)",
        "",
        f"A site of {result.articles:,} articles published through the pipeline, then the mix, "
        f"one upload (or one bulk upload) at a time with the pipeline drained after each, in a "
        f"seeded random order: {result.mix.describe()} ({result.mix_row.publishes:,} publishes; "
        f"`bench/freshness.py`). Measured per step: the paths whose bytes changed in the site "
        f"bucket, and the invalidations the functions created. "
        f"{result.seconds:.0f} s, of which {result.seed_seconds:.0f} s building the site.",
        "",
        *_cost_table(result),
        *_monthly_table(result),
        *_staleness_table(result),
    ]
    return "\n".join(lines)


def _cost_table(result: FreshnessResult) -> list[str]:
    held = result.mix_row.per_publish(NEW_POLICY) <= TARGET_PATHS_PER_PUBLISH
    header = " | ".join(f"{name}: paths / publish | USD / 1,000" for name in POLICIES)
    lines = [
        "Paid invalidation paths per publish and CloudFront USD per 1,000 publishes "
        f"(USD {CLOUDFRONT_USD_PER_INVALIDATION_PATH} a path, a wildcard is one path, the 1,000 "
        "free paths a month ignored). New policy: the paths the functions actually created. "
        "Previous policy: each step's changed paths planned as before 6cde33b (exact, a "
        "directory wildcarded from 200 paths). `/*` per publish: one path per step that "
        "changed anything. Exact paths: every changed path.",
        "",
        f"| Scenario | Publishes | Changed paths / publish | CreateInvalidation calls | {header} |",
        "|---|---:|---:|---:|" + "---:|" * (2 * len(POLICIES)),
    ]
    for row in result.costs():
        cells = " | ".join(
            f"{row.per_publish(name):.2f} | {row.usd_per_thousand(name):.2f}" for name in POLICIES
        )
        changed = row.changed / row.publishes
        lines.append(
            f"| {_label(row.scenario, result.mix)} | {row.publishes:,} | {changed:.1f} | "
            f"{row.invalidations} | {cells} |"
        )
    lines += [
        "",
        f"Target: ≤ {TARGET_PATHS_PER_PUBLISH:g} paid path per publish on the mix (≤ USD "
        f"{TARGET_PATHS_PER_PUBLISH * 1000 * CLOUDFRONT_USD_PER_INVALIDATION_PATH:g} per 1,000 "
        f"publishes): {'held' if held else 'not held'} "
        f"({result.mix_row.per_publish(NEW_POLICY):.2f}).",
        "",
        *_paid_paths(result),
    ]
    return lines


def _label(kind: str, mix: Mix) -> str:
    bulk = {"bulk import": mix.bulk_import, "bulk edit": mix.bulk_edit}
    if kind in bulk:
        return f"{kind} ({bulk[kind]} at once)"
    return {"new": "new article", "edit": "edit (body)", "retitle": "edit (title)"}.get(
        kind, "**mix**" if kind == "mix" else kind
    )


def _paid_paths(result: FreshnessResult) -> list[str]:
    """What the new policy paid for, by kind of step: the paths and how often."""
    lines = ["What the new policy paid for:", ""]
    for kind in KINDS:
        paid = Counter(
            _shape(path)
            for step in result.publishes
            if step.kind == kind
            for paths in step.invalidations
            for path in paths
        )
        shown = ", ".join(f"{shape} ×{count}" for shape, count in sorted(paid.items())) or "none"
        lines.append(f"- {_label(kind, result.mix)}: {shown}")
    return [*lines, ""]


def _shape(path: str) -> str:
    """`/articles/some-slug/` → `/articles/<slug>/`: paths grouped by what they are."""
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "articles" and parts[2]:
        return "`/articles/<slug>/`"
    return f"`{path}`"


def _monthly_table(result: FreshnessResult) -> list[str]:
    publishes = PUBLISHES_PER_DAY * SECONDS_PER_MONTH // 86_400
    lines = [
        f"What the short listing TTLs cost instead, per month at {PUBLISHES_PER_DAY} publishes a "
        f"day ({publishes:,} publishes of the mix). Model: {REGIONAL_EDGE_CACHES} CloudFront "
        f"regional edge caches ask S3; the home page and the {BUSY_LISTINGS} busiest listing "
        "pages are read continuously at each, so each cache refetches them once per TTL "
        f"(GETs = {REGIONAL_EDGE_CACHES} × {SECONDS_PER_MONTH:,} s / TTL, USD "
        f"{S3_USD_PER_GET * 1000:g} per 1,000). This build: home TTL "
        f"{result.edge_ttls['home page']:g} s, listings {result.edge_ttls['listing']:g} s "
        "(`CachePolicy` with the template's settings); the other policies keep pages a day "
        f"({PREVIOUS_EDGE_SECONDS:,} s). Refetches after an invalidation (at most "
        f"{REGIONAL_EDGE_CACHES} GETs a path) are left out of every row.",
        "",
        "| Policy | Paid paths / month | Invalidations USD / month | S3 GETs / month "
        "| S3 GET USD / month | Total USD / month |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    mix = result.mix_row
    for name in POLICIES:
        paths = mix.per_publish(name) * publishes
        gets = edge_refresh_gets(result, name)
        invalidation_usd = paths * CLOUDFRONT_USD_PER_INVALIDATION_PATH
        get_usd = gets * S3_USD_PER_GET
        lines.append(
            f"| {name} | {paths:,.0f} | {invalidation_usd:.2f} | {gets:,.0f} | {get_usd:.2f} | "
            f"{invalidation_usd + get_usd:.2f} |"
        )
    paths = mix.per_publish(NEW_POLICY) * publishes
    if paths <= FREE_PATHS_PER_MONTH:
        lines += [
            "",
            f"The new policy's {paths:,.0f} paths a month are within CloudFront's "
            f"{FREE_PATHS_PER_MONTH:,} free paths: at this rate its invalidations cost nothing "
            "and the S3 GETs are all it pays.",
        ]
    return [*lines, ""]


def _staleness_table(result: FreshnessResult) -> list[str]:
    lines = [
        "Staleness: the longest a reader can see an outdated copy, per kind of page = the "
        "pipeline's batching windows (template.yaml) and the longest invocation measured in this "
        "run's single publishes on the way to the page, then the CDN's term (the cache policy's "
        "TTL and stale-while-revalidate, the 404's ErrorCachingMinTTL, or CloudFront applying an "
        f"invalidation: a model parameter, {INVALIDATION_PROPAGATION_SECONDS:g} s here, not "
        "measurable locally: the margin to the bound is what it leaves for it). S3 event and "
        "stream delivery latencies are not modelled.",
        "",
        "| Page kind | Pipeline (s) | CDN (s) | Worst case here (s) | Issue's bound (s) | Held "
        "| Margin to the bound (s) | Terms (s) |",
        "|---|---:|---:|---:|---:|:---:|---:|---|",
    ]
    for row in result.staleness:
        pipeline = sum(term.seconds for term in row.terms if not term.cache)
        terms = " + ".join(f"{term.label} {term.seconds:.2f}" for term in row.terms)
        bound = "–" if row.bound is None else f"{row.bound:g}"
        held = "–" if row.held is None else ("yes" if row.held else "no")
        left = "–" if row.bound is None else f"{row.bound - row.seconds:.1f}"
        lines.append(
            f"| {row.kind} | {pipeline:.1f} | {row.seconds - pipeline:,.0f} | "
            f"{row.seconds:,.1f} | {bound} | {held} | {left} | {terms} |"
        )
    return [*lines, ""]
