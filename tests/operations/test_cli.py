"""The CLI with a user's usual mistakes: one line naming the fix and a documented exit status,
never a traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pressroom.cli import main

GOOD = "---\ntitle: Good news\ntags: [a, b]\n---\nFine.\n"
NOTHING_LISTENS = "http://127.0.0.1:9"  # the discard port: nothing answers on loopback


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_line(result: Result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield busy.getsockname()[1]


# -- nothing listening, ports in use ----------------------------------------------------------


@pytest.mark.parametrize("command", ["status", "rebuild", "redrive"])
def test_given_nothing_listening_at_the_endpoint_then_one_line_names_it_and_the_fix(command: str):
    result = invoke(command, "--endpoint-url", NOTHING_LISTENS)

    assert result.exit_code == 3
    line = one_line(result)
    assert NOTHING_LISTENS in line and "is `pressroom up` running?" in line


def test_given_nothing_listening_when_publishing_then_the_files_are_read_first_then_one_line(
    tmp_path: Path,
):
    (tmp_path / "post.md").write_text(GOOD)

    result = invoke("publish", str(tmp_path / "post.md"), "--endpoint-url", NOTHING_LISTENS)

    assert result.exit_code == 3
    assert "is `pressroom up` running?" in one_line(result)


def test_given_a_busy_port_when_up_starts_then_one_line_suggests_another_port(busy_port: int):
    result = invoke("up", "--port", str(busy_port), "--cdn-port", "0")

    assert result.exit_code == 3
    line = one_line(result)
    assert f"127.0.0.1:{busy_port} is already in use" in line and "--port" in line


def test_given_a_busy_cdn_port_when_up_starts_then_one_line_suggests_another_cdn_port(
    busy_port: int,
):
    result = invoke("up", "--port", "0", "--cdn-port", str(busy_port))

    assert result.exit_code == 3
    line = one_line(result)
    assert f"127.0.0.1:{busy_port} is already in use" in line and "--cdn-port" in line


def test_given_help_then_the_exit_statuses_are_documented():
    assert "Exit status: 0" in " ".join(invoke("--help").output.split())
