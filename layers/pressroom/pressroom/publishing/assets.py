"""Ingest of asset uploads (images, documents, audio, video): the same guarantees as articles.

An asset key converges like an article's: the S3 event is a hint, the worker reads the key's
current object, and the source state (`SRC#<key>`, with the same rev / digest / sequencer rules
and a conditional commit) records what the site shows. What it shows is recorded in the state's
`asset` attribute (`asset_refs.AssetRecord`): the site keys of the files published for it, which
the articles referring to it read when they are rendered.

Documents, audio and video are never held in memory: the object is streamed once (its SHA-256
and first bytes, `IngestBucket.inspect`) and its exact version copied into the site bucket inside
S3 (`SiteBucket.copy_from`). Images are read whole (they are decoded; the size limit bounds them).

Steps for one key: classify the bytes (`media.classify`: extension, real format, size), make the
published files (raster images: `media.process_image`, metadata stripped, WebP and fallback
widths and an `og:image`; SVG: `media.sanitize_svg`; documents and media: as uploaded), write
them under content-hashed keys (`media/<folder per upload>/<name>.<hash>.<ext>`: immutable,
never invalidated, new keys never served before), commit the state, then delete the files no
longer kept, queue a re-render of the articles that refer to the key (`@<key>` links, the same
reverse index Jekyll includes use) and mark the revision synced. A rejected upload gets a report
(and, like an article, leaves the version already published alone); a deleted one takes its
files down.

Rendition lifecycle: files are written before the commit that records them, so a state never
names a missing file. When an image changes, its previous generation stays published (`previous`)
while the articles showing it are re-rendered through the rebuild queue, and is deleted when the
generation after it is committed: a page that is not yet re-rendered (or a reader's cached copy of
it) still finds every image it names for one whole generation. When the upload is deleted its
files are deleted at once (an editor who deletes an image means it to go), and the pages showing it
are re-rendered without it. Files to delete are recorded in the commit (`doomed`) and deleted after
it, so a worker stopping in between leaves them to the next delivery, not behind for ever.

Lost races: a worker whose commit loses to another version's deletes the files it wrote that no
record names (`_clean_up`); a committer checks its new files are still there (`_ensure_written`),
since a loser with the same bytes (the same content-hashed names) may have deleted them meanwhile.

Reprocessing: an image's record keeps the fingerprint of the settings and code that made its
files (`media.image_settings`); an upload whose bytes are unchanged is processed again only when
that fingerprint is not the current one (so the full re-render after a settings change re-derives
every image, and costs nothing for images already made the current way). Records written before
fingerprints were kept count as made otherwise: the first rebuild brings them up to date.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from pressroom.errors import ConcurrentUpdate, TransientError
from pressroom.media import (
    FORMATS,
    SNIFF_BYTES,
    Asset,
    ImageSettings,
    Kind,
    ProcessedImage,
    SizeLimits,
    classify,
    hashed_name,
    process_image,
    sanitize_svg,
)
from pressroom.media.names import HASH_DIGITS, stem_of
from pressroom.model import Inspected, Rejection
from pressroom.ports import Pipeline
from pressroom.publishing.asset_refs import AssetRecord, StoredFile, media_key
from pressroom.publishing.cache_policy import CachePolicy
from pressroom.sources import SourceState

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class AssetOutcome:
    outcome: str  # published | rejected | deleted | unchanged | stale
    rejection: Rejection | None = None
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


# A published file's content: its bytes, or the upload to copy inside S3; and its media type.
_File = tuple[bytes | Inspected, str]


@dataclass(frozen=True)
class _Made:
    record: AssetRecord
    files: dict[str, _File]  # by site key


@dataclass(frozen=True)
class _Upload:
    """The current object of an asset key: its bytes (images: they are decoded), or only what
    a stream of it told (documents, audio and video are copied inside S3, never held whole)."""

    digest: str
    body: bytes | None
    inspected: Inspected | None = None


def sync_asset(
    key: str,
    sequencer: str,
    force: bool,
    p: Pipeline,
    rerender: Callable[[str], None],
) -> AssetOutcome:
    """Converge what the site shows for the asset upload `key` to its current object.
    `rerender(target)` queues a re-render of the articles linked to `target` (`@<key>`).

    Files written for a commit this worker then lost (another worker committed another version
    first) are orphans nobody's record names: they are deleted before returning (`_clean_up`)."""
    uncommitted: dict[str, _File] = {}  # files this worker wrote that no commit of its names
    try:
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(min(2.0, 0.05 * 2 ** (attempt - 1)) * random.random())  # noqa: S311  # nosec B311 # jitter
            state = p.store.get_sources([key])[key]
            try:
                return _sync(key, sequencer, force, state, p, rerender, uncommitted)
            except ConcurrentUpdate:
                continue
        raise TransientError(f"{key}: still changing after {MAX_ATTEMPTS} attempts; will retry")
    finally:
        if uncommitted:
            try:
                _clean_up(key, uncommitted, p)
            except Exception:  # only waste is left behind: the sync's own outcome stands
                logger.exception("%s: could not delete the files of a lost race", key)


