"""The `pressroom` command."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from pressroom.local.build import Backend
    from pressroom.operations import Target

DEFAULT_PORT = 4566  # `pressroom up`'s AWS endpoint
DEFAULT_SITE_PORT = 8000  # `pressroom up`'s local CDN and `pressroom serve`
LOCAL_ENDPOINT = f"http://127.0.0.1:{DEFAULT_PORT}"

# Exit statuses, the same for every command (documented in `--help` and the README).
EXIT_STATUSES = """Exit status: 0 all is well; 1 something needs you (a file rejected or
that will be, a message in a dead-letter queue, an event that ran out of retries); 2 a usage
error; 3 the command could not run (nothing listening at the endpoint, no AWS credentials or
no such stack, a port already in use): the one line it prints names the fix."""


class CannotRun(click.ClickException):
    """Something outside the command stops it; the message is one line that names the fix."""

    exit_code = 3


class PressroomCommands(click.Group):
    """The commands, with the usual ways a user's environment stops them (nothing listening at
    an endpoint, no credentials, a port in use) said in one line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            friendly = _cannot_run(error)
            if friendly is None:
                raise
            raise friendly from error


def _cannot_run(error: Exception) -> CannotRun | None:
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
    )

    from pressroom.local.background import PortUnavailable

    if isinstance(error, EndpointConnectionError):
        return unreachable(str(error.kwargs.get("endpoint_url", "the endpoint")))
    if isinstance(error, NoCredentialsError):
        return CannotRun(
            "no AWS credentials found: set a profile (AWS_PROFILE) or run `aws configure`, "
            "or use --local for `pressroom up`"
        )
    if isinstance(error, NoRegionError):
        return CannotRun("no AWS region: pass --region or set AWS_DEFAULT_REGION")
    if isinstance(error, ClientError) and "does not exist" in str(error):
        return CannotRun(f"{error.response['Error'].get('Message', error)}: check --stack-name")
    if isinstance(error, PortUnavailable):
        return CannotRun(f"{error}: choose another with --port")
    return None


def unreachable(endpoint_url: str) -> CannotRun:
    return CannotRun(
        f"nothing is listening at {endpoint_url}: is `pressroom up` running? "
        "(start it, or pass the --endpoint-url it printed)"
    )


@click.group(cls=PressroomCommands, epilog=EXIT_STATUSES)
@click.version_option(package_name="pressroom")
def main() -> None:
    """Pressroom: publish articles from an S3 bucket to a CloudFront site."""


_built = False  # `build` finished: nothing in this process is needed any more


def run() -> None:
    """The `pressroom` console script: `main`; once a build has finished, the process ends
    without freeing what the build left in memory (its table, site bucket and renderer: a
    million objects at 1,000 articles, half a second to free one by one for nothing), as mypy
    ends its runs. Every other command exits as usual (`up` and `serve` stop their servers and
    children in their own cleanup, and libraries' exit handlers still run)."""
    try:
        main()
    except SystemExit as done:
        if not _built:
            raise
        exit_at_once(done.code if isinstance(done.code, int) else 1)


