"""Rendering: models in, strings out. One Jinja2 environment per process, autoescaping on,
`StrictUndefined`, and article content only ever passed in as data (never compiled).

Every page template gets a `meta` (`PageMeta`): title, description, canonical URL, feeds,
structured data, the page's language and its translations (`hreflang` alternates), so that an
operator's template override sees one stable interface."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
)
from jinja2.bccache import Bucket
from markupsafe import Markup

from pressroom.languages import autonym, in_site_language, normalise
from pressroom.model import Article, Picture, Tag, slug_of
from pressroom.paths import FEED_FILES, article_path, feed_path, listing_path
from pressroom.publishing.archive import period_label
from pressroom.publishing.catalog import (
    CATEGORY,
    HOME,
    LANGUAGE,
    Card,
    ListingId,
    language_listing,
)
from pressroom.settings import Settings

FEED_TYPES = {
    "atom": ("application/atom+xml", "Atom"),
    "rss": ("application/rss+xml", "RSS"),
    "json": ("application/feed+json", "JSON Feed"),
}
DESCRIPTION_LIMIT = 200  # search engines show about this much of a meta description


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


@functools.cache
def search_script() -> Asset:
    """The search page's script (it drives Pagefind's API), content-hashed like the CSS."""
    body = resources.files("pressroom.render").joinpath("static/search.js").read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:12]
    return Asset(key=f"assets/search.{digest}.js", body=body, content_type="text/javascript")


@dataclass(frozen=True)
class FeedLink:
    type: str  # MIME type, for <link rel="alternate" type=...>
    label: str  # "Atom", "RSS", "JSON Feed"
    title: str
    url: str  # absolute


@dataclass(frozen=True)
class Alternate:
    """One translation of a page: `<link rel="alternate" hreflang=…>` and the switcher's link."""

    hreflang: str  # a language tag, or "x-default"
    url: str  # absolute
    path: str
    name: str  # the language's name in itself ("Français"), "" for x-default
    current: bool = False  # the page itself


@dataclass(frozen=True)
class PageMeta:
    """What the <head> of a page says about it."""

    title: str  # the page's own title, without the site name
    document_title: str  # the <title>
    description: str
    canonical_url: str | None  # None for pages that must not be indexed (404)
    og_type: str = "website"
    feeds: tuple[FeedLink, ...] = ()
    structured_data: tuple[dict[str, Any], ...] = ()
    breadcrumbs: tuple[tuple[str, str], ...] = ()  # (name, path), the last one is this page
    image: Picture | None = None  # the page's cover: `og:image` and a large Twitter card
    more_images: tuple[Picture, ...] = ()  # further `og:image`s (a Hugo `images:` list)
    language: str = ""  # the page's `<html lang>`; "" for the site's language
    alternates: tuple[Alternate, ...] = ()  # the page's translations, itself included


@dataclass(frozen=True)
class ListingPage:
    """The root page of a listing, or one of its archive pages, as the template sees it."""

    listing: ListingId
    title: str  # the listing's name (the site title for the home listing)
    path: str
    cards: list[Card]  # newest first
    period: str = ""  # the archive period ("2019", "2019-03", "2019-03-05"); "" for the root
    number: int = 1  # the page within its period, 1 being the oldest
    count: int = 0  # the root page: articles in the listing
    newer_path: str | None = None
    older_path: str | None = None
    years: tuple[tuple[str, str], ...] = ()  # the root page: (year, path) of its archive
    introduction: str = ""  # the root page: the listing's `_index.md` body (sanitised HTML)

    @property
    def period_label(self) -> str:
        """ "March 2019 · page 2", or "" for the root page."""
        if not self.period:
            return ""
        label = period_label(self.period)
        return label if self.number == 1 else f"{label} · page {self.number}"


def tag_path(tag: Tag) -> str:
    return listing_path("tag", tag.slug)


def category_path(name: str) -> str | None:
    """A category's (section's) page, or None for a name that makes no slug."""
    slug = slug_of(name)
    return listing_path(CATEGORY, slug) if slug else None


# The indexes of the listings of a kind: (heading, path, what one is called, and many)
TERM_INDEX_PAGES = {
    "tag": ("Tags", "/tags/", "tag", "tags"),
    CATEGORY: ("Categories", "/categories/", "category", "categories"),
    "author": ("Authors", "/authors/", "author", "authors"),
}


