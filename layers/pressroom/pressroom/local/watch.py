"""`pressroom serve FOLDER --watch SRC [--templates DIR]`: build SRC into FOLDER once, keep the
backend warm, serve FOLDER, and on every save publish only what changed and reload the page.

- **Detecting changes**: every `POLL_SECONDS` the watcher lists the files `pressroom build`
  would publish from SRC (and every file of the templates folder) with their (mtime, size,
  inode); a burst of saves (an editor's temp file and rename, a `git checkout`) is one change
  once nothing moved for `QUIET_SECONDS`. Polling needs no dependency and works on any
  filesystem (containers, network mounts); a stat per file per poll is cheap up to thousands.
- **Sources**: the site is published on the in-process backend (`pressroom.local.inprocess`,
  as `pressroom build`), kept in memory between changes. Each file added or changed is uploaded
  under its key, each one gone is deleted, and the engine runs until nothing is left to do: the
  functions' work publishes it as on AWS, O(k) for an article with k tags, each listing it
  touches rendered once.
- **Templates**: a template that does not compile is named in one line and nothing is rebuilt;
  otherwise the functions are redeployed (a fresh Jinja2 environment, as a deployment gives
  Lambda) and the pages that use it (the article pages, the listings, or both: followed through
  extends and includes) are re-rendered through the rebuild queue, as `pressroom rebuild` does.
- **Exporting**: the first build streams the site into FOLDER as `pressroom build` does; then
  the site bucket tells which keys each change wrote or deleted, and only the files whose bytes
  changed are written (atomically) or removed.
- **Live reload**: pages are served with a same-origin script, `/__pressroom/livereload.js`,
  added on the fly (never written to FOLDER, never deployed), which listens to the
  Server-Sent Events at `/__pressroom/events` and reloads the page when a rebuild changed the
  site. The server sends the deployed Content-Security-Policy with `script-src 'self'` and
  `connect-src 'self'` added where it lacks them (the deployed one has both, for site search),
  so a theme that breaks the real policy breaks here too.
"""

from __future__ import annotations

import http.server
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pressroom.local.background import BackgroundServer, bind
from pressroom.local.build import BuiltFor, prepare_output, site_backend
from pressroom.local.cdn import LocalDistribution, handler_for
from pressroom.local.export import StreamedExport, export_path
from pressroom.local.serve import FolderOrigin, NoCache
from pressroom.settings import Settings

if TYPE_CHECKING:
    from jinja2 import Environment

    from pressroom.local.inprocess import Engine
    from pressroom.local.memory import MemorySiteBucket

POLL_SECONDS = 0.1
QUIET_SECONDS = 0.15  # a burst of saves is over when nothing moved for this long
SCRIPT_PATH = "/__pressroom/livereload.js"
EVENTS_PATH = "/__pressroom/events"
KEEP_ALIVE_SECONDS = 15.0
LIVE_RELOAD_JS = b"""// `pressroom serve --watch` only: reload the page once its site was rebuilt.
(function () {
  "use strict";
  var tag = document.querySelector("script[data-pressroom-generation]");
  var shown = tag ? tag.getAttribute("data-pressroom-generation") : null;
  var events = new EventSource("/__pressroom/events");
  function check(event) {
    if (shown !== null && event.data !== shown) {
      events.close();
      window.location.reload();
    }
  }
  events.addEventListener("hello", check);
  events.addEventListener("reload", check);
})();
"""

Signature = tuple[int, int, int]  # mtime (ns), size, inode
Clock = Callable[[], float]


# -- what changed ---------------------------------------------------------------------------------


