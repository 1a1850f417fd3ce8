"""`pressroom serve`: a built folder answered as the CDN answers for the site bucket (the local
CDN's own request handling over the folder): no directory listings, the site's 404 page with
status 404, `/` the home page, `/x` → 301 `/x/`, the site writer's content types."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pressroom.cli import main
from pressroom.local.build import BUILD_MARKER, BuiltFor
from pressroom.local.serve import folder_server, mismatches

NOT_FOUND_PAGE = "<!doctype html><title>Not here</title><p>Our own 404 page"
ATOM = '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>'
JSON_FEED = '{"version": "https://jsonfeed.org/version/1.1", "items": []}'


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]


def exported_site(folder: Path) -> Path:
    """A folder shaped like `pressroom build`'s export (key `x/` → `x/index.html`), with an
    `authors/` folder that has no page of its own (only the pages below it)."""
    files = {
        "index.html": "<!doctype html><title>Home</title>",
        "404.html": NOT_FOUND_PAGE,
        "tags/local/index.html": "<!doctype html><title>Tag local</title>",
        "authors/ada/index.html": "<!doctype html><title>Ada</title>",
        "atom.xml": ATOM,
        "sitemap.xml": '<?xml version="1.0"?><urlset></urlset>',
        "feed.json": JSON_FEED,
        "assets/style.0123abcd.css": "body { color: black }",
        BUILD_MARKER: "made by pressroom build\n",
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """GIVEN an exported site served as `pressroom serve` serves it, on a free port."""
    (tmp_path / "outside.txt").write_text("not part of the site")
    server = folder_server(exported_site(tmp_path / "site"), "127.0.0.1", 0)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def get(base: str, path: str) -> Answer:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(base + path, timeout=10) as response:
            return Answer(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(), dict(error.headers))


def test_given_a_served_folder_when_the_home_page_is_asked_then_index_html_answers(served: str):
    home = get(served, "/")
    assert home.status == 200 and "<title>Home</title>" in home.body
    assert home.headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    "path", ["/authors/", "/nowhere/", "/missing.css", "/tags/local/index.html"]
)
def test_given_a_path_with_no_object_then_404_with_the_sites_own_page_and_no_listing(
    served: str, path: str
):
    # `/authors/` is a folder with pages below it but none of its own: on the CDN a 404, never a
    # listing; `/tags/local/index.html` is only how the export stores the key `tags/local/`
    answer = get(served, path)

    assert answer.status == 404
    assert answer.body == NOT_FOUND_PAGE
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Directory listing" not in answer.body


@pytest.mark.parametrize("path", ["/.pressroom-build", "/../outside.txt", "/%2e%2e/outside.txt"])
def test_given_paths_outside_the_site_then_404(served: str, path: str):
    assert get(served, path).status == 404


def test_given_a_directory_path_without_its_slash_then_301_to_it_as_the_viewer_function_does(
    served: str,
):
    answer = get(served, "/tags/local")

    assert answer.status == 301 and answer.headers["Location"] == "/tags/local/"
    page = get(served, "/tags/local/")
    assert page.status == 200 and "Tag local" in page.body
    # a missing one redirects too (the function cannot know), then answers 404
    assert get(served, "/tags/nothing").status == 301


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/feed.json", "application/feed+json; charset=utf-8"),
        ("/assets/style.0123abcd.css", "text/css; charset=utf-8"),
        ("/authors/ada/", "text/html; charset=utf-8"),
    ],
)
def test_given_objects_then_each_has_the_content_type_the_site_writer_stores(
    served: str, path: str, content_type: str
):
    answer = get(served, path)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == content_type


def test_given_a_folder_built_for_another_url_or_title_then_serving_it_says_so(tmp_path: Path):
    BuiltFor("http://127.0.0.1:8000", "Pressroom").record(tmp_path)

    assert mismatches(tmp_path, "http://127.0.0.1:8000/") == []
    [url] = mismatches(tmp_path, "http://127.0.0.1:9000")
    assert "built for http://127.0.0.1:8000" in url and "--site-url http://127.0.0.1:9000" in url
    [title] = mismatches(tmp_path, "http://127.0.0.1:8000", "The Ledger")
    assert "'Pressroom'" in title and "--site-title 'The Ledger'" in title


def test_given_a_busy_port_when_served_then_one_line_suggests_another_port(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        result = CliRunner().invoke(main, ["serve", str(tmp_path), "--port", str(port)])

    assert result.exit_code == 3, result.output
    [line] = result.output.strip().splitlines()
    assert f"127.0.0.1:{port} is already in use" in line and "--port" in line


def test_given_pressroom_serve_running_when_asked_then_it_answers_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
):
    folder = exported_site(tmp_path / "site")
    command = [str(Path(sys.executable).parent / "pressroom"), "serve", str(folder), "--port=0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"Serving {folder} on http://127.0.0.1:"), line
        base = line.split(" on ")[1].split("/ ")[0]
        assert get(base, "/").status == 200
        assert get(base, "/authors/").body == NOT_FOUND_PAGE
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=20)
    assert code == 0
