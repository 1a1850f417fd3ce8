"""The CLI with a user's usual mistakes: one line naming the fix and a documented exit status,
never a traceback; `--local` finds `pressroom up` on the port it was started with; `publish`
reads each file before uploading it; `status` exits 1 when something needs the operator."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pressroom.cli import LOCAL_ENDPOINT, StackChoice, main
from pressroom.local.logs import ReadableStream, readable
from pressroom.local.runtime import LocalRuntime
from pressroom.local.state import UpState, running_up, state_file
from pressroom.operations import Target

GOOD = "---\ntitle: Good news\ntags: [a, b]\n---\nFine.\n"
BROKEN = "---\ntitle: [unclosed\n---\nBody\n"
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
    status_help = " ".join(invoke("status", "--help").output.split())
    assert "1 when files are rejected or messages wait in a dead-letter queue" in status_help


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


# -- publish reads first; status exits 1 when something needs the operator ----------------------


@pytest.fixture
def embedded(runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch) -> LocalRuntime:
    """GIVEN the commands' stack is the embedded backend's."""
    target = Target(runtime.stack.outputs(), runtime.stack.client)
    monkeypatch.setattr(StackChoice, "connect", lambda self: target)
    return runtime


def test_given_a_bad_file_when_published_then_it_is_named_before_upload_and_exit_is_1(
    embedded: LocalRuntime, tmp_path: Path
):
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "broken.md").write_text(BROKEN)

    result = invoke("publish", str(tmp_path), "--local")

    assert result.exit_code == 1, result.output
    [warning] = [line for line in result.output.splitlines() if line.startswith("will be")]
    assert warning.startswith("will be rejected: articles/broken.md:") and "YAML" in warning
    assert "uploaded 2 file(s)" in result.output
    assert "1 of them will be rejected" in result.output
    # AND `status` then names it and exits 1
    embedded.drain()
    status = invoke("status", "--local")
    assert status.exit_code == 1, status.output
    assert "rejected:  articles/broken.md" in status.output


def test_given_only_good_files_when_published_then_status_exits_0(
    embedded: LocalRuntime, tmp_path: Path
):
    (tmp_path / "good.md").write_text(GOOD)

    assert invoke("publish", str(tmp_path), "--local").exit_code == 0
    embedded.drain()

    status = invoke("status", "--local", "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["articles"] == 1


def test_given_a_file_published_with_warnings_then_status_names_them_and_exits_0(
    embedded: LocalRuntime, tmp_path: Path
):
    (tmp_path / "odd.md").write_text(GOOD.replace("Fine.", "Fine. {{< mystery >}}"))

    assert invoke("publish", str(tmp_path), "--local").exit_code == 0
    embedded.drain()

    status = invoke("status", "--local")
    assert status.exit_code == 0, status.output  # it published: nothing for an operator to do
    assert "warning:   articles/odd.md (published): " in status.output
    assert "`mystery`" in status.output


def test_given_a_dead_letter_then_status_exits_1(embedded: LocalRuntime):
    target = Target(embedded.stack.outputs(), embedded.stack.client)
    embedded.stack.client("sqs").send_message(
        QueueUrl=target.outputs["InvalidationDeadLetterQueueUrl"], MessageBody='{"paths": ["/"]}'
    )

    result = invoke("status", "--local")

    assert result.exit_code == 1
    assert "1 dead letter(s)" in result.output


def test_given_articles_dated_ahead_or_expiring_then_status_lists_what_happens_when(
    embedded: LocalRuntime, tmp_path: Path
):
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "later.md").write_text("---\ntitle: Later\ndate: 2099-01-01\n---\nSoon.\n")
    (tmp_path / "brief.md").write_text(
        "---\ntitle: Brief\ndate: 2024-01-01\nexpiryDate: 2098-06-01T12:00:00Z\n---\nNow.\n"
    )

    assert invoke("publish", str(tmp_path), "--local").exit_code == 0
    embedded.drain()

    status = invoke("status", "--local")
    assert status.exit_code == 0, status.output
    assert "articles:  2 live" in status.output
    assert status.output.index(
        "scheduled: articles/brief.md expires at 2098-06-01T12:00:00+00:00"
    ) < (status.output.index("scheduled: articles/later.md goes live at 2099-01-01T00:00:00+00:00"))
    as_json = json.loads(invoke("status", "--local", "--json").output)
    assert [item["key"] for item in as_json["scheduled"]] == [
        "articles/brief.md",
        "articles/later.md",
    ]


def test_given_an_article_dated_ahead_when_dry_run_then_it_would_be_held_back(tmp_path: Path):
    (tmp_path / "later.md").write_text("---\ntitle: Later\npublishDate: 2099-01-01\n---\nSoon.\n")
    (tmp_path / "gone.md").write_text("---\ntitle: Gone\nexpiryDate: 2001-01-01\n---\nOld.\n")

    result = invoke("publish", "--dry-run", str(tmp_path))

    assert result.exit_code == 0, result.output
    assert sorted(result.output.splitlines()) == [
        "would hold back articles/later.md until 2099-01-01T00:00:00+00:00"
        " (then at /articles/later/)",
        "would not publish articles/gone.md: past its expiry (its page would be /articles/gone/)",
    ]


def test_given_files_when_dry_run_then_each_good_one_would_publish(tmp_path: Path):
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "hidden.md").write_text("---\ntitle: Hidden\nunlisted: true\n---\nFine.\n")
    (tmp_path / "later.md").write_text("---\ntitle: Later\ndraft: true\n---\nNot yet.\n")

    result = invoke("publish", "--dry-run", str(tmp_path))

    assert result.exit_code == 0, result.output
    assert sorted(result.output.splitlines()) == [
        "would not publish articles/later.md: a draft (its page would be /articles/later/)",
        "would publish articles/good.md at /articles/good/",
        "would publish articles/hidden.md at /articles/hidden/ (unlisted)",
    ]


# -- `pressroom up`'s log ---------------------------------------------------------------------

POWERTOOLS_LINE = json.dumps(
    {
        "level": "INFO",
        "location": "_record:48",
        "message": "synced",
        "timestamp": "2026-12-06 14:12:28,451+0000",
        "service": "pressroom",
        "cold_start": False,
        "function_name": "IngestFunction",
        "function_memory_size": 1769,
        "function_arn": "arn:aws:lambda:us-east-1:123456789012:function:IngestFunction",
        "function_request_id": "e77b4295",
        "correlation_id": "c879605d",
        "key": "articles/post.md",
        "outcome": "published",
        "paths": ["/articles/post/"],
    }
)


def test_given_a_powertools_line_then_up_shows_one_readable_line():
    assert readable(POWERTOOLS_LINE) == (
        "14:12:28 INFO    IngestFunction: synced correlation_id=c879605d key=articles/post.md "
        'outcome=published paths=["/articles/post/"]'
    )
    assert readable("moto says hello") == "moto says hello"


def test_given_lines_written_in_pieces_then_each_is_rewritten_once_complete(tmp_path: Path):
    out = (tmp_path / "log").open("w+")
    stream = ReadableStream(out)

    stream.write(POWERTOOLS_LINE[:40])
    stream.write(POWERTOOLS_LINE[40:] + "\nplain\n")

    out.seek(0)
    [first, second] = out.read().splitlines()
    assert first.startswith("14:12:28 INFO    IngestFunction: synced") and second == "plain"
