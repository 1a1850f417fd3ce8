"""`pressroom build` writes the site into its folder while the functions still run
(`local.export.StreamedExport`): whatever order the bucket's writes, rewrites and deletes came
in, the folder ends equal to the bucket, and a key outside the folder is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.local.export import StreamedExport
from pressroom.local.memory import MemorySiteBucket


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_given_writes_rewrites_and_deletes_as_they_happen_then_the_folder_equals_the_bucket(
    tmp_path: Path,
):
    # GIVEN a site bucket followed by an export as it is written
    out = tmp_path / "out"
    bucket = MemorySiteBucket()
    export = StreamedExport(out)
    bucket.on_change = export.changed
    bucket.put("articles/a/", b"<p>first</p>", "text/html", "")
    bucket.put("articles/b/", b"<p>b</p>", "text/html", "")
    bucket.put("tags/x/atom.xml", b"<feed/>", "application/atom+xml", "")
    bucket.put("articles/a/", b"<p>second</p>", "text/html", "")  # rewritten
    bucket.delete("articles/b/")  # gone again: its folder goes too
    bucket.delete("never/written/")  # nothing to delete
    # ... and one write the export was not told of (made with the hook unset)
    bucket.on_change = None
    bucket.put("index.html", b"<p>home</p>", "text/html", "")

    # WHEN
    exported = export.finish(bucket.objects())

    # THEN
    assert files_of(out) == {
        "articles/a/index.html": b"<p>second</p>",
        "tags/x/atom.xml": b"<feed/>",
        "index.html": b"<p>home</p>",
    }
    assert exported == ["articles/a/", "index.html", "tags/x/atom.xml"]
    assert not (out / "articles/b").exists()


def test_given_a_key_outside_the_folder_then_finishing_refuses_it_and_writes_nothing_there(
    tmp_path: Path,
):
    out = tmp_path / "out"
    export = StreamedExport(out)
    export.changed("../escape.html", b"x")
    export.changed("fine.html", b"ok")

    with pytest.raises(ValueError, match="outside"):
        export.finish([("../escape.html", b"x"), ("fine.html", b"ok")])

    assert not (tmp_path / "escape.html").exists()


def test_given_the_writer_fails_then_finishing_says_so(tmp_path: Path):
    # GIVEN a folder the writer cannot write into: a file stands where a folder must go
    out = tmp_path / "out"
    out.mkdir()
    (out / "articles").write_text("in the way")
    export = StreamedExport(out)
    export.changed("articles/a/", b"<p>a</p>")
    for n in range(200):  # enough to notice the writer has gone
        export.changed(f"page-{n}.html", b"x" * 10_000)

    # WHEN / THEN
    with pytest.raises(OSError, match=f"writing the site into {out}"):
        export.finish([("articles/a/", b"<p>a</p>")])


def test_given_a_failed_build_then_abort_stops_the_writer(tmp_path: Path):
    export = StreamedExport(tmp_path / "out")
    writer = export._writer
    export.changed("a.html", b"a")

    export.abort()

    assert writer is not None and writer.poll() is not None
