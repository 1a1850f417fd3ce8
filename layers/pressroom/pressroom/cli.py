"""The `pressroom` command."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from pressroom.local.build import Backend
    from pressroom.operations import Target

LOCAL_ENDPOINT = "http://127.0.0.1:4566"


@click.group()
@click.version_option(package_name="pressroom")
def main() -> None:
    """Pressroom: publish articles from an S3 bucket to a CloudFront site."""


@main.command()
@click.argument("src", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the site to.",
)
@click.option("--site-url", default=None, help="Base URL for canonical links and feeds.")
@click.option(
    "--backend",
    type=click.Choice(["in-process", "moto"]),
    default="in-process",
    show_default=True,
    help="in-process: the functions' work on memory adapters (fast); moto: the real handlers "
    "on embedded AWS emulation, as `pressroom up` runs them (slower; for comparison).",
)
def build(src: Path, out: Path, site_url: str | None, backend: Backend) -> None:
    """Publish every article under SRC on the in-process backend and export the site to OUT.

    Exit status: 0 when every file published, 1 when any was rejected (each named on stderr
    with its reason), 2 for usage errors."""
    from tqdm import tqdm

    from pressroom.local.build import article_files, build_site, prepare_output
    from pressroom.operations import files_to_publish, offline_settings, reader_warnings

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
            backend=backend,
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
    if report.undelivered:
        click.echo(
            f"{report.undelivered} event(s) failed after every retry; see the log above", err=True
        )
    click.echo(
        f"published {report.published} article(s), {len(report.rejected)} rejected; "
        f"{report.pages} objects written to {out}",
        err=True,
    )
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(folder: Path, host: str, port: int) -> None:
    """Serve a built site folder over HTTP (Ctrl-C stops)."""
    from pressroom.local.serve import serve_folder

    serve_folder(folder, host, port)


# -- the local stack -----------------------------------------------------------------------------


@main.command()
@click.option("--port", default=4566, show_default=True, type=int, help="AWS endpoint port.")
@click.option("--cdn-port", default=8000, show_default=True, type=int, help="Local site port.")
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
def up(
    port: int, cdn_port: int, retry_after: int | None, max_window: int | None, log_level: str
) -> None:
    """Run the stack locally on 127.0.0.1: an AWS endpoint (moto) with the template's
    resources, the functions fed by its events, and a CDN serving the site. Ctrl-C stops."""
    from pressroom.local.up import LocalCloud, run_until_stopped

    def announce(cloud: LocalCloud) -> None:
        for name, value in cloud.summary().items():
            click.echo(f"{name + ':':<15} {value}")
        ingest = cloud.summary()["ingest bucket"]
        click.echo(
            f"try:           aws s3 cp post.md s3://{ingest}/articles/ "
            f"--endpoint-url {cloud.endpoint_url}\nready (Ctrl-C stops)"
        )

    run_until_stopped(
        announce,
        port=port,
        cdn_port=cdn_port,
        retry_after=retry_after,
        max_window=max_window,
        log_level=log_level,
    )


# -- operations on a deployed stack or on `pressroom up` ----------------------------------------


@dataclass(frozen=True)
class StackChoice:
    """Which stack the options named; `connect()` finds its resources when a command needs
    them (a dry run never does)."""

    stack_name: str | None
    region: str | None
    endpoint_url: str | None

    def connect(self) -> Target:
        from pressroom.operations import aws_clients, aws_target, local_target

        if self.endpoint_url:
            return local_target(self.endpoint_url)
        if self.stack_name:
            return aws_target(self.stack_name, aws_clients(self.region))
        raise click.UsageError("say which stack: --stack-name NAME (AWS) or --local")


def stack_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--stack-name/--region (AWS) or --local/--endpoint-url (`pressroom up`), passed to the
    command as `stack`."""

    @click.option("--stack-name", envvar="PRESSROOM_STACK_NAME", help="A deployed stack (AWS).")
    @click.option("--region", default=None, help="The deployed stack's region.")
    @click.option("--local", is_flag=True, help=f"The `pressroom up` at {LOCAL_ENDPOINT}.")
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
        endpoint = endpoint_url or (LOCAL_ENDPOINT if local else None)
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

    Exit status with --dry-run: 1 when any file would be rejected."""
    from pressroom.operations import dry_run as judge
    from pressroom.operations import files_to_publish, offline_settings, upload

    files = files_to_publish(paths)
    if dry_run:
        outcomes = judge(files, offline_settings())
        for outcome in outcomes:
            click.echo(f"{outcome.outcome:<9} {outcome.key}: {outcome.detail}")
        sys.exit(1 if any(o.outcome == "rejected" for o in outcomes) else 0)
    target = stack.connect()
    with progress_bar(len(files), "uploading", "file") as bar:
        count = upload(target, files, progress=lambda: bar.update())
    click.echo(f"uploaded {count} file(s) to s3://{target.settings.ingest_bucket}/", err=True)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@stack_options
def status(stack: StackChoice, as_json: bool) -> None:
    """Articles, tags, queued and dead-letter messages, rejected files with their reasons."""
    from pressroom.operations import site_status

    report = site_status(stack.connect())
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, sort_keys=True))
        return
    by_status = ", ".join(f"{count} {name}" for name, count in sorted(report.sources.items()))
    click.echo(f"articles:  {report.articles} live ({by_status or 'no files yet'})")
    click.echo(f"tags:      {report.tags}")
    for name, depth in report.queues.items():
        click.echo(
            f"{name.removesuffix('Url')}: {depth.waiting} waiting, {depth.in_flight} in flight"
        )
    for item in report.rejected:
        click.echo(f"rejected:  {item['key']}: {item['reason']} ({item['fix']})")
    if report.dead_letters:
        click.echo(f"{report.dead_letters} dead letter(s): see `pressroom redrive`", err=True)


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
