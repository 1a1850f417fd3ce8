"""Idioms of the tools people migrate from, applied around a reader's own rendering.

* `before_markdown`: Jekyll's Liquid (`jekyll_liquid`, sandboxed) or else Hugo shortcodes
  (`hugo_shortcodes`) in a Markdown body; `liquid_in_html`: the Liquid of an HTML post with
  front matter;
* `section_introduction`, `file_warnings`: Hugo's `_index.md` (a listing's introduction, never
  an article) and Jekyll's `_drafts/` (drafts, with a note);
* `after_render`: Pelican's `{filename}`-style links (`pelican_links`) in the rendered HTML, and
  the manual summary divider — Hugo's `<!--more-->`, or the front matter's
  `excerpt_separator` (Jekyll) — whose text before it becomes the summary unless the front
  matter has a `summary`/`description`/`excerpt`.

What needs the editor's attention (an unknown shortcode, a link that leads nowhere) is added to
`metadata[WARNINGS]`, which `article.build_article` turns into `Article.warnings`. Both steps
run before the sanitiser; only Jekyll's Liquid is evaluated, in python-liquid's sandbox.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from pressroom.languages import url_name
from pressroom.model import Article, Source, slug_of
from pressroom.readers.base import WARNINGS, Metadata, Unreadable
from pressroom.readers.filenames import NameFacts, stem_of
from pressroom.readers.hugo_shortcodes import expand_shortcodes, segments
from pressroom.readers.jekyll_liquid import render_liquid, uses_liquid
from pressroom.readers.pelican_links import bracket_spaced_links, resolve_links
from pressroom.readers.prose import text_of

SUMMARY_DIVIDER = "<!--more-->"
MAX_INTRODUCTION_CHARS = 50_000  # it is kept in one table item, shown above a listing
_EXPLICIT_SUMMARY_KEYS = ("summary", "description", "excerpt")


def before_markdown(body: str, metadata: Metadata) -> str:
    expanded = body
    # Liquid and shortcodes both open with a brace, links to rewrite with `](`: most bodies
    # have neither, and are not cut into code and prose at all.
    if "{" in body:
        if uses_liquid(body):  # Jekyll: Liquid, in its sandbox, instead of Hugo's shortcodes
            expanded, warnings = render_liquid(body, metadata, page_url=_page_url(metadata))
        else:
            expanded, warnings = expand_shortcodes(body, metadata)
        _warn(metadata, warnings)
    if "](" not in expanded:
        return expanded
    return "".join(
        piece if is_code else bracket_spaced_links(piece) for is_code, piece in segments(expanded)
    )


def liquid_in_html(body: str, front_matter: Metadata) -> str:
    """Jekyll renders the Liquid of every file with front matter, HTML posts included."""
    if not front_matter or not uses_liquid(body):
        return body
    expanded, warnings = render_liquid(body, front_matter, page_url=_page_url(front_matter))
    _warn(front_matter, warnings)
    return expanded


def _page_url(metadata: Metadata) -> str:
    slug = metadata.get("slug")
    return f"/articles/{slug_of(slug)}/" if isinstance(slug, str) and slug_of(slug) else ""


def after_render(html: str, metadata: Metadata) -> str:
    resolved, warnings = resolve_links(html)
    _warn(metadata, warnings)
    return _manual_summary(resolved, metadata)


def _manual_summary(html: str, metadata: Metadata) -> str:
    separator = metadata.get("excerptseparator")
    divider = separator if isinstance(separator, str) and separator.strip() else SUMMARY_DIVIDER
    found = html.find(divider)
    if found == -1 and divider != (escaped := escape(divider, quote=False)):
        divider, found = escaped, html.find(escaped)
    if found == -1:
        return html
    explicit = any(metadata.get(key) for key in _EXPLICIT_SUMMARY_KEYS)
    if not explicit and (summary := text_of(html[:found])):
        metadata["summary"] = summary
    return html[:found] + html[found + len(divider) :]


def _warn(metadata: Metadata, warnings: list[str]) -> None:
    if warnings:
        metadata.setdefault(WARNINGS, []).extend(warnings)


# --- what the file's place says: Hugo section files, Jekyll drafts --------------------------


def file_warnings(metadata: Metadata, names: NameFacts) -> tuple[str, ...]:
    """The reader's warnings, and the note a Jekyll draft gets."""
    notes = list(metadata.get(WARNINGS, ()))
    if names.is_draft_file:
        notes.append("The file is in a `_drafts/` folder: a Jekyll draft, so it is not published.")
    return tuple(notes)


