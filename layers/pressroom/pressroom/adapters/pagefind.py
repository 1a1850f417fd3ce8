"""Pagefind (https://pagefind.app) as the search index builder: records in, index files out.

Each record becomes a minimal HTML page in a scratch folder (`/tmp` on Lambda), at its
article's path, and the Pagefind binary (the `pagefind_bin` wheel, built for Lambda's arm64 in
the layer) indexes the folder in one run, on every core. Pagefind's Python service API would
index records without the scratch pages, but its client waits 0.1 s for every answer: 17
minutes for 10,000 articles, against 19 CPU-seconds for the folder (README "Search").

The pages carry Pagefind's attributes: the title and date as metadata, tags and authors as
words; the site's language for every page (`force_language`: one index for
the whole site, so the search page finds translations too).
"""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404 # runs the Pagefind binary shipped in the layer, no shell
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from markupsafe import escape

from pressroom.errors import PressroomError
from pressroom.search_records import SearchRecord

# Margin left to write the files once the binary is done (and for Lambda to report).
_MARGIN_SECONDS = 20.0


class SearchIndexError(PressroomError):
    """The index could not be built (no binary, a failed or too slow run)."""


def pagefind_binary() -> str:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        if found is None:
            raise SearchIndexError(
                "the Pagefind binary is missing: pip install 'pagefind[bin]'"
            ) from None
        return found
    return str(get_executable())


def page_of(record: SearchRecord, language: str) -> str:
    """The page Pagefind reads for one record; all text escaped (it is data)."""
    # Tags and authors as words, not Pagefind filters: the search page does not filter, and
    # Pagefind writes filter files in a different order each run (a build must be reproducible).
    tags = "".join(f"<li>{escape(t)}</li>" for t in record.tags)
    authors = "".join(f"<li>{escape(a)}</li>" for a in record.authors)
    meta = [f"date:{record.published[:10]}"]
    if record.image:
        meta.append(f"image:{record.image}")
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in record.text.splitlines())
    # A summary drawn from the body's start is not said twice (it would show in excerpts).
    summary = "" if _starts(record.text, record.summary) else f"<p>{escape(record.summary)}</p>"
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(record.title)}</title></head>"
        f'<body data-pagefind-body data-pagefind-meta="{escape(", ".join(meta))}"'
        f' data-pagefind-sort="date:{escape(record.published)}">'
        f'<h1 data-pagefind-meta="title">{escape(record.title)}</h1>'
        f"{summary}{paragraphs}"
        f"<ul>{tags}</ul><ul>{authors}</ul></body></html>"
    )


def _starts(text: str, summary: str) -> bool:
    words = " ".join(summary.split()).rstrip("…. ")
    return not words or " ".join(text.split()).startswith(words)


def _page_file(root: Path, url: str) -> Path:
    """Where a record's page goes, so that Pagefind gives it `url`; None-safe for odd URLs."""
    parts = [p for p in PurePosixPath(url).parts if p not in ("/", "", ".", "..")]
    if not parts or not url.startswith("/") or not url.endswith("/"):
        raise SearchIndexError(f"not an article URL: {url!r}")
    return root.joinpath(*parts, "index.html")


def _scratch_root() -> str | None:
    """Shared memory where the system has it (a laptop's Linux): the scratch pages are written,
    read once and dropped, and thousands of small files cost seconds of disk work. Lambda has
    none: its `/tmp`."""
    shm = Path("/dev/shm")  # noqa: S108  # nosec B108 # a private TemporaryDirectory inside
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def build_index(
    records: Sequence[SearchRecord], language: str, seconds_left: float = 900.0
) -> dict[str, bytes]:
    """The Pagefind bundle for these records: path under `pagefind/` → bytes."""
    pagefind_language = (language or "en").split("-")[0].lower()
    with tempfile.TemporaryDirectory(prefix="pressroom-search-", dir=_scratch_root()) as scratch:
        site, out = Path(scratch, "site"), Path(scratch, "pagefind")
        site.mkdir()
        for record in records:
            try:
                file = _page_file(site, record.url)
            except SearchIndexError:
                continue  # a record we did not write; never a failed index
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(page_of(record, pagefind_language), encoding="utf-8")
        command = [
            pagefind_binary(),
            "--site", str(site),
            "--output-path", str(out),
            "--force-language", pagefind_language,
            "--quiet",
        ]  # fmt: skip
        timeout = max(1.0, seconds_left - _MARGIN_SECONDS)
        try:
            run = subprocess.run(  # noqa: S603  # nosec B603 # a fixed binary, no shell, our own arguments
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise SearchIndexError(
                f"Pagefind took longer than {timeout:.0f} s for {len(records)} articles"
            ) from None
        if run.returncode != 0:
            raise SearchIndexError(f"Pagefind failed: {(run.stderr or run.stdout)[-2000:]}")
        return {
            file.relative_to(out).as_posix(): file.read_bytes()
            for file in sorted(out.rglob("*"))
            if file.is_file()
        }
