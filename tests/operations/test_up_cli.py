"""`pressroom up` as a user runs it: it records where it listens (so `--local` follows any
--port), renders with the site URL and title it is given, logs one readable line per event,
and removes its state file when it stops."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.operations.conftest import BIN, _cli_env

STARTUP_SECONDS = 60


def wait_for(check: object, seconds: float, what: str) -> None:
    assert callable(check)
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_given_up_on_any_port_then_local_finds_it_logs_read_as_lines_and_state_goes_on_exit(
    tmp_path: Path,
):
    state_dir = tmp_path / "state"
    env = {**_cli_env(tmp_path), "PRESSROOM_STATE_DIR": str(state_dir)}
    log = tmp_path / "up.log"
    # GIVEN `pressroom up` on free ports (not the default 4566), with its default log format,
    # a site title given as an option and a site URL from the environment
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(BIN / "pressroom"),
                "up",
                "--port=0",
                "--cdn-port=0",
                "--max-window=1",
                "--site-title=The Kettle Times",
            ],
            env={**env, "SITE_URL": "https://kettle.example"},
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_for(lambda: "ready (Ctrl-C stops)" in log.read_text(), STARTUP_SECONDS, "up")
        endpoint = re.search(r"^endpoint:\s+(\S+)", log.read_text(), re.MULTILINE)
        site = re.search(r"^site:\s+(\S+)", log.read_text(), re.MULTILINE)
        assert endpoint is not None and site is not None
        recorded = json.loads((state_dir / "up.json").read_text())
        assert recorded["endpoint_url"] == endpoint.group(1)
        assert recorded["pid"] == process.pid

        # WHEN an article is published with --local (no endpoint given)
        post = tmp_path / "kettle.md"
        post.write_text("---\ntitle: Kettle\ntags: [a]\n---\nIt boiled.\n")
        published = subprocess.run(
            [str(BIN / "pressroom"), "publish", str(post), "--local"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert published.returncode == 0, published.stderr

        # THEN it reaches that stack, whose log says so in one readable line, not JSON
        wait_for(lambda: "synced" in log.read_text(), 30, "the ingest function's log")
        [synced] = [line for line in log.read_text().splitlines() if " synced " in line]
        assert re.match(r"\d\d:\d\d:\d\d INFO +IngestFunction: synced ", synced), synced
        assert "key=articles/kettle.md" in synced and "outcome=published" in synced
        assert not any(line.startswith("{") for line in log.read_text().splitlines())
        # AND its page (through the local CDN) carries the site URL and title it was given
        with urllib.request.urlopen(site.group(1) + "/articles/kettle/", timeout=10) as page:
            html = page.read().decode()
        assert "The Kettle Times" in html
        assert 'href="https://kettle.example/articles/kettle/"' in html
        status = subprocess.run(
            [str(BIN / "pressroom"), "status", "--local", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert status.returncode == 0, status.stderr
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    # AND when it stops, it stops cleanly and its state file goes with it
    assert code == 0, log.read_text()[-2000:]
    assert not (state_dir / "up.json").exists()
