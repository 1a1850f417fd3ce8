"""How uploaded raster images are processed, and the fingerprint of that processing.

Separate from `images` (which needs Pillow) so that the settings object can hold it and the
pipeline can compare fingerprints without loading Pillow.

The published files of an image depend on its bytes *and* on how it was processed: the widths,
the qualities, and the code (`PROCESSING_VERSION`). Each asset record keeps the fingerprint of
the processing that made its files; a full re-render re-derives every image whose fingerprint is
not the current one, so an operator who changes a setting, or a Pressroom release that changes
the processing, gets every image made again, and an unchanged image costs nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass

# Bump when a change to `media.images` changes the files it makes for the same settings (a new
# output, another encoder option, a colour or resampling change): a rebuild then re-derives all.
PROCESSING_VERSION = 1
_SHAPING = frozenset({"widths", "og_width", "webp_quality", "jpeg_quality"})


@dataclass(frozen=True)
class ImageSettings:
    widths: tuple[int, ...] = (480, 960, 1600)
    og_width: int = 1200
    max_pixels: int = 50_000_000  # per frame, as the header declares it
    max_animation_pixels: int = 50_000_000  # width × height × frames
    max_frames: int = 500
    webp_quality: int = 80
    jpeg_quality: int = 82

    def __post_init__(self) -> None:
        if not self.widths or any(width < 16 or width > 8000 for width in self.widths):
            raise ValueError(f"image widths must be 16 to 8000 pixels, not {self.widths}")
        if not 16 <= self.og_width <= 8000:
            raise ValueError(f"the og:image width must be 16 to 8000 pixels, not {self.og_width}")
        for name in ("webp_quality", "jpeg_quality"):
            if not 1 <= getattr(self, name) <= 100:
                raise ValueError(f"{name} must be 1 to 100, not {getattr(self, name)}")

    @property
    def fingerprint(self) -> str:
        """Short and stable: the same settings and code give the same string in any process."""
        # Only what shapes the files: a changed limit decides which uploads are accepted, which
        # a rebuild re-checks for rejected ones, and must not re-derive every accepted image.
        shaping = {name: value for name, value in asdict(self).items() if name in _SHAPING}
        described = json.dumps({"version": PROCESSING_VERSION, **shaping}, sort_keys=True)
        return hashlib.sha256(described.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ImageSettings:
        """From `IMAGE_WIDTHS` (`480,960,1600`), `IMAGE_OG_WIDTH`, `IMAGE_WEBP_QUALITY`,
        `IMAGE_JPEG_QUALITY`; defaults for those not set."""

        def number(name: str, default: int) -> int:
            text = env.get(name, str(default))
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"{name} must be a whole number, not {text!r}") from None

        widths = env.get("IMAGE_WIDTHS", "").strip()
        try:
            chosen = tuple(sorted({int(w) for w in widths.split(",") if w.strip()}))
        except ValueError:
            raise ValueError(
                f"IMAGE_WIDTHS must be pixel widths separated by commas, not {widths!r}"
            ) from None
        return cls(
            widths=chosen or cls.widths,
            og_width=number("IMAGE_OG_WIDTH", cls.og_width),
            webp_quality=number("IMAGE_WEBP_QUALITY", cls.webp_quality),
            jpeg_quality=number("IMAGE_JPEG_QUALITY", cls.jpeg_quality),
        )
