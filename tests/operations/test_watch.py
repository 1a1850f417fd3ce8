"""`pressroom serve FOLDER --watch SRC`: a save is seen once its burst is over, only what it
changed is published and exported, and served pages carry a live-reload script that the files on
disk (and the deployed site) never do."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pressroom.cli import main
from pressroom.local.build import BUILD_MARKER, prepare_output, site_backend
from pressroom.local.watch import (
    ARTICLE_TEMPLATES,
    EVENTS_PATH,
    LISTING_TEMPLATES,
    SCRIPT_PATH,
    Change,
    FolderWatcher,
    Reloads,
    WarmSite,
    allowing_live_reload,
    pages_using,
    scan_sources,
    site_content_security_policy,
    watch_server,
    with_live_reload,
)
from pressroom.paths import export_name

SITE_URL = "http://127.0.0.1:8000"
ARTICLES = {
    "alpha.md": "---\ntitle: Alpha\ndate: 2024-01-10\ntags: [red]\n---\n\nAlpha body.\n",
    "beta.md": "---\ntitle: Beta\ndate: 2024-02-10\ntags: [blue]\n---\n\nBeta body.\n",
    "gamma.md": "---\ntitle: Gamma\ndate: 2024-03-10\ntags: [blue]\n---\n\nGamma body.\n",
}
Identity = tuple[int, int]  # inode, mtime: a file rewritten (atomically) has a new one


@dataclass
class Watched:
    site: WarmSite
    watcher: FolderWatcher
    src: Path
    out: Path
    templates: Path

    def next_change(self) -> Change:
        change = self.watcher.next_change(threading.Event(), timeout=10)
        assert change is not None, "no change seen within 10 s"
        return change

    def files(self) -> dict[str, Identity]:
        return {
            path.relative_to(self.out).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in self.out.rglob("*")
            if path.is_file() and path.name != BUILD_MARKER
        }


@contextmanager
def watched(tmp_path: Path) -> Iterator[Watched]:
    """GIVEN the articles built into a folder on a backend kept open, and an empty theme."""
    src, out, templates = tmp_path / "src", tmp_path / "out", tmp_path / "theme"
    src.mkdir()
    templates.mkdir()
    for name, text in ARTICLES.items():
        (src / name).write_text(text, encoding="utf-8")
    prepare_output(out)
    watcher = FolderWatcher(src, templates, poll_seconds=0.01, quiet_seconds=0.05)
    with site_backend(SITE_URL, None, templates) as runtime:
        site = WarmSite(runtime, src, out, templates)
        first = site.publish(watcher.published[0])
        assert not first.rejected and "articles/alpha/" in first.written
        yield Watched(site, watcher, src, out, templates)


def changed_files(before: dict[str, Identity], after: dict[str, Identity]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def test_given_a_watched_site_when_an_article_is_edited_then_only_its_page_and_listings_change(
    tmp_path: Path,
):
    with watched(tmp_path) as w:
        before = w.files()
        (w.src / "alpha.md").write_text(ARTICLES["alpha.md"].replace("Alpha body", "Edited"))

        change = w.next_change()
        rebuild = w.site.apply(change)
        after = w.files()

    assert change.changed == ("alpha.md",) and not change.added and not change.deleted
    rewritten = changed_files(before, after)
    # The folder changed exactly where the bucket did, and the edit is there.
    assert rewritten == {export_name(key) for key in rebuild.written}
    assert "Edited" in (w.out / "articles/alpha/index.html").read_text()
    assert "articles/alpha/index.html" in rewritten
    # Nothing of the other articles or of a tag alpha does not have was touched.
    assert not {name for name in rewritten if "beta" in name or "gamma" in name or "blue" in name}
    assert rebuild.summary(12.3, True).startswith("alpha.md changed: ")


def test_given_a_watched_site_when_an_article_is_deleted_then_its_page_is_gone(tmp_path: Path):
    with watched(tmp_path) as w:
        (w.src / "beta.md").unlink()

        change = w.next_change()
        rebuild = w.site.apply(change)

    assert change.deleted == ("beta.md",)
    assert "articles/beta/" in rebuild.deleted
    assert not (w.out / "articles/beta").exists()  # its page, and its emptied folder
    assert "/articles/beta/" not in (w.out / "tags/blue/index.html").read_text()
    assert "/articles/gamma/" in (w.out / "tags/blue/index.html").read_text()


def test_given_a_watched_site_when_a_file_is_added_then_it_is_published(tmp_path: Path):
    with watched(tmp_path) as w:
        (w.src / "delta.md").write_text("---\ntitle: Delta\ntags: [red]\n---\n\nNew.\n")

        rebuild = w.site.apply(w.next_change())

    assert rebuild.change.added == ("delta.md",)
    assert (w.out / "articles/delta/index.html").is_file()
    assert "/articles/delta/" in (w.out / "tags/red/index.html").read_text()


def test_given_a_watched_site_when_a_template_is_overridden_then_pages_using_it_are_rerendered(
    tmp_path: Path,
):
    from pressroom.render import Renderer
    from pressroom.settings import Settings

    with watched(tmp_path) as w:
        before = w.files()
        default = Renderer(Settings(content_table="", ingest_bucket="", site_bucket=""))
        source, _, _ = default.env.loader.get_source(default.env, "article.html")  # type: ignore[union-attr]
        # A template the default theme has, added to TEMPLATES_DIR after the functions started.
        (w.templates / "article.html").write_text(
            source.replace("<article", '<article data-theme="mine"', 1), encoding="utf-8"
        )

        change = w.next_change()
        rebuild = w.site.apply(change)
        after = w.files()

    assert change.templates == ("article.html",) and not change.uploads
    assert not rebuild.template_error and not rebuild.failures
    rewritten = changed_files(before, after)
    for slug in ("alpha", "beta", "gamma"):
        assert 'data-theme="mine"' in (w.out / f"articles/{slug}/index.html").read_text()
        assert f"articles/{slug}/index.html" in rewritten
    assert "tags/blue/index.html" not in rewritten  # a listing does not use article.html


def test_given_a_listing_partial_is_overridden_then_listings_are_rerendered_and_articles_not(
    tmp_path: Path,
):
    with watched(tmp_path) as w:
        before = w.files()
        (w.templates / "_card.html").write_text(
            '<li class="mine"><a href="{{ card.path }}">{{ card.title }}</a></li>\n'
        )

        rebuild = w.site.apply(w.next_change())
        rewritten = changed_files(before, w.files())

    assert not rebuild.failures
    assert 'class="mine"' in (w.out / "tags/blue/index.html").read_text()
    assert {"index.html", "tags/blue/index.html", "tags/red/index.html"} <= rewritten
    assert not {name for name in rewritten if name.startswith("articles/")}


def test_given_a_template_that_does_not_compile_then_one_line_names_it_and_nothing_is_rebuilt(
    tmp_path: Path,
):
    with watched(tmp_path) as w:
        before = w.files()
        (w.templates / "article.html").write_text("{% block body %}\nno end\n")

        rebuild = w.site.apply(w.next_change())

    assert rebuild.template_error.startswith(str(w.templates / "article.html"))
    assert [line.count("\n") for line in rebuild.problems()] == [0]
    assert not rebuild.site_changed and w.files() == before


def test_given_a_template_failing_as_it_renders_then_short_lines_say_why_and_no_traceback(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
):
    with watched(tmp_path) as w:
        (w.templates / "article.html").write_text("{{ nothing.here }}")
        failed = w.site.apply(w.next_change())
        (w.templates / "article.html").unlink()  # back to the theme's
        mended = w.site.apply(w.next_change())

    assert failed.failures[0].endswith("event(s) failed after every retry")
    assert any("UndefinedError: 'nothing' is undefined" in line for line in failed.failures)
    assert len(failed.failures) <= 5 and all("\n" not in line for line in failed.problems())
    assert "Traceback" not in capfd.readouterr().err and not caplog.records
    assert not mended.failures and not mended.site_changed  # the pages never changed


def test_given_a_rejected_file_then_one_line_says_why_and_the_site_is_unchanged(tmp_path: Path):
    with watched(tmp_path) as w:
        before = w.files()
        (w.src / "broken.md").write_text("---\ntitle: [oops\n---\n\nBody.\n")

        rebuild = w.site.apply(w.next_change())
        after_rejection = w.files()
        # ... and the watcher goes on: fixing the file publishes it.
        (w.src / "broken.md").write_text("---\ntitle: Fixed\n---\n\nBody.\n")
        fixed = w.site.apply(w.next_change())

    assert list(rebuild.rejected) == ["articles/broken.md"]
    [line] = rebuild.problems()
    assert line.startswith("rejected: articles/broken.md: ") and "\n" not in line
    assert not rebuild.site_changed and after_rejection == before
    assert not fixed.rejected and "articles/broken/" in fixed.written


def test_given_a_burst_of_saves_then_one_change_is_seen_and_a_file_come_and_gone_is_none(
    tmp_path: Path,
):
    (tmp_path / "a.md").write_text("a")
    watcher = FolderWatcher(tmp_path, poll_seconds=0.01, quiet_seconds=0.2)
    stop = threading.Event()

    def burst() -> None:
        for text in ("b", "bb", "bbb"):
            (tmp_path / "a.md").write_text(text)
            (tmp_path / "4913").write_text("an editor's probe")
            (tmp_path / "4913").unlink()
            (tmp_path / ".a.md.swp").write_text("hidden")
            stop.wait(0.05)

    writer = threading.Thread(target=burst)
    writer.start()
    change = watcher.next_change(stop, timeout=5)
    writer.join()

    assert change is not None and change.changed == ("a.md",)
    assert not change.added and not change.deleted
    assert watcher.next_change(stop, timeout=0.5) is None  # that burst was one change


def test_given_a_tree_then_the_watcher_sees_exactly_the_files_build_publishes(tmp_path: Path):
    from pressroom.operations import files_to_publish

    for name in ("a.md", "sub/b.md", "sub/deeper/c.txt", "img.png", ".hidden/d.md", "sub/.e.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)

    assert sorted(scan_sources(tmp_path)) == [name for name, _ in files_to_publish([tmp_path])]
    assert sorted(scan_sources(tmp_path)) == ["a.md", "img.png", "sub/b.md", "sub/deeper/c.txt"]


# -- live reload ------------------------------------------------------------------------------


def test_given_a_page_then_the_script_goes_before_the_end_of_its_head():
    page = b"<!DOCTYPE html><html><head><title>x</title></HEAD><body></body></html>"
    reloaded = with_live_reload(page, 7)
    tag = f'<script src="{SCRIPT_PATH}" data-pressroom-generation="7" defer></script>'
    assert reloaded == page.replace(b"</HEAD>", tag.encode() + b"</HEAD>")


def test_given_the_deployed_policy_then_watching_allows_only_same_origin_script_and_events():
    deployed = site_content_security_policy()
    assert "default-src 'none'" in deployed  # as deployed: only the search's own scripts
    assert "script-src 'self' 'wasm-unsafe-eval'" in deployed and "connect-src 'self'" in deployed
    watching = allowing_live_reload(deployed)
    assert watching == deployed  # same-origin scripts and events are allowed already
    assert allowing_live_reload("default-src 'none'; script-src 'none'") == (
        "default-src 'none'; script-src 'self'; connect-src 'self'"
    )


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Reloads, Path]]:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("<!DOCTYPE html><html><head></head><body>Hi</body></html>")
    (folder / "atom.xml").write_text('<?xml version="1.0"?><feed></feed>')
    reloads = Reloads()
    server = watch_server(folder, reloads, "127.0.0.1", 0)
    server.start()
    try:
        yield server.url, reloads, folder
    finally:
        reloads.close()
        server.stop()


def _get(url: str, path: str) -> tuple[int, dict[str, str], bytes]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_given_watching_then_served_pages_carry_the_script_and_the_files_do_not(live):
    url, _reloads, folder = live
    status, headers, body = _get(url, "/")
    assert status == 200 and SCRIPT_PATH.encode() in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert SCRIPT_PATH.encode() not in (folder / "index.html").read_bytes()
    _, _, feed = _get(url, "/atom.xml")
    assert SCRIPT_PATH.encode() not in feed  # only HTML pages
    status, headers, script = _get(url, SCRIPT_PATH)
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert b"EventSource" in script
    status, _, _ = _get(url, "/nowhere/")
    assert status == 404  # (a folder without a 404.html: the plain error)


def test_given_an_open_event_stream_when_a_rebuild_is_announced_then_it_says_reload(live):
    url, reloads, _folder = live
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", EVENTS_PATH)
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    hello = b"".join(response.readline() for _ in range(4))
    assert b"event: hello\ndata: 0\n" in hello

    reloads.announce()

    assert response.readline() == b"event: reload\n"
    assert response.readline() == b"data: 1\n"
    connection.close()


def test_given_templates_without_watch_then_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(main, ["serve", str(tmp_path), "--templates", str(tmp_path)])
    assert result.exit_code == 2 and "--templates goes with --watch" in result.output


def test_given_pressroom_serve_watch_running_then_a_save_prints_one_line_and_sigterm_stops_it(
    tmp_path: Path,
):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "alpha.md").write_text(ARTICLES["alpha.md"])
    pressroom = str(Path(sys.executable).parent / "pressroom")
    command = [pressroom, "serve", str(out), "--watch", str(src), "--port=0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(120, process.kill)  # a hung test fails instead of hanging
    watchdog.start()
    try:
        assert process.stdout is not None
        built = process.stdout.readline()
        serving = process.stdout.readline()
        assert built.startswith("built ") and f"into {out}" in built, built
        assert serving.startswith(f"Serving {out} on http://127.0.0.1:"), serving
        base = serving.split(" on ")[1].split("/ ")[0]
        status, _, page = _get(base, "/articles/alpha/")
        assert status == 200 and SCRIPT_PATH.encode() in page
        assert f'href="{base}/articles/alpha/"'.encode() in page  # built for where it is served

        (src / "alpha.md").write_text(ARTICLES["alpha.md"].replace("Alpha body", "Saved"))
        line = process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        watchdog.cancel()
    assert line.startswith("alpha.md changed: ") and "reload sent" in line, line
    assert code == 0, process.stderr.read() if process.stderr else ""


def test_given_the_renderer_then_every_template_it_starts_from_is_known_to_the_watcher():
    import re

    import pressroom.render

    source = Path(pressroom.render.__file__).read_text(encoding="utf-8")
    rendered = set(re.findall(r'_render\(\s*"([^"]+)"', source))
    assert rendered == set(ARTICLE_TEMPLATES) | set(LISTING_TEMPLATES)


@pytest.mark.parametrize(
    ("changed", "articles", "listings"),
    [
        ("article.html", True, False),
        ("404.html", True, False),
        ("_card.html", False, True),  # included by listing.html
        ("robots.txt", False, True),
        ("base.html", True, True),  # extended by both
        ("unused.html", False, False),
    ],
)
def test_given_a_changed_template_then_only_the_pages_using_it_are_rebuilt(
    changed: str, articles: bool, listings: bool
):
    assert pages_using(None, (changed,)) == (articles, listings)


def test_given_an_override_including_a_new_partial_then_a_change_to_it_rebuilds_articles(
    tmp_path: Path,
):
    (tmp_path / "article.html").write_text('{% extends "base.html" %}{% include "_mine.html" %}')
    assert pages_using(tmp_path, ("_mine.html",)) == (True, False)
    (tmp_path / "article.html").write_text("{% include name %}")  # chosen when rendered
    assert pages_using(tmp_path, ("_mine.html",)) == (True, False)
    assert pages_using(tmp_path, ("_other.html",)) == (True, False)


@pytest.mark.parametrize("out", ["src/_site", "."])
def test_given_an_output_folder_overlapping_the_sources_then_a_usage_error(
    tmp_path: Path, out: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src/alpha.md").write_text(ARTICLES["alpha.md"])

    result = CliRunner().invoke(main, ["serve", out, "--watch", "src", "--port", "0"])

    assert result.exit_code == 2 and "overlap" in result.output
    assert (tmp_path / "src/alpha.md").is_file()