def exit_at_once(status: int) -> NoReturn:
    """End the process now: logs and output flushed, nothing freed, no exit handlers."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def site_options(url_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--site-url and --site-title (or SITE_URL and SITE_TITLE), as the stack's SITE_URL and
    SiteTitle on AWS."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--site-title",
            envvar="SITE_TITLE",
            show_envvar=True,
            help="Site name in page titles, headers and feeds [default: the template's "
            "SiteTitle, Pressroom].",
        )(command)
        return click.option("--site-url", envvar="SITE_URL", show_envvar=True, help=url_help)(
            command
        )

    return decorate


@main.command()
@click.argument("src", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the site to.",
)
@site_options(
    "Base URL for canonical links, feeds and the sitemap [default: "
    f"http://127.0.0.1:{DEFAULT_SITE_PORT}, where `pressroom serve` answers]."
)
@click.option(
    "--backend",
    type=click.Choice(["in-process", "moto"]),
    default="in-process",
    show_default=True,
    help="in-process: the functions' work on memory adapters (fast); moto: the real handlers "
    "on embedded AWS emulation, as `pressroom up` runs them (slower; for comparison).",
)
@click.option(
    "--now",
    "now",
    metavar="ISO-8601",
    help="Build the site as it is at this time (articles dated later are held back, those "
    "expired by then left out) [default: the current time].",
)
@click.option(
    "--future",
    is_flag=True,
    help="Publish articles whose date is still ahead (Hugo's --buildFuture).",
)
@click.option(
    "--expired", is_flag=True, help="Keep articles past their expiryDate (Hugo's --buildExpired)."
)
def build(
    src: Path,
    out: Path,
    site_url: str | None,
    site_title: str | None,
    backend: Backend,
    now: str | None,
    future: bool,
    expired: bool,
) -> None:
    """Publish every article under SRC on the in-process backend and export the site to OUT.
    The same sources, settings and time always give the same bytes.

    Exit status: 0 when every file published, 1 when any was rejected (each named on stderr
    with its reason), 2 for usage errors."""
    from tqdm import tqdm

    from pressroom.local.build import build_site, prepare_output
    from pressroom.operations import (
        article_files,
        files_to_publish,
        offline_settings,
        reader_warnings,
    )

    moment = _moment(now)
    if moment is not None and backend == "moto":
        raise click.UsageError("--now needs the in-process backend")
    try:
        prepare_output(out)
    except FileExistsError as error:
        raise click.UsageError(str(error)) from error
    files = article_files(src)
    bar = functools.partial(tqdm, total=len(files), unit="file", disable=None, file=sys.stderr)
    with bar(desc="uploading") as uploading, bar(desc="publishing") as publishing:
        report = build_site(
            src,
            out,
            site_url=site_url,
            site_title=site_title,
            backend=backend,
            now=moment,
            future=future,
            expired=expired,
            uploaded=uploading.update,
            # S3's test event and redeliveries are notifications too: the bar stops at the total
            ingested=lambda count: publishing.update(min(count, publishing.total - publishing.n)),
        )
    for _source, text in sorted(report.rejected.items()):
        click.echo(f"rejected: {text.strip()}", err=True)
    warnings = report.warnings
    if warnings is None:  # the moto path: read the files again to find them
        warnings = reader_warnings(files_to_publish([src]), offline_settings())
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for item in report.scheduled:
        click.echo(f"scheduled: {item.key} {item.change} at {item.at}", err=True)
    if report.undelivered:
        click.echo(
            f"{report.undelivered} event(s) failed after every retry; see the log above", err=True
        )
    click.echo(
        f"published {report.published} article(s), {len(report.rejected)} rejected; "
        f"{report.pages} objects written to {out}",
        err=True,
    )
    global _built
    _built = True
    sys.exit(0 if report.ok else 1)


def _moment(text: str | None) -> datetime | None:
    """`--now`: an ISO 8601 time (a date is its midnight; no zone is UTC)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 time, e.g. 2026-03-14T06:00:00Z", param_hint="--now"
        ) from error
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_SITE_PORT, show_default=True, type=int)
@click.option(
    "--watch",
    "src",
    metavar="SRC",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Build this source folder into FOLDER, then rebuild what each save changes and "
    "reload the open pages.",
)
@click.option(
    "--templates",
    metavar="THEME",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="With --watch: theme overrides (TEMPLATES_DIR), watched too [default: $TEMPLATES_DIR].",
)
@site_options(
    "The site URL FOLDER should link to [default: the URL it is served on]; a folder built "
    "for another is served with a warning."
)
def serve(
    folder: Path,
    host: str,
    port: int,
    src: Path | None,
    templates: Path | None,
    site_url: str | None,
    site_title: str | None,
) -> None:
    """Serve a built site folder as the CDN serves the site bucket (Ctrl-C stops): `/x` →
    301 `/x/`, a path with no page → the site's 404.html with status 404, no directory
    listings.

    `pressroom build` renders the site URL and title into the pages; serve says so when the
    folder was built for other ones.

    With `--watch SRC`, FOLDER is built from SRC first (as `pressroom build SRC --out FOLDER`)
    and kept up to date: each save publishes only what it changed, on a backend kept warm,
    and the open pages reload; one line per rebuild says what changed and the time from the
    save to the reload."""
    import signal
    import threading

    from pressroom.local.serve import folder_server, mismatches

    if src is not None:
        watch(src, folder, templates, host, port, site_url, site_title)
        return
    if templates is not None:
        raise click.UsageError("--templates goes with --watch")
    if not folder.is_dir():
        raise click.BadParameter(f"Directory {str(folder)!r} does not exist.", param_hint="FOLDER")

    server = folder_server(folder, host, port)
    for mismatch in mismatches(folder, site_url or server.url, site_title):
        click.echo(f"warning: {mismatch}", err=True)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server.start()
    click.echo(f"Serving {folder} on {server.url}/ (Ctrl-C stops)")
    try:
        while not stop.wait(0.5):  # timed, so that the main thread runs the signal handlers
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


