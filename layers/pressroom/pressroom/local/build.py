"""`pressroom build`: publish a folder of articles through the functions' domain work on the
in-process backend (`pressroom.local.inprocess`), then export the site bucket to a folder.

The previous path, the real handlers on embedded moto (`backend="moto"`), stays for comparison:
the bench measures both, and a test holds their exports byte for byte equal."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pressroom.local.template import LOCAL_ACCOUNT
from pressroom.paths import export_name, is_article_page
from pressroom.settings import Settings

if TYPE_CHECKING:
    from pressroom.local.inprocess import Engine
    from pressroom.local.runtime import LocalRuntime

Backend = Literal["in-process", "moto"]
BUILD_MARKER = ".pressroom-build"
INGEST_FUNCTION = "IngestFunction"  # the template's function that reads the uploads


@dataclass
class BuildReport:
    published: int = 0
    pages: int = 0
    rejected: dict[str, str] = field(default_factory=dict)  # source key → report text
    undelivered: int = 0  # messages or records that ran out of retries
    # Where the time went (in-process builds): "upload", each function's work, "export".
    seconds: dict[str, float] = field(default_factory=dict, compare=False)
    # `key: warning` for files that published or stayed drafts with warnings, as the table keeps
    # them (in-process builds; None: not known, read the files again to find them).
    warnings: list[str] | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.undelivered


def article_files(src: Path) -> list[Path]:
    if src.is_file():
        return [src]
    return sorted(
        path
        for path in src.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(src).parts)
    )


def build_site(
    src: Path,
    out: Path,
    site_url: str | None = None,
    uploaded: Callable[[], None] = lambda: None,
    ingested: Callable[[int], None] = lambda count: None,
    backend: Backend = "in-process",
    overrides: dict[str, str] | None = None,
) -> BuildReport:
    """`uploaded` is told of each file uploaded, `ingested` of each batch of upload
    notifications the ingest function has handled. `overrides` replaces values of the
    functions' environment (as `site_url` does SITE_URL)."""
    settings = {**(overrides or {}), **({"SITE_URL": site_url} if site_url else {})}
    if backend == "moto":
        return _build_on_moto(src, out, settings, uploaded, ingested)
    return _build_in_process(src, out, settings, uploaded, ingested)


def _build_in_process(
    src: Path,
    out: Path,
    overrides: dict[str, str],
    uploaded: Callable[[], None],
    ingested: Callable[[int], None],
) -> BuildReport:
    from pressroom.local.inprocess import INGEST, Engine, default_template
    from pressroom.operations import files_to_publish

    began = time.perf_counter()
    engine = Engine.for_template(default_template(), overrides, whole_stream=True)
    sources, prefix = engine.backend.sources, engine.backend.settings.articles_prefix
    for name, path in files_to_publish([src]):
        sources.put_object(prefix + name, path.read_bytes())
        uploaded()
    uploaded_at = time.perf_counter()
    engine.run(lambda function, count: ingested(count) if function == INGEST else None)
    report = BuildReport(undelivered=engine.report.undelivered, rejected=_reports(engine))
    report.warnings = [
        f"{state.key}: {warning}"
        for state in engine.backend.store.sources()
        if state.status != "rejected"
        for warning in state.warnings
    ]
    ran = time.perf_counter()
    exported = write_site(out, engine.backend.site_bucket.objects())
    report.seconds = {
        "upload": uploaded_at - began,
        **engine.report.seconds,
        "export": time.perf_counter() - ran,
    }
    report.pages = len(exported)
    report.published = sum(1 for key in exported if is_article_page(key))
    return report


def _reports(engine: Engine) -> dict[str, str]:
    """The error reports in the in-process ingest bucket, by the source key they reject."""
    sources, prefix = engine.backend.sources, engine.backend.settings.reports_prefix
    return {
        key.removeprefix(prefix).removesuffix(".txt"): (sources.get(key) or b"").decode("utf-8")
        for key in sources.keys(prefix)
    }


def _build_on_moto(
    src: Path,
    out: Path,
    overrides: dict[str, str],
    uploaded: Callable[[], None],
    ingested: Callable[[int], None],
) -> BuildReport:
    """The handlers on embedded moto, fed by the local runtime's pumps (what `pressroom build`
    did before the in-process backend)."""
    from pressroom.local.embedded import embedded_aws
    from pressroom.operations import files_to_publish, upload

    with embedded_aws(overrides) as runtime:
        upload(runtime.target, files_to_publish([src]), uploaded)
        runtime.drain(
            delivered=lambda function, count: (
                ingested(count) if function == INGEST_FUNCTION else None
            )
        )
        report = BuildReport(undelivered=runtime.failures, rejected=_rejections(runtime))
        exported = export_site(out)
    report.pages = len(exported)
    # Published and unlisted articles are those with a page (drafts and rejections have none);
    # counted here rather than by a scan of the table, which moto pages through in O(N²).
    report.published = sum(1 for key in exported if is_article_page(key))
    return report


def _rejections(runtime: LocalRuntime) -> dict[str, str]:
    """The error reports in the ingest bucket, by the source key they reject."""
    settings = Settings.from_env()
    s3 = runtime.stack.client("s3")
    rejected = {}
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=settings.ingest_bucket, Prefix=settings.reports_prefix):
        for obj in page.get("Contents", []):
            body = s3.get_object(Bucket=settings.ingest_bucket, Key=obj["Key"])["Body"].read()
            source = obj["Key"].removeprefix(settings.reports_prefix).removesuffix(".txt")
            rejected[source] = body.decode("utf-8")
    return rejected


def prepare_output(out: Path) -> None:
    """Refuse to overwrite a folder we did not build; replace one we did."""
    if out.exists() and any(out.iterdir()):
        if not (out / BUILD_MARKER).exists():
            raise FileExistsError(
                f"{out} is not empty and was not made by `pressroom build`; choose another --out"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / BUILD_MARKER).write_text("made by pressroom build; safe to delete\n")


def export_site(out: Path) -> list[str]:
    """Copy the embedded (moto) site bucket to `out`, one file per object; returns the keys."""
    settings = Settings.from_env()
    return write_site(out, _bucket_objects(settings.site_bucket))


def write_site(out: Path, objects: Iterable[tuple[str, bytes]]) -> list[str]:
    """Write each (key, body) of a site bucket to `out`, one file per object; the keys."""
    exported = []
    root = out.resolve()  # once: resolving every file's path costs a stat per component
    made: set[str] = set()  # folders already there: one mkdir per folder, not per file
    writes: list[tuple[str, bytes]] = []
    for key, body in objects:
        # Keys are never trusted as paths: `..` or an absolute key must not leave the folder.
        target = os.path.normpath(os.path.join(root, export_name(key)))
        if os.path.commonpath([root, target]) != str(root) or target == str(root):
            raise ValueError(f"refusing to export {key!r} outside {out}")
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


def _bucket_objects(bucket_name: str) -> Iterator[tuple[str, bytes]]:
    """The current objects of an embedded bucket, read where moto keeps them: the bucket lives
    in this process, and a GetObject per page (~3 ms of HTTP emulation each) would cost a
    large site more than all of its rendering."""
    from moto.s3.models import FakeKey, s3_backends

    bucket = s3_backends[LOCAL_ACCOUNT]["aws"].get_bucket(bucket_name)
    for key in sorted(bucket.keys):
        current = bucket.keys.get(key)
        if isinstance(current, FakeKey):  # not a delete marker
            yield key, current.value
