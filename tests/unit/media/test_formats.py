"""Classifying uploads (`media.formats.classify`): the name decides the kind, the leading bytes
must confirm it, and each kind has a size limit; every refusal is a Rejection for the editor."""

from __future__ import annotations

import struct
from io import BytesIO
from zipfile import ZipFile

import pytest

from pressroom.media import SNIFF_BYTES, Asset, Kind, SizeLimits, classify
from pressroom.model import Rejection
from tests.unit.media.generated import encode, photo

MIB = 1024 * 1024


def _ebml(doctype: bytes) -> bytes:
    return b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82" + bytes([0x80 | len(doctype)]) + doctype


def _ftyp(brand: bytes, *compatible: bytes) -> bytes:
    body = b"ftyp" + brand + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", len(body) + 4) + body + b"\x00" * 64


def _zip() -> bytes:
    buffer = BytesIO()
    with ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


PICTURE = photo(64, 48)
GENUINE = {
    "photos/harbour.jpg": (encode(PICTURE, "JPEG"), Kind.IMAGE, "image/jpeg"),
    "photos/HARBOUR.JPEG": (encode(PICTURE, "JPEG"), Kind.IMAGE, "image/jpeg"),
    "chart.png": (encode(PICTURE, "PNG"), Kind.IMAGE, "image/png"),
    "loop.gif": (encode(PICTURE, "GIF"), Kind.IMAGE, "image/gif"),
    "photo.webp": (encode(PICTURE, "WEBP"), Kind.IMAGE, "image/webp"),
    "photo.avif": (encode(PICTURE, "AVIF"), Kind.IMAGE, "image/avif"),
    "plan.svg": (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        Kind.IMAGE,
        "image/svg+xml",
    ),
    "report.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", Kind.DOCUMENT, "application/pdf"),
    "talk.mp3": (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64, Kind.AUDIO, "audio/mpeg"),
    "talk.m4a": (_ftyp(b"M4A ", b"M4A ", b"isom"), Kind.AUDIO, "audio/mp4"),
    "talk.ogg": (b"OggS\x00\x02" + b"\x00" * 64, Kind.AUDIO, "audio/ogg"),
    "clip.mp4": (_ftyp(b"isom", b"isom", b"mp41"), Kind.VIDEO, "video/mp4"),
    "clip.webm": (_ebml(b"webm") + b"\x00" * 64, Kind.VIDEO, "video/webm"),
}


@pytest.mark.parametrize("key", sorted(GENUINE))
def test_given_a_file_whose_bytes_match_its_extension_then_it_is_an_asset_of_its_kind(key):
    data, kind, media_type = GENUINE[key]
    asset = classify(key, data[:SNIFF_BYTES], len(data))
    assert isinstance(asset, Asset), asset
    assert (asset.kind, asset.media_type, asset.key) == (kind, media_type, key)
    assert asset.extension == key.rpartition(".")[2].lower()


@pytest.mark.parametrize(
    ("key", "data", "says", "rename"),
    [
        ("photo.jpg", encode(PICTURE, "PNG"), "a PNG image", "photo.png"),
        ("scan.jpg", GENUINE["report.pdf"][0], "a PDF document", "scan.pdf"),
        ("a.png", encode(PICTURE, "JPEG"), "a JPEG image", "a.jpg"),
        ("clip.mp4", GENUINE["clip.webm"][0], "a WebM video", "clip.webm"),
        ("clip.jpg", GENUINE["clip.mp4"][0], "an MP4 video", "clip.mp4"),
        ("talk.webm", GENUINE["talk.mp3"][0], "an MP3 audio", "talk.mp3"),
        ("drawing.png", GENUINE["plan.svg"][0], "an SVG image", "drawing.svg"),
    ],
)
def test_given_bytes_of_another_format_we_publish_then_it_is_rejected_with_a_rename(
    key, data, says, rename
):
    rejection = classify(key, data[:SNIFF_BYTES], len(data))
    assert isinstance(rejection, Rejection)
    assert rejection.key == key
    assert f"its contents are {says}" in rejection.reason
    assert f"Rename it to `{rename}`" in rejection.fix


@pytest.mark.parametrize(
    ("key", "data", "says"),
    [
        ("notes.png", b"These are my notes, not a picture.\n", "text"),
        ("page.jpg", b"<!DOCTYPE html><html><script>alert(1)</script>", "an HTML page"),
        ("bundle.png", _zip(), "a ZIP file (application/zip)"),
        ("chart.svg", encode(PICTURE, "PNG"), "a PNG image"),
        ("chart.svg", b"<html><body>no drawing here</body></html>", "an HTML page"),
        ("noise.jpg", bytes(range(1, 256)) * 4, "not a format Pressroom recognises"),
    ],
)
def test_given_bytes_that_are_not_the_format_named_then_it_is_rejected_saying_what_they_are(
    key, data, says
):
    rejection = classify(key, data[:SNIFF_BYTES], len(data))
    assert isinstance(rejection, Rejection)
    assert says in rejection.reason
    assert rejection.fix  # always a way forward for the editor


def test_given_an_extension_that_is_not_an_asset_format_then_the_rejection_lists_the_formats():
    for key in ("tools/setup.exe", "draft.docx", "archive.tar.gz"):
        rejection = classify(key, b"MZ\x90\x00", 4)
        assert isinstance(rejection, Rejection)
        assert "are not published as assets" in rejection.reason
        for accepted in ("jpg", "svg", "pdf", "mp3", "webm"):
            assert accepted in rejection.fix
    rejection = classify("assets/README", b"hello", 5)
    assert isinstance(rejection, Rejection) and "no extension" in rejection.reason


def test_given_an_empty_upload_then_it_is_rejected_as_interrupted():
    rejection = classify("photo.jpg", b"", 0)
    assert isinstance(rejection, Rejection) and "empty" in rejection.reason


@pytest.mark.parametrize(
    ("key", "limit"),
    [
        ("photo.jpg", SizeLimits().image),
        ("plan.svg", SizeLimits().svg),
        ("report.pdf", SizeLimits().document),
        ("talk.mp3", SizeLimits().audio),
        ("clip.webm", SizeLimits().video),
    ],
)
def test_given_a_file_over_its_kinds_limit_then_it_is_rejected_and_at_the_limit_accepted(
    key, limit
):
    name = {"photo.jpg": "photos/harbour.jpg"}.get(key, key)
    head = GENUINE[name][0][:SNIFF_BYTES]
    assert isinstance(classify(key, head, limit), Asset)
    rejection = classify(key, head, limit + 1)
    assert isinstance(rejection, Rejection)
    assert "may be at most" in rejection.reason and "MB" in rejection.reason


def test_given_custom_limits_then_they_apply_per_kind():
    limits = SizeLimits(image=1 * MIB)
    head = GENUINE["photos/harbour.jpg"][0]
    assert isinstance(classify("a.jpg", head, 2 * MIB, limits), Rejection)
    assert isinstance(classify("a.pdf", GENUINE["report.pdf"][0], 2 * MIB, limits), Asset)
