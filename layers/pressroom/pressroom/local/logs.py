"""`pressroom up`'s terminal log: the functions' Powertools JSON lines as one readable line
each (`--json` keeps the JSON, as CloudWatch would show it)."""

from __future__ import annotations

import io
import json
import logging
from typing import Any, TextIO

# Keys every Powertools line carries that say nothing about the event itself.
_BOILERPLATE = frozenset(
    {
        "level",
        "location",
        "message",
        "timestamp",
        "service",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "sampling_rate",
        "xray_trace_id",
        "exception",
        "exception_name",
        "stack_trace",
    }
)


def readable(line: str) -> str:
    """One Powertools JSON log line as `HH:MM:SS LEVEL Function: message key=value ...`
    (with the exception's traceback below it, indented); any other line as it is."""
    try:
        record = json.loads(line)
    except ValueError:
        return line
    if not isinstance(record, dict) or "message" not in record or "level" not in record:
        return line
    clock = str(record.get("timestamp", ""))[11:19]  # "2026-12-06 14:12:28,451+0000"
    source = record.get("function_name") or str(record.get("location", "")).split(":")[0]
    message = record["message"]
    if not isinstance(message, str):
        message = json.dumps(message, sort_keys=True, default=str)
    extras = " ".join(
        f"{key}={_value(value)}"
        for key, value in record.items()
        if key not in _BOILERPLATE and value not in (None, "", [], {})
    )
    parts = (clock, f"{record['level']:<7}", f"{source}:", message)
    text = " ".join(part for part in parts if part)
    if extras:
        text += " " + extras
    if record.get("exception"):
        text += "\n" + "\n".join("    " + row for row in str(record["exception"]).splitlines())
    return text


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value if value and " " not in value else json.dumps(value)
    return json.dumps(value, sort_keys=True, default=str)


class ReadableStream(io.TextIOBase):
    """A text stream that rewrites each complete JSON log line written to it with `readable`
    before passing it on to `stream`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self.stream.write(readable(line) + "\n")
        self.stream.flush()
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def readable_function_logs(service_name: str) -> tuple[logging.StreamHandler[Any], TextIO] | None:
    """Make the functions' Powertools handler (shared by every execution environment of the
    process: Powertools configures its service's logger once) write readable lines. Returns
    the handler and its stream, to put back with `restore`; None if no function logs yet."""
    service = logging.getLogger(service_name)
    handler = getattr(service, "powertools_handler", None)
    if not isinstance(handler, logging.StreamHandler) or isinstance(handler.stream, ReadableStream):
        return None
    original: TextIO = handler.stream
    handler.setStream(ReadableStream(original))
    return handler, original


def restore(installed: tuple[logging.StreamHandler[Any], TextIO] | None) -> None:
    if installed is not None:
        handler, stream = installed
        handler.setStream(stream)
