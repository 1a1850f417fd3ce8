"""Images and media as first-class assets (issue 17): the pure core, no I/O.

Every function here takes bytes and names and returns values (or a `Rejection` for the editor);
nothing reads or writes S3 or DynamoDB, so the ingest pipeline calls it from its adapters and the
tests call it directly.

- `formats`: which uploads are assets at all, what kind each is, and whether its bytes are what
  its name says (`classify`).
- `images`: raster images made safe and responsive (`process_image`).
- `svg`: vector images made safe (`sanitize_svg`).
- `names`: content-hashed file names, so every output can be cached as `immutable`.
- `srcset`: what a renderer needs to show a processed image responsively (`responsive`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pressroom.media.formats import (
        FORMATS,
        SNIFF_BYTES,
        Asset,
        AssetFormat,
        Kind,
        SizeLimits,
        classify,
    )
    from pressroom.media.image_settings import ImageSettings
    from pressroom.media.images import ProcessedImage, Rendition, process_image
    from pressroom.media.names import hashed_name
    from pressroom.media.srcset import Responsive, Source, responsive
    from pressroom.media.svg import SVG_MAX_NODES, sanitize_svg

# Each name's module, imported when the name is first used: Pillow (~100 ms) is loaded only by
# code that processes or shows an image, not by every function that imports the package (an
# article's ingest only asks `formats` whether a key is an asset).
_MODULES = {
    **dict.fromkeys(
        ("FORMATS", "SNIFF_BYTES", "Asset", "AssetFormat", "Kind", "SizeLimits", "classify"),
        "formats",
    ),
    "ImageSettings": "image_settings",
    **dict.fromkeys(("ProcessedImage", "Rendition", "process_image"), "images"),
    "hashed_name": "names",
    **dict.fromkeys(("Responsive", "Source", "responsive"), "srcset"),
    **dict.fromkeys(("SVG_MAX_NODES", "sanitize_svg"), "svg"),
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)


__all__ = [
    "FORMATS",
    "SNIFF_BYTES",
    "SVG_MAX_NODES",
    "Asset",
    "AssetFormat",
    "ImageSettings",
    "Kind",
    "ProcessedImage",
    "Rendition",
    "Responsive",
    "SizeLimits",
    "Source",
    "classify",
    "hashed_name",
    "process_image",
    "responsive",
    "sanitize_svg",
]