PROBLEMS = ("rejected:", "failed:", "warning:", "template error:")  # watch's lines for stderr


def watch(
    src: Path,
    folder: Path,
    templates: Path | None,
    host: str,
    port: int,
    site_url: str | None,
    site_title: str | None,
) -> None:
    """`pressroom serve FOLDER --watch SRC` (see `local.watch`), until Ctrl-C or SIGTERM."""
    import os
    import signal
    import threading

    from pressroom.local.watch import serve_and_watch

    if templates is None and os.environ.get("TEMPLATES_DIR"):
        templates = Path(os.environ["TEMPLATES_DIR"])
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        serve_and_watch(
            src,
            folder,
            stop,
            templates=templates,
            host=host,
            port=port,
            site_url=site_url,
            site_title=site_title,
            say=lambda line: click.echo(line, err=line.startswith(PROBLEMS)),
        )
    except FileExistsError as error:
        raise click.UsageError(str(error)) from error
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


# -- the local stack -----------------------------------------------------------------------------


@main.command()
@click.option(
    "--port", default=DEFAULT_PORT, show_default=True, type=int, help="AWS endpoint port."
)
@click.option(
    "--cdn-port", default=DEFAULT_SITE_PORT, show_default=True, type=int, help="Local site port."
)
@click.option(
    "--retry-after",
    type=int,
    default=None,
    help="Seconds before a failed queue message is retried [default: the queue's "
    "VisibilityTimeout from template.yaml, as on AWS].",
)
@click.option(
    "--max-window",
    type=int,
    default=None,
    help="Cap the event sources' batching windows, in seconds [default: as in template.yaml, "
    "so pages reach the local site as late as on AWS].",
)
@click.option("--log-level", default="INFO", show_default=True, help="The functions' log level.")
@click.option(
    "--json",
    "json_logs",
    is_flag=True,
    help="The functions' logs as Powertools JSON lines (as in CloudWatch), not one readable "
    "line per event.",
)
@site_options("Base URL for canonical links, feeds and the sitemap [default: the local CDN's].")
def up(
    port: int,
    cdn_port: int,
    retry_after: int | None,
    max_window: int | None,
    log_level: str,
    json_logs: bool,
    site_url: str | None,
    site_title: str | None,
) -> None:
    """Run the stack locally on 127.0.0.1: an AWS endpoint (moto) with the template's
    resources, the functions fed by its events, and a CDN serving the site. Ctrl-C stops.

    While it runs, its endpoint is recorded in a state file (`$PRESSROOM_STATE_DIR`, else
    `$XDG_STATE_HOME/pressroom`, else `~/.local/state/pressroom`, file `up.json`) so that
    `--local` finds it on any --port; the file goes when it stops."""
    from pressroom.local.state import state_file
    from pressroom.local.up import LocalCloud, run_until_stopped

    def announce(cloud: LocalCloud) -> None:
        for name, value in cloud.summary().items():
            click.echo(f"{name + ':':<15} {value}")
        ingest = cloud.summary()["ingest bucket"]
        click.echo(
            f"try:           aws s3 cp post.md s3://{ingest}/articles/ "
            f"--endpoint-url {cloud.endpoint_url}\n"
            f"state:         {state_file()} (`--local` finds this stack)\n"
            "ready (Ctrl-C stops)"
        )

    try:
        run_until_stopped(
            announce,
            port=port,
            cdn_port=cdn_port,
            retry_after=retry_after,
            max_window=max_window,
            log_level=log_level,
            json_logs=json_logs,
            site_url=site_url,
            site_title=site_title,
        )
    except Exception as error:
        from pressroom.local.background import PortUnavailable

        if not isinstance(error, PortUnavailable):
            raise
        option = "--cdn-port" if error.port == cdn_port and error.port != port else "--port"
        raise CannotRun(f"{error}: choose another with {option}") from error


