"""SVG images made safe to serve from the site's own origin.

An SVG is a document, not a picture: opened directly (or inlined) it runs its scripts and event
handlers with the site's origin, follows links, loads external resources and, in a careless XML
parser, expands entities (billion laughs) or reads local files (XXE). So an uploaded SVG is
parsed and rebuilt from an allow-list, and one that cannot be parsed safely is refused.

Why it is done this way:
- **Parsing** is `defusedxml`'s: any DTD is refused (`forbid_dtd`), so no entity is ever declared,
  expanded or fetched. A real drawing program does not need a DTD; an SVG with one is refused
  with a `Rejection` rather than repaired, because a document that declares entities is either
  very old or hostile. `nh3` (already a dependency) is an HTML sanitiser: it does not know SVG's
  namespaces, `xlink:href` or presentation attributes, so it is not used here.
- **Elements** are kept from an allow-list of SVG drawing elements (shapes, text, gradients,
  patterns, clip paths, masks, markers, filters, `use`, `image`, `a`, `style`). Everything else
  goes with its content: `script`, `foreignObject` (HTML inside SVG), `iframe`, `embed`, the
  animation elements (`set`/`animate` can rewrite an `href` to `javascript:` after sanitising),
  and elements of other namespaces (Inkscape's and Sodipodi's editor state, RDF metadata).
- **Attributes**: no event handler (`on*`), no attribute of another namespace (only `xlink:href`,
  rewritten to SVG 2's plain `href`, and `xml:space`/`xml:lang`). A link (`href`) may only point
  inside the document (`#id`) or be an inline raster image (`data:image/png|jpeg|gif|webp|avif`),
  so neither `<use>` nor `<image>` nor `<a>` can reach another file, another site or
  `javascript:`. Any attribute or `<style>` whose CSS has a `url(` that is not `url(#id)`, an
  `@import`, `image-set(`, `expression(`, `javascript:` or a CSS escape is dropped (for
  `<style>`, the whole element).
- Comments and processing instructions (`<?xml-stylesheet?>`) are not kept by the parser.
- The output is UTF-8 bytes with the SVG namespace as the default: what a browser needs, nothing
  the upload said about itself (`metadata`, editor attributes) survives.
"""

from __future__ import annotations

import re

# Only serialises (and types) the tree defusedxml parsed; nothing is parsed with it.
from xml.etree.ElementTree import Element, tostring  # nosec B405

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from pressroom.model import Rejection

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SVG_MAX_NODES = 100_000  # a drawing with more elements than this is not an article figure

_ELEMENTS = frozenset(
    (
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "switch",
        "view",
        "a",
        "image",
        "style",
        "text",
        "tspan",
        "textPath",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "marker",
        "pattern",
        "clipPath",
        "mask",
        "linearGradient",
        "radialGradient",
        "stop",
        "filter",
        "feBlend",
        "feColorMatrix",
        "feComponentTransfer",
        "feComposite",
        "feConvolveMatrix",
        "feDiffuseLighting",
        "feDisplacementMap",
        "feDistantLight",
        "feDropShadow",
        "feFlood",
        "feFuncA",
        "feFuncB",
        "feFuncG",
        "feFuncR",
        "feGaussianBlur",
        "feMerge",
        "feMergeNode",
        "feMorphology",
        "feOffset",
        "fePointLight",
        "feSpecularLighting",
        "feSpotLight",
        "feTile",
        "feTurbulence",
    )
)
_KEPT_FOREIGN_ATTRIBUTES = {f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang"}
_SAFE_HREF = re.compile(r"^(#[^\s]*|data:image/(png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/=\s]*)$")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
# CSS escapes (`\75 rl(`) could spell any of these, so a backslash is refused too.
_UNSAFE_CSS = re.compile(
    r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding|image-set\(|\\", re.I
)


def sanitize_svg(key: str, data: bytes) -> bytes | Rejection:
    """The uploaded SVG `data` rebuilt with only what is safe to serve, or a `Rejection` when it
    cannot be parsed safely (not XML, a DTD or entities, not an `<svg>` document)."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        return Rejection(
            key,
            "the SVG declares a DTD or entities, which Pressroom does not accept (they can be "
            "used to read files or exhaust memory).",
            "Export it again as plain SVG (in Inkscape: Save As → Plain SVG or Optimized SVG) "
            "and upload that.",
        )
    except (ParseError, ValueError):
        return Rejection(
            key,
            "the file is not well-formed SVG, so it cannot be checked and is not published.",
            "Export it again from the drawing program and upload that.",
        )
    if root.tag != f"{{{SVG_NS}}}svg":
        return Rejection(
            key,
            "the file is XML but not an SVG image (its root element is not `<svg>` in the SVG "
            "namespace).",
            'Export it again as SVG; the root element needs xmlns="http://www.w3.org/2000/svg".',
        )
    if sum(1 for _ in root.iter()) > SVG_MAX_NODES:
        return Rejection(
            key,
            f"the SVG has more than {SVG_MAX_NODES:,} elements, too many for an article image.",
            "Simplify the drawing, or publish it as a PNG or WebP image.",
        )
    _clean(root)
    root.set("xmlns", SVG_NS)  # every element left is SVG's: written unprefixed under it
    # bytes for any encoding but "unicode" (typeshed says Any for all of them)
    written: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return written


def _local(tag: str) -> str | None:
    """The SVG element name of an ElementTree tag, None for another namespace."""
    prefix = f"{{{SVG_NS}}}"
    return tag[len(prefix) :] if tag.startswith(prefix) else None


def _clean(element: Element) -> None:
    element.tag = _local(element.tag) or element.tag
    _clean_attributes(element)
    for child in list(element):
        name = _local(child.tag) if isinstance(child.tag, str) else None
        if name not in _ELEMENTS or (name == "style" and not _safe_css(child.text or "")):
            element.remove(child)
            continue
        child.tag = name
        _clean(child)


def _clean_attributes(element: Element) -> None:
    for attribute, value in list(element.attrib.items()):
        del element.attrib[attribute]
        name = attribute
        if attribute == f"{{{XLINK_NS}}}href":
            name = "href"
        elif attribute.startswith("{") and attribute not in _KEPT_FOREIGN_ATTRIBUTES:
            continue
        if name.lower().startswith("on"):
            continue
        if name == "href" and not _SAFE_HREF.match(value.strip()):
            continue
        if not _safe_css(value):
            continue
        element.set(name, value)


def _safe_css(text: str) -> bool:
    """Whether CSS (a `style` attribute or element, or any attribute value, which may hold a
    presentation attribute such as `fill="url(#g)"`) refers only inside the document."""
    if _UNSAFE_CSS.search(text):
        return False
    return all(target.strip().startswith("#") for _, target in _URL.findall(text))
