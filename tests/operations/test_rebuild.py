"""`pressroom rebuild`: N articles become messages of ~10 keys that N/10 workers take at once."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

from pressroom.local.runtime import LocalRuntime
from pressroom.operations import Target, enqueue_rebuild
from pressroom.pipeline import Pipeline
from pressroom.publishing.rebuild import rebuild
from pressroom.publishing.rebuild_queue import KEYS_PER_MESSAGE, rebuild_messages
from tests.support import Site

ARTICLES = 30


def test_given_25_keys_when_cut_into_messages_then_10_10_5_and_listings_apart():
    keys = [f"articles/{n:02}.md" for n in range(25)]

    bodies = [json.loads(body) for body in rebuild_messages(keys, ["home", "tag:a"])]

    assert [len(body.get("keys", [])) for body in bodies] == [10, 10, 5, 0]
    assert [key for body in bodies for key in body.get("keys", [])] == keys
    assert bodies[-1] == {"listings": ["home", "tag:a"]}


def test_given_n_articles_when_rebuilt_then_n_over_10_workers_rerender_them_in_parallel(
    runtime: LocalRuntime, site: Site, pipeline: Pipeline
):
    for n in range(ARTICLES):
        site.upload(
            f"story-{n:02}.md",
            f"---\ntitle: Story {n}\ntags: [t{n % 3}]\n---\nText {n}.\n",
            drain=False,
        )
    runtime.drain()
    target = Target(runtime.stack.outputs(), runtime.stack.client)

    # WHEN the operator asks for a rebuild
    sent = enqueue_rebuild(target)

    # THEN the rebuild queue holds N/10 messages of 10 keys, plus the listings to touch
    sqs = runtime.stack.client("sqs")
    url = target.outputs["RebuildQueueUrl"]
    assert sent == ARTICLES // KEYS_PER_MESSAGE + 1
    workers = ARTICLES // KEYS_PER_MESSAGE
    # N/10 workers each take one message, all in flight at the same time
    taken = [
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=300)["Messages"][
            0
        ]
        for _ in range(workers + 1)
    ]
    bodies = [json.loads(message["Body"]) for message in taken]
    key_batches = [body["keys"] for body in bodies if "keys" in body]
    assert len(key_batches) == workers and all(len(keys) == 10 for keys in key_batches)
    assert sorted(key for keys in key_batches for key in keys) == sorted(
        f"articles/story-{n:02}.md" for n in range(ARTICLES)
    )
    [listings] = [body["listings"] for body in bodies if "listings" in body]
    assert {"home", "tag:t0", "tag:t1", "tag:t2"} <= set(listings)

    # WHEN the workers run in parallel with new settings (a new site title was deployed)
    renamed = Pipeline(
        replace(pipeline.settings, site_title="The Rebuilt Times"), runtime.stack.client
    )
    errors: list[BaseException] = []

    def work(body: dict) -> None:
        try:
            rebuild(body, renamed)
        except BaseException as error:  # surfaced below: a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=work, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    # THEN every article page shows the new title, and every listing head was touched so the
    # listing function re-renders it from the stream
    for n in range(ARTICLES):
        page = site.page(f"/articles/story-{n:02}/")
        assert page is not None and "The Rebuilt Times" in page, n
    delivered = runtime.drain()
    assert delivered >= len(listings), "each touched head reaches the listing function"


def test_given_a_rebuild_touching_a_tag_then_the_tags_index_is_rendered_again(
    runtime: LocalRuntime, site: Site, pipeline: Pipeline, monkeypatch
):
    """A publish into existing tags leaves the tags index alone; a rebuild's touch marks the
    head (`rebuilds`) so that the index is rendered with the new templates too."""
    from pressroom.publishing import listings

    site.upload("story.md", "---\ntitle: Story\ntags: [Tea]\n---\nText.\n")
    renders: list[int] = []
    render = listings._term_index

    def counted(name: str, p: Pipeline) -> tuple:
        renders.append(1)
        return render(name, p)

    monkeypatch.setattr(listings, "_term_index", counted)

    site.upload("other.md", "---\ntitle: Other\ntags: [Tea]\n---\nMore.\n")
    assert renders == []

    rebuild({"listings": ["tag:tea"]}, pipeline)
    runtime.drain()
    assert renders == [1]