# -- operations on a deployed stack or on `pressroom up` ----------------------------------------


@dataclass(frozen=True)
class StackChoice:
    """Which stack the options named; `connect()` finds its resources when a command needs
    them (a dry run never does)."""

    stack_name: str | None
    region: str | None
    endpoint_url: str | None

    def connect(self) -> Target:
        from pressroom.local.up import local_target
        from pressroom.operations import aws_clients, aws_target

        if self.endpoint_url:
            if not listening(self.endpoint_url):
                raise unreachable(self.endpoint_url)
            return local_target(self.endpoint_url)
        if self.stack_name:
            return aws_target(self.stack_name, aws_clients(self.region))
        raise click.UsageError("say which stack: --stack-name NAME (AWS) or --local")


def listening(url: str, timeout: float = 3.0) -> bool:
    """Whether something accepts connections at `url`'s host and port."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def local_endpoint() -> str:
    """The endpoint of the `pressroom up` running on this machine (from its state file), else
    the default one."""
    from pressroom.local.state import running_up

    running = running_up()
    return running.endpoint_url if running else LOCAL_ENDPOINT


def stack_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--stack-name/--region (AWS) or --local/--endpoint-url (`pressroom up`), passed to the
    command as `stack`."""

    @click.option("--stack-name", envvar="PRESSROOM_STACK_NAME", help="A deployed stack (AWS).")
    @click.option("--region", default=None, help="The deployed stack's region.")
    @click.option(
        "--local",
        is_flag=True,
        help="The `pressroom up` running on this machine, on whatever port it was started "
        f"with (its state file says; {LOCAL_ENDPOINT} if there is none).",
    )
    @click.option(
        "--endpoint-url", envvar="PRESSROOM_ENDPOINT_URL", help="The `pressroom up` at this URL."
    )
    @functools.wraps(command)
    def with_stack(
        stack_name: str | None,
        region: str | None,
        local: bool,
        endpoint_url: str | None,
        **kwargs: Any,
    ) -> Any:
        endpoint = endpoint_url or (local_endpoint() if local else None)
        return command(stack=StackChoice(stack_name, region, endpoint), **kwargs)

    return with_stack


