"""The one HTML allow-list. Every reader passes its body HTML through `clean_html`.

Kept: ordinary article markup (headings, paragraphs, lists, tables, code, quotes, figures,
images, links, footnotes) and MathML Core (presentation elements and their layout attributes:
no `href`, no `style`, no `<annotation-xml>`, no `<maction>`). Dropped with their content:
scripts, styles and other elements whose text is not article text (objects, forms' option lists,
SVG). Kept: `<video>`/`<audio>` (the pipeline points them at uploaded files) and `<iframe>`
embeds from `EMBED_PROVIDERS` only, sandboxed. What is removed is reported
(`reporting_removals`). Dropped, content kept: any other element (forms, buttons, `<font>`...).
Attributes are allow-listed per tag; URLs may only be http(s), mailto or relative, so `javascript:`,
`vbscript:` and `data:` never survive, not even in images. A link to another site gets
`rel="noopener noreferrer"`; links within the page (footnotes, heading anchors), relative links
and absolute links to the site's own host (`linking_from`) get no `rel` (an editor's is
dropped). Classes are limited to the ones the readers generate (code language and Pygments
token classes, footnotes, heading anchors, math) so that article text cannot borrow the theme's
own classes. Ids must be plain (letters, marks, digits, `_-.:`), are unique in the page (a
repeated id is dropped) and never one of the theme's own (`THEME_IDS`), so an article cannot
clobber the page's landmarks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

import nh3
from pygments.token import STANDARD_TYPES

ALLOWED_TAGS = frozenset(
    {
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "section"),
        *("article", "aside", "header", "footer", "details", "summary"),
        *("a", "abbr", "b", "strong", "i", "em", "u", "s", "del", "ins", "mark", "small"),
        *("sub", "sup", "q", "cite", "dfn", "kbd", "samp", "var", "time", "wbr"),
        *("code", "pre", "blockquote", "figure", "figcaption", "img"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
        # Media of uploaded files and embeds from `EMBED_PROVIDERS` (others lose their `src`
        # here and are then removed, see `clean_html`).
        *("video", "audio", "source", "track", "iframe", "picture"),
    }
)
# MathML Core's presentation elements (and `menclose`, which latex2mathml writes for `\boxed`).
MATHML_TAGS = frozenset(
    {
        *("math", "mrow", "mi", "mn", "mo", "mtext", "ms", "mspace", "mfrac", "msqrt", "mroot"),
        *("msub", "msup", "msubsup", "munder", "mover", "munderover", "mmultiscripts"),
        *("mprescripts", "none", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom"),
        *("merror", "menclose", "semantics", "annotation"),
    }
)

# Elements removed together with everything inside them (nh3 would otherwise keep their text).
DROPPED_WITH_CONTENT = frozenset(
    {
        *("script", "style", "template", "noscript", "object", "embed", "frame"),
        *("frameset", "noframes", "noembed", "textarea", "select", "svg", "title"),
        *("annotation-xml", "maction"),
    }
)

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "aria-label"},
    "img": {"src", "alt", "width", "height", "loading"},
    "video": {"src", "poster", "controls", "width", "height", "preload", "loop", "muted"}
    | {"playsinline"},
    "audio": {"src", "controls", "preload", "loop"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "iframe": {"src", "title", "width", "height", "allow", "allowfullscreen"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    # MathML: layout only.
    "math": {"display", "displaystyle", "scriptlevel", "mathvariant", "mathcolor"},
    "mi": {"mathvariant", "mathcolor"},
    "mn": {"mathvariant", "mathcolor"},
    "mtext": {"mathvariant", "mathcolor"},
    "ms": {"mathvariant", "mathcolor"},
    "mo": {"form", "fence", "separator", "lspace", "rspace", "stretchy", "symmetric"}
    | {"largeop", "movablelimits", "accent", "minsize", "maxsize", "mathvariant", "mathcolor"},
    "mrow": {"mathcolor"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant", "mathcolor", "mathsize"},
    "mfrac": {"linethickness"},
    "mspace": {"width", "height", "depth"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "munderover": {"accent", "accentunder"},
    "mtable": {"columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines"}
    | {"rowlines", "frame", "displaystyle"},
    "mtr": {"columnalign", "rowalign"},
    "mtd": {"columnspan", "rowspan", "columnalign", "rowalign"},
    "menclose": {"notation"},
    "annotation": {"encoding"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"  # on links to other sites only
# A start tag as html5ever serialises it: attribute values double-quoted, `"` escaped inside.
_LINK_TAG = re.compile(r'<a((?:\s+[^\s=>]+(?:="[^"]*")?)*)>')
_HREF = re.compile(r'\shref="([^"]*)"')
# Table cells keep their alignment (Markdown tables write it as an inline style), nothing else;
# it then becomes a class, because the CDN's Content-Security-Policy (`style-src 'self'`) ignores
# inline styles.
ALLOWED_STYLE_PROPERTIES = frozenset({"text-align"})
_CELL_ALIGNMENT = re.compile(r' style="text-align:\s*(left|center|right);?"')
_ANY_STYLE = re.compile(r' style="[^"]*"')

FOOTNOTE_CLASSES = frozenset(
    {"footnote-ref", "footnotes-sep", "footnotes", "footnotes-list", "footnote-item"}
    | {"footnote-backref", "footnote"}
)
# What `markdown_extensions` writes: heading anchors, Pygments' token classes inside
# `pre.highlight` (the theme scopes their colours to it), and math shown as TeX source.
GENERATED_CLASSES = frozenset(
    {"heading-anchor", "highlight", "math-display", "math-source"}
    | {name for name in STANDARD_TYPES.values() if name}
)
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
MAX_ID_CHARS = 80
_ID_PUNCTUATION = frozenset("_-.:")
# The ids of the theme's templates (a test keeps this in step with them).
THEME_IDS = frozenset(
    {
        *("content", "toc-heading", "related-heading", "stories-heading"),
        # the search box in every page's header and the search page
        *("site-search-q", "search-query", "search-status", "search-results"),
    }
)
_COLOUR = re.compile(r"#[0-9A-Fa-f]{3,8}|[A-Za-z]{1,30}")
FOOTNOTE_ID = re.compile(r"fn(?:ref)?[0-9]+(?::[0-9]+)?")


def is_safe_id(value: str) -> bool:
    """Letters, marks and digits of any script and `_-.:`, at most `MAX_ID_CHARS`."""
    return 0 < len(value) <= MAX_ID_CHARS and all(
        char in _ID_PUNCTUATION or unicodedata.category(char)[0] in "LMN" for char in value
    )


def _is_allowed_class(name: str) -> bool:
    return (
        name in FOOTNOTE_CLASSES
        or name in GENERATED_CLASSES
        or _LANGUAGE_CLASS.fullmatch(name) is not None
    )


# Embeds kept: the privacy-enhanced YouTube player and Vimeo's, over HTTPS (the CDN's
# Content-Security-Policy `frame-src` names the same hosts).
EMBED_PROVIDERS = {
    "www.youtube-nocookie.com": "/embed/",
    "player.vimeo.com": "/video/",
}
_EMBED_URL = re.compile(r"https://([^/?#]+)(/[^?#]*)")
# Embeds are sandboxed, lazy and send no referrer, whatever the article wrote.
_IFRAME_ATTRIBUTES = {
    "sandbox": "allow-scripts allow-same-origin allow-presentation allow-popups",
    "loading": "lazy",
    "referrerpolicy": "no-referrer",
}
_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.DOTALL)
_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:-]*)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IFRAME_SRC = re.compile(r"<iframe\b[^>]*?\ssrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)


def is_allowed_embed(url: str) -> bool:
    match = _EMBED_URL.fullmatch(url.split("?")[0].split("#")[0])
    if match is None:
        return False
    return match[2].startswith(EMBED_PROVIDERS.get(match[1].lower(), "\0"))


def removed_by_cleaning(html: str) -> list[str]:
    """What `clean_html` removes that an editor wrote on purpose, for a warning: elements it
    does not keep (by name, counted) and embeds from providers it does not allow (by host)."""
    kept = ALLOWED_TAGS | MATHML_TAGS
    counts: dict[str, int] = {}
    for name in _START_TAG.findall(_COMMENT.sub("", html)):
        name = name.lower()
        if name not in kept:
            counts[f"<{name}>"] = counts.get(f"<{name}>", 0) + 1
    for url in _IFRAME_SRC.findall(html):
        if not is_allowed_embed(url):
            host = _EMBED_URL.match(url)
            key = f"an embed from {host[1] if host else url[:60]}"
            counts[key] = counts.get(key, 0) + 1
    return [what if n == 1 else f"{what} ({n}×)" for what, n in counts.items()]


class _AttributeFilter:
    """nh3 calls this for every attribute that passed the allow-list, in document order; None
    drops it. One per document, since ids must be unique in it."""

    def __init__(self) -> None:
        self.ids: set[str] = set(THEME_IDS)

    def __call__(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute == "class":
            kept = [name for name in value.split() if _is_allowed_class(name)]
            return " ".join(kept) or None
        if attribute == "id":
            if not is_safe_id(value) or value in self.ids:
                return None
            self.ids.add(value)
        if attribute == "mathcolor" and not _COLOUR.fullmatch(value):
            return None
        if tag == "iframe" and attribute == "src" and not is_allowed_embed(value):
            return None
        return value


def clean_html(html: str) -> str:
    """Sanitise article HTML from any source before it is ever marked safe (invariant 5)."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS | MATHML_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_AttributeFilter(),
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        filter_style_properties=set(ALLOWED_STYLE_PROPERTIES),
        set_tag_attribute_values={"iframe": dict(_IFRAME_ATTRIBUTES)},
    )
    # An iframe whose source is not an allowed provider has lost its `src`: remove it.
    cleaned = _EMPTY_IFRAME.sub("", cleaned)
    if (removed := _REMOVED.get()) is not None:
        removed.extend(removed_by_cleaning(html))
    cleaned = _LINK_TAG.sub(_with_rel, cleaned)
    # Only table cells may keep a style, and only `text-align`: as a theme class, or not at all.
    return _ANY_STYLE.sub("", _CELL_ALIGNMENT.sub(r' class="align-\1"', cleaned))


