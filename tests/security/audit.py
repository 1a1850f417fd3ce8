"""Find what would run in a reader's browser or feed reader: parse the outputs the way they
do (html5lib implements the WHATWG parsing algorithm, malformed markup included) and report
every executable script element, event-handler attribute, script-bearing URL, embedding
element and script-bearing CSS. No regexes over markup.

`audit(name, data)` picks the parser from the file name: HTML pages, XML (Atom, RSS, sitemaps;
the HTML they carry is audited as HTML), JSON Feed (its `content_html` and URLs), text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any
from xml.etree import ElementTree

import html5lib

# The only script elements the theme may emit: inert data blocks, and the search page's own
# script (content-hashed, from the site itself; article HTML never gets a <script> through).
DATA_SCRIPT_TYPES = frozenset({"application/ld+json"})
THEME_SCRIPT = re.compile(r"/assets/search\.[0-9a-f]{12}\.js")
# Attributes whose value a browser (or a feed reader) dereferences as a URL.
URL_ATTRIBUTES = frozenset(
    {
        *("href", "src", "action", "formaction", "data", "background", "poster", "cite"),
        *("codebase", "dynsrc", "lowsrc", "longdesc", "usemap", "manifest", "ping", "srcset"),
        *("xlink:href", "to", "from", "values", "icon", "profile", "archive", "classid"),
    }
)
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:", "mocha:")
# `data:` media types that cannot run script ("" is text/plain, as in `data:,`).
INERT_DATA_TYPES = frozenset(
    {"", "text/plain", "image/png", "image/gif", "image/jpeg", "image/webp", "image/avif"}
)
# Elements that load or embed another document or change how the page's URLs resolve.
EMBEDDING_ELEMENTS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "import"}
)
SCRIPT_CSS = ("expression(", "javascript:", "vbscript:", "-moz-binding", "behavior:")
# Browsers drop these before reading a URL's scheme (WHATWG URL parser: C0 controls and
# spaces around it, ASCII tab and newline anywhere).
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")
# Feed elements whose text readers render as HTML.
_HTML_TEXT_ELEMENTS = frozenset({"description", "encoded"})
_JSON_URL_KEYS = frozenset(
    {"url", "external_url", "image", "banner_image", "icon", "favicon", "avatar"}
)


@dataclass(frozen=True)
class Finding:
    file: str
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}: {self.detail[:160]!r}"


def audit(name: str, data: bytes) -> list[Finding]:
    text = data.decode("utf-8", errors="replace")
    if name.endswith((".html", "/")):
        return list(audit_html(name, text))
    if name.endswith(".xml"):
        return list(audit_xml(name, text))
    if name.endswith(".json"):
        return list(audit_json(name, text))
    return []


def script_scheme(url: str) -> str | None:
    """The script-running scheme of `url` as a browser reads it, or None. A `data:` URL counts
    unless its media type is inert (`data:text/html,...` and SVG documents run script; the
    theme's `data:,` favicon placeholder is empty text)."""
    compact = _IGNORED_IN_URLS.sub("", unescape(url)).lower()
    for scheme in SCRIPT_SCHEMES:
        if compact.startswith(scheme):
            return scheme
    if compact.startswith("data:"):
        media_type = re.split(r"[;,]", compact.removeprefix("data:"), maxsplit=1)[0]
        return None if media_type in INERT_DATA_TYPES else "data:"
    return None


# --- HTML -------------------------------------------------------------------------------------


def _local_name(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _attribute_name(name: str) -> str:
    """`{http://www.w3.org/1999/xlink}href` → `xlink:href`; `onclick` → `onclick`; a name
    that merely starts with `{` (`<a {#x=1>`, a Markdown `{#id}` read as markup) as it is."""
    if name.startswith("{") and "}" in name:
        namespace, local = name[1:].split("}", 1)
        return f"xlink:{local}" if namespace.endswith("/xlink") else local.lower()
    return name.lower()


def audit_html(name: str, text: str, fragment: bool = False) -> Iterator[Finding]:
    parse = html5lib.parseFragment if fragment else html5lib.parse
    root = parse(text, treebuilder="etree", namespaceHTMLElements=True)
    for element in root.iter():
        yield from _audit_element(name, element)


def _audit_element(name: str, element: Any) -> Iterator[Finding]:
    tag = _local_name(element.tag)
    attributes = {_attribute_name(key): value for key, value in element.attrib.items()}
    if tag == "script":
        kind = attributes.get("type", "").strip().lower()
        own = name.startswith("search/") and THEME_SCRIPT.fullmatch(attributes.get("src", ""))
        if own and kind == "module" and not (element.text or "").strip():
            pass
        elif kind not in DATA_SCRIPT_TYPES or "src" in attributes:
            yield Finding(name, "script element", _describe(element))
        else:
            yield from _audit_data_block(name, element.text or "")
    if tag in EMBEDDING_ELEMENTS:
        yield Finding(name, f"<{tag}> element", _describe(element))
    if tag == "meta" and attributes.get("http-equiv", "").strip().lower() == "refresh":
        yield Finding(name, "meta refresh", attributes.get("content", ""))
        refresh_url = attributes.get("content", "").lower().partition("url=")[2]
        if script_scheme(refresh_url):
            yield Finding(name, "script URL in meta refresh", attributes["content"])
    if tag == "style" and _script_css(element.text or ""):
        yield Finding(name, "script in <style>", element.text or "")
    if tag == "iframe" and "srcdoc" in attributes:
        yield from audit_html(f"{name} (srcdoc)", attributes["srcdoc"])
    for attribute, value in attributes.items():
        if attribute.startswith("on"):
            yield Finding(name, "event handler", f"<{tag} {attribute}={value!r}>")
        elif attribute in URL_ATTRIBUTES and _has_script_url(attribute, value):
            yield Finding(name, "script URL", f"<{tag} {attribute}={value!r}>")
        elif attribute == "style" and _script_css(value):
            yield Finding(name, "script in style attribute", f"<{tag} style={value!r}>")


def _has_script_url(attribute: str, value: str) -> bool:
    if attribute == "srcset":
        return any(script_scheme(part.strip()) for part in value.split(","))
    return script_scheme(value) is not None


def _script_css(css: str) -> bool:
    compact = _IGNORED_IN_URLS.sub("", unescape(css)).lower().replace("\\", "")
    return any(marker in compact for marker in SCRIPT_CSS)


def _audit_data_block(name: str, text: str) -> Iterator[Finding]:
    """A JSON-LD block must be one JSON value: anything else means text broke out of it."""
    try:
        json.loads(text)
    except ValueError as error:
        yield Finding(name, "JSON-LD block is not JSON", f"{error}: {text[:120]}")


def _describe(element: Any) -> str:
    attributes = " ".join(f"{_attribute_name(k)}={v!r}" for k, v in element.attrib.items())
    return f"<{_local_name(element.tag)} {attributes}>{(element.text or '')[:60]}"


# --- XML feeds and sitemaps -------------------------------------------------------------------


def audit_xml(name: str, text: str) -> Iterator[Finding]:
    root = ElementTree.fromstring(text.encode("utf-8"))
    for element in root.iter():
        yield from _audit_xml_element(name, element)


def _audit_xml_element(name: str, element: Any) -> Iterator[Finding]:
    tag = _local_name(element.tag)
    if tag == "script":
        yield Finding(name, "script element in XML", tag)
    for attribute, value in element.attrib.items():
        attribute = _attribute_name(attribute)
        if attribute.startswith("on"):
            yield Finding(name, "event handler in XML", f"<{tag} {attribute}={value!r}>")
        if attribute in URL_ATTRIBUTES and script_scheme(value):
            yield Finding(name, "script URL in XML", f"<{tag} {attribute}={value!r}>")
    body = element.text or ""
    if tag in ("link", "loc", "id", "uri", "url", "guid", "comments") and script_scheme(body):
        yield Finding(name, "script URL in XML", f"<{tag}>{body}")
    if body.strip() and (tag in _HTML_TEXT_ELEMENTS or element.get("type") == "html"):
        yield from audit_html(f"{name} <{tag}>", body, fragment=True)
    if element.get("type") == "xhtml":
        inner = "".join(ElementTree.tostring(child, encoding="unicode") for child in element)
        yield from audit_html(f"{name} <{tag}>", inner, fragment=True)


# --- JSON Feed --------------------------------------------------------------------------------


def audit_json(name: str, text: str) -> Iterator[Finding]:
    yield from _audit_json_value(name, json.loads(text), key="")


def _audit_json_value(name: str, value: Any, key: str) -> Iterator[Finding]:
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _audit_json_value(name, child, str(child_key))
    elif isinstance(value, list):
        for child in value:
            yield from _audit_json_value(name, child, key)
    elif isinstance(value, str):
        if key.endswith("html"):
            yield from audit_html(f"{name} {key}", value, fragment=True)
        elif (key in _JSON_URL_KEYS or key.endswith("_url")) and script_scheme(value):
            yield Finding(name, "script URL in JSON", f"{key}={value!r}")