def author_path(name: str) -> str | None:
    """The author's page, or None for a name that makes no slug (nothing to link to)."""
    slug = slug_of(name)
    return listing_path("author", slug) if slug else None


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` cut at a word boundary to fit `limit` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return cut + "…"


# The theme's templates compiled ahead of time, beside the package (`compile_templates`, which
# the layer build runs, as it compiles the Python bytecode): Jinja2 would otherwise lex, parse and
# compile each template a function renders, in every cold start (~20 ms for a listing, ~50 ms for
# an article page).
COMPILED_TEMPLATES = resources.files("pressroom.render").joinpath("compiled")


class PrecompiledTemplates(BytecodeCache):
    """Jinja2 bytecode read from `directory`, keyed by template name alone (the path the package
    was compiled at is not the one it runs from). Each entry carries its source's checksum and
    the Python version it was compiled for: a template without a compiled copy, changed since
    (an operator's override of the same name included), or compiled for another Python, is
    compiled as before. Read-only unless `writable` (Lambda's /opt is read-only)."""

    def __init__(self, directory: Any, writable: bool = False) -> None:
        self.directory = directory
        self.writable = writable

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(f"{self.directory}/{bucket.key}.cache", "rb") as stream:
                bucket.load_bytecode(stream)
        except OSError:
            pass  # none compiled: Jinja2 compiles the template

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self.writable:
            with open(f"{self.directory}/{bucket.key}.cache", "wb") as stream:
                bucket.write_bytecode(stream)


def compile_templates(directory: Any = COMPILED_TEMPLATES) -> list[str]:
    """Compile the theme's templates into `directory` (for `PrecompiledTemplates`)."""
    import os

    os.makedirs(str(directory), exist_ok=True)
    renderer = Renderer(Settings(content_table="", ingest_bucket="", site_bucket=""))
    renderer.env.bytecode_cache = PrecompiledTemplates(directory, writable=True)
    names = renderer.env.list_templates()
    for name in names:
        renderer.env.get_template(name)
    return names


class Renderer:
    def __init__(self, settings: Settings) -> None:
        loaders: list[Any] = []
        if settings.templates_dir:
            loaders.append(FileSystemLoader(settings.templates_dir))
        loaders.append(PackageLoader("pressroom.render", "templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            bytecode_cache=PrecompiledTemplates(COMPILED_TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # A renderer's templates do not change under it (a new theme is a new renderer: a
            # deployment on Lambda, `pressroom serve --watch` locally): no stat of the template
            # file for every page and every `{% include %}` of every card.
            auto_reload=False,
        )
        self.settings = settings
        self.env.globals.update(
            site_title=settings.site_title,
            site_url=settings.site_url,
            site_language=settings.site_language,
            stylesheet_path="/" + stylesheet().key,
            site_feeds=self.feed_links(ListingId(HOME), settings.site_title),
            tag_path=tag_path,
            author_path=author_path,
            category_path=category_path,
        )

    # -- pages ---------------------------------------------------------------------------------

    def article_page(
        self,
        article: Article,
        related: list[Card],
        translations: Sequence[Card] = (),
        stories: Sequence[tuple[str, str]] | None = None,
    ) -> str:
        """`translations`: the cards of the article's translation group (itself included).
        `stories`: its "You may also like" titles with the path of the article each names ("" for
        one not on the site); None shows every title unlinked."""
        url = self._url(article.path)
        trail: list[tuple[str, str]] = [(self.settings.site_title, "/")]
        own_language = in_site_language(article.language, self.settings.site_language)
        listing = ListingId(HOME) if own_language else language_listing(article.language)
        if not own_language:
            trail.append((autonym(article.language), listing_path(listing.kind, listing.name)))
        section = next(filter(None, map(category_path, article.categories)), None)
        if section is not None:  # its section, as Hugo's breadcrumbs, else its first tag
            trail.append((article.categories[0], section))
        elif article.tags:
            trail.append((article.tags[0].name, tag_path(article.tags[0])))
        trail.append((article.title, article.path))
        description = shorten(article.summary or article.title)
        meta = PageMeta(
            title=article.title,
            document_title=f"{article.title} · {self.settings.site_title}",
            description=description,
            canonical_url=url,
            og_type="article",
            feeds=self.feed_links(listing, autonym(article.language)),
            structured_data=(self._article_data(article, url, description), self._trail(trail)),
            breadcrumbs=tuple(trail),
            image=article.cover if article.cover and article.cover.og_image else None,
            more_images=tuple(image for image in article.images if image.og_image),
            language=article.language,
            alternates=self._alternates(article, translations),
        )
        return self._render(
            "article.html",
            meta=meta,
            article=article,
            # Sanitised by the readers (nh3) before it ever reaches a template.
            body=Markup(article.body_html),  # noqa: S704  # nosec B704 # nh3-sanitised
            related=related,
            stories=[(title, "") for title in article.related_stories]
            if stories is None
            else stories,
        )

    def _alternates(self, article: Article, group: Sequence[Card]) -> tuple[Alternate, ...]:
        """One link per language of the group (the page's own first, then the oldest), sorted
        by language, and `x-default` for the one in the site's language; none for an article
        without translations."""
        chosen: dict[str, tuple[str, str]] = {article.language.lower(): (article.language, "")}
        for card in sorted(group, key=lambda card: card.sort_key):
            if card.language and card.slug != article.slug:
                chosen.setdefault(card.language.lower(), (card.language, card.slug))
        if len(chosen) < 2:
            return ()
        found: list[Alternate] = []
        for language, slug in sorted(chosen.values()):
            path = article_path(slug) if slug else article.path
            found.append(
                Alternate(language, self._url(path), path, autonym(language), current=not slug)
            )
        default = next(
            (a for a in found if in_site_language(a.hreflang, self.settings.site_language)), None
        )
        if default is not None:
            found.append(replace(default, hreflang="x-default", name=""))
        return tuple(found)

    def listing_page(self, page: ListingPage) -> str:
        trail = self._listing_trail(page.listing, page.title)
        if page.period:
            trail.append((page.period_label, page.path))
        data = [self._trail(trail)] if len(trail) > 1 else []
        if page.listing.kind == HOME and not page.period:
            data.insert(0, self._website_data())
        meta = self._listing_meta(page.listing, page.title, page.path, page.period_label, trail)
        return self._render(
            "listing.html",
            meta=replace(meta, structured_data=tuple(data)),
            page=page,
            introduction=Markup(page.introduction),  # noqa: S704  # nosec B704 # nh3-sanitised
        )

    def period_index(
        self,
        listing: ListingId,
        title: str,
        path: str,
        period: str,
        parts: tuple[tuple[str, str], ...],
    ) -> str:
        """The index of an archive period that is cut into parts: `parts` (label, path),
        newest first."""
        label = period_label(period)
        trail = [*self._listing_trail(listing, title), (label, path)]
        meta = self._listing_meta(listing, title, path, label, trail)
        return self._render("period.html", meta=meta, label=label, parts=parts)

    def _listing_trail(self, listing: ListingId, title: str) -> list[tuple[str, str]]:
        trail: list[tuple[str, str]] = [(self.settings.site_title, "/")]
        if listing.kind in TERM_INDEX_PAGES:
            heading, path, _, _ = TERM_INDEX_PAGES[listing.kind]
            trail.append((heading, path))
        if listing.kind != HOME:
            trail.append((title, listing_path(listing.kind, listing.name)))
        return trail

    def _listing_meta(
        self,
        listing: ListingId,
        title: str,
        path: str,
        period: str,
        trail: list[tuple[str, str]],
    ) -> PageMeta:
        site = self.settings.site_title
        own_title = title if listing.kind != HOME else site
        if period:
            own_title = f"{own_title} · {period}"
        return PageMeta(
            title=own_title,
            document_title=own_title + ("" if own_title == site else f" · {site}"),
            description=self._listing_description(listing, title),
            canonical_url=self._url(path),
            feeds=self.feed_links(listing, title),
            structured_data=(self._trail(trail),) if len(trail) > 1 else (),
            breadcrumbs=tuple(trail),
            language=self._listing_language(listing),
        )

    def term_index(self, kind: str, terms: list[tuple[str, str, int]]) -> str:
        """The index of every tag, category or author (`kind`): `terms` are (display name,
        path, article count), sorted for display."""
        site = self.settings.site_title
        heading, path, one, many = TERM_INDEX_PAGES[kind]
        trail = ((site, "/"), (heading, path))
        meta = PageMeta(
            title=heading,
            document_title=f"{heading} · {site}",
            description=f"Every {one} on {site} with its number of articles.",
            canonical_url=self._url(path),
            feeds=self.feed_links(ListingId(HOME), site),
            structured_data=(self._trail(trail),),
            breadcrumbs=trail,
        )
        return self._render(
            "terms.html", meta=meta, kind=kind, heading=heading, many=many, terms=terms
        )

    def profile_photo(self, photo: Picture, name: str) -> str:
        """An author's photo as their page shows it above their bio (HTML)."""
        return self._render("_author_photo.html", photo=photo, author=name)

    def not_found_page(self) -> str:
        site = self.settings.site_title
        meta = PageMeta(
            title="Page not found",
            document_title=f"Page not found · {site}",
            description="There is no page at this address.",
            canonical_url=None,
            feeds=self.feed_links(ListingId(HOME), site),
        )
        return self._render("404.html", meta=meta)

    def search_page(self) -> str:
        site = self.settings.site_title
        meta = PageMeta(
            title="Search",
            document_title=f"Search · {site}",
            description=f"Search the articles of {site}.",
            canonical_url=None,  # results pages are not for search engines: noindex
            feeds=self.feed_links(ListingId(HOME), site),
        )
        return self._render("search.html", meta=meta, search_script_path="/" + search_script().key)

    # -- feeds, sitemaps, robots ---------------------------------------------------------------

    def feed_links(self, listing: ListingId, title: str) -> tuple[FeedLink, ...]:
        name = (
            self.settings.site_title
            if listing.kind == HOME
            else f"{title} · {self.settings.site_title}"
        )
        return tuple(
            FeedLink(
                type=mime,
                label=label,
                title=f"{name} ({label})",
                url=self._url(feed_path(listing.kind, listing.name, fmt)),
            )
            for fmt, (mime, label) in FEED_TYPES.items()
        )

    def feeds(
        self,
        listing: ListingId,
        title: str,
        cards: list[Card],
        bodies: dict[str, str] | None = None,
    ) -> dict[str, bytes]:
        """The listing's feeds by format ("atom", "rss", "json"), newest card first; `bodies`
        (sanitised article HTML by slug) make the items carry the whole article."""
        # feedgen and lxml load only where feeds are written (the listing function's cold start)
        from pressroom.render.feeds import Feed, atom_feed, json_feed, rss_feed

        site = self.settings.site_title
        feed = Feed(
            title=site if listing.kind == HOME else f"{title} · {site}",
            description=self._listing_description(listing, title),
            site_url=self.settings.site_url,
            home_path=listing_path(listing.kind, listing.name),
            self_paths={fmt: feed_path(listing.kind, listing.name, fmt) for fmt in FEED_FILES},
            language=self._listing_language(listing) or self.settings.site_language,
            publisher=site,
            cards=tuple(cards),
            bodies=bodies or {},
        )
        writers = {"atom": atom_feed, "rss": rss_feed, "json": json_feed}
        return {fmt: write(feed) for fmt, write in writers.items()}

    def sitemap_shard(self, cards: list[Card]) -> str:
        return self._render("sitemap.xml", cards=sorted(cards, key=lambda card: card.sort_key))

    def sitemap_pages(self, pages: list[tuple[str, str]]) -> str:
        """A sitemap of listing pages: (path, W3C date or "")."""
        return self._render("sitemap_pages.xml", pages=pages)

    def sitemap_index(self, shards: list[tuple[str, str]]) -> str:
        """`shards`: (object key, its W3C date or "") of every shard."""
        return self._render("sitemap_index.xml", shards=shards)

    def robots_txt(self) -> str:
        return self._render("robots.txt")

    # -- helpers -------------------------------------------------------------------------------

    def _render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def _url(self, path: str) -> str:
        return self.settings.site_url + path

    def _listing_description(self, listing: ListingId, title: str) -> str:
        site = self.settings.site_title
        if listing.kind == "tag":
            return f"Articles tagged “{title}” on {site}, newest first."
        if listing.kind == "author":
            return f"Articles by {title} on {site}, newest first."
        if listing.kind == CATEGORY:
            return f"Articles in the “{title}” section of {site}, newest first."
        if listing.kind == LANGUAGE:
            return f"Articles in {title} on {site}, newest first."
        return f"The latest articles from {site}."

    @staticmethod
    def _listing_language(listing: ListingId) -> str:
        """A language listing's own language tag; "" (the site's) for every other listing."""
        return (normalise(listing.name) or listing.name) if listing.kind == LANGUAGE else ""

    def _website_data(self) -> dict[str, Any]:
        return {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": self.settings.site_title,
            "url": self._url("/"),
            "inLanguage": self.settings.site_language,
        }

    def _trail(self, trail: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> dict[str, Any]:
        return {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": n, "name": name, "item": self._url(path)}
                for n, (name, path) in enumerate(trail, start=1)
            ],
        }

    def _article_data(self, article: Article, url: str, description: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": shorten(article.title, 110),  # Google's limit for headlines
            "description": description,
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "datePublished": article.published.isoformat(),
            "dateModified": (article.modified or article.published).isoformat(),
            "inLanguage": article.language,
            "publisher": {
                "@type": "Organization",
                "name": self.settings.site_title,
                "url": self._url("/"),
            },
        }
        if article.authors:
            data["author"] = [
                {"@type": "Person", "name": name}
                | ({"url": self._url(path)} if (path := author_path(name)) else {})
                for name in article.authors
            ]
        if article.tags:
            data["keywords"] = [tag.name for tag in article.tags]
        images = [p.og_image for p in (article.cover, *article.images) if p and p.og_image]
        if images:
            data["image"] = images
        return data