def _named(key: str, p: Pipeline) -> set[str]:
    """The site keys the key's current state needs: its files and the generation before."""
    return AssetRecord.named(p.store.get_sources([key])[key].asset)


def _clean_up(key: str, uncommitted: dict[str, _File], p: Pipeline) -> None:
    """Delete the files this worker wrote that the state does not name (it lost the race that
    would have recorded them). Content-hashed names mean another worker's files differ unless
    their bytes are the same; then the state names them (they are kept), or a worker with the
    same bytes may commit them just after this read: so the state is read again after deleting,
    and what it names now is put back (this worker has the very bytes). Together with the check
    after each commit (`_ensure_written`), no record ever names a missing file."""
    named = _named(key, p)
    orphans = [site_key for site_key in uncommitted if site_key not in named]
    for site_key in orphans:
        p.site_bucket.delete(site_key)
    if orphans:
        logger.info("%s: deleted %d file(s) of a version that lost a race", key, len(orphans))
        needed = _named(key, p)
        for site_key in orphans:
            if site_key in needed:
                _put(site_key, uncommitted[site_key], p)


def _put(site_key: str, content: _File, p: Pipeline) -> None:
    data, media_type = content
    cache_control = CachePolicy().rule_for(site_key).cache_control
    if isinstance(data, bytes):
        p.site_bucket.put(site_key, data, media_type, cache_control)
    else:
        p.site_bucket.copy_from(data, p.sources.name, site_key, media_type, cache_control)


def _ensure_written(key: str, written: dict[str, _File], p: Pipeline) -> None:
    """After a commit naming `written`: put back any of them deleted meanwhile by a worker
    cleaning up after a lost race with the same bytes (`_clean_up`). One listing of the upload's
    folder."""
    present = set(p.site_bucket.keys(media_key(key, "")))
    for site_key, content in written.items():
        if site_key not in present:
            _put(site_key, content, p)


