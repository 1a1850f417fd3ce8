"""`pressroom up` end to end: the real AWS CLI uploads, updates and deletes; the local CDN
shows each change (an update replaces a cached page, so a missing invalidation would fail)."""

from __future__ import annotations

from pathlib import Path

from tests.operations.conftest import LocalUp


def article(title: str, body: str, tags: str = "[Local, Tools]") -> str:
    return f"---\ntitle: {title}\ndate: 2026-03-01\ntags: {tags}\n---\n\n{body}\n"


def test_given_pressroom_up_when_the_aws_cli_uploads_updates_and_deletes_then_the_site_follows(
    local_up: LocalUp, tmp_path: Path
):
    post = tmp_path / "kettle-news.md"
    target = f"s3://{local_up.ingest_bucket}/articles/"

    # WHEN an editor uploads with the AWS CLI THEN the page appears on the local site
    post.write_text(article("Kettle news", "The kettle boiled at dawn."))
    local_up.aws("s3", "cp", str(post), target)
    page, _seconds = local_up.wait_for("/articles/kettle-news/", lambda r: r.status == 200)
    assert "<h1>Kettle news</h1>" in page.body and "boiled at dawn" in page.body
    assert page.headers["Content-Type"].startswith("text/html")
    # (the tag page follows from the listing function, after its stream's batching window)
    local_up.wait_for("/tags/local/", lambda r: 'href="/articles/kettle-news/"' in r.body)
    assert local_up.get("/tags/local").status == 301, "a directory without its slash redirects"

    # GIVEN the page is now cached by the CDN
    local_up.wait_for(
        "/articles/kettle-news/", lambda r: r.headers.get("X-Cache", "").startswith("Hit")
    )

    # WHEN it is re-uploaded with new text THEN readers get the new text, not the cached page
    post.write_text(article("Kettle news", "The kettle boiled twice."))
    local_up.aws("s3", "cp", str(post), target)
    updated, _ = local_up.wait_for("/articles/kettle-news/", lambda r: "boiled twice" in r.body)
    assert "boiled at dawn" not in updated.body

    # WHEN it is removed with the AWS CLI THEN the page and its tag page go (404 page shown)
    local_up.aws("s3", "rm", target + post.name)
    gone, _ = local_up.wait_for("/articles/kettle-news/", lambda r: r.status == 404)
    assert "<html" in gone.body.lower(), "the site's 404 page, as CloudFront's error response"
    local_up.wait_for("/tags/local/", lambda r: r.status == 404)


def test_given_pressroom_up_when_a_bad_file_is_uploaded_then_status_names_it_with_the_reason(
    local_up: LocalUp, tmp_path: Path
):
    import json
    import subprocess

    from tests.operations.conftest import BIN

    bad = tmp_path / "broken.md"
    bad.write_text("---\ntitle: [unclosed\n---\nBody\n")
    local_up.aws("s3", "cp", str(bad), f"s3://{local_up.ingest_bucket}/articles/")

    def status() -> tuple[int, dict]:
        done = subprocess.run(
            [str(BIN / "pressroom"), "status", "--json", "--endpoint-url", local_up.endpoint],
            env=local_up.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr  # 1: a file is rejected
        return done.returncode, json.loads(done.stdout)

    code, report = status()
    for _ in range(100):
        if any(item["key"] == "articles/broken.md" for item in report["rejected"]):
            break
        code, report = status()
    assert code == 1, "status exits 1 while a file is rejected"
    [rejected] = [item for item in report["rejected"] if item["key"] == "articles/broken.md"]
    assert "YAML" in rejected["reason"] and rejected["fix"]
    assert report["dead_letters"] == 0
    assert set(report["queues"]) >= {"IngestQueueUrl", "IngestDeadLetterQueueUrl"}
