"""Exporting a site bucket to a folder, one file per object (`tags/x/` → `tags/x/index.html`).

`write_site` writes a bucket's objects at once. `StreamedExport` writes them while the build is
still running: every write and delete of the in-process site bucket is handed, as it happens,
to a small child process that makes the folders and writes the files, so the kernel's work (a
few thousand folders and files: seconds on a busy disk) runs beside the functions' Python
instead of after it. A thread would not do: each of its system calls would wait for the
interpreter lock, which the rendering thread holds for up to the switch interval (5 ms) at a
time. At the end the folder is made equal to the bucket: anything the child was not handed in
its final state is written (or removed) then.

Keys are never trusted as paths: one that would leave the folder is refused (ValueError).
Private keys (the search records, for the index function) are never exported: never served."""

from __future__ import annotations

import contextlib
import os
import struct
import subprocess  # nosec B404 # runs this interpreter on the fixed code below
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pressroom.paths import export_name, is_private

_PUT, _DELETE = 1, 2
_HEADER = struct.Struct(">BII")  # operation, path length, body length
_PIPE_BYTES = 1 << 20  # a deeper pipe: the build rarely waits for the writer

# The child: reads (operation, path, body) records from stdin until it closes, and makes each
# folder once and writes (or removes) each file. Paths come checked and absolute. Run with -I:
# no site packages, no environment, no import of Pressroom (~15 ms to start).
_WRITER = """
import os, struct, sys
header = struct.Struct(">BII")
read = sys.stdin.buffer.read
made = set()
while True:
    head = read(header.size)
    if len(head) < header.size:
        break
    operation, path_length, body_length = header.unpack(head)
    path = read(path_length).decode("utf-8")
    body = read(body_length)
    if operation == 2:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        continue
    folder = os.path.dirname(path)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    with open(path, "wb") as file:
        file.write(body)
"""


def export_path(root: str, key: str) -> str:
    """The file a key becomes under the (resolved) folder `root`; ValueError if it would leave
    it (`..`, an absolute key)."""
    target = os.path.normpath(os.path.join(root, export_name(key)))
    if os.path.commonpath([root, target]) != root or target == root:
        raise ValueError(f"refusing to export {key!r} outside {root}")
    return target


def write_site(out: Path, objects: Iterable[tuple[str, bytes]]) -> list[str]:
    """Write each (key, body) of a site bucket to `out`, one file per object; the keys."""
    root = str(out.resolve())  # once: resolving every file's path costs a stat per component
    made: set[str] = set()  # folders already there: one mkdir per folder, not per file
    writes: list[tuple[str, bytes]] = []
    exported = []
    for key, body in objects:
        if is_private(key):
            continue
        target = export_path(root, key)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        writes.append((target, body))
        exported.append(key)
    # Thousands of files: a few at a time, as the disk waits release the interpreter.
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda write: _write_file(*write), writes))
    return exported


def _write_file(path: str, body: bytes) -> None:
    with open(path, "wb") as file:
        file.write(body)


class StreamedExport:
    """A folder that follows a site bucket's writes as they happen (`changed`), on a child
    process, and is made equal to the bucket at the end (`finish`)."""

    def __init__(self, out: Path) -> None:
        self.root = str(out.resolve())
        self._handed: dict[str, bytes | None] = {}  # key → the body handed over (None: deleted)
        writer = [sys.executable, "-I", "-c", _WRITER]  # this interpreter, the code above
        self._writer: subprocess.Popen[bytes] | None = subprocess.Popen(  # noqa: S603  # nosec B603
            writer, stdin=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=_PIPE_BYTES
        )
        self._stdin = self._writer.stdin
        try:
            import fcntl

            fcntl.fcntl(self._stdin, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)  # type: ignore[arg-type]
        except (ImportError, AttributeError, OSError):
            pass  # not Linux, or a lower limit: the default pipe works, with more waits

    def changed(self, key: str, body: bytes | None) -> None:
        """The bucket wrote `body` under `key` (None: deleted it). Checked here, written by the
        child; a key refused here, or anything once the child is gone (it failed), is left to
        `finish`, which says why."""
        if self._stdin is None or is_private(key):
            return
        try:
            path = export_path(self.root, key)
        except ValueError:
            return  # `finish` writes the keys not handed over, and refuses this one
        data = b"" if body is None else body
        encoded = path.encode("utf-8")
        try:
            self._stdin.write(
                _HEADER.pack(_DELETE if body is None else _PUT, len(encoded), len(data))
            )
            self._stdin.write(encoded)
            self._stdin.write(data)
        except (BrokenPipeError, ValueError):
            self._stdin = None  # the child stopped; `finish` reports it
            return
        self._handed[key] = body

    def finish(self, objects: Iterable[tuple[str, bytes]]) -> list[str]:
        """Wait for the child, then write what it was not handed as it is now, and remove
        what the bucket no longer has; the keys exported. OSError if the child failed."""
        self._close()
        final = {key: body for key, body in objects if not is_private(key)}
        missing = [(key, body) for key, body in final.items() if self._handed.get(key) is not body]
        write_site(Path(self.root), missing)
        for key in self._handed.keys() - final.keys():
            _remove(self.root, export_path(self.root, key))
        return sorted(final)

    def abort(self) -> None:
        """Stop the child (the build failed): the folder is left as it is."""
        if self._writer is not None and self._writer.poll() is None:
            self._writer.kill()
        self._close(check=False)

    def _close(self, check: bool = True) -> None:
        writer, self._writer = self._writer, None
        if writer is None:
            return
        try:
            if writer.stdin is not None:
                writer.stdin.close()
        except BrokenPipeError:
            pass
        errors = writer.stderr.read() if writer.stderr is not None else b""
        if writer.wait() != 0 and check:
            reason = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no reason"]
            raise OSError(f"writing the site into {self.root} failed: {reason[0]}")
        self._stdin = None


def _remove(root: str, path: str) -> None:
    """Remove a file, then the folders it leaves empty (not `root`)."""
    with contextlib.suppress(FileNotFoundError):  # the writer may have removed it already
        os.unlink(path)
    folder = os.path.dirname(path)
    while folder != root and os.path.isdir(folder) and not os.listdir(folder):
        os.rmdir(folder)
        folder = os.path.dirname(folder)
