"""`pressroom build`: publish a folder of articles through the functions' domain work on the
in-process backend (`pressroom.local.inprocess`), then export the site bucket to a folder.

The previous path, the real handlers on embedded moto (`backend="moto"`), stays for comparison:
the bench measures both, and a test holds their exports byte for byte equal."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pressroom.local.export import StreamedExport, write_site
from pressroom.local.template import LOCAL_ACCOUNT
from pressroom.paths import is_article_page
from pressroom.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pressroom.local.inprocess import Engine
    from pressroom.local.runtime import LocalRuntime
    from pressroom.sources import SourceState

Backend = Literal["in-process", "moto"]
BUILD_MARKER = ".pressroom-build"  # in every folder `pressroom build` made: what it was built for
# Where `pressroom serve` answers by default, and so the site URL a build links to unless told
# otherwise: a fixed value, so that two builds of the same sources are byte-identical.
DEFAULT_SITE_URL = Settings.site_url
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
    # Articles held back until their time, or live until their expiry, at the build's clock
    # (`publishing.schedule.Upcoming`; in-process builds).
    scheduled: list[Any] = field(default_factory=list, compare=False)

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.undelivered


def build_site(
    src: Path,
    out: Path,
    site_url: str | None = None,
    site_title: str | None = None,
    uploaded: Callable[[], None] = lambda: None,
    ingested: Callable[[int], None] = lambda count: None,
    backend: Backend = "in-process",
    overrides: dict[str, str] | None = None,
    now: datetime | None = None,
    future: bool = False,
    expired: bool = False,
) -> BuildReport:
    """`uploaded` is told of each file uploaded, `ingested` of each batch of upload
    notifications the ingest function has handled. `overrides` replaces values of the
    functions' environment; `site_url` (default `DEFAULT_SITE_URL`) and `site_title` (default
    the template's SiteTitle) replace SITE_URL and SITE_TITLE (on the embedded backend, the
    template would give a made-up `*.cloudfront.net` domain). Scheduled publishing: the site
    is built as it is at `now` (default: the real time; in-process only), `future` publishes
    articles whose time has not come, `expired` keeps those past their expiry (Hugo's
    `--buildFuture` / `--buildExpired`)."""
    settings = {"SITE_URL": DEFAULT_SITE_URL, **(overrides or {})}
    if future:
        settings["BUILD_FUTURE"] = "true"
    if expired:
        settings["BUILD_EXPIRED"] = "true"
    if now is not None and backend == "moto":
        raise ValueError("--now needs the in-process backend (moto's functions use the real time)")
    if site_url:
        settings["SITE_URL"] = site_url.rstrip("/")
    if site_title:
        settings["SITE_TITLE"] = site_title
    if backend == "moto":
        report, used = _build_on_moto(src, out, settings, uploaded, ingested)
    else:
        report, used = _build_in_process(src, out, settings, uploaded, ingested, now)
    BuiltFor(used.site_url, used.site_title).record(out)
    return report


def _site_overrides(site_url: str | None, site_title: str | None) -> dict[str, str]:
    overrides = {"SITE_URL": (site_url or DEFAULT_SITE_URL).rstrip("/")}
    return overrides | ({"SITE_TITLE": site_title} if site_title else {})


def _build_in_process(
    src: Path,
    out: Path,
    overrides: dict[str, str],
    uploaded: Callable[[], None],
    ingested: Callable[[int], None],
    now: datetime | None = None,
) -> tuple[BuildReport, Settings]:
    from pressroom.clock import ManualClock
    from pressroom.local.inprocess import INGEST, Engine, default_template
    from pressroom.operations import files_to_publish
    from pressroom.publishing.schedule import upcoming

    began = time.perf_counter()
    clock = ManualClock(now)
    engine = Engine.for_template(
        default_template(), overrides, whole_stream=True, search=True, clock=clock, workers=None
    )
    # The site is written into `out` as the functions write it, by a process of its own.
    export = StreamedExport(out)
    engine.backend.site_bucket.on_change = export.changed
    try:
        sources, prefix = engine.backend.sources, engine.backend.settings.articles_prefix
        for name, path in files_to_publish([src]):
            sources.put_object(prefix + name, path.read_bytes())
            uploaded()
        uploaded_at = time.perf_counter()
        engine.run(lambda function, count: ingested(count) if function == INGEST else None)
        ran = time.perf_counter()
        exported = export.finish(engine.backend.site_bucket.objects())
    except BaseException:
        export.abort()
        raise
    reports = _reports(engine)
    states = engine.backend.store.get_sources(reports)
    report = BuildReport(undelivered=engine.report.undelivered, rejected=_rejected(reports, states))
    report.warnings = [
        f"{state.key}: {warning}"
        for state in engine.backend.store.sources()
        if state.status != "rejected"
        for warning in state.warnings
    ]
    report.scheduled = upcoming(engine.backend.store.sources())
    report.seconds = {
        "upload": uploaded_at - began,
        **engine.report.seconds,
        # What is left once the functions are done: the writes the writer has not made yet.
        "export": time.perf_counter() - ran,
    }
    report.pages = len(exported)
    report.published = sum(1 for key in exported if is_article_page(key))
    return report, engine.backend.settings


def _rejected(reports: dict[str, str], states: Mapping[str, SourceState]) -> dict[str, str]:
    """The reports of rejected files (not those of files that published with warnings); a key
    rejected before it was read (outside the prefix) has no state."""
    return {
        key: text
        for key, text in reports.items()
        if key not in states or states[key].status in ("rejected", "absent")
    }


def _reports(engine: Engine) -> dict[str, str]:
    """The reports in the in-process ingest bucket (rejections and warnings), by source key."""
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
) -> tuple[BuildReport, Settings]:
    """The handlers on embedded moto, fed by the local runtime's pumps (what `pressroom build`
    did before the in-process backend)."""
    from pressroom.local.embedded import embedded_aws
    from pressroom.operations import files_to_publish, upload
    from pressroom.pipeline import Pipeline

    with embedded_aws(overrides) as runtime:
        upload(runtime.target, files_to_publish([src]), uploaded)
        runtime.drain(
            delivered=lambda function, count: (
                ingested(count) if function == INGEST_FUNCTION else None
            )
        )
        runtime.run_schedules()  # the search index, as its schedule would within minutes
        reports = _rejections(runtime)
        store = Pipeline(runtime.settings, runtime.stack.client).store
        rejected = _rejected(reports, store.get_sources(reports))
        report = BuildReport(undelivered=runtime.failures, rejected=rejected)
        settings = runtime.settings  # what the functions ran with
        exported = export_site(out, settings.site_bucket)
    report.pages = len(exported)
    # Published and unlisted articles are those with a page (drafts and rejections have none);
    # counted here rather than by a scan of the table, which moto pages through in O(N²).
    report.published = sum(1 for key in exported if is_article_page(key))
    return report, settings


@contextmanager
def site_backend(
    site_url: str | None = None, site_title: str | None = None, templates_dir: Path | None = None
) -> Iterator[Engine]:
    """A warm in-process backend with the functions' site settings replaced (see `build_site`)
    and, given `templates_dir`, their TEMPLATES_DIR: `pressroom serve --watch` keeps one open
    while it watches."""
    from pressroom.local.inprocess import Engine, default_template

    overrides = _site_overrides(site_url, site_title)
    if templates_dir is not None:
        overrides["TEMPLATES_DIR"] = str(templates_dir.resolve())
    # As a build: each drain renders every listing its changes touch once.
    yield Engine.for_template(default_template(), overrides, whole_stream=True, workers=None)


def _rejections(runtime: LocalRuntime) -> dict[str, str]:
    """The reports in the embedded ingest bucket (rejections and warnings), by source key."""
    settings = runtime.settings
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


@dataclass(frozen=True)
class BuiltFor:
    """The settings a folder was built with, kept in its marker file so that `pressroom serve`
    can tell when it serves the folder somewhere its links do not point."""

    site_url: str
    site_title: str

    def record(self, out: Path) -> None:
        fields = {"site_url": self.site_url, "site_title": self.site_title}
        note = {"made by": "pressroom build; safe to delete", **fields}
        (out / BUILD_MARKER).write_text(json.dumps(note, indent=1, sort_keys=True) + "\n")

    @classmethod
    def of(cls, folder: Path) -> BuiltFor | None:
        """What `folder` was built for; None if not recorded (not a build, or an older one)."""
        try:
            note = json.loads((folder / BUILD_MARKER).read_text(encoding="utf-8"))
            return cls(str(note["site_url"]), str(note["site_title"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None


def export_site(out: Path, site_bucket: str) -> list[str]:
    """Copy the embedded (moto) site bucket to `out`, one file per object; returns the keys."""
    return write_site(out, _bucket_objects(site_bucket))


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
