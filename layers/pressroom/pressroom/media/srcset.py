"""What a renderer needs to show a processed image responsively, as data.

The shape is a `<picture>`: one `<source type="image/webp">` with the WebP widths, then an
`<img>` whose `src`/`srcset` are the fallback widths, so a browser without WebP still chooses a
width. `width` and `height` are the intrinsic size of the largest rendition: browsers use their
ratio to reserve the space before the image arrives (no layout shift), and CSS scales it.
`sizes` defaults to the theme's column (full width on a phone, at most 960 CSS pixels); a
template that places images differently passes its own.

URLs are made by the caller (`url_for`), since only the publisher knows where the renditions are
written; this module stays pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pressroom.media.images import ProcessedImage, Rendition

DEFAULT_SIZES = "(max-width: 960px) 100vw, 960px"


@dataclass(frozen=True)
class Source:
    """A `<source>`: its media type and its `srcset`."""

    type: str
    srcset: str


@dataclass(frozen=True)
class Responsive:
    sources: tuple[Source, ...]
    src: str
    srcset: str
    sizes: str
    width: int
    height: int
    og_image: str
    og_width: int
    og_height: int

    def img_attributes(self, alt: str) -> dict[str, str]:
        """The `<img>` element's attributes (values unescaped: the template escapes them)."""
        return {
            "src": self.src,
            "srcset": self.srcset,
            "sizes": self.sizes,
            "width": str(self.width),
            "height": str(self.height),
            "alt": alt,
            "loading": "lazy",
            "decoding": "async",
        }


def _srcset(renditions: tuple[Rendition, ...], url_for: Callable[[Rendition], str]) -> str:
    return ", ".join(f"{url_for(r)} {r.width}w" for r in sorted(renditions, key=lambda r: r.width))


def responsive(
    image: ProcessedImage,
    url_for: Callable[[Rendition], str],
    sizes: str = DEFAULT_SIZES,
) -> Responsive:
    """The `<picture>` data for `image`; `url_for` gives each rendition's public URL."""
    largest = max(image.fallback, key=lambda r: r.width)
    return Responsive(
        sources=(Source("image/webp", _srcset(image.webp, url_for)),),
        src=url_for(largest),
        srcset=_srcset(image.fallback, url_for),
        sizes=sizes,
        width=largest.width,
        height=largest.height,
        og_image=url_for(image.og),
        og_width=image.og.width,
        og_height=image.og.height,
    )
