"""What a published file's editor should hear about (an unknown Hugo shortcode, an alias that
cannot be a redirect, a Jekyll draft) reaches them as the file's report in the ingest bucket
and in `pressroom status`, and goes when the file is fixed (issue 18)."""

from __future__ import annotations

from pressroom.operations import Target, site_status
from tests.support import Site

CLEAN = "---\ntitle: Clean\ndate: 2026-03-01\n---\n\nSome words.\n"
WARNED = CLEAN.replace("Some words.", "Some words. {{< mystery >}}kept{{< /mystery >}}").replace(
    "date:", "aliases: [/tags/news/]\ndate:"
)


def test_given_a_file_published_with_warnings_then_its_report_names_them_until_fixed(
    site: Site,
):
    site.upload("story.md", WARNED)

    page = site.page("/articles/story/")
    assert page is not None and "kept" in page and "mystery" not in page
    report = site.report("story.md")
    assert report is not None and report.startswith("articles/story.md: published, with 2 ")
    assert "`mystery`" in report and "/tags/news/" in report

    site.upload("story.md", CLEAN)

    assert site.report("story.md") is None


def test_given_warnings_then_status_lists_the_file_and_its_warnings(site: Site):
    site.upload("story.md", WARNED)
    site.upload("_drafts/idea.md", CLEAN.replace("Clean", "Idea"))

    status = site_status(Target(site.runtime.stack.outputs(), site.runtime.stack.client))

    assert [(item["key"], item["status"]) for item in status.warned] == [
        ("articles/_drafts/idea.md", "draft"),
        ("articles/story.md", "published"),
    ]
    assert any("mystery" in warning for warning in status.warned[1]["warnings"])
    assert status.rejected == []
