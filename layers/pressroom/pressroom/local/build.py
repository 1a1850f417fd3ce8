"""`pressroom build`: publish a folder of articles through the real functions on the embedded
backend, then export the site bucket to a folder."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressroom.local.embedded import embedded_aws
from pressroom.local.runtime import LocalRuntime
from pressroom.local.template import LOCAL_ACCOUNT
from pressroom.paths import export_name, is_article_page
from pressroom.settings import Settings

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
    # Files that published (or stayed drafts) with warnings: source key → report text.
    warned: dict[str, str] = field(default_factory=dict)
    undelivered: int = 0  # messages or records that ran out of retries

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
    site_title: str | None = None,
    uploaded: Callable[[], None] = lambda: None,
    ingested: Callable[[int], None] = lambda count: None,
) -> BuildReport:
    """`uploaded` is told of each file uploaded, `ingested` of each batch of upload
    notifications the ingest function has handled (the files, and S3's test event).

    `site_url` (default `DEFAULT_SITE_URL`) and `site_title` (default the template's SiteTitle)
    replace what the template's environment would give the functions (on the embedded backend,
    a made-up `*.cloudfront.net` domain)."""
    from pressroom.operations import files_to_publish, upload

    with site_backend(site_url, site_title) as runtime:
        upload(runtime.target, files_to_publish([src]), uploaded)
        runtime.drain(
            delivered=lambda function, count: (
                ingested(count) if function == INGEST_FUNCTION else None
            )
        )
        reports = _reports(runtime)
        report = BuildReport(undelivered=runtime.failures)
        states = _source_states(runtime, reports)
        for source, text in reports.items():
            rejected = states.get(source) in ("rejected", None)
            (report.rejected if rejected else report.warned)[source] = text
        exported = export_site(out)
        settings = Settings.from_env()  # what the functions ran with
    BuiltFor(settings.site_url, settings.site_title).record(out)
    report.pages = len(exported)
    # Published and unlisted articles are those with a page (drafts and rejections have none);
    # counted here rather than by a scan of the table, which moto pages through in O(N²).
    report.published = sum(1 for key in exported if is_article_page(key))
    return report


@contextmanager
def site_backend(
    site_url: str | None = None, site_title: str | None = None, templates_dir: Path | None = None
) -> Iterator[LocalRuntime]:
    """The backend `pressroom build` publishes on, with the functions' site settings replaced
    (see `build_site`) and, given `templates_dir`, their TEMPLATES_DIR. `pressroom serve
    --watch` keeps one open while it watches."""
    overrides = {"SITE_URL": (site_url or DEFAULT_SITE_URL).rstrip("/")}
    if site_title:
        overrides["SITE_TITLE"] = site_title
    if templates_dir is not None:
        overrides["TEMPLATES_DIR"] = str(templates_dir.resolve())
    with embedded_aws(overrides) as runtime:
        yield runtime


def _source_states(runtime: LocalRuntime, reports: dict[str, str]) -> dict[str, str]:
    """The status the table gives each reported source (a key it rejected before reading it,
    such as one outside the prefix, has none)."""
    from pressroom.adapters.content_store import ContentStore

    settings = Settings.from_env()
    store = ContentStore(settings.content_table, runtime.stack.client("dynamodb"))
    found = store.get_sources(reports)
    return {key: state.status for key, state in found.items() if state.exists}


def _reports(runtime: LocalRuntime) -> dict[str, str]:
    """The reports in the ingest bucket (rejections and warnings), by the source key."""
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


def export_site(out: Path) -> list[str]:
    """Copy the site bucket to `out`, one file per object; returns the keys copied."""
    settings = Settings.from_env()
    exported = []
    for key, body in _bucket_objects(settings.site_bucket):
        target = (out / export_name(key)).resolve()
        if not target.is_relative_to(out.resolve()):
            raise ValueError(f"refusing to export {key!r} outside {out}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        exported.append(key)
    return exported


def site_fingerprints() -> dict[str, str]:
    """Each object of the site bucket, by key, with a fingerprint of its bytes (its ETag,
    which moto computes once per write): comparing two of these tells what a change rewrote
    or deleted without reading any page (`pressroom serve --watch`)."""
    from moto.s3.models import FakeKey

    bucket = _embedded_bucket(Settings.from_env().site_bucket)
    return {
        key: current.etag
        for key in list(bucket.keys)
        if isinstance(current := bucket.keys.get(key), FakeKey)
    }


def site_object(key: str) -> bytes | None:
    """The bytes of one object of the site bucket, or None if it has none."""
    from moto.s3.models import FakeKey

    current = _embedded_bucket(Settings.from_env().site_bucket).keys.get(key)
    return current.value if isinstance(current, FakeKey) else None


def _embedded_bucket(bucket_name: str) -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[LOCAL_ACCOUNT]["aws"].get_bucket(bucket_name)


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