def _sync(
    key: str,
    sequencer: str,
    force: bool,
    state: SourceState,
    p: Pipeline,
    rerender: Callable[[str], None],
    uncommitted: dict[str, _File],
) -> AssetOutcome:
    if sequencer and state.sequencer:
        if sequencer < state.sequencer:
            return AssetOutcome("stale")
        if sequencer == state.sequencer and state.synced_rev == state.rev and not force:
            return AssetOutcome("unchanged")
    unfinished = state.synced_rev != state.rev
    old = AssetRecord.from_json(state.asset)
    source = _read_upload(key, p)
    now = datetime.now(UTC).isoformat()
    sequencer = max(sequencer, state.sequencer)
    written: list[str] = []
    if source is None:
        if not state.exists or state.status == "deleted":
            return _finish(state, p, rerender, new_content=unfinished, outcome="deleted")
        gone = () if old is None else (*old.keys, *old.previous, *old.doomed)
        kept = "" if old is None else replace(old, files=(), previous=(), doomed=gone).to_json()
        new = _next(state, "deleted", "", sequencer, now, kept)
        rejection = None
    # Unchanged bytes are not processed again, unless their files were made by other image
    # settings or code (a fingerprint), or (on a rebuild) they were refused: limits may differ.
    elif (
        state.digest == source.digest
        and not unfinished
        and not _made_otherwise(old, state, p.settings.images)
        and not (force and state.status == "rejected")
    ):
        return AssetOutcome("unchanged" if state.status != "rejected" else "rejected")
    else:
        made = _publishable_upload(key, source, p.settings.images)
        if isinstance(made, Rejection):
            rejection = made
            if state.status == "rejected" and state.digest == source.digest:
                new = state
            else:
                new = replace(
                    _next(state, "rejected", source.digest, sequencer, now, state.asset),
                    reason=made.reason,
                    fix=made.fix,
                )
        else:
            rejection = None
            record = _generations(made.record, old, unfinished)
            if old is not None and old.files == record.files and state.status == "published":
                same = old.fingerprint == record.fingerprint
                if state.digest == source.digest and same:
                    return _finish(state, p, rerender, new_content=unfinished, outcome="unchanged")
                record = replace(record, previous=old.previous, doomed=())
            for site_key, content in sorted(made.files.items()):
                if old is None or site_key not in old.keys:
                    uncommitted[site_key] = content
                    _put(site_key, content, p)
                    written.append(site_key)
            new = _next(state, "published", source.digest, sequencer, now, record.to_json())
    if new is not state:
        p.store.commit(state, new, None)
        if new.status == "published":
            mine = {k: uncommitted.pop(k) for k in AssetRecord.named(new.asset) if k in uncommitted}
            if mine:
                _ensure_written(key, mine, p)
    outcome = _finish(
        new,
        p,
        rerender,
        new_content=new.asset != state.asset or unfinished,
        outcome=new.status,
        rejection=rejection,
        had_report=state.status == "rejected" or unfinished or force,
    )
    return replace(outcome, written=written)


def _next(
    state: SourceState, status: str, digest: str, sequencer: str, now: str, asset: str
) -> SourceState:
    return replace(
        state,
        rev=state.rev + 1,
        status=status,
        digest=digest,
        sequencer=sequencer,
        reason="",
        fix="",
        updated=now,
        asset=asset,
    )


def _generations(new: AssetRecord, old: AssetRecord | None, unfinished: bool) -> AssetRecord:
    """`new` with the generation it replaces kept (`previous`) and the one before doomed."""
    if old is None:
        return new
    current = set(new.keys)
    previous = tuple(k for k in (old.keys if old.files else old.previous) if k not in current)
    kept = current | set(previous)
    candidates = (*old.keys, *old.previous, *(old.doomed if unfinished else ()))
    doomed = tuple(dict.fromkeys(k for k in candidates if k not in kept))
    return replace(new, previous=previous, doomed=doomed)


def _finish(
    state: SourceState,
    p: Pipeline,
    rerender: Callable[[str], None],
    *,
    new_content: bool,
    outcome: str,
    rejection: Rejection | None = None,
    had_report: bool = False,
) -> AssetOutcome:
    """After the commit: delete what is doomed, report, re-render the referring articles,
    mark the revision synced (idempotent: a redelivery after a crash does it again)."""
    record = AssetRecord.from_json(state.asset)
    deleted: list[str] = []
    if record is not None:
        keep = {*record.keys, *record.previous}
        for site_key in record.doomed:
            if site_key not in keep:
                p.site_bucket.delete(site_key)
                deleted.append(site_key)
    if state.status == "rejected":
        if rejection is None:
            rejection = Rejection(state.key, state.reason, state.fix)
        p.sources.put_report(state.key, rejection.report())
    elif had_report:
        p.sources.delete_report(state.key)
    if new_content:
        rerender("@" + state.key)
    if state.exists and state.synced_rev != state.rev and not p.store.mark_synced(state):
        raise ConcurrentUpdate(f"{state.key}: a newer revision was committed")
    if rejection is not None:
        logger.warning("rejected asset %s: %s", state.key, rejection.reason)
    return AssetOutcome(outcome, rejection, deleted=deleted)


