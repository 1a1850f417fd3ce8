"""Test inputs made on the fly with Pillow (no binary fixtures in the repository)."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from PIL import Image, ImageCms, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Secret Photographer</dc:creator>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def photo(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """Photo-like content (noise over gradients, not a flat colour, which encoders make tiny),
    with a red block in the top-left corner and a blue one in the top-right, to see rotations."""
    noise = Image.effect_noise((width, height), 48)
    across = Image.linear_gradient("L").rotate(90).resize((width, height))
    down = Image.linear_gradient("L").resize((width, height))
    image = Image.merge(
        "RGB",
        (Image.blend(noise, across, 0.6), Image.blend(noise, down, 0.6), noise),
    )
    draw = ImageDraw.Draw(image)
    block = max(4, min(width, height) // 6)
    draw.rectangle((0, 0, block, block), fill=(255, 0, 0))
    draw.rectangle((width - block - 1, 0, width - 1, block), fill=(0, 0, 255))
    return image.convert(mode) if mode != "RGB" else image


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x0131] = "Editor Software 1.0"  # Software
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    return exif


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def camera_jpeg(width: int = 2400, height: int = 1600, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: GPS and camera EXIF, an orientation, XMP naming the
    photographer, a comment and an ICC profile."""
    return encode(
        photo(width, height),
        "JPEG",
        quality=90,
        exif=exif_with_gps(orientation),
        xmp=XMP,
        comment=b"taken at home",
        icc_profile=srgb_profile(),
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width` × `height` RGB pixels in a few dozen bytes (a bomb's header;
    the one row of data it carries would not fill it)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * (1 + 3 * min(width, 1024))))
        + _chunk(b"IEND", b"")
    )


def animated_gif(width: int = 600, height: int = 300, frames: int = 6) -> bytes:
    images = [photo(width, height).quantize(64) for _ in range(frames)]
    return encode(images[0], "GIF", save_all=True, append_images=images[1:], duration=80, loop=0)


def transparent(width: int, height: int) -> Image.Image:
    """A photo fading to fully transparent from left to right (encoders keep such an alpha)."""
    image = photo(width, height, "RGBA")
    image.putalpha(Image.linear_gradient("L").rotate(90).resize((width, height)))
    return image