def include_file(source: Source) -> Article:
    """A file under Jekyll's `_includes/` is what `{% include %}` reads, not an article."""
    return _unpublished(
        source,
        slug_of(f"jekyll include {stem_of(source.key)}") or "jekyll-include",
        source.filename,
        f"`{source.filename}` is in a Jekyll `_includes/` folder: it is what "
        "`{% include %}` reads, not an article, so it is not published.",
    )


def section_introduction(
    source: Source, metadata: Metadata, body_html: str, prefix: str, translation: str = ""
) -> Article:
    """Hugo's `_index.md` introduces a listing, it is not an article: the one at the root
    introduces the home page (`_index.fr.md`, or one in another language than the site's, that
    language's listing: `translation`), `tags/<x>/_index.md`, `categories/<x>/_index.md` and
    `authors/<x>/_index.md` their tag, category and author pages. Other sections have no
    listing here; their introduction is kept with a note."""
    title = metadata.get("title")
    folders = source.key.removeprefix(prefix).split("/")[:-1]
    folder = stem_of(source.key)
    article = _unpublished(
        source,
        slug_of(f"section {folder}") or "section",
        text_of(title) if isinstance(title, str) and text_of(title) else folder,
        f"`{source.filename}` introduces the `{folder}` section, which has no listing here "
        "(home, tags, categories and authors have one): it is not shown.",
    )
    introduces = _introduced_listing(folders, translation)
    if not introduces:
        return article
    if len(body_html) > MAX_INTRODUCTION_CHARS:
        raise Unreadable(
            f"The introduction is {len(body_html):,} characters of HTML; the limit is "
            f"{MAX_INTRODUCTION_CHARS:,}.",
            "Shorten it: an introduction is a few paragraphs above the list of articles.",
        )
    return replace(article, body_html=body_html, introduces=introduces, warnings=())


AUTHORS_FOLDER = "authors"


def is_author_profile(key: str, prefix: str) -> bool:
    """`authors/<name>.md` is an author's profile (as Hugo's `authors/<name>/_index.md` is),
    not an article: right under the articles prefix, or in a site's tree uploaded whole
    (`content/authors/<name>.md`)."""
    parts = key.removeprefix(prefix).split("/")
    return len(parts) >= 2 and parts[-2] == AUTHORS_FOLDER and bool(slug_of(stem_of(key)))


def author_profile(source: Source, metadata: Metadata, body_html: str, photo: str) -> Article:
    """An author's profile: the introduction of their author page (`author:<slug>`), a short
    bio (the body, else the front matter's `bio`) and a photo (`photo`), which the pipeline
    resolves to an uploaded image as it does an article's cover."""
    slug = slug_of(stem_of(source.key))
    name = next(
        (
            text_of(value)
            for key in ("name", "title")
            if isinstance(value := metadata.get(key), str)
        ),
        "",
    )
    bio = metadata.get("bio")
    if not text_of(body_html) and isinstance(bio, str) and bio.strip():
        body_html = "".join(
            f"<p>{escape(part.strip())}</p>" for part in bio.split("\n\n") if part.strip()
        )
    if len(body_html) > MAX_INTRODUCTION_CHARS:
        raise Unreadable(
            f"The profile is {len(body_html):,} characters of HTML; the limit is "
            f"{MAX_INTRODUCTION_CHARS:,}.",
            "Shorten it: a profile is a short bio above the author's articles.",
        )
    article = _unpublished(source, slug_of(f"author profile {slug}"), name or slug, "")
    return replace(
        article, body_html=body_html, introduces=f"author:{slug}", warnings=(), cover_ref=photo
    )


def _introduced_listing(folders: list[str], translation: str) -> str:
    """`home`, `language:<tag>`, `tag:<slug>`, `author:<slug>` (as
    `publishing.catalog.ListingId` spells them)."""
    if not folders:
        return f"language:{url_name(translation)}" if translation else "home"
    kinds = {"tags": "tag", "categories": "category", "authors": "author"}
    if len(folders) == 2 and folders[0] in kinds and slug_of(folders[1]):
        return f"{kinds[folders[0]]}:{slug_of(folders[1])}"
    return ""


def _unpublished(source: Source, slug: str, title: str, note: str) -> Article:
    """A file that is not an article, kept as a draft (nothing published, nothing rejected)
    with a note saying why."""
    return Article(
        source_key=source.key,
        slug=slug,
        title=title,
        body_html="",
        summary="",
        published=source.uploaded,
        status="draft",
        date_source="upload",
        warnings=(note,),
    )
