"""Raster images made safe and responsive: bombs refused, orientation applied, metadata gone,
a few widths in WebP with a fallback in the upload's own format, and an `og:image` JPEG.

Why it is done this way:

- **Decompression bombs.** A few kilobytes of PNG can declare 100,000 × 100,000 pixels. Our own
  limit (`ImageSettings.max_pixels`, 50 megapixels by default: above any camera an editor is
  likely to use, below Pillow's own `Image.MAX_IMAGE_PIXELS` of ~89 megapixels) is checked on the
  size the header declares, before a single pixel is decoded (`Image.open` reads only headers).
  `Image.MAX_IMAGE_PIXELS` is left alone: it is process-wide state that other code relies on, so
  Pillow's check stays as a second line. Its `DecompressionBombError` is caught, and its
  `DecompressionBombWarning` (which GIF frames can also raise while seeking) is made an error
  inside `warnings.catch_warnings`; both become the same `Rejection`. `catch_warnings` swaps
  the process's warning filters and is not thread-safe in Python 3.11, which is acceptable only
  because it is the second line: the header check above does not depend on it.
- **Memory.** A 24-megapixel JPEG decodes to about 96 MB (Pillow keeps RGB in 4 bytes a pixel);
  at most 1600 pixels are published, so JPEGs are decoded with `Image.draft`, which asks libjpeg
  for a 1/2, 1/4 or 1/8 scale while decoding (the smallest scale still at least as wide as the
  largest output). The decoded image is then shrunk once to the working size (the largest output
  width) with `resize(reducing_gap=…)`, which first `reduce`s by whole factors, and closed at
  once: turning, colour conversion and every output are made from that working copy, not from
  the upload's size. Every image is closed (context managers). So the peak follows the working
  size, not the camera's (`bench/media.py` measures it); PNG, WebP and AVIF have no draft mode
  and are decoded whole, which the pixel limit bounds.
- **Orientation** (`ImageOps.exif_transpose`) is applied to the pixels, because the tag that
  told browsers to rotate is removed with the rest of the metadata.
- **Metadata.** Nothing from the upload is written out: no EXIF (so no GPS, camera serial or
  capture time), no XMP, no IPTC, no comments, no text chunks. Each output is saved from an image
  whose `info` is emptied and with `exif=b""`. The ICC profile is not kept either: the pixels are
  converted to sRGB with LittleCMS (`ImageCms`) using the upload's profile, then saved untagged,
  which browsers display as sRGB. That keeps colours right (a Display P3 or Adobe RGB photo does
  not look washed out) without shipping a profile, whose description strings can identify the
  device or the editor's software, in every file. Wide-gamut colour beyond sRGB is lost; for a
  news site that is the right trade.
- **Outputs.** Widths (480, 960, 1600 by default) below the upload's width, plus the upload's
  own width when it is narrower than the largest: never upscaled. Each width in WebP (every
  current browser) and in a fallback format: JPEG stays JPEG, PNG stays PNG, GIF stays GIF; WebP
  and AVIF uploads fall back to PNG when they have transparency, otherwise to JPEG (older
  browsers cannot show AVIF, and a WebP of a WebP is not a fallback). The `og:image` is a JPEG
  1200 pixels wide (or narrower, never upscaled), transparency flattened on white, because that
  is what every link-preview crawler reads.
- **Animation** is kept: an animated GIF (or animated WebP/PNG) is published as animated WebP
  plus an animated fallback, every frame resized, because editors upload GIFs for their motion.
  Animations are bounded by frames × pixels (`max_animation_pixels`, `max_frames`): all frames of
  an output are held in memory while it is encoded, and a longer clip is a video, which the
  rejection says. Animations are not rotated (GIF has no orientation tag). The `og:image` of an
  animation is its first frame.
- **Names** are content-hashed (`names.hashed_name`) from the bytes of each output.
"""

from __future__ import annotations

import math
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

from pressroom.media.formats import FORMATS, AssetFormat
from pressroom.media.image_settings import ImageSettings
from pressroom.media.names import hashed_name
from pressroom.model import Rejection

_ORIENTATION = 0x0112
_SWAPPED = frozenset({5, 6, 7, 8})  # orientations that turn the picture a quarter
_MEDIA_TYPES = {"WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}
_EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg", "PNG": "png", "GIF": "gif"}
# What Pillow raises for data it cannot decode (truncated, corrupt, lying headers).
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error)


