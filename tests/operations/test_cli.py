"""The CLI with a user's usual mistakes: one line naming the fix and a documented exit status,
never a traceback; `--local` finds `pressroom up` on the port it was started with."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pressroom.cli import LOCAL_ENDPOINT, main
from pressroom.local.state import UpState, running_up, state_file

GOOD = "---\ntitle: Good news\ntags: [a, b]\n---\nFine.\n"
NOTHING_LISTENS = "http://127.0.0.1:9"  # the discard port: nothing answers on loopback


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_line(result: Result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return lines[0]


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has a state folder of its own (no `pressroom up` of the machine leaks in)."""
    folder = tmp_path / "state"
    monkeypatch.setenv("PRESSROOM_STATE_DIR", str(folder))
    return folder


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


# -- --local follows the port `pressroom up` was started with -----------------------------------


def test_given_up_recorded_its_endpoint_then_local_uses_it():
    UpState("http://127.0.0.1:9", "http://127.0.0.1:8001", os.getpid()).write()

    result = invoke("status", "--local")

    # the recorded endpoint is the one tried (nothing listens there: this test runs no stack)
    assert result.exit_code == 3
    assert "http://127.0.0.1:9:" in one_line(result)


def test_given_no_running_up_then_local_is_the_default_endpoint(monkeypatch: pytest.MonkeyPatch):
    UpState("http://127.0.0.1:9", "http://127.0.0.1:8001", pid=2**22 + 7).write()  # no such pid
    assert running_up() is None, "a state file left by a process that is gone is ignored"
    monkeypatch.setattr("pressroom.cli.listening", lambda url: False)

    result = invoke("status", "--local")

    assert result.exit_code == 3
    assert f"nothing is listening at {LOCAL_ENDPOINT}:" in one_line(result)


def test_given_state_when_removed_by_another_process_then_only_its_own_file_goes():
    mine = UpState("http://127.0.0.1:4567", "http://127.0.0.1:8001", os.getpid())
    theirs = UpState("http://127.0.0.1:4568", "http://127.0.0.1:8002", os.getpid() + 1)
    path = mine.write()
    assert json.loads(path.read_text())["endpoint_url"] == "http://127.0.0.1:4567"

    theirs.remove()
    assert state_file().is_file(), "a later `up` does not remove an earlier one's file"
    mine.remove()
    assert not state_file().exists()
