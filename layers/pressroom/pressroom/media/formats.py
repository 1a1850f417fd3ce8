"""Which uploads are assets, of what kind, and whether their bytes are what their names say.

An asset is published under a URL ending in its extension and served with the media type that
extension implies, so a file whose bytes are something else must not pass: a `.jpg` that is
really an HTML page or a PDF would be served as whatever the browser sniffs, and a `.png` that is
really a ZIP is a smuggled download. So the name decides the kind, the leading bytes must
confirm it, and anything else is refused with a `Rejection` that says what the bytes really are
and what to do (usually: rename it, or export it again).

Why these choices:
- The signatures come from `filetype` (pure Python, no libmagic, small enough for the layer),
  not from a table of our own. Each extension accepts the few `filetype` answers that are the
  same container: an `.m4a` may be tagged `M4A ` or plain `isom`, a `.png` may be an APNG.
- SVG is text, so no signature exists: the leading bytes must be text with an `<svg` element in
  them; `svg.sanitize_svg` then parses it properly (and refuses what it cannot parse).
- Size limits are per kind because each kind costs differently: raster images are decoded in
  the function's memory, SVG is parsed as a whole tree, documents and media are only copied.
  The defaults are editorial (a 24-megapixel camera JPEG is well under the image limit; a
  feature-length video is not a site asset) and can be passed in from settings.
- The caller needs only the first `SNIFF_BYTES` bytes and the size, so a large video can be
  classified from a ranged GET without downloading it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from enum import StrEnum

import filetype

from pressroom.model import Rejection

SNIFF_BYTES = 8192  # what `filetype` reads at most; classify() needs no more than this
MIB = 1024 * 1024


_SAID_WITH_AN = frozenset({"AVIF", "SVG", "MP3", "M4A", "Ogg", "Opus", "MP4", "M4V"})


class Kind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    AUDIO = "audio"
    VIDEO = "video"


@dataclass(frozen=True)
class AssetFormat:
    """One format an editor may upload: its name for editors, its media type, and which
    `filetype` answers (by extension) its leading bytes may give. Empty `sniffed` means text."""

    label: str
    kind: Kind
    media_type: str
    sniffed: frozenset[str]
    pillow: str | None = None  # the Pillow format name, for raster images

    @property
    def named(self) -> str:
        """The label with its article, for sentences: `an MP3 audio file`, `a PNG image`."""
        article = "an" if self.label.split()[0] in _SAID_WITH_AN else "a"
        return f"{article} {self.label}"

    @property
    def vector(self) -> bool:
        return self.media_type == "image/svg+xml"


def _format(
    label: str, kind: Kind, media_type: str, *sniffed: str, pillow: str | None = None
) -> AssetFormat:
    return AssetFormat(label, kind, media_type, frozenset(sniffed), pillow)


_JPEG = _format("JPEG image", Kind.IMAGE, "image/jpeg", "jpg", pillow="JPEG")
_MP4 = _format("MP4 video", Kind.VIDEO, "video/mp4", "mp4", "m4v")
_OGG = _format("Ogg audio", Kind.AUDIO, "audio/ogg", "ogg")
# By lower-case extension, without the dot.
FORMATS: dict[str, AssetFormat] = {
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "png": _format("PNG image", Kind.IMAGE, "image/png", "png", "apng", pillow="PNG"),
    "gif": _format("GIF image", Kind.IMAGE, "image/gif", "gif", pillow="GIF"),
    "webp": _format("WebP image", Kind.IMAGE, "image/webp", "webp", pillow="WEBP"),
    "avif": _format("AVIF image", Kind.IMAGE, "image/avif", "avif", pillow="AVIF"),
    "svg": _format("SVG image", Kind.IMAGE, "image/svg+xml"),
    "pdf": _format("PDF document", Kind.DOCUMENT, "application/pdf", "pdf"),
    "mp3": _format("MP3 audio", Kind.AUDIO, "audio/mpeg", "mp3"),
    "m4a": _format("M4A audio", Kind.AUDIO, "audio/mp4", "m4a", "mp4"),
    "ogg": _OGG,
    "oga": _OGG,
    "opus": _format("Opus audio", Kind.AUDIO, "audio/ogg", "ogg"),
    "wav": _format("WAV audio", Kind.AUDIO, "audio/wav", "wav"),
    "flac": _format("FLAC audio", Kind.AUDIO, "audio/flac", "flac"),
    "mp4": _MP4,
    "m4v": _MP4,
    "mov": _format("QuickTime video", Kind.VIDEO, "video/quicktime", "mov", "mp4"),
    "webm": _format("WebM video", Kind.VIDEO, "video/webm", "webm"),
    "ogv": _format("Ogg video", Kind.VIDEO, "video/ogg", "ogg"),
}


@dataclass(frozen=True)
class SizeLimits:
    """The largest upload accepted, in bytes, per kind (SVG separately: it is parsed whole)."""

    image: int = 40 * MIB
    svg: int = 2 * MIB
    document: int = 50 * MIB
    audio: int = 200 * MIB
    video: int = 500 * MIB

    def for_format(self, fmt: AssetFormat) -> int:
        return self.svg if fmt.vector else int(getattr(self, fmt.kind.value))


@dataclass(frozen=True)
class Asset:
    """An upload accepted as an asset: what it is and how large."""

    key: str
    extension: str  # lower case, no dot
    format: AssetFormat
    size: int

    @property
    def kind(self) -> Kind:
        return self.format.kind

    @property
    def media_type(self) -> str:
        return self.format.media_type


def _accepted_list() -> str:
    by_kind: dict[Kind, list[str]] = {}
    for extension, fmt in FORMATS.items():
        by_kind.setdefault(fmt.kind, []).append(extension)
    return "; ".join(f"{kind.value}: " + ", ".join(exts) for kind, exts in by_kind.items())


def _megabytes(size: int) -> str:
    return f"{size / MIB:.1f} MB" if size < 10 * MIB else f"{size / MIB:.0f} MB"


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:  # a character cut at the end of the head is still text
        if error.start < len(head) - 3:
            return False
    return b"\x00" not in head


def _text_head(head: bytes) -> str:
    encoding = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    return head.decode(encoding, errors="ignore")


def _describe(head: bytes) -> tuple[str, str | None]:
    """What the leading bytes are, for an editor, and the extension they should have if it is a
    format we publish."""
    guess = filetype.guess(head)
    if guess is not None:
        if guess.extension in FORMATS:  # `mp4` is an MP4 video, though an .m4a may hold one
            return FORMATS[guess.extension].named, guess.extension
        for extension, fmt in FORMATS.items():
            if guess.extension in fmt.sniffed:
                return fmt.named, extension
        return f"a {guess.extension.upper()} file ({guess.mime})", None
    if _looks_like_text(head):
        text = _text_head(head).lstrip().lower()
        if "<svg" in text:
            return "an SVG image", "svg"
        if text.startswith(("<!doctype html", "<html")):
            return "an HTML page", None
        return "text", None
    return "not a format Pressroom recognises", None


def classify(
    key: str, head: bytes, size: int, limits: SizeLimits | None = None
) -> Asset | Rejection:
    """Decide what the upload `key` is from its name, its first `SNIFF_BYTES` bytes (`head`) and
    its `size` in bytes: an `Asset`, or a `Rejection` when its extension is not an asset format,
    its bytes are not what its extension says, or it is too large for its kind."""
    limits = limits or SizeLimits()
    name = posixpath.basename(key)
    stem, dot, extension = name.rpartition(".")
    extension = extension.lower()
    if not dot or not stem:
        return Rejection(
            key,
            "the file has no extension, so Pressroom cannot tell what kind of asset it is.",
            f"Give it the extension of its format ({_accepted_list()}) and upload it again.",
        )
    fmt = FORMATS.get(extension)
    if fmt is None:
        return Rejection(
            key,
            f"`.{extension}` files are not published as assets.",
            f"Pressroom publishes {_accepted_list()}. Convert the file to one of these formats, "
            "or link to it where it is hosted.",
        )
    if size <= 0 or not head:
        return Rejection(
            key,
            f"the file is empty, so it is not {fmt.named}.",
            "Upload the file again: the upload may have been interrupted.",
        )
    if not _matches(fmt, head):
        actual, right_extension = _describe(head)
        if right_extension is not None and right_extension != extension:
            fix = (
                f"Rename it to `{stem}.{right_extension}` (and change the links to it), "
                f"or export it again as {fmt.named}."
            )
        else:
            fix = (
                f"Export it again as {fmt.named} from the program that made it; if it is "
                "already one, the file is damaged or was cut short: upload it again."
            )
        return Rejection(
            key,
            f"the file is named `.{extension}`, but its contents are {actual}, not {fmt.named}.",
            fix,
        )
    limit = limits.for_format(fmt)
    if size > limit:
        return Rejection(
            key,
            f"the file is {_megabytes(size)}; {fmt.named} may be at most {_megabytes(limit)}.",
            _too_large_fix(fmt),
        )
    return Asset(key, extension, fmt, size)


def _matches(fmt: AssetFormat, head: bytes) -> bool:
    if fmt.sniffed:
        guess = filetype.guess(head)
        return guess is not None and guess.extension in fmt.sniffed
    # SVG: text, not any binary format, with an <svg element near the start.
    if filetype.guess(head) is not None or not _looks_like_text(head):
        return False
    return "<svg" in _text_head(head).lower()


def _too_large_fix(fmt: AssetFormat) -> str:
    if fmt.vector:
        return (
            "Simplify the drawing or export it without embedded pictures and fonts (an SVG that "
            "large usually holds a raster image: upload that as a JPEG, PNG or WebP instead)."
        )
    if fmt.kind is Kind.IMAGE:
        return (
            "Export it smaller: Pressroom publishes images at most 1600 pixels wide, so a "
            "high-quality JPEG or WebP about 3000 pixels wide is plenty."
        )
    if fmt.kind is Kind.DOCUMENT:
        return "Reduce its size (most PDF tools can compress images), or split it into parts."
    return (
        "Compress it to a lower bit rate, or publish it on a media host and link to it or embed "
        "it from the article."
    )
