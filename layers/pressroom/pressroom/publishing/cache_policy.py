"""How long each kind of object may be served from a cache, and which changes are invalidated.

Freshness can be bought two ways, at different prices. An invalidation path costs USD 0.005
whether or not anyone ever asks for the page again; an edge TTL costs one S3 GET (USD 0.0000004)
per regional cache per TTL, and only while the page is being read. So:

- **Listings** (the home page, tag, author and archive pages, feeds, sitemaps, the tags index,
  `robots.txt`, the 404 page) change with every publish: they are never invalidated. The edge
  keeps them `s-maxage` seconds (the home page shortest) and then, for half as long again, serves
  the stale copy at once while it fetches the new one (`stale-while-revalidate`), so no reader
  waits for S3. A reader can therefore see a listing at most `1.5 × s-maxage` seconds older than
  the bucket (`staleness_seconds`), plus the pipeline's own delay.
- **Article pages** change only when their article does, and readers arrive at them from
  everywhere: the edge keeps them a day and an edit or a delete invalidates the exact path.
  A page re-rendered only because a *related* article changed its title or left is not
  invalidated (`Output.invalidate`); the day bounds that.
- **Content-hashed assets** never change under their name: cached for a year, never invalidated.

Browsers revalidate every page on each view (`max-age=0`): the nearest edge answers a
conditional request with a 304, so a reader never keeps a page the CDN has already replaced.
`stale-if-error` lets the edge keep serving a page for a day while S3 answers with 5xx errors.
A URL that was never served is in no cache (a 404 for it is cached only for the distribution's
`ErrorCachingMinTTL`, see template.yaml), so a new page needs no invalidation at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from pressroom.paths import INDEX, is_article_page, is_content_hashed

ONE_DAY = 86_400
ONE_YEAR = 31_536_000
# `style.3f2a9c1b7e4d.css`: the name changes whenever the bytes do.


@dataclass(frozen=True)
class CacheRule:
    """One kind of object: its `Cache-Control`, and whether a change to it is invalidated."""

    kind: str
    edge_seconds: int
    stale_seconds: int = 0  # stale-while-revalidate
    invalidated: bool = False
    immutable: bool = False

    @property
    def cache_control(self) -> str:
        if self.immutable:
            return f"public, max-age={self.edge_seconds}, immutable"
        directives = ["public", "max-age=0", f"s-maxage={self.edge_seconds}"]
        if self.stale_seconds:
            directives.append(f"stale-while-revalidate={self.stale_seconds}")
        directives.append(f"stale-if-error={ONE_DAY}")
        return ", ".join(directives)

    @property
    def staleness_seconds(self) -> int:
        """How much older than the bucket a copy served from the edge can be, for a kind that is
        not invalidated: its TTL, then its stale-while-revalidate window."""
        return self.edge_seconds + self.stale_seconds


@dataclass(frozen=True)
class CachePolicy:
    """The rule for every object of the site; the two TTLs come from `Settings`."""

    home_seconds: int = 5
    listing_seconds: int = 30

    @property
    def home(self) -> CacheRule:
        return CacheRule("home page", self.home_seconds, self.home_seconds // 2)

    @property
    def listing(self) -> CacheRule:
        return CacheRule("listing", self.listing_seconds, self.listing_seconds // 2)

    @property
    def article(self) -> CacheRule:
        return CacheRule("article page", ONE_DAY, 60, invalidated=True)

    @property
    def asset(self) -> CacheRule:
        return CacheRule("hashed asset", ONE_YEAR, immutable=True)

    def rule_for(self, key: str) -> CacheRule:
        """The rule for a site-bucket key (see `paths`)."""
        if is_content_hashed(key):
            return self.asset
        if is_article_page(key):
            return self.article
        if key == INDEX:
            return self.home
        return self.listing

    @property
    def rules(self) -> tuple[CacheRule, ...]:
        return (self.home, self.listing, self.article, self.asset)