@dataclass(frozen=True)
class Rendition:
    """One published file: `role` is `webp`, `fallback` or `og`."""

    name: str
    role: str
    width: int
    height: int
    format: str  # Pillow's name: WEBP, JPEG, PNG, GIF
    media_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class ProcessedImage:
    """Everything published for one uploaded raster image. `width` and `height` are the
    upload's, as displayed (after orientation)."""

    key: str
    width: int
    height: int
    animated: bool
    webp: tuple[Rendition, ...]  # narrowest first
    fallback: tuple[Rendition, ...]  # the same widths, narrowest first
    og: Rendition

    @property
    def renditions(self) -> tuple[Rendition, ...]:
        return (*self.webp, *self.fallback, self.og)


def process_image(
    key: str,
    data: bytes,
    fmt: AssetFormat | None = None,
    settings: ImageSettings | None = None,
) -> ProcessedImage | Rejection:
    """Process the raster image uploaded as `key` (already accepted by `formats.classify`, whose
    format is `fmt`; by default the one its extension names)."""
    settings = settings or ImageSettings()
    fmt = fmt or FORMATS[key.rpartition(".")[2].lower()]
    if fmt.pillow is None:
        raise ValueError(f"{fmt.label} is not a raster image format")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=[fmt.pillow]) as image:
                return _process(key, image, fmt, settings)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return _too_many_pixels(key, settings)
    except _UNREADABLE:
        return Rejection(
            key,
            f"the file could not be read as {fmt.named}: it is damaged or was cut short.",
            f"Open it in an image editor, export it again as {fmt.named}, and upload that.",
        )


def _too_many_pixels(key: str, settings: ImageSettings) -> Rejection:
    return Rejection(
        key,
        "the image declares more pixels than Pressroom will decode "
        f"(at most {settings.max_pixels / 1e6:.0f} megapixels), so it is refused as a possible "
        "decompression bomb.",
        "Export it smaller (about 3000 pixels wide is plenty for the web) and upload it again.",
    )


def _process(
    key: str, image: Image.Image, fmt: AssetFormat, settings: ImageSettings
) -> ProcessedImage | Rejection:
    width, height = image.size
    if width * height > settings.max_pixels or width < 1 or height < 1:
        return _too_many_pixels(key, settings)
    if getattr(image, "is_animated", False):
        frames = int(getattr(image, "n_frames", 1))
        if frames > settings.max_frames or width * height * frames > settings.max_animation_pixels:
            return Rejection(
                key,
                f"the animation is too long or too large to publish as an image ({frames} frames "
                f"of {width} × {height} pixels).",
                "Publish it as a video instead (MP4 or WebM), or shorten it or make it smaller.",
            )
        return _animated(key, image, fmt, settings)
    orientation = image.getexif().get(_ORIENTATION, 1)
    shown_width = height if orientation in _SWAPPED else width
    largest = min(shown_width, max((*settings.widths, settings.og_width)))
    if image.format == "JPEG" and largest < shown_width:
        scale = largest / shown_width
        image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
    image.load()
    with _shrunk(image, largest, orientation in _SWAPPED) as small:
        image.close()  # frees the decoded upload now: only the working size is needed
        upright = ImageOps.exif_transpose(small)  # the EXIF came along in `info`
    try:
        base = _srgb(upright)
    finally:
        upright.close()
    with base:
        shown = (width, height) if orientation not in _SWAPPED else (height, width)
        alpha = base.mode == "RGBA"
        fallback = _fallback_format(fmt, alpha)
        webp: list[Rendition] = []
        fallbacks: list[Rendition] = []
        for target in _widths(shown[0], settings.widths):
            size = (target, _height_for(target, shown))
            with _resized(base, size) as resized:
                webp.append(_encode(key, resized, "WEBP", "webp", settings))
                fallbacks.append(_encode(key, resized, fallback, "fallback", settings))
        og_width = min(shown[0], settings.og_width)
        with _resized(base, (og_width, _height_for(og_width, shown))) as resized:
            og = _encode(key, resized, "JPEG", "og", settings)
    return ProcessedImage(key, shown[0], shown[1], False, tuple(webp), tuple(fallbacks), og)


def _shrunk(image: Image.Image, largest: int, swapped: bool) -> Image.Image:
    """A copy of the decoded `image` no wider, as shown, than `largest`: every later copy
    (turned, converted to sRGB, resized) is then of the working size, not the upload's."""
    shown_width = image.height if swapped else image.width
    if shown_width <= largest:
        return image.copy()
    scale = largest / shown_width
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _widths(width: int, wanted: tuple[int, ...]) -> list[int]:
    """The published widths for an upload `width` pixels wide: never wider than it."""
    below = sorted({w for w in wanted if w < width})
    widest = min(width, max(wanted))
    return below if widest in below else [*below, widest]


def _height_for(width: int, shown: tuple[int, int]) -> int:
    return max(1, round(shown[1] * width / shown[0]))


