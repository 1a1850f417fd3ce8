"""Bytes → text, refusing what is not an article: too large, empty, binary, not UTF-8."""

from __future__ import annotations

from pressroom.readers.base import Unreadable

# Signatures of files editors upload by mistake (images, PDFs, Office documents, archives).
_BINARY_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a Word/Pages document, which is one)",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Microsoft Office document",
    b"\x1f\x8b": "a gzip archive",
    b"{\\rtf": "an RTF document",
    b"\xff\xfe": "UTF-16 text",
    b"\xfe\xff": "UTF-16 text",
}
_UTF8_BOM = b"\xef\xbb\xbf"
_SAVE_AS_UTF8 = "Save or export the file as UTF-8 plain text (Markdown, .txt or .html)."


def decode_text(body: bytes, max_bytes: int) -> str:
    """The file's text with `\\n` line endings and no BOM, or `Unreadable`."""
    if len(body) > max_bytes:
        raise Unreadable(
            f"The file is {len(body):,} bytes; the limit is {max_bytes:,} bytes.",
            "Split the article, or move images and attachments out of the text file.",
        )
    _refuse_binary(body)
    text = _utf8(body)
    if not text.strip():
        raise Unreadable("The file is empty.", "Upload the file again with the article's text.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _refuse_binary(body: bytes) -> None:
    for magic, kind in _BINARY_MAGIC.items():
        if body.startswith(magic):
            raise Unreadable(f"The file is {kind}, not UTF-8 text.", _SAVE_AS_UTF8)
    nul_at = body.find(b"\x00")
    if nul_at >= 0:
        raise Unreadable(
            f"The file contains a NUL byte at byte offset {nul_at:,}, so it is binary "
            "(or UTF-16 text), not UTF-8 text.",
            _SAVE_AS_UTF8,
        )


def _utf8(body: bytes) -> str:
    """Decoded text; a UTF-8 byte-order mark (some Windows editors add one) is dropped."""
    payload = body.removeprefix(_UTF8_BOM)
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + len(body) - len(payload)  # counted in the file as uploaded
        raise Unreadable(
            f"The file is not valid UTF-8: the byte at offset {offset:,} "
            f"(0x{body[offset]:02x}) cannot start or continue a character.",
            "Save the file as UTF-8 (editors call it 'UTF-8' or 'Unicode (UTF-8)'); "
            "Windows-1252 and Latin-1 files look like this.",
        ) from None
