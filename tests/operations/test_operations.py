"""Operator commands on the embedded backend: status, redrive, publish --dry-run, preview."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from pressroom.cli import main
from pressroom.local.runtime import LocalRuntime
from pressroom.operations import Target, files_to_publish, redrive, site_status, upload
from tests.support import Site

GOOD = "---\ntitle: Good news\ntags: [a, b]\n---\nFine.\n"
BROKEN = "---\ntitle: [unclosed\n---\nBody\n"


def test_given_published_and_rejected_files_when_status_then_counts_and_reasons(
    runtime: LocalRuntime, site: Site, tmp_path: Path
):
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "broken.md").write_text(BROKEN)
    target = Target(runtime.stack.outputs(), runtime.stack.client)
    upload(target, files_to_publish([tmp_path]), progress=lambda: None)
    runtime.drain()

    status = site_status(target)

    assert status.articles == 1 and status.sources == {"published": 1, "rejected": 1}
    assert status.tags == 2
    [rejected] = status.rejected
    assert rejected["key"] == "articles/broken.md" and "YAML" in rejected["reason"]
    assert status.dead_letters == 0 and "RebuildQueueUrl" in status.queues


def test_given_dead_letters_when_redriven_then_they_return_to_their_source_queue(
    runtime: LocalRuntime,
):
    target = Target(runtime.stack.outputs(), runtime.stack.client)
    sqs = runtime.stack.client("sqs")
    dlq = target.outputs["InvalidationDeadLetterQueueUrl"]
    for n in range(13):
        sqs.send_message(QueueUrl=dlq, MessageBody=f'{{"paths": ["/p{n}/"]}}')

    results = {result.dead_letter_queue: result for result in redrive(target)}

    assert results["InvalidationDeadLetterQueueUrl"].moved == 13
    assert (
        results["InvalidationDeadLetterQueueUrl"].source == target.outputs["InvalidationQueueUrl"]
    )
    assert results["ListingDeadLetterQueueUrl"].source == "", "stream failures have no source"
    assert site_status(target).queues["InvalidationQueueUrl"].waiting == 13
    assert site_status(target).dead_letters == 0


def test_given_files_when_publish_dry_run_then_each_outcome_is_said_and_nothing_uploaded(
    tmp_path: Path,
):
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "broken.md").write_text(BROKEN)
    (tmp_path / "copy.md").write_text(GOOD.replace("title: Good news", "title: Copy\nslug: good"))

    result = CliRunner().invoke(main, ["publish", "--dry-run", str(tmp_path)])

    assert result.exit_code == 1, result.output
    lines = sorted(result.output.splitlines())
    assert lines[0] == "would publish articles/copy.md at /articles/good/"
    assert lines[1].startswith("would reject articles/broken.md:") and "YAML" in lines[1]
    assert lines[2].startswith("would reject articles/good.md:") and "already used" in lines[2]


def test_given_a_file_when_previewed_then_its_page_renders_without_aws(tmp_path: Path):
    post = tmp_path / "good.md"
    post.write_text(GOOD)

    result = CliRunner().invoke(
        main, ["preview", str(post)], env={"AWS_ENDPOINT_URL": "http://0.0.0.0:9"}
    )

    assert result.exit_code == 0, result.output
    assert "<h1>Good news</h1>" in result.output and 'href="/tags/a/"' in result.output


def test_given_a_preview_opened_as_a_file_then_the_theme_is_inlined_not_linked(tmp_path: Path):
    """GIVEN a previewed article written to a file WHEN it is opened from the disk (file://)
    THEN it is styled: the theme's CSS is in the page, no stylesheet link leads nowhere."""
    post, page = tmp_path / "good.md", tmp_path / "good.html"
    post.write_text(GOOD)

    result = CliRunner().invoke(main, ["preview", str(post), "--out", str(page)])

    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert 'rel="stylesheet"' not in html
    [style] = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert ".site-header" in style and "--accent" in style


def test_given_a_broken_file_when_previewed_then_exit_1_with_the_reason(tmp_path: Path):
    post = tmp_path / "broken.md"
    post.write_text(BROKEN)

    result = CliRunner().invoke(main, ["preview", str(post)])

    assert result.exit_code == 1 and "YAML" in result.output