def _limit_for(key: str) -> int:
    """The most bytes worth reading: one more than the largest upload of the key's format
    (so an oversized one is seen as too large without reading it all)."""
    fmt = FORMATS.get(key.rpartition(".")[2].lower())
    return SizeLimits().for_format(fmt) if fmt else SNIFF_BYTES


def _read_upload(key: str, p: Pipeline) -> _Upload | None:
    """The key's current object, or None when it is gone."""
    fmt = FORMATS.get(key.rpartition(".")[2].lower())
    limit = _limit_for(key)
    if fmt is not None and fmt.kind is not Kind.IMAGE:
        found = p.sources.inspect(key, SNIFF_BYTES, limit)
        return None if found is None else _Upload(found.digest, None, found)
    source = p.sources.read(key, limit)
    return None if source is None else _Upload(source.digest, source.body)


def _made_otherwise(old: AssetRecord | None, state: SourceState, images: ImageSettings) -> bool:
    """Whether the published files of an image were made by other settings or code."""
    if old is None or state.status != "published":
        return False
    derived = any(file.role == "webp" for file in old.files)  # raster: processed, not copied
    return derived and old.fingerprint != images.fingerprint


def _publishable_upload(key: str, upload: _Upload, images: ImageSettings) -> _Made | Rejection:
    if upload.body is not None:
        return publishable(key, upload.body, images)
    found = upload.inspected
    assert found is not None
    asset = classify(key, found.head, found.size)
    if isinstance(asset, Rejection):
        return asset
    # `names.hashed_name` of the bytes, from the digest of the stream that read them.
    name = f"{stem_of(key)}.{found.digest[:HASH_DIGITS]}.{asset.extension}"
    site_key = media_key(key, name)
    stored = StoredFile(site_key, "file", 0, 0, asset.media_type, found.size)
    record = AssetRecord(asset.media_type, asset.kind.value, (stored,))
    return _Made(record, {site_key: (found, asset.media_type)})


def publishable(key: str, data: bytes, images: ImageSettings | None = None) -> _Made | Rejection:
    """The files to publish for an upload, or why it is refused (raster images processed with
    `images`, by default the default settings)."""
    images = images or ImageSettings()
    asset = classify(key, data[:SNIFF_BYTES], len(data))
    if isinstance(asset, Rejection):
        return asset
    if asset.format.vector:
        clean = sanitize_svg(key, data)
        if isinstance(clean, Rejection):
            return clean
        return _single(asset, clean)
    if asset.kind is Kind.IMAGE:
        processed = process_image(key, data, asset.format, images)
        if isinstance(processed, Rejection):
            return processed
        return _renditions(asset, processed, images.fingerprint)
    return _single(asset, data)


def _single(asset: Asset, data: bytes) -> _Made:
    site_key = media_key(asset.key, hashed_name(asset.key, data, asset.extension))
    stored = StoredFile(site_key, "file", 0, 0, asset.media_type, len(data))
    record = AssetRecord(asset.media_type, asset.kind.value, (stored,))
    return _Made(record, {site_key: (data, asset.media_type)})


def _renditions(asset: Asset, image: ProcessedImage, fingerprint: str) -> _Made:
    files: dict[str, _File] = {}
    stored: list[StoredFile] = []
    for rendition in image.renditions:
        site_key = media_key(asset.key, rendition.name)
        files[site_key] = (rendition.data, rendition.media_type)
        stored.append(
            StoredFile(
                site_key,
                rendition.role,
                rendition.width,
                rendition.height,
                rendition.media_type,
                rendition.size,
            )
        )
    record = AssetRecord(asset.media_type, asset.kind.value, tuple(stored), fingerprint=fingerprint)
    return _Made(record, files)
