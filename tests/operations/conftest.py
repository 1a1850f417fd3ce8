"""A `pressroom up` in a subprocess on free loopback ports, driven with the real AWS CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
# The AWS CLI v1 pins botocore exactly; in the project's venv that sends pip's resolver through
# hundreds of releases, so the CLI gets its own tool venv (built once, like sam's and checkov's).
AWS_CLI_SPEC = "awscli>=1.32,<2"
# How long `wait_for` polls by default: longer than a listing can stay stale at the edge. A
# listing (a tag page, say) is never invalidated: the CDN keeps it 30 s (ListingCacheSeconds) and
# may serve it 15 s longer while revalidating, after the pipeline's own windows. The freshness
# bounds themselves are asserted in test_freshness_bounds.py.
WAIT_SECONDS = 60.0


def aws_cli() -> Path:
    venv = subprocess.run(
        ["bash", str(REPO / "tools" / "tool-venv"), "awscli", AWS_CLI_SPEC],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Path(venv) / "bin" / "aws"


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str]


@dataclass
class LocalUp:
    process: subprocess.Popen[str]
    endpoint: str
    site: str
    ingest_bucket: str
    env: dict[str, str]
    site_bucket: str = ""
    distribution: str = ""

    def aws(self, *args: str) -> str:
        """The real AWS CLI against this endpoint."""
        command = [str(aws_cli()), *args, "--endpoint-url", self.endpoint]
        done = subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def get(self, path: str) -> Response:
        """GET from the local CDN (redirects are not followed)."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(self.site + path, timeout=10) as response:
                return Response(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(), dict(error.headers))

    def wait_for(
        self, path: str, check: object, timeout: float = WAIT_SECONDS
    ) -> tuple[Response, float]:
        """Poll `path` until `check(response)` holds; the response and the seconds it took."""
        assert callable(check)
        started = time.monotonic()
        while True:
            response = self.get(path)
            if check(response):
                return response, time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise AssertionError(f"{path}: still {response.status} after {timeout} s")
            time.sleep(0.05)


def _cli_env(tmp: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    return {
        **env,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        # No profile or config of the machine's user leaks in.
        "AWS_CONFIG_FILE": str(tmp / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "aws-credentials"),
    }


def start_up(tmp: Path, *flags: str) -> Iterator[LocalUp]:
    """`pressroom up` on free ports with `flags`, until the generator is closed (then Ctrl-C,
    and it must stop cleanly)."""
    env = _cli_env(tmp)
    command = [
        str(BIN / "pressroom"),
        "up",
        "--port=0",
        "--cdn-port=0",
        "--log-level=WARNING",
        *flags,
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=sys.stderr, text=True
    )
    announced: dict[str, str] = {}
    deadline = time.monotonic() + STARTUP_SECONDS
    assert process.stdout is not None
    for line in process.stdout:
        name, _, value = line.partition(":")
        announced[name.strip()] = value.strip()
        if line.startswith("ready") or time.monotonic() > deadline:
            break
    if "ready (Ctrl-C stops)" not in announced and process.poll() is not None:
        pytest.fail(f"pressroom up exited with {process.returncode}: {announced}")
    # Keep reading its output (the functions' logs), or a full pipe would stall it.
    threading.Thread(
        target=lambda: sys.stderr.writelines(process.stdout or ()), daemon=True
    ).start()
    up = LocalUp(
        process,
        announced["endpoint"],
        announced["site"],
        announced["ingest bucket"],
        env,
        site_bucket=announced["site bucket"],
        distribution=announced["distribution"],
    )
    try:
        yield up
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        assert code == 0, f"pressroom up did not stop cleanly on Ctrl-C (exit {code})"


@pytest.fixture(scope="module")
def local_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalUp]:
    """GIVEN `pressroom up` running on free ports (batching windows capped at 1 s so updates
    reach the local CDN in seconds, retries at once)."""
    yield from start_up(tmp_path_factory.mktemp("up"), "--max-window=1", "--retry-after=0")


@pytest.fixture(scope="module")
def default_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalUp]:
    """GIVEN `pressroom up` as a new user starts it: no tuning flags, so every batching window,
    visibility timeout, TTL and error caching TTL is the template's."""
    yield from start_up(tmp_path_factory.mktemp("default-up"))
