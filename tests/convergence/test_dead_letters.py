"""Messages that keep failing end in the dead-letter queue, visibly, and `redrive` brings them
back once the cause is fixed: nothing is lost."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from pressroom.adapters.aws import session
from pressroom.operations import Target, redrive
from tests.support import Site, queued


def test_given_a_lasting_outage_then_the_upload_lands_in_the_dlq_and_redrive_publishes_it(
    site: Site,
):
    site.upload("kettle.md", "---\ntitle: Kettle\ntags: [tea]\n---\nBoiled.\n", drain=False)
    site_bucket = site.pipeline.settings.site_bucket
    outage = {"on": True}

    def fail_site_writes(params: dict[str, Any], **_: Any) -> None:
        if outage["on"] and params.get("Bucket") == site_bucket:
            error = {"Error": {"Code": "ServiceUnavailable", "Message": "the site bucket is down"}}
            raise ClientError(error, "PutObject")

    # Clients copy the session's hooks when they are created, so the hook stays registered and
    # the outage is switched off instead.
    events = session().get_component("event_emitter")
    events.register("before-parameter-build.s3.PutObject", fail_site_writes)
    try:
        site.runtime.drain()  # every delivery fails; the redrive policy gives up after 5
    finally:
        outage["on"] = False
        events.unregister("before-parameter-build.s3.PutObject", fail_site_writes)

    assert site.page("/articles/kettle/") is None
    assert queued(site.runtime, "IngestQueue") == 0
    assert queued(site.runtime, "IngestDeadLetterQueue") == 1

    moved = redrive(Target(site.runtime.stack.outputs(), site.runtime.stack.client))
    site.runtime.drain()

    assert sum(result.moved for result in moved) == 1
    assert queued(site.runtime, "IngestDeadLetterQueue") == 0
    page = site.page("/articles/kettle/")
    assert page is not None and "Boiled." in page


def test_given_malformed_messages_in_an_ingest_batch_then_only_they_reach_the_dlq(site: Site):
    """A message that is not an S3 notification fails alone: the uploads batched with it
    publish, and it is delivered again until the queue's redrive policy parks it."""
    sqs = site.runtime.stack.client("sqs")
    queue = site.runtime.stack.refs["IngestQueue"]
    for n in range(3):
        site.upload(f"story-{n}.md", f"---\ntitle: Story {n}\n---\nText.\n", drain=False)
    sqs.send_message(QueueUrl=queue, MessageBody="not json")
    sqs.send_message(QueueUrl=queue, MessageBody='"a string, not a notification"')
    sqs.send_message(QueueUrl=queue, MessageBody="123")

    site.runtime.drain()

    assert all(site.page(f"/articles/story-{n}/") is not None for n in range(3))
    assert queued(site.runtime, "IngestQueue") == 0
    assert queued(site.runtime, "IngestDeadLetterQueue") == 3
