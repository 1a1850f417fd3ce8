"""The one step that turns any reader's `(body_html, metadata)` into an `Article`.

Title: the `title` field; else the body's leading `<h1>` (removed from the body, since the page
shows the title itself); else, for a Jekyll-named file, its slug in title case (Jekyll's rule);
else the first sentence of the first paragraph, without its full stop, cut at a word boundary
to ~70 characters. A leading `<h1>` that repeats the title is dropped too.

Slug (stable across re-uploads of the same file): the `slug` field; else the slug part of a
Jekyll `YYYY-MM-DD-slug` name; else the file name when it means something (not a digest, UUID,
number, random token or `untitled-2`); else the title. All through `slug_of`. An article in
another language than the site's gets `-<language>` after it (Pelican's `{slug}-{lang}`), so
that `x.fr.md` is `/articles/x-fr/` beside `x.md`'s `/articles/x/`.

Language: `lang` / `language` / `locale` (Jekyll-polyglot, Pelican's `Lang`, generic); else
Hugo's file-name infix (`x.fr.md`, `x/index.fr.md`); else the site's. Normalised to a BCP 47
tag (`pt_br` → `pt-BR`, see `pressroom.languages`); a value that is no language tag is a
warning, and the site's language is used. Translation group (`Article.translation_key`): Hugo's
`translationKey`, else the slug without its language suffix, so `x.md` and `x.fr.md`, or two
Pelican posts with one `Slug` and different `Lang`, are translations of each other. Pelican's
`Translation: true` gives the suffix even in the site's language.

Published: `date` / `publishDate` / `pubdate` (or a date-valued `published`); else the Jekyll
file-name date; else the upload time. `date_source` records which. Naive times and bare dates
are UTC. Modified: `modified` / `lastmod` / `updated` / `last_modified_at`.

Timing (`publishing.schedule`): the article goes on the site at `publishDate` / `pubdate` if
given, else at its own date (from the metadata or the Jekyll file name: a post dated tomorrow
waits for tomorrow; an undated one, dated by its upload, goes at once), and comes off at
`expiryDate` / `unpublishDate` (Hugo's keys).

Status: `draft` for `draft: true`, `published: false` or `status: draft`; `unlisted` for
`status: hidden` (Pelican's meaning: a page, but in no listing, feed or sitemap) or
`unlisted: true`; otherwise `published`. A hidden article is scheduled and expires like any.

Length caps. The title, summary, slug, tags and authors end up in DynamoDB items (the article
item, and one listing entry per listing, each holding the article's card), which DynamoDB limits
to 400 KB each and 4 MB per transaction, so each is bounded here, where the article is built.
What only the editor can choose is rejected with the limit named: a title over
`MAX_TITLE_CHARS`, a tag over `MAX_TAG_CHARS`, more than `MAX_TAGS` tags (ingest caps the tags
and authors that become listings further). Display text is shortened at a word boundary with
`…`: a summary over `MAX_SUMMARY_CHARS`, an author or category name over `MAX_NAME_CHARS`.
Slugs are at most `model.MAX_SLUG_CHARS`, cut at a hyphen (`slug_of`). A card is then under
11,000 characters (45 KB of UTF-8 at worst) and an article's commit well under 4 MB;
`pressroom.errors.ItemTooLarge` is left for whatever still does not fit.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Literal

from pressroom.languages import in_site_language, normalise, url_name
from pressroom.model import MAX_SLUG_CHARS, Article, Source, Status, Tag, slug_of, unique_tags
from pressroom.paths import article_path, page_key
from pressroom.readers.base import Metadata, Unreadable
from pressroom.readers.filenames import NameFacts, facts_from_name, title_from_slug
from pressroom.readers.metadata import (
    as_datetime,
    as_flag,
    as_list,
    as_text,
    first_present,
    normalise_key,
)
from pressroom.readers.migration import (
    author_profile,
    file_warnings,
    include_file,
    is_author_profile,
    section_introduction,
)
from pressroom.readers.prose import (
    first_sentence,
    plain_text,
    shorten,
    text_of,
    without_final_period,
    word_count,
)
from pressroom.readers.toc import table_of_contents
from pressroom.redirects import Aliases, collect, section_of
from pressroom.settings import Settings

MAX_TITLE_CHARS = 300  # longer: rejected (a headline, not a paragraph)
MAX_TAGS = 50  # more: rejected
MAX_TAG_CHARS = 100  # longer: rejected (a tag is a listing's name and URL)
MAX_SUMMARY_CHARS = 1_000  # longer: shortened (a listing shows a paragraph at most)
MAX_NAME_CHARS = 100  # an author or category name; longer: shortened
DERIVED_TITLE_CHARS = 70
SUMMARY_CHARS = 200
WORDS_PER_MINUTE = 230

DATE_KEYS = ("date", "publishdate", "pubdate")
MODIFIED_KEYS = ("modified", "lastmod", "updated", "lastmodifiedat")
PUBLISH_AT_KEYS = ("publishdate", "pubdate")
EXPIRY_KEYS = ("expirydate", "unpublishdate")
SUMMARY_KEYS = ("summary", "description", "excerpt")
LANGUAGE_KEYS = ("lang", "language", "locale")
REDIRECT_KEYS = ("aliases", "redirect_from", "permalink", "url")

_LEADING_H1 = re.compile(r"\A\s*<h1(?:\s[^>]*)?>(?P<inner>.*?)</h1>\s*", re.DOTALL)
_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(?P<inner>.*?)</p>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.DOTALL)
DateSource = Literal["metadata", "filename", "upload"]
_STATUS_WORDS: dict[str, Status] = {
    "published": "published",
    "draft": "draft",
    "hidden": "unlisted",
    "unlisted": "unlisted",
}


def build_article(
    source: Source, settings: Settings, body_html: str, metadata: Metadata
) -> Article:
    names = facts_from_name(source.key)
    if names.is_section:
        language = _language(metadata, names, settings.site_language)[0]
        in_site = in_site_language(language, settings.site_language)
        section = section_introduction(
            source, metadata, body_html, settings.articles_prefix, "" if in_site else language
        )
        if section.introduces.startswith("author:"):  # Hugo's profile of an author
            return replace(section, cover_ref=_photo_ref(metadata))
        return section
    if is_author_profile(source.key, settings.articles_prefix):
        return author_profile(source, metadata, body_html, _photo_ref(metadata))
    if names.is_include_file:
        return include_file(source)
    title, body_html = _title_and_body(metadata, body_html, names)
    published, date_source = _published(metadata, names, source)
    text = plain_text(body_html)
    language, language_warnings = _language(metadata, names, settings.site_language)
    base_slug = _slug(metadata, names, title)
    slug = _translated_slug(base_slug, language, settings.site_language, _is_translation(metadata))
    redirects = _redirects(metadata, source.key, settings.articles_prefix, slug)
    return Article(
        source_key=source.key,
        slug=slug,
        title=title,
        body_html=body_html,
        summary=_summary(metadata, body_html),
        published=published,
        modified=_optional_date(metadata, MODIFIED_KEYS),
        tags=_tags(metadata),
        categories=_categories(metadata),
        authors=_authors(metadata),
        related_stories=tuple(as_list(metadata.get("relatedstories"), "related stories")),
        language=language,
        translation_key=_translation_key(metadata, names, base_slug, language),
        status="draft" if names.is_draft_file else _status(metadata),
        text=text,
        reading_minutes=max(1, round(word_count(text) / WORDS_PER_MINUTE)),
        date_source=date_source,
        warnings=file_warnings(metadata, names) + language_warnings + redirects.warnings,
        toc=table_of_contents(body_html) if _wants_toc(metadata) else (),
        redirects=redirects.keys,
        publish_at=_publish_at(metadata, published, date_source),
        expires=_optional_date(metadata, EXPIRY_KEYS),
        **_cover_fields(metadata),
        summary_given=_summary_given(metadata),
    )


# Front-matter keys naming the cover image (Hugo, Jekyll themes, Pelican), in precedence order
# (keys are normalised: `featured_image` is `featuredimage`).
COVER_KEYS = ("image", "cover", "featuredimage", "featured", "images")
# Keys giving the cover's alt text beside it (`image_alt`, `imageAlt`, `cover_alt`).
COVER_ALT_KEYS = ("imagealt", "coveralt")
# Hugo's opengraph template shows the first 6 of `images`; the first is the cover.
MAX_PAGE_IMAGES = 6


def _cover_fields(metadata: Metadata) -> dict[str, Any]:
    ref, alt, more = _cover(metadata)
    return {"cover_ref": ref, "cover_alt": alt, "image_refs": more}


def _image_entry(value: Any) -> tuple[str, str]:
    """(reference, alt) of one image entry: a path, or a map as themes write it (Hugo
    `cover: {image: x.jpg, alt: ...}`, Jekyll SEO `image: {path: x.jpg, alt: ...}`)."""
    if isinstance(value, dict):
        ref = value.get("image") or value.get("src") or value.get("path") or value.get("url")
        alt = value.get("alt") or ""
        return (ref.strip() if isinstance(ref, str) else ""), (
            text_of(str(alt)) if _is_text(alt) else ""
        )
    return (value.strip() if isinstance(value, str) else ""), ""


def _is_text(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _cover(metadata: Metadata) -> tuple[str, str, tuple[str, ...]]:
    """The cover image the front matter names (unresolved; the pipeline finds the upload), its
    alt text, and the further images of an `images:` list (Hugo: the page's other `og:image`s)."""
    found = first_present(metadata, *COVER_KEYS)
    listed = metadata.get("images")
    entries = [_image_entry(item) for item in listed] if isinstance(listed, list | tuple) else []
    ref, alt = "", ""
    if found is not None:
        value = found[1]
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        ref, alt = _image_entry(value)
    explicit = first_present(metadata, *COVER_ALT_KEYS)
    if explicit is not None and _is_text(explicit[1]):
        alt = text_of(str(explicit[1]))
    more = tuple(dict.fromkeys(r for r, _ in entries if r and r != ref))
    return ref, alt, more[: MAX_PAGE_IMAGES - 1]


PHOTO_KEYS = ("photo", "avatar", "image", "picture")  # an author profile's photo


def _photo_ref(metadata: Metadata) -> str:
    """An author profile's photo (unresolved, as a cover)."""
    found = first_present(metadata, *PHOTO_KEYS)
    if found is None:
        return ""
    value = found[1]
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return _image_entry(value)[0]


# --- title and slug -------------------------------------------------------------------------


def _title_and_body(metadata: Metadata, body_html: str, names: NameFacts) -> tuple[str, str]:
    leading = _LEADING_H1.match(body_html)
    leading_text = text_of(leading["inner"]) if leading else ""
    without_leading = body_html[leading.end() :] if leading else body_html
    if (explicit := first_present(metadata, "title")) is not None:
        title = _checked_title(as_text(explicit[1], "title"))
        same = leading_text.casefold() == title.casefold()
        return title, without_leading if same else body_html
    if leading_text:
        return _checked_title(leading_text), without_leading
    if names.is_jekyll and names.slug:
        return title_from_slug(names.slug), body_html
    derived = _title_from_text(_first_paragraph_text(body_html) or text_of(body_html))
    if not derived:
        raise Unreadable(
            "The file has no article text and no title.",
            "Add the article's text (and a `title:` line) before uploading.",
        )
    return derived, body_html


def _title_from_text(text: str) -> str:
    return shorten(without_final_period(first_sentence(text)), DERIVED_TITLE_CHARS)


def _checked_title(title: str) -> str:
    if not title:
        raise Unreadable(
            "The title is empty once formatting is removed.",
            "Give the article a title made of words, e.g. `title: Our new printing press`.",
        )
    if len(title) > MAX_TITLE_CHARS:
        raise Unreadable(
            f"The title is {len(title)} characters long; the limit is {MAX_TITLE_CHARS}.",
            "Shorten the title; put the rest in the summary or the first paragraph.",
        )
    return title


def _slug(metadata: Metadata, names: NameFacts, title: str) -> str:
    if (explicit := first_present(metadata, "slug")) is not None:
        slug = slug_of(as_text(explicit[1], "slug"))
        if not slug:
            raise Unreadable(
                f"The slug {explicit[1]!r} has no letters or digits to make a web address from.",
                "Use letters, digits and hyphens, e.g. `slug: new-printing-press`.",
            )
        return slug
    slug = names.slug or slug_of(title)
    if not slug:
        raise Unreadable(
            "Neither the file name nor the title has letters or digits to make a web address.",
            "Add a `slug: words-for-the-address` line, or rename the file, e.g. `my-article.md`.",
        )
    return slug


def _redirects(metadata: Metadata, source_key: str, prefix: str, slug: str) -> Aliases:
    """Hugo's `aliases` and `url`, Jekyll's `redirect_from` and `permalink`: the article stays
    at its own page, and these paths redirect to it."""
    given = [(name, metadata.get(normalise_key(name))) for name in REDIRECT_KEYS]
    fields = [(name, value) for name, value in given if value is not None]
    return collect(fields, section_of(source_key, prefix), page_key(article_path(slug)))


# --- dates ----------------------------------------------------------------------------------


def _published(metadata: Metadata, names: NameFacts, source: Source) -> tuple[datetime, DateSource]:
    if (explicit := first_present(metadata, *DATE_KEYS)) is not None:
        return as_datetime(explicit[1], explicit[0]), "metadata"
    published = metadata.get("published")
    if isinstance(published, date):  # some exporters write `published: <date>`
        return as_datetime(published, "published"), "metadata"
    if names.date is not None:
        return names.date, "filename"
    return as_datetime(source.uploaded, "upload time"), "upload"


def _publish_at(
    metadata: Metadata, published: datetime, date_source: DateSource
) -> datetime | None:
    """When the article may go on the site: `publishDate`, else its own date; None (at once)
    for an article dated by its upload."""
    explicit = _optional_date(metadata, PUBLISH_AT_KEYS)
    if explicit is not None:
        return explicit
    return None if date_source == "upload" else published


def _optional_date(metadata: Metadata, keys: tuple[str, ...]) -> datetime | None:
    found = first_present(metadata, *keys)
    return as_datetime(found[1], found[0]) if found is not None else None


# --- lists: tags, categories, authors -------------------------------------------------------


def _tags(metadata: Metadata) -> tuple[Tag, ...]:
    names = [*as_list(metadata.get("tags"), "tags"), *as_list(metadata.get("tag"), "tag")]
    for name in names:
        if len(name) > MAX_TAG_CHARS:
            raise Unreadable(
                f"The tag {shorten(name, 60)!r} is {len(name)} characters long; "
                f"the limit is {MAX_TAG_CHARS}.",
                "Use short tags (a few words each), separated by commas or as a list.",
            )
    tags = unique_tags(names)
    if len(tags) > MAX_TAGS:
        raise Unreadable(
            f"The article has {len(tags)} different tags; the limit is {MAX_TAGS}.",
            f"Keep the {MAX_TAGS} most useful tags (a handful is usually best).",
        )
    return tags


def _categories(metadata: Metadata) -> tuple[str, ...]:
    names = [
        *as_list(metadata.get("categories"), "categories"),
        *as_list(metadata.get("category"), "category"),
    ]
    return tuple(tag.name for tag in unique_tags([shorten(n, MAX_NAME_CHARS) for n in names]))


def _authors(metadata: Metadata) -> tuple[str, ...]:
    """`authors` is a list or a `;`/`,`-separated string; a single `author` is one name. An
    author written as a table with a `name` (Hugo's `[author] name = "…"`, Jekyll's
    `author: {name: …, email: …}`) is that name."""
    names = as_list(_names_of(metadata.get("authors")), "authors", names=True)
    single = _names_of(metadata.get("author"))
    if isinstance(single, list | tuple):
        names.extend(as_list(single, "author"))
    elif single is not None:
        names.append(as_text(single, "author"))
    unique: dict[str, str] = {}
    for name in filter(None, names):
        short = shorten(name, MAX_NAME_CHARS)
        unique.setdefault(short.casefold(), short)
    return tuple(unique.values())


def _names_of(value: Any) -> Any:
    """Authors given as tables (`{name: …, email: …}`), alone or in a list, as their names."""
    if isinstance(value, dict) and "name" in value:
        return value["name"]
    if isinstance(value, list | tuple):
        return [_names_of(item) for item in value]
    return value


# --- summary, language, status --------------------------------------------------------------


def _summary(metadata: Metadata, body_html: str) -> str:
    explicit = first_present(metadata, *SUMMARY_KEYS)
    if explicit is not None and (summary := as_text(explicit[1], explicit[0])):
        return shorten(summary, MAX_SUMMARY_CHARS)
    return shorten(_first_paragraph_text(body_html), SUMMARY_CHARS)


def _summary_given(metadata: Metadata) -> bool:
    explicit = first_present(metadata, *SUMMARY_KEYS)
    return explicit is not None and bool(as_text(explicit[1], explicit[0]).strip())


def _first_paragraph_text(body_html: str) -> str:
    for paragraph in _PARAGRAPH.finditer(body_html):
        if text := text_of(_FOOTNOTE_REF.sub("", paragraph["inner"])):
            return text
    return ""


def _language(
    metadata: Metadata, names: NameFacts, site_language: str
) -> tuple[str, tuple[str, ...]]:
    """The article's language tag, and a warning when the one given is not a language tag."""
    default = normalise(site_language) or site_language
    found = first_present(metadata, *LANGUAGE_KEYS)
    if found is None:
        return names.language or default, ()
    language = normalise(as_text(found[1], found[0]))
    if language is None:
        return names.language or default, (
            f"The `{found[0]}` {shorten(str(found[1]), 40)!r} is not a language code such as "
            f"`fr` or `pt-BR`, so the article is taken to be in "
            f"`{names.language or default}`.",
        )
    return language, ()


def _is_translation(metadata: Metadata) -> bool:
    """Pelican's `Translation: true`; a value that is not a yes/no is read as no."""
    value = metadata.get("translation")
    try:
        return value is not None and as_flag(value, "translation")
    except Unreadable:
        return False


def _translated_slug(slug: str, language: str, site_language: str, translation: bool) -> str:
    """`slug-<language>` for an article in another language than the site's (or one marked as a
    translation), still at most `MAX_SLUG_CHARS` long: the slug is cut at a hyphen to fit."""
    if in_site_language(language, site_language) and not translation:
        return slug
    suffix = "-" + url_name(language)
    base = slug.removesuffix(suffix)
    room = MAX_SLUG_CHARS - len(suffix)
    cut = base if len(base) <= room else base[:room].rsplit("-", 1)[0] or base[:room]
    return cut.strip("-") + suffix


def _translation_key(metadata: Metadata, names: NameFacts, slug: str, language: str) -> str:
    """Hugo's `translationKey`; else, for a Hugo translation named `x.fr.md`, its name without
    the language (`x`: Hugo pairs it with `x.md` whatever their slugs); else the slug without a
    `-<language>` suffix it already has (Pelican pairs translations by their shared `Slug`)."""
    found = first_present(metadata, "translationkey")
    if found is not None and (key := slug_of(as_text(found[1], found[0]))):
        return key
    if names.language is not None and names.slug:
        return names.slug
    return slug.removesuffix("-" + url_name(language)) or slug


def _status(metadata: Metadata) -> Status:
    declared = _declared_status(metadata)
    if declared == "draft" or _flag(metadata, "draft") or _unpublished(metadata):
        return "draft"
    if declared == "unlisted" or _flag(metadata, "unlisted"):
        return "unlisted"
    return "published"


def _declared_status(metadata: Metadata) -> Status | None:
    found = first_present(metadata, "status")
    if found is None:
        return None
    word = as_text(found[1], "status").lower()
    if word not in _STATUS_WORDS:
        raise Unreadable(
            f"The status {found[1]!r} is not one I know.",
            "Use `status: published`, `status: draft` or `status: hidden`.",
        )
    return _STATUS_WORDS[word]


def _wants_toc(metadata: Metadata) -> bool:
    """`toc: true`, or Hugo PaperMod's `ShowToc: true`."""
    return _flag(metadata, "toc") or _flag(metadata, "showtoc")


def _flag(metadata: Metadata, key: str) -> bool:
    value = metadata.get(key)
    return value is not None and as_flag(value, key)


def _unpublished(metadata: Metadata) -> bool:
    """Jekyll's `published: false`; a date-valued `published` is a date, not a flag."""
    value = metadata.get("published")
    return value is not None and not isinstance(value, date) and not as_flag(value, "published")
