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


SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_given_the_samples_when_built_twice_then_every_file_is_byte_identical(tmp_path: Path):
    # WHEN the bundled samples are built twice, with no settings at all
    first_code, first_output = build(SAMPLES, tmp_path / "one")
    second_code, second_output = build(SAMPLES, tmp_path / "two")

    # THEN both builds are the same bytes, file for file, and link to where `serve` answers
    assert first_code == 0, first_output
    assert second_code == 0, second_output
    one, two = folder_bytes(tmp_path / "one"), folder_bytes(tmp_path / "two")
    assert len(one) > 50
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    sitemap = b"".join(body for name, body in one.items() if name.startswith("sitemap"))
    assert b"http://127.0.0.1:8000/articles/" in sitemap
    assert not any(b"cloudfront.net" in body for body in one.values())


def test_given_site_title_and_url_in_the_environment_when_built_then_pages_and_feeds_use_them(
    tmp_path: Path,
):
    src = sources(tmp_path / "src", {"post.md": "---\ntitle: Post\ntags: [a]\n---\nFine.\n"})

    result = CliRunner().invoke(
        main,
        ["build", str(src), "--out", str(tmp_path / "site")],
        env={"SITE_TITLE": "The Kettle Gazette", "SITE_URL": "https://news.example/"},
    )

    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert "The Kettle Gazette" in (site / "index.html").read_text()
    page = (site / "articles" / "post" / "index.html").read_text()
    assert 'href="https://news.example/articles/post/"' in page  # the canonical link
    assert "https://news.example/articles/post/" in (site / "atom.xml").read_text()
    assert "The Kettle Gazette" in (site / "atom.xml").read_text()


def test_given_site_options_when_built_then_they_win_over_the_environment(tmp_path: Path):
    src = sources(tmp_path / "src", {"post.md": "---\ntitle: Post\n---\nFine.\n"})

    result = CliRunner().invoke(
        main,
        [
            "build",
            str(src),
            "--out",
            str(tmp_path / "site"),
            "--site-title",
            "Option Title",
            "--site-url",
            "http://127.0.0.1:9000",
        ],
        env={"SITE_TITLE": "Env Title", "SITE_URL": "https://env.example"},
    )

    assert result.exit_code == 0, result.output
    home = (tmp_path / "site" / "index.html").read_text()
    assert "Option Title" in home and "Env Title" not in home
    page = (tmp_path / "site" / "articles" / "post" / "index.html").read_text()
    assert "http://127.0.0.1:9000/articles/post/" in page and "env.example" not in page


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

    assert result.exit_code == 0, result.output  # a warning is no rejection
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        "warning: articles/hello.md: The shortcode `notice` is not one Pressroom knows: its tags "
        "were removed and its inner content kept."
    ]


def test_given_the_console_script_then_a_build_ends_at_once_with_its_status_and_output(
    tmp_path: Path,
):
    """`pressroom build` ends without freeing what it built (`cli.run`): its status, its
    messages and every file of the site are there all the same."""
    import subprocess
    import sys

    src = sources(
        tmp_path / "src",
        {"good.md": "---\ntitle: Good\ndate: 2024-01-02\n---\nFine.\n", "bad.md": b"\x00\x01"},
    )
    script = Path(sys.executable).with_name("pressroom")
    out = tmp_path / "site"

    done = subprocess.run(
        [str(script), "build", str(src), "--out", str(out)], capture_output=True, text=True
    )

    assert done.returncode == 1, done.stderr
    assert "rejected: " in done.stderr and "bad.md" in done.stderr
    assert done.stderr.rstrip().endswith(
        f"published 1 article(s), 1 rejected; {_count(out)} objects written to {out}"
    )
    assert (out / "articles" / "good" / "index.html").is_file()


def _count(site: Path) -> int:
    return sum(1 for path in site.rglob("*") if path.is_file() and path.name != ".pressroom-build")
