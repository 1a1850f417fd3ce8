"""The one HTML allow-list. Every reader passes its body HTML through `clean_html`.

Kept: ordinary article markup (headings, paragraphs, lists, tables, code, quotes, figures,
images, links, footnotes). Dropped with their content: scripts, styles and other elements whose
text is not article text (iframes, forms' option lists, SVG/MathML). Dropped, content kept: any
other element (forms, buttons, `<font>`...). Attributes are allow-listed per tag; URLs may only
be http(s), mailto or relative, so `javascript:`, `vbscript:` and `data:` never survive, not even
in images. Classes are limited to code-language and footnote classes so that article text cannot
borrow the theme's own classes; ids must look like plain anchors (footnotes link to them).
"""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "section"),
        *("article", "aside", "header", "footer", "details", "summary"),
        *("a", "abbr", "b", "strong", "i", "em", "u", "s", "del", "ins", "mark", "small"),
        *("sub", "sup", "q", "cite", "dfn", "kbd", "samp", "var", "time", "wbr"),
        *("code", "pre", "blockquote", "figure", "figcaption", "img"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
    }
)

# Elements removed together with everything inside them (nh3 would otherwise keep their text).
DROPPED_WITH_CONTENT = frozenset(
    {
        *("script", "style", "template", "noscript", "iframe", "object", "embed", "frame"),
        *("frameset", "noframes", "noembed", "textarea", "select", "svg", "math", "title"),
    }
)

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"
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
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
_PLAIN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_:.-]{0,80}")


def _is_allowed_class(name: str) -> bool:
    return name in FOOTNOTE_CLASSES or _LANGUAGE_CLASS.fullmatch(name) is not None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 calls this for every attribute that passed the allow-list; None drops it."""
    if attribute == "class":
        kept = [name for name in value.split() if _is_allowed_class(name)]
        return " ".join(kept) or None
    if attribute == "id":
        return value if _PLAIN_ID.fullmatch(value) else None
    return value


def clean_html(html: str) -> str:
    """Sanitise article HTML from any source before it is ever marked safe (invariant 5)."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        filter_style_properties=set(ALLOWED_STYLE_PROPERTIES),
    )
    # Only table cells may keep a style, and only `text-align`: as a theme class, or not at all.
    return _ANY_STYLE.sub("", _CELL_ALIGNMENT.sub(r' class="align-\1"', cleaned))