def _with_rel(tag: re.Match[str]) -> str:
    href = _HREF.search(tag[1])
    if href is None or not is_external(href[1].replace("&amp;", "&")):
        return tag[0]
    return f'<a{tag[1]} rel="{LINK_REL}">'


def is_external(href: str) -> bool:
    """Whether a link leads to another site: an absolute or scheme-relative http(s) URL whose
    host is not the site's own (`linking_from`; with no site known, any host is another)."""
    try:
        parts = urlsplit(href.strip())
        host = parts.hostname
    except ValueError:  # a malformed URL (a bad port, brackets): treat it as leaving
        return True
    if parts.scheme.lower() not in ("http", "https", "") or not parts.netloc:
        return False
    return host is None or host != _SITE_HOST.get()


_SITE_HOST: ContextVar[str | None] = ContextVar("site_host", default=None)


@contextmanager
def linking_from(site_url: str) -> Iterator[None]:
    """Links to `site_url`'s host cleaned inside this block are the site's own (no `rel`)."""
    token = _SITE_HOST.set(urlsplit(site_url).hostname if site_url else None)
    try:
        yield
    finally:
        _SITE_HOST.reset(token)


_REMOVED: ContextVar[list[str] | None] = ContextVar("removed_by_cleaning", default=None)


@contextmanager
def reporting_removals() -> Iterator[list[str]]:
    """Collect what `clean_html` removes from the HTML it cleans inside this block."""
    found: list[str] = []
    token = _REMOVED.set(found)
    try:
        yield found
    finally:
        _REMOVED.reset(token)
