"""Rendering: models in, strings out. One Jinja2 environment per process, autoescaping on,
`StrictUndefined`, and article content only ever passed in as data (never compiled)."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup

from pressroom.model import Article
from pressroom.paths import listing_path
from pressroom.publishing.catalog import Card, ListingId
from pressroom.settings import Settings


@dataclass(frozen=True)
class Asset:
    key: str
    body: bytes
    content_type: str


@functools.cache
def stylesheet() -> Asset:
    """The theme's CSS under a content-hashed name, so it can be cached for a year."""
    body = resources.files("pressroom.render").joinpath("static/style.css").read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:12]
    return Asset(key=f"assets/style.{digest}.css", body=body, content_type="text/css")


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing, as the template sees it."""

    listing: ListingId
    title: str
    path: str
    cards: list[Card]
    page: int | None  # None for the root page (newest first)
    page_count: int
    count: int

    @property
    def newer_path(self) -> str | None:
        if self.page is None:
            return None
        if self.page >= self.page_count:
            return listing_path(self.listing.kind, self.listing.name)
        return listing_path(self.listing.kind, self.listing.name, self.page + 1)

    @property
    def older_path(self) -> str | None:
        if self.page is None:
            return (
                listing_path(self.listing.kind, self.listing.name, self.page_count)
                if self.page_count > 1
                else None
            )
        if self.page <= 1:
            return None
        return listing_path(self.listing.kind, self.listing.name, self.page - 1)


class Renderer:
    def __init__(self, settings: Settings) -> None:
        loaders: list[Any] = []
        if settings.templates_dir:
            loaders.append(FileSystemLoader(settings.templates_dir))
        loaders.append(PackageLoader("pressroom.render", "templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.settings = settings
        self.env.globals.update(
            site_title=settings.site_title,
            site_url=settings.site_url,
            site_language=settings.site_language,
            stylesheet_path="/" + stylesheet().key,
        )

    def article_page(self, article: Article, related: list[Card]) -> str:
        return self._render(
            "article.html",
            article=article,
            # Sanitised by the readers (nh3) before it ever reaches a template.
            body=Markup(article.body_html),  # noqa: S704
            related=related,
            canonical_url=self.settings.site_url + article.path,
        )

    def listing_page(self, page: ListingPage) -> str:
        return self._render(
            "listing.html", page=page, canonical_url=self.settings.site_url + page.path
        )

    def tags_index(self, tags: list[tuple[str, str, int]]) -> str:
        """`tags`: (display name, path, article count), sorted for display."""
        return self._render("tags.html", tags=tags, canonical_url=self.settings.site_url + "/tags/")

    def sitemap_shard(self, cards: list[Card]) -> str:
        return self._render("sitemap.xml", cards=sorted(cards, key=lambda card: card.sort_key))

    def sitemap_index(self, shards: list[tuple[str, str]]) -> str:
        """`shards`: (object key, "YYYY-MM") of every non-empty month."""
        return self._render("sitemap_index.xml", shards=shards)

    def robots_txt(self) -> str:
        return self._render("robots.txt")

    def not_found_page(self) -> str:
        return self._render("404.html", canonical_url=self.settings.site_url + "/404.html")

    def _render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)