def progress_bar(total: int, desc: str, unit: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=None, file=sys.stderr)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Read each file and say what would happen; upload nothing."
)
@stack_options
def publish(stack: StackChoice, paths: tuple[Path, ...], dry_run: bool) -> None:
    """Upload article files, or every file under folders, to the ingest bucket.

    Each file is first read as the ingest function will read it: those it will reject are
    named with the reason and the fix (and uploaded all the same, so that their error reports
    show in `pressroom status`), and so are the reader's warnings. With --dry-run, one line per
    file says what would happen ("would publish ... at /articles/<slug>/", "would reject ...").

    Exit status: 1 when any file is or would be rejected; 3 when the stack cannot be reached."""
    from pressroom.operations import dry_run as judge
    from pressroom.operations import files_to_publish, offline_settings, upload

    files = files_to_publish(paths)
    outcomes = judge(files, offline_settings())
    rejected = [outcome for outcome in outcomes if outcome.rejected]
    if dry_run:
        for outcome in outcomes:
            click.echo(outcome.sentence())
        sys.exit(1 if rejected else 0)
    for outcome in outcomes:
        if outcome.rejected:
            click.echo(f"will be rejected: {outcome.key}: {outcome.detail}", err=True)
        for warning in outcome.warnings:
            click.echo(f"warning: {outcome.key}: {warning}", err=True)
    target = stack.connect()
    with progress_bar(len(files), "uploading", "file") as bar:
        count = upload(target, files, progress=lambda: bar.update())
    click.echo(f"uploaded {count} file(s) to s3://{target.settings.ingest_bucket}/", err=True)
    if rejected:
        click.echo(
            f"{len(rejected)} of them will be rejected (`pressroom status` shows their reports)",
            err=True,
        )
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@stack_options
def status(stack: StackChoice, as_json: bool) -> None:
    """Articles, tags, queued and dead-letter messages, rejected files with their reasons,
    files that published with warnings, articles scheduled to go live or expire (and when).

    Exit status: 0 when nothing needs you; 1 when files are rejected or messages wait in a
    dead-letter queue (`pressroom redrive` once the cause is fixed); 3 when the stack cannot
    be reached."""
    from pressroom.operations import site_status

    report = site_status(stack.connect())
    needs_you = bool(report.rejected or report.dead_letters)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, sort_keys=True))
        sys.exit(1 if needs_you else 0)
    by_status = ", ".join(f"{count} {name}" for name, count in sorted(report.sources.items()))
    click.echo(f"articles:  {report.articles} live ({by_status or 'no files yet'})")
    click.echo(f"tags:      {report.tags}")
    for name, depth in report.queues.items():
        click.echo(
            f"{name.removesuffix('Url')}: {depth.waiting} waiting, {depth.in_flight} in flight"
        )
    for item in report.rejected:
        click.echo(f"rejected:  {item['key']}: {item['reason']} ({item['fix']})")
    for item in report.warned:
        for warning in item["warnings"]:
            click.echo(f"warning:   {item['key']} ({item['status']}): {warning}")
    for item in report.scheduled:
        click.echo(f"scheduled: {item['key']} {item['change']} at {item['at']}")
    if report.dead_letters:
        click.echo(f"{report.dead_letters} dead letter(s): see `pressroom redrive`", err=True)
    sys.exit(1 if needs_you else 0)


@main.command()
@click.option(
    "--wait/--no-wait", default=True, show_default=True, help="Follow the queue until done."
)
@stack_options
def rebuild(stack: StackChoice, wait: bool) -> None:
    """Re-render every article and listing (after a template or settings change), fanned out
    through the rebuild queue to as many function instances as it allows."""
    import time

    from pressroom.operations import enqueue_rebuild, queue_depth, rebuild_backlog

    target = stack.connect()
    sent = enqueue_rebuild(target)
    click.echo(f"queued {sent} rebuild message(s) (~10 articles each)", err=True)
    if not wait:
        return
    with progress_bar(sent, "rebuilding", "msg") as bar:
        while (backlog := rebuild_backlog(target)) > 0:
            bar.update(max(0, sent - backlog) - bar.n)
            time.sleep(1)
        bar.update(sent - bar.n)
    dead = queue_depth(target.client("sqs"), target.outputs["RebuildDeadLetterQueueUrl"])
    if dead.waiting:
        click.echo(f"{dead.waiting} rebuild message(s) failed: see `pressroom status`", err=True)
        sys.exit(1)


@main.command()
@stack_options
def redrive(stack: StackChoice) -> None:
    """Move messages from the dead-letter queues back to the queues they came from."""
    from pressroom.operations import redrive as move_back

    for result in move_back(stack.connect()):
        if result.source:
            click.echo(f"{result.dead_letter_queue}: moved {result.moved} message(s) back")
        else:
            click.echo(
                f"{result.dead_letter_queue}: no source queue (stream failures); "
                "`pressroom rebuild` re-renders what they missed"
            )


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout."
)
def preview(file: Path, out: Path | None) -> None:
    """Render one article file to HTML, with no AWS at all. Exit 1 if it would be rejected."""
    from pressroom.errors import RejectedFile
    from pressroom.operations import offline_settings, reader_warnings
    from pressroom.operations import preview as render

    try:
        html = render(file, offline_settings())
    except RejectedFile as rejected:
        click.echo(f"rejected: {rejected.rejection.report().strip()}", err=True)
        sys.exit(1)
    for warning in reader_warnings([(file.name, file)], offline_settings()):
        click.echo(f"warning: {warning}", err=True)
    if out is None:
        click.echo(html)
    else:
        out.write_text(html, encoding="utf-8")
