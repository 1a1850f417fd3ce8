"""`pressroom build`: the whole pipeline on the embedded backend, from a folder to a folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pressroom.cli import main

TEASERS = (
    "A renowned rating",
    "To get a good understanding of the situation",
    "Los Angeles County hospitals see no relief",
    "Only Cristiano Ronaldo (13) has scored more",
)


def sources(folder: Path, files: dict[str, str | bytes]) -> Path:
    """A folder of article files to build."""
    folder.mkdir()
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return folder


def build(src: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", str(src), "--out", str(out)])
    return result.exit_code, result.output


def test_given_the_seed_article_when_built_then_its_page_tags_and_home_link_up(
    tmp_path: Path, seed_article: bytes
):
    src = sources(tmp_path / "src", {"seed-article.txt": seed_article})

    code, output = build(src, tmp_path / "site")

    assert code == 0, output
    site = tmp_path / "site"
    [page_file] = list((site / "articles").glob("*/index.html"))
    page = page_file.read_text()
    article_path = "/" + page_file.parent.relative_to(site).as_posix() + "/"
    assert (
        len(re.findall(r"<h2>[^<]+</h2>", page.split('<div class="body">')[1].split("</div>")[0]))
        == 3
    )
    assert "Musk recently expressed his interest in taking tea with Putin" in page
    tag_links = re.findall(r'<a href="(/tags/[^"]+/)" rel="tag">', page)
    assert len(tag_links) == 4
    for tag_link in tag_links:
        tag_page = (site / tag_link.strip("/") / "index.html").read_text()
        assert f'href="{article_path}"' in tag_page
    assert f'href="{article_path}"' in (site / "index.html").read_text()
    for teaser in TEASERS:
        assert not any(teaser in path.read_text() for path in site.rglob("*.html")), teaser


def test_given_a_bad_file_among_good_ones_when_built_then_exit_1_names_it_and_others_publish(
    tmp_path: Path,
):
    src = sources(
        tmp_path / "src",
        {
            "good.md": "---\ntitle: Good\ntags: [a]\n---\nFine.\n",
            "broken.md": "---\ntitle: [unclosed\n---\nBody\n",
            "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00",
        },
    )

    code, output = build(src, tmp_path / "site")

    assert code == 1
    assert "articles/broken.md" in output and "articles/photo.png" in output
    assert (tmp_path / "site" / "articles" / "good" / "index.html").is_file()


def test_given_published_unlisted_and_draft_files_when_built_then_the_count_is_of_pages(
    tmp_path: Path,
):
    # GIVEN one article of each status
    src = sources(
        tmp_path / "src",
        {
            "shown.md": "---\ntitle: Shown\ntags: [a]\n---\nFine.\n",
            "hidden.md": "---\ntitle: Hidden\nunlisted: true\n---\nFine.\n",
            "later.md": "---\ntitle: Later\ndraft: true\n---\nNot yet.\n",
        },
    )

    # WHEN the folder is built
    code, output = build(src, tmp_path / "site")

    # THEN the published and the unlisted article count (they have pages), the draft does not
    assert code == 0, output
    assert "published 2 article(s), 0 rejected" in output
    assert sorted(p.name for p in (tmp_path / "site" / "articles").iterdir()) == ["hidden", "shown"]


@pytest.mark.parametrize(
    "args",
    [
        ["build"],
        ["build", "does-not-exist", "--out", "x"],
        ["build", "."],
    ],
    ids=["no-source", "missing-source", "no-out"],
)
def test_given_wrong_usage_then_exit_2(args: list[str]):
    assert CliRunner().invoke(main, args).exit_code == 2


def test_given_out_folder_with_foreign_files_then_exit_2_and_nothing_is_touched(tmp_path: Path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")

    code, _ = build(tmp_path, out)

    assert code == 2
    assert (out / "precious.txt").read_text() == "keep me"


def test_given_files_when_built_then_progress_hears_of_each_upload_and_ingest_batch(
    tmp_path: Path,
):
    from pressroom.local.build import build_site, prepare_output

    src = sources(
        tmp_path / "src",
        {f"story-{n}.md": f"---\ntitle: Story {n}\n---\nBody {n}.\n" for n in range(3)},
    )
    out = tmp_path / "site"
    prepare_output(out)
    uploads: list[None] = []
    batches: list[int] = []

    report = build_site(src, out, uploaded=lambda: uploads.append(None), ingested=batches.append)

    assert report.published == 3
    assert len(uploads) == 3
    # the three files' notifications, in the batches the ingest function got
    assert sum(batches) == 3


@pytest.mark.parametrize("backend", ["in-process", "moto"])
def test_given_files_with_warnings_when_built_then_each_warning_is_printed_once(
    tmp_path: Path, backend: str
):
    src = sources(
        tmp_path / "src",
        {
            "hello.md": "---\ntitle: Hello\n---\n{{< notice >}}Careful{{< /notice >}}\n",
            "plain.md": "---\ntitle: Plain\n---\nNothing to say.\n",
        },
    )

    result = CliRunner().invoke(
        main, ["build", str(src), "--out", str(tmp_path / "site"), "--backend", backend]
    )

    # (The exit status is 1 on both backends: the file's warnings report, in the reports
    # folder, is counted as a rejection; see BuildReport.rejected.)
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        "warning: articles/hello.md: The shortcode `notice` is not one Pressroom knows: its tags "
        "were removed and its inner content kept."
    ]
