"""What a published article should tell its editor (issue 18's warnings) reaches the CLI:
`pressroom publish --dry-run`'s outcome lines and the `key: warning` lines that
`pressroom build` and `pressroom preview` print."""

from __future__ import annotations

from pathlib import Path

from pressroom.operations import dry_run, offline_settings, reader_warnings

UNKNOWN = (
    "The shortcode `notice` is not one Pressroom knows: its tags were removed and its inner "
    "content kept."
)


def files(tmp_path: Path) -> list[tuple[str, Path]]:
    """GIVEN an article with an unknown shortcode, a Jekyll draft, and a plain article."""
    contents = {
        "post/hello.md": "---\ntitle: Hello\n---\n{{< notice >}}Careful{{< /notice >}}\n",
        "_drafts/idea.md": "---\ntitle: Idea\n---\nLater.\n",
        "plain.md": "---\ntitle: Plain\n---\nNothing to say.\n",
    }
    found = []
    for name, text in contents.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        found.append((name, path))
    return found


def test_given_warnings_when_judged_by_dry_run_then_each_outcome_names_them(tmp_path: Path):
    outcomes = {o.key: (o.outcome, o.detail) for o in dry_run(files(tmp_path), offline_settings())}
    assert outcomes == {
        "articles/post/hello.md": ("published", f"/articles/hello/; warning: {UNKNOWN}"),
        "articles/_drafts/idea.md": (
            "draft",
            "/articles/idea/; warning: The file is in a `_drafts/` folder: a Jekyll draft, so "
            "it is not published.",
        ),
        "articles/plain.md": ("published", "/articles/plain/"),
    }


def test_given_warnings_when_listed_for_build_then_one_line_per_warning(tmp_path: Path):
    assert reader_warnings(files(tmp_path), offline_settings()) == [
        f"articles/post/hello.md: {UNKNOWN}",
        "articles/_drafts/idea.md: The file is in a `_drafts/` folder: a Jekyll draft, so it is "
        "not published.",
    ]