def _walk(root: Path) -> dict[str, Signature]:
    """Every file under `root` that is not hidden (nor in a hidden folder), by its path
    relative to `root`: the files `pressroom build` publishes (`operations.article_files`), listed
    with `os.scandir` (several times cheaper than `Path.rglob`: this runs on every poll)."""
    found: dict[str, Signature] = {}
    folders = [(root, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # gone, or not ours to read
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((Path(entry.path), prefix + entry.name + "/"))
                elif entry.is_file():
                    stat = entry.stat()
                    found[prefix + entry.name] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            except OSError:
                continue  # gone since it was listed: the next poll sees it gone
    return found


def scan_sources(src: Path) -> dict[str, Signature]:
    """The files `pressroom build SRC` publishes, by their name under the articles prefix."""
    return _walk(src)


def scan_templates(templates: Path | None) -> dict[str, Signature]:
    """Every file of the templates folder (not hidden), by its template name."""
    if templates is None or not templates.is_dir():
        return {}
    return _walk(templates)


@dataclass(frozen=True)
class Change:
    """What a burst of saves changed, compared with what was published."""

    added: tuple[str, ...] = ()  # source names (under the articles prefix)
    changed: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()  # template names added, changed or deleted
    detected: float = 0.0  # when the burst's first save was seen (the watcher's clock)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.deleted or self.templates)

    @property
    def uploads(self) -> tuple[str, ...]:
        return self.added + self.changed

    def describe(self) -> str:
        parts = []
        for verb, names in (("added", self.added), ("changed", self.changed)):
            parts += [f"{name} {verb}" for name in names[:3]]
            if len(names) > 3:
                parts.append(f"{len(names) - 3} more {verb}")
        parts += [f"{name} deleted" for name in self.deleted[:3]]
        if len(self.deleted) > 3:
            parts.append(f"{len(self.deleted) - 3} more deleted")
        if self.templates:
            parts.append("template " + ", ".join(self.templates[:3]) + " changed")
        return ", ".join(parts)


def difference(
    before: dict[str, Signature],
    templates_before: dict[str, Signature],
    after: dict[str, Signature],
    templates_after: dict[str, Signature],
    detected: float = 0.0,
) -> Change:
    """What changed between two scans (sources and templates before, then after)."""
    templates = sorted(
        name
        for name in templates_before.keys() | templates_after.keys()
        if templates_before.get(name) != templates_after.get(name)
    )
    return Change(
        added=tuple(sorted(after.keys() - before.keys())),
        changed=tuple(sorted(n for n in after.keys() & before.keys() if after[n] != before[n])),
        deleted=tuple(sorted(before.keys() - after.keys())),
        templates=tuple(templates),
        detected=detected,
    )


class FolderWatcher:
    """Polls the source folder (and the templates folder) for changes to what was published."""

    def __init__(
        self,
        src: Path,
        templates: Path | None = None,
        poll_seconds: float = POLL_SECONDS,
        quiet_seconds: float = QUIET_SECONDS,
        clock: Clock = time.monotonic,
    ) -> None:
        self.src = src
        self.templates = templates
        self.poll_seconds = poll_seconds
        self.quiet_seconds = quiet_seconds
        self.clock = clock
        self.published = self.scan()  # what the site shows (once built)

    def scan(self) -> tuple[dict[str, Signature], dict[str, Signature]]:
        return scan_sources(self.src), scan_templates(self.templates)

    def next_change(self, stop: threading.Event, timeout: float | None = None) -> Change | None:
        """The next change, once its burst of saves is over; None when `stop` is set (or
        `timeout` seconds passed with none)."""
        seen = self.published
        detected: float | None = None
        moved = 0.0
        give_up = None if timeout is None else self.clock() + timeout
        while not stop.is_set():
            started = self.clock()
            current = self.scan()
            now = self.clock()
            if current != seen:
                seen, moved = current, now
                detected = now if detected is None else detected
            elif detected is not None and now - moved >= self.quiet_seconds:
                change = difference(*self.published, *current, detected=detected)
                self.published = current
                if change:
                    return change
                detected = None  # the burst left things as they were (a temp file came and went)
            if give_up is not None and now >= give_up and detected is None:
                return None
            # A large tree is polled less often: scanning takes at most a fifth of a core.
            stop.wait(max(self.poll_seconds, 4 * (now - started)))
        return None


# -- the warm site ------------------------------------------------------------------------------


class SiteMirror:
    """A folder kept equal to a site bucket by writing only the objects that changed: the
    bucket says which keys each write or delete touched, and a file is rewritten only when its
    bytes did change."""

    def __init__(self, out: Path, bucket: MemorySiteBucket) -> None:
        self.out = out.resolve()
        self.bucket = bucket
        self.exported: dict[str, bytes] = {}  # what the folder holds, by key
        self._touched: set[str] = set()
        self._lock = threading.Lock()
        bucket.on_change = self._touch

    def _touch(self, key: str, body: bytes | None) -> None:
        with self._lock:
            self._touched.add(key)

    def publish(self, change: Callable[[], None]) -> tuple[list[str], list[str]]:
        """Run `change` (the first build) with the folder written as the bucket is, in a
        process of its own (`pressroom build`'s export); returns (keys written, [])."""
        export = StreamedExport(self.out)
        self.bucket.on_change = export.changed
        try:
            change()
            objects = self.bucket.objects()
            written = export.finish(objects)
        except BaseException:
            export.abort()
            raise
        finally:
            self.bucket.on_change = self._touch
        self.exported = dict(objects)
        return written, []

    def sync(self) -> tuple[list[str], list[str]]:
        """Export what was written to the bucket since the last sync and remove what was
        deleted; returns (keys written, keys deleted)."""
        with self._lock:
            touched, self._touched = sorted(self._touched), set()
        written, deleted = [], []
        for key in touched:
            body = self.bucket.get(key)
            if body is None:
                if self.exported.pop(key, None) is not None:
                    self._remove(self._file(key))
                    deleted.append(key)
            elif self.exported.get(key) != body:
                _write_atomically(self._file(key), body)
                self.exported[key] = body
                written.append(key)
        return written, deleted

    def _file(self, key: str) -> Path:
        return Path(export_path(str(self.out), key))

    def _remove(self, file: Path) -> None:
        file.unlink(missing_ok=True)
        folder = file.parent
        while folder != self.out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _write_atomically(target: Path, body: bytes) -> None:
    """A reader (the server) sees the old file or the new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    temporary.write_bytes(body)
    os.replace(temporary, target)


@dataclass
class Rebuild:
    """What one change did to the site."""

    change: Change
    written: list[str] = field(default_factory=list)  # site keys exported
    deleted: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # source key → reason (and fix)
    warnings: list[str] = field(default_factory=list)  # `key: warning`
    failures: list[str] = field(default_factory=list)  # one line per failed event
    template_error: str = ""

    @property
    def site_changed(self) -> bool:
        return bool(self.written or self.deleted)

    def summary(self, milliseconds: float, reloaded: bool) -> str:
        outcome = f"{len(self.written)} written, {len(self.deleted)} deleted"
        if reloaded:
            timing = f"reload sent {milliseconds:.0f} ms after the save"
        else:
            timing = f"no page changed, no reload ({milliseconds:.0f} ms)"
        return f"{self.change.describe()}: {outcome}; {timing}"

    def problems(self) -> list[str]:
        """One line per thing the editor must hear about."""
        lines = [f"template error: {self.template_error}"] if self.template_error else []
        lines += [f"rejected: {key}: {reason}" for key, reason in sorted(self.rejected.items())]
        lines += [f"warning: {warning}" for warning in self.warnings]
        lines += [f"failed: {failure}" for failure in self.failures]
        return lines


class _FailureLog(logging.Handler):
    """Keeps the local runtime's reports of failed invocations as one line each (the
    exception's type and message) instead of a traceback on the terminal."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = record.getMessage()
        error = record.exc_info[1] if record.exc_info else None
        while isinstance(error, BaseExceptionGroup) and error.exceptions:
            error = error.exceptions[0]  # a batch's failures: the first record's says why
        if error is not None:
            first_line = next(iter(str(error).splitlines()), "")
            line += f": {type(error).__name__}: {first_line}"
        if line not in self.lines:  # each retry fails the same way
            self.lines.append(line)

    def take(self, most: int = 3) -> list[str]:
        lines, self.lines = self.lines, []
        if len(lines) > most:
            lines = [*lines[:most], f"and {len(lines) - most} more"]
        return lines


@contextmanager
def failures_in_one_line() -> Iterator[_FailureLog]:
    runtime_log = logging.getLogger("pressroom.local.inprocess")
    handler = _FailureLog()
    propagate = runtime_log.propagate
    runtime_log.addHandler(handler)
    runtime_log.propagate = False
    try:
        yield handler
    finally:
        runtime_log.removeHandler(handler)
        runtime_log.propagate = propagate


# The templates the renderer starts from (`pressroom.render.Renderer`), by what renders them:
# an article's sync (its page; the 404 and search pages among the site's furniture), or the
# listing function. tests/operations/test_watch.py holds this to the renderer's own calls.
ARTICLE_TEMPLATES = ("article.html", "404.html", "search.html", "_author_photo.html")
LISTING_TEMPLATES = (
    "listing.html",
    "period.html",
    "terms.html",
    "sitemap_pages.xml",
    "sitemap.xml",
    "sitemap_index.xml",
    "robots.txt",
)


def theme(templates: Path | None) -> Environment:
    """The Jinja2 environment the functions render with, `templates` overriding the theme."""
    from pressroom.render import Renderer

    folder = str(templates) if templates is not None else ""
    return Renderer(
        Settings(content_table="", ingest_bucket="", site_bucket="", templates_dir=folder)
    ).env


def templates_used(env: Environment, roots: tuple[str, ...]) -> set[str] | None:
    """Every template rendering `roots` may load (extends, includes, imports), the roots
    included; None when one is chosen at render time (any might be)."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, meta

    used: set[str] = set()
    waiting = list(roots)
    while waiting:
        name = waiting.pop()
        if name in used:
            continue
        used.add(name)
        try:
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            tree = env.parse(source)
        except (TemplateNotFound, TemplateSyntaxError):
            continue  # rendering fails, and says so
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                return None
            waiting.append(referenced)
    return used


def pages_using(templates: Path | None, changed: tuple[str, ...]) -> tuple[bool, bool]:
    """Whether the `changed` templates are used by (article pages, listing pages)."""
    env = theme(templates)
    uses = []
    for roots in (ARTICLE_TEMPLATES, LISTING_TEMPLATES):
        used = templates_used(env, roots)
        uses.append(used is None or not used.isdisjoint(changed))
    return uses[0], uses[1]


def template_error(templates: Path, names: tuple[str, ...]) -> str:
    """The first of the changed templates that does not compile, with its line and the
    reason; "" when all do."""
    from jinja2 import TemplateSyntaxError

    env = theme(templates)
    for name in names:
        if not (templates / name).is_file():
            continue
        try:
            env.get_template(name)
        except TemplateSyntaxError as error:
            return f"{templates / name}:{error.lineno}: {error.message}"
        except UnicodeDecodeError:
            return f"{templates / name}: not UTF-8 text"
    return ""


class WarmSite:
    """A site published on an in-process backend that stays open between changes, exported to
    `out`."""

    def __init__(
        self,
        engine: Engine,
        src: Path,
        out: Path,
        templates: Path | None = None,
    ) -> None:
        self.engine = engine
        self.backend = engine.backend
        self.src = src
        self.templates = templates
        self.settings = self.backend.settings
        self.pipeline = self.backend.pipeline
        self.mirror = SiteMirror(out, self.backend.site_bucket)

    def publish(self, sources: dict[str, Signature]) -> Rebuild:
        """The first build: every source, written into the folder as it is published."""
        change = Change(added=tuple(sorted(sources)))
        return self._publish(change, lambda run: self.mirror.publish(run))

    def apply(self, change: Change) -> Rebuild:
        """Publish `change` and export what it changed in the site."""

        def export(run: Callable[[], None]) -> tuple[list[str], list[str]]:
            run()
            return self.mirror.sync()

        return self._publish(change, export)

    def _publish(
        self,
        change: Change,
        export: Callable[[Callable[[], None]], tuple[list[str], list[str]]],
    ) -> Rebuild:
        sources, prefix = self.backend.sources, self.settings.articles_prefix
        rebuild = Rebuild(change)
        uploaded, deleted = [], list(change.deleted)
        for name in change.uploads:
            try:
                body = (self.src / name).read_bytes()
            except FileNotFoundError:
                deleted.append(name)  # gone again before it could be read
                continue
            except OSError as error:
                rebuild.failures.append(f"cannot read {self.src / name}: {error.strerror}")
                continue
            sources.put_object(prefix + name, body)
            uploaded.append(name)
        for name in deleted:
            sources.delete_object(prefix + name)
        failed_before = self.engine.report.undelivered

        def run() -> None:
            if change.templates and self.templates is not None:
                rebuild.template_error = template_error(self.templates, change.templates)
                if not rebuild.template_error:
                    self._rerender(change.templates)
            self.engine.run()

        with failures_in_one_line() as failures:
            rebuild.written, rebuild.deleted = export(run)
        self._judge([prefix + name for name in uploaded], rebuild)
        if self.engine.report.undelivered > failed_before:
            count = self.engine.report.undelivered - failed_before
            rebuild.failures += [f"{count} event(s) failed after every retry", *failures.take()]
        return rebuild

    def _rerender(self, templates: tuple[str, ...]) -> None:
        """Queue a re-render of the pages that use `templates`, on functions redeployed with
        them (the uploads of the same change published first: the rebuild lists them)."""
        from pressroom.publishing.rebuild import listing_ids, rebuild_messages, source_keys

        articles, listings = pages_using(self.templates, templates)
        if articles or listings:
            self.engine.run()
            self.backend.redeploy()
            keys = source_keys(self.pipeline) if articles else []
            ids = listing_ids(self.pipeline) if listings else []
            self.backend.rebuilds.send_all(rebuild_messages(keys, ids))

    def _judge(self, keys: list[str], rebuild: Rebuild) -> None:
        for key, state in sorted(self.pipeline.store.get_sources(keys).items()):
            if state.status == "rejected":
                rebuild.rejected[key] = (
                    f"{state.reason} ({state.fix})" if state.fix else state.reason
                )
            else:
                rebuild.warnings += [f"{key}: {warning}" for warning in state.warnings]


# -- the server -----------------------------------------------------------------------------------


class Reloads:
    """The site's generation, raised after each rebuild that changed it; the event streams
    wait on it."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.generation = 0
        self.closed = False

    def announce(self) -> int:
        with self._changed:
            self.generation += 1
            self._changed.notify_all()
            return self.generation

    def wait_after(self, generation: int, timeout: float) -> int:
        """The generation, once it is past `generation` (or `timeout` seconds passed)."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != generation or self.closed, timeout)
            return self.generation

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def site_content_security_policy() -> str:
    """The Content-Security-Policy the CDN sends (template.yaml's response headers policy)."""
    from pressroom.local.embedded import find_template
    from pressroom.local.template import Template

    template = Template(find_template())
    policies = template.of_type("AWS::CloudFront::ResponseHeadersPolicy").values()
    for policy in policies:
        config = policy["Properties"]["ResponseHeadersPolicyConfig"]
        csp = config.get("SecurityHeadersConfig", {}).get("ContentSecurityPolicy")
        if csp:
            return " ".join(str(csp["ContentSecurityPolicy"]).split())
    return ""


def allowing_live_reload(policy: str) -> str:
    """`policy` with the live-reload script and its event stream (same origin) allowed."""
    wanted = {"script-src": False, "connect-src": False}
    directives = []
    for directive in (d.strip() for d in policy.split(";")):
        if not directive:
            continue
        name, *values = directive.split()
        if name.lower() in wanted:
            values = [v for v in values if v != "'none'"]
            if "'self'" not in values:
                values.append("'self'")
            wanted[name.lower()] = True
            directive = " ".join([name, *values])
        directives.append(directive)
    directives += [f"{name} 'self'" for name, present in wanted.items() if not present]
    return "; ".join(directives)


_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def with_live_reload(page: bytes, generation: int) -> bytes:
    """An HTML page with the live-reload script (and the generation it shows) added."""
    tag = (
        f'<script src="{SCRIPT_PATH}" data-pressroom-generation="{generation}" defer></script>'
    ).encode()
    for end in (_HEAD_END, _BODY_END):
        match = end.search(page)
        if match:
            return page[: match.start()] + tag + page[match.start() :]
    return page + tag


class LiveReloadDistribution(LocalDistribution):
    """The folder served as `pressroom serve` serves it, plus the live-reload script in every
    HTML page (and the 404 page), the script itself, and the watch mode's policy."""

    def __init__(self, folder: Path, reloads: Reloads, policy: str) -> None:
        super().__init__(FolderOrigin(folder), NoCache())
        self.reloads = reloads
        self.policy = policy

    def respond(self, raw_path: str) -> tuple[int, bytes, list[tuple[str, str]]]:
        if urlsplit(raw_path).path == SCRIPT_PATH:
            status, body = 200, LIVE_RELOAD_JS
            headers = [("Content-Type", "text/javascript; charset=utf-8")]
        else:
            generation = self.reloads.generation  # before reading: a later one reloads the page
            status, body, headers = super().respond(raw_path)
            content_type = next((v for n, v in headers if n.lower() == "content-type"), "")
            if content_type.startswith("text/html"):
                body = with_live_reload(body, generation)
        headers = [*headers, ("Cache-Control", "no-store")] if status != 301 else headers
        if self.policy:
            headers.append(("Content-Security-Policy", self.policy))
        return status, body, headers


def watch_handler(
    distribution: LiveReloadDistribution, keep_alive: float = KEEP_ALIVE_SECONDS
) -> type[http.server.BaseHTTPRequestHandler]:
    base: Any = handler_for(distribution)
    reloads = distribution.reloads

    class Handler(base):
        def do_GET(self) -> None:
            if urlsplit(self.path).path == EVENTS_PATH:
                self._events()
            else:
                super().do_GET()

        def _events(self) -> None:
            """Server-Sent Events: `hello` with the generation on connecting, `reload` with
            the new one after each rebuild, a comment now and then (to notice a closed tab)."""
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            generation = reloads.generation
            try:
                self._send(f"retry: 500\nevent: hello\ndata: {generation}\n\n")
                while not reloads.closed:
                    current = reloads.wait_after(generation, keep_alive)
                    if reloads.closed:
                        return
                    if current == generation:
                        self._send(": still watching\n\n")
                    else:
                        generation = current
                        self._send(f"event: reload\ndata: {generation}\n\n")
            except (BrokenPipeError, ConnectionResetError):
                return  # the page went away

        def _send(self, text: str) -> None:
            self.wfile.write(text.encode())
            self.wfile.flush()

    return Handler


def watch_server(
    folder: Path, reloads: Reloads, host: str = "127.0.0.1", port: int = 8000
) -> BackgroundServer:
    """`folder` served with live reload on host:port (0: any free port); listens at once."""
    distribution = LiveReloadDistribution(
        folder, reloads, allowing_live_reload(site_content_security_policy())
    )
    handler = watch_handler(distribution)

    def make() -> http.server.ThreadingHTTPServer:
        return http.server.ThreadingHTTPServer((host, port), handler)

    server = bind(host, port, make)
    server.daemon_threads = True
    return BackgroundServer(server, "pressroom-watch")


# -- the command --------------------------------------------------------------------------------


def _overlap(one: Path, other: Path) -> bool:
    one, other = one.resolve(), other.resolve()
    return one.is_relative_to(other) or other.is_relative_to(one)


def serve_and_watch(
    src: Path,
    out: Path,
    stop: threading.Event,
    *,
    templates: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    site_url: str | None = None,
    site_title: str | None = None,
    say: Callable[[str], None] = print,
    ready: Callable[[str], None] = lambda url: None,
    poll_seconds: float = POLL_SECONDS,
    clock: Clock = time.monotonic,
) -> None:
    """Build `src` into `out`, serve it with live reload and rebuild what each change touches,
    until `stop` is set. `say` gets one line per rebuild (and per problem); `ready` the URL
    once the site is served. `FileExistsError` if `out` holds something not built by us."""
    for watched, what in ((src, "the source folder"), (templates, "the templates folder")):
        if watched is not None and _overlap(watched, out):
            raise FileExistsError(
                f"{out} and {what} {watched} overlap: the site would publish itself; "
                "choose an output folder outside it"
            )
    prepare_output(out)
    reloads = Reloads()
    server = watch_server(out, reloads, host, port)  # bound first: the pages link to its URL
    watcher = FolderWatcher(src, templates, poll_seconds=poll_seconds, clock=clock)
    try:
        with site_backend(site_url or server.url, site_title, templates) as engine:
            site = WarmSite(engine, src, out, templates)
            started = clock()
            first = site.publish(watcher.published[0])
            BuiltFor(site.settings.site_url, site.settings.site_title).record(out)
            for line in first.problems():
                say(line)
            say(
                f"built {len(first.written)} objects into {out} in {clock() - started:.1f} s "
                f"({len(first.rejected)} rejected)"
            )
            server.start()
            watching = f"{src}" + (f" and {templates}" if templates else "")
            say(f"Serving {out} on {server.url}/ and watching {watching} (Ctrl-C stops)")
            ready(server.url)
            while (change := watcher.next_change(stop)) is not None:
                rebuild = site.apply(change)
                if rebuild.site_changed:
                    reloads.announce()
                milliseconds = (clock() - change.detected) * 1000
                for line in rebuild.problems():
                    say(line)
                say(rebuild.summary(milliseconds, rebuild.site_changed))
    finally:
        reloads.close()
        server.stop()