def _resized(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image.copy()
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info


def _srgb(image: Image.Image) -> Image.Image:
    """A new RGB or RGBA image of `image`'s pixels in sRGB (converted through its ICC profile,
    if it has one LittleCMS can use), with no metadata at all."""
    mode = "RGBA" if _has_alpha(image) else "RGB"
    profile = image.info.get("icc_profile")
    # The profile's own colour space (RGB, CMYK, grey) where the pixels are in it; palette and
    # other modes are expanded to RGB(A) first, which keeps them in the profile's space.
    pixels = image if image.mode in ("RGB", "CMYK", "L") and mode == "RGB" else image.convert(mode)
    converted: Image.Image | None = None
    if profile:
        try:
            colour = pixels.convert("RGB") if pixels.mode == "RGBA" else pixels
            converted = ImageCms.profileToProfile(
                colour,
                ImageCms.ImageCmsProfile(BytesIO(profile)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
            if converted is not None and mode == "RGBA":
                converted.putalpha(pixels.getchannel("A"))
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a broken or mismatched profile: the pixels as they are
    result = converted if converted is not None else pixels.convert(mode)
    result.info = {}
    return result


def _fallback_format(fmt: AssetFormat, alpha: bool) -> str:
    if fmt.pillow in ("JPEG", "PNG", "GIF"):
        return fmt.pillow
    return "PNG" if alpha else "JPEG"


def _flattened(image: Image.Image) -> Image.Image:
    """An RGB copy, transparency composited on white (for JPEG)."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def _encode(
    key: str, image: Image.Image, fmt: str, role: str, settings: ImageSettings
) -> Rendition:
    buffer = BytesIO()
    image.info = {}  # nothing of the upload's metadata reaches an encoder
    if fmt == "JPEG":
        with _flattened(image) as flat:
            flat.save(
                buffer,
                "JPEG",
                quality=settings.jpeg_quality,
                optimize=True,
                progressive=True,
                exif=b"",
            )
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", quality=settings.webp_quality, method=4, exif=b"")
    else:
        image.save(buffer, fmt, optimize=True)
    return _rendition(key, role, image.size, fmt, buffer.getvalue())


def _rendition(key: str, role: str, size: tuple[int, int], fmt: str, data: bytes) -> Rendition:
    variant = "og" if role == "og" else str(size[0])
    name = hashed_name(key, data, _EXTENSIONS[fmt], variant)
    return Rendition(name, role, size[0], size[1], fmt, _MEDIA_TYPES[fmt], data)


def _frames(image: Image.Image) -> Iterator[tuple[Image.Image, int]]:
    """Each frame of an animation as a metadata-free sRGB RGBA image, with its duration (ms)."""
    for frame in ImageSequence.Iterator(image):
        duration = int(frame.info.get("duration", 100) or 100)
        with frame.convert("RGBA") as rgba:
            yield _srgb(rgba), duration


def _animated(
    key: str, image: Image.Image, fmt: AssetFormat, settings: ImageSettings
) -> ProcessedImage:
    shown = image.size
    loop = int(image.info.get("loop", 0))
    widths = _widths(shown[0], settings.widths)
    sizes = [(w, _height_for(w, shown)) for w in widths]
    frames: dict[int, list[Image.Image]] = {w: [] for w in widths}
    durations: list[int] = []
    og: Rendition | None = None
    try:
        for frame, duration in _frames(image):
            with frame:
                durations.append(duration)
                if og is None:
                    og_width = min(shown[0], settings.og_width)
                    with _resized(frame, (og_width, _height_for(og_width, shown))) as first:
                        og = _encode(key, first, "JPEG", "og", settings)
                for size in sizes:
                    frames[size[0]].append(_resized(frame, size))
        fallback = "GIF" if fmt.pillow in ("GIF", "WEBP", "AVIF") else "PNG"
        webp: list[Rendition] = []
        fallbacks: list[Rendition] = []
        for size in sizes:
            sequence = frames[size[0]]
            for out, target, role in ((webp, "WEBP", "webp"), (fallbacks, fallback, "fallback")):
                buffer = BytesIO()
                options = {"quality": settings.webp_quality} if target == "WEBP" else {}
                sequence[0].save(
                    buffer,
                    target,
                    save_all=True,
                    append_images=sequence[1:],
                    duration=durations,
                    loop=loop,
                    **options,
                )
                out.append(_rendition(key, role, size, target, buffer.getvalue()))
    finally:
        for sequence in frames.values():
            for frame in sequence:
                frame.close()
    assert og is not None  # an animation has at least one frame
    return ProcessedImage(key, shown[0], shown[1], True, tuple(webp), tuple(fallbacks), og)
