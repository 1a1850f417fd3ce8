"""The `pressroom` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click


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
def build(src: Path, out: Path, site_url: str | None) -> None:
    """Publish every article under SRC on the embedded backend and export the site to OUT.

    Exit status: 0 when every file published, 1 when any was rejected (each named on stderr
    with its reason), 2 for usage errors."""
    from tqdm import tqdm

    from pressroom.local.build import article_files, build_site, prepare_output

    try:
        prepare_output(out)
    except FileExistsError as error:
        raise click.UsageError(str(error)) from error
    files = article_files(src)
    with tqdm(
        total=len(files), desc="uploading", unit="file", disable=None, file=sys.stderr
    ) as bar:
        report = build_site(src, out, site_url=site_url, progress=lambda: bar.update())
    for _source, text in sorted(report.rejected.items()):
        click.echo(f"rejected: {text.strip()}", err=True)
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
