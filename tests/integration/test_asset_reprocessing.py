"""Images are re-derived when the way they are processed changes (issue 17): the full re-render
after an operator changes the image settings (or a release changes the processing) makes every
image again, within each rebuild invocation's time budget; unchanged ones cost no write."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from pressroom.local.inprocess import Engine, default_template
from pressroom.media import ImageSettings
from pressroom.pipeline import Pipeline
from pressroom.publishing.asset_refs import AssetRecord
from pressroom.publishing.rebuild import listing_ids, rebuild, rebuild_messages, source_keys
from tests.unit.media.generated import encode, photo

PREFIX = "articles/"
POST = b"---\ntitle: Harbour\ndate: 2026-03-01\nimage: harbour.jpg\n---\n\n![The quay](quay.jpg)\n"


@pytest.fixture
def engine() -> Engine:
    engine = Engine.for_template(default_template(), {"SITE_URL": "https://news.example"})
    sources = engine.backend.sources
    sources.put_object(PREFIX + "harbour.jpg", encode(photo(1800, 1200), "JPEG"))
    sources.put_object(PREFIX + "quay.jpg", encode(photo(1200, 800), "JPEG"))
    sources.put_object(PREFIX + "post.md", POST)
    engine.run()
    return engine


def _with_settings(engine: Engine, images: ImageSettings) -> Pipeline:
    """The functions deployed again with other image settings (same buckets, table, queues)."""
    backend = engine.backend
    backend.settings = replace(backend.settings, images=images)
    backend.pipeline = Pipeline.of(
        backend.settings,
        store=backend.store,
        sources=backend.sources,
        site_bucket=backend.site_bucket,
        invalidations=backend.invalidations,
        rebuilds=backend.rebuilds,
        distribution=backend.distribution,
    )
    return backend.pipeline


def _record(engine: Engine, name: str) -> AssetRecord:
    state = engine.backend.store.get_sources([PREFIX + name])[PREFIX + name]
    record = AssetRecord.from_json(state.asset)
    assert record is not None
    return record


def _full_rebuild(engine: Engine) -> None:
    """`pressroom rebuild`: every key and listing queued, the workers drained."""
    p = engine.backend.pipeline
    engine.backend.rebuilds.send_all(rebuild_messages(source_keys(p), listing_ids(p)))
    engine.run()


def _files(engine: Engine) -> dict[str, bytes | None]:
    bucket = engine.backend.site_bucket
    return {key: bucket.get(key) for key in list(bucket.keys(""))}


def _srcset_widths(page: str) -> set[int]:
    srcsets = re.findall(r'srcset="([^"]+)"', page)
    return {int(c.split()[1].rstrip("w")) for s in srcsets for c in s.split(",")}


def test_given_new_image_settings_when_rebuilt_then_every_image_is_made_again(engine: Engine):
    # GIVEN two images published with the default widths (480, 960, 1600)
    before = {name: _record(engine, name) for name in ("harbour.jpg", "quay.jpg")}
    assert all(r.fingerprint == ImageSettings().fingerprint for r in before.values())

    # WHEN the operator deploys other widths and quality, then runs the full re-render
    new = ImageSettings(widths=(400, 800), webp_quality=60)
    _with_settings(engine, new)
    _full_rebuild(engine)

    # THEN both images were re-derived at the new widths, under the new fingerprint; the pages
    # show only the new files; every file a record names exists; the old generation stays for
    # pages still cached, and nothing else of the old one is left
    bucket = engine.backend.site_bucket
    for name, old in before.items():
        record = _record(engine, name)
        assert record.fingerprint == new.fingerprint != old.fingerprint
        assert {f.width for f in record.files if f.role == "webp"} == {400, 800}
        assert set(record.previous) == set(old.keys) - set(record.keys)
        assert all(bucket.get(key) is not None for key in (*record.keys, *record.previous))
    page = (bucket.get("articles/harbour/") or b"").decode()
    assert _srcset_widths(page) == {400, 800}
    media = set(bucket.keys("media/"))
    named = {k for name in before for r in [_record(engine, name)] for k in (*r.keys, *r.previous)}
    assert media == named


def test_given_the_same_settings_when_rebuilt_again_then_no_image_is_processed_or_written(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    # GIVEN a site whose images were made with the current settings
    from pressroom.publishing import assets

    processed: list[str] = []
    original = assets.process_image
    monkeypatch.setattr(
        assets,
        "process_image",
        lambda key, *a, **k: processed.append(key) or original(key, *a, **k),
    )
    before = _files(engine)

    # WHEN the operator rebuilds without changing anything
    _full_rebuild(engine)

    # THEN no image is decoded again and no file changes
    assert processed == []
    assert _files(engine) == before


def test_given_a_new_processing_version_when_rebuilt_then_images_are_made_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    # GIVEN a Pressroom release whose image processing changed (its version bumped)
    from pressroom.media import image_settings

    old = _record(engine, "quay.jpg").fingerprint
    monkeypatch.setattr(image_settings, "PROCESSING_VERSION", image_settings.PROCESSING_VERSION + 1)

    # WHEN rebuilt
    _full_rebuild(engine)

    # THEN the image carries the new fingerprint (its files, here identical, were kept)
    record = _record(engine, "quay.jpg")
    assert record.fingerprint == ImageSettings().fingerprint != old
    assert all(engine.backend.site_bucket.get(key) is not None for key in record.keys)


def test_given_little_time_left_when_a_rebuild_reprocesses_images_then_it_hands_the_rest_on(
    engine: Engine,
):
    # GIVEN new settings and a rebuild message naming three images, with too little time left
    # in the invocation for more than the one it always does
    engine.backend.sources.put_object(PREFIX + "third.jpg", encode(photo(900, 600), "JPEG"))
    engine.run()
    p = _with_settings(engine, ImageSettings(widths=(300, 600)))
    keys = [PREFIX + name for name in ("harbour.jpg", "quay.jpg", "third.jpg")]
    [body] = rebuild_messages(keys, [])

    # WHEN the rebuild function handles it
    result = rebuild(json.loads(body), p, remaining_ms=lambda: 5_000)

    # THEN one image was re-derived, the two others were sent on in messages of their own (not
    # failed: the message is done inside the timeout), and those converge when delivered
    assert (result.articles, result.deferred) == (1, 2)
    queue = engine.backend.rebuilds
    messages = queue.receive(100)
    alone = [json.loads(m.body).get("keys") for m in messages]
    assert [keys[1]] in alone and [keys[2]] in alone
    for message in messages:
        queue.release(message)
    engine.run()
    fingerprint = ImageSettings(widths=(300, 600)).fingerprint
    assert {_record(engine, k.removeprefix(PREFIX)).fingerprint for k in keys} == {fingerprint}
