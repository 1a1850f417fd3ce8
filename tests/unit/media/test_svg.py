"""SVG (`media.svg.sanitize_svg`): scripts, handlers, external references and entity tricks
removed or refused; the drawing itself kept."""

from __future__ import annotations

import defusedxml.ElementTree as SafeET
import pytest

from pressroom.media import sanitize_svg
from pressroom.model import Rejection

SVG = "http://www.w3.org/2000/svg"
PNG_DATA = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGAAAAAE"
    "AAH2FzhVAAAAAElFTkSuQmCC"
)

HOSTILE = f"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet href="https://evil.example/x.css"?>
<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     viewBox="0 0 100 50" width="100" height="50" onload="alert('load')"
     inkscape:version="1.3 (secret build)">
  <!-- drawn by someone -->
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">who</rdf:RDF></metadata>
  <script type="text/javascript">alert('script')</script>
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#f00"/><stop offset="1"/></linearGradient>
    <style>rect {{ stroke: blue }}</style>
  </defs>
  <style>@import url(https://evil.example/import.css);</style>
  <style>circle {{ fill: url(https://evil.example/track.png) }}</style>
  <rect id="r" width="10" height="10" fill="url(#g)" onclick="alert('click')" onmouseover="x()"/>
  <rect width="5" height="5" style="fill: url('https://evil.example/pixel.gif')"/>
  <rect width="6" height="6" style="fill: \\75 rl(https://evil.example/escaped.gif)"/>
  <a xlink:href="javascript:alert('a')"><text x="1" y="20">link</text></a>
  <a href=" JaVaScRiPt:alert('b')"><circle r="3"/></a>
  <use xlink:href="#r" x="20"/>
  <use href="https://evil.example/sprites.svg#icon"/>
  <use xlink:href="sprites.svg#icon"/>
  <image href="{PNG_DATA}" width="1" height="1"/>
  <image xlink:href="https://evil.example/beacon.png" width="1" height="1"/>
  <image href="data:image/svg+xml;base64,PHN2Zy8+" width="1" height="1"/>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">
    <iframe src="https://evil.example/"/></div></foreignObject>
  <set attributeName="href" to="javascript:alert('set')"/>
  <animate attributeName="href" values="javascript:alert('animate')"/>
  <text x="1" y="40" xml:space="preserve">Caption  kept</text>
</svg>
"""


@pytest.fixture(scope="module")
def cleaned() -> bytes:
    result = sanitize_svg("figures/chart.svg", HOSTILE.encode())
    assert isinstance(result, bytes), result
    return result


def test_given_a_hostile_svg_then_nothing_active_or_external_survives(cleaned):
    text = cleaned.decode().lower()
    for gone in (
        "script",
        "javascript",
        "onload",
        "onclick",
        "onmouseover",
        "evil.example",
        "sprites.svg",
        "foreignobject",
        "iframe",
        "<set",
        "<animate",
        "@import",
        "data:image/svg+xml",
        "metadata",
        "inkscape",
        "secret build",
        "drawn by someone",
        "xml-stylesheet",
        "\\75",
    ):
        assert gone not in text, gone


def test_given_a_hostile_svg_then_the_drawing_itself_is_kept(cleaned):
    root = SafeET.fromstring(cleaned)
    assert root.tag == f"{{{SVG}}}svg"
    assert root.attrib == {"viewBox": "0 0 100 50", "width": "100", "height": "50"}
    tags = [element.tag.removeprefix(f"{{{SVG}}}") for element in root.iter()]
    assert tags.count("rect") == 3 and tags.count("stop") == 2 and tags.count("use") == 3
    rect = root.find(f"{{{SVG}}}rect")
    assert rect is not None and rect.attrib == {
        "id": "r",
        "width": "10",
        "height": "10",
        "fill": "url(#g)",
    }
    hrefs = [element.get("href") for element in root.iter() if element.get("href")]
    assert hrefs == ["#r", PNG_DATA]  # in-document and inline raster links only
    styles = [element.text for element in root.iter(f"{{{SVG}}}style")]
    assert styles == ["rect { stroke: blue }"]
    texts = [element.text for element in root.iter(f"{{{SVG}}}text")]
    assert texts == ["link", "Caption  kept"]


@pytest.mark.parametrize(
    "data",
    [
        # XXE: an external entity reading a local file.
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        # Billion laughs.
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>',
        # Any DTD at all, even an external one that declares nothing here.
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_given_a_dtd_or_entities_then_the_svg_is_refused(data):
    rejection = sanitize_svg("x.svg", data)
    assert isinstance(rejection, Rejection)
    assert "DTD or entities" in rejection.reason and "Plain SVG" in rejection.fix


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "not well-formed"),
        (b"\x89PNG\r\n\x1a\n", "not well-formed"),
        (b"<svg><rect/></svg>", "not an SVG image"),  # no namespace: a browser shows no image
        (b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "not an SVG image"),
    ],
)
def test_given_something_that_is_not_svg_then_it_is_refused(data, says):
    rejection = sanitize_svg("x.svg", data)
    assert isinstance(rejection, Rejection) and says in rejection.reason


def test_given_a_clean_svg_then_sanitising_is_stable():
    once = sanitize_svg("a.svg", HOSTILE.encode())
    assert isinstance(once, bytes)
    assert sanitize_svg("a.svg", once) == once
