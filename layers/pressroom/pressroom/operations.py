"""What operators do to a running site, on AWS or on `pressroom up`: publish files, look at the
site's state, re-render everything, move dead letters back.

A `Target` is a deployed stack's Outputs plus a way to make clients: read from CloudFormation on
AWS, or derived from template.yaml against the local endpoint, so each operation is written once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pressroom.adapters.queues import WorkQueue
from pressroom.errors import RejectedFile
from pressroom.model import Article, Rejection, Source
from pressroom.pipeline import Pipeline
from pressroom.publishing.asset_refs import is_asset_key
from pressroom.settings import Settings

ClientFactory = Callable[[str], Any]
_QUEUE_SUFFIX = "QueueUrl"
_DEAD_LETTER_SUFFIX = "DeadLetterQueueUrl"


@dataclass(frozen=True)
class Target:
    outputs: Mapping[str, str]
    client: ClientFactory

    @property
    def settings(self) -> Settings:
        o = self.outputs
        return Settings(
            content_table=o["ContentTableName"],
            ingest_bucket=o["IngestBucketName"],
            site_bucket=o["SiteBucketName"],
            invalidation_queue_url=o.get("InvalidationQueueUrl", ""),
            rebuild_queue_url=o.get("RebuildQueueUrl", ""),
            distribution_id=o.get("DistributionId", ""),
            site_url=o.get("SiteUrl", "").rstrip("/"),
        )

    @property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.settings, self.client)

    def queues(self) -> dict[str, str]:
        """Output name → queue URL, for every queue the stack exports."""
        return {name: url for name, url in self.outputs.items() if name.endswith(_QUEUE_SUFFIX)}


def aws_clients(region: str | None = None) -> ClientFactory:
    """Clients from the usual credential chain (profile, environment, SSO), in `region`."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(region_name=region)
    config = Config(retries={"mode": "standard", "max_attempts": 5})
    return lambda service: session.client(service, config=config)  # type: ignore[call-overload]


def aws_target(stack_name: str, client: ClientFactory) -> Target:
    """A deployed stack, found by name through CloudFormation."""
    [stack] = client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    outputs = {item["OutputKey"]: item["OutputValue"] for item in stack.get("Outputs", [])}
    return Target(outputs, client)


def offline_settings() -> Settings:
    """Settings for work that touches no AWS (preview, dry runs): the environment's site
    settings (SITE_URL, TEMPLATES_DIR, ...) with no resources."""
    return Settings.from_env(
        {"CONTENT_TABLE": "", "INGEST_BUCKET": "", "SITE_BUCKET": "", **os.environ}
    )


# -- publish -----------------------------------------------------------------------------------


def files_to_publish(paths: Iterable[Path]) -> list[tuple[str, Path]]:
    """(name under the articles prefix, file) for each file, or each file under each folder
    (named by its path inside that folder; hidden files and folders are skipped)."""
    found: dict[str, Path] = {}
    for path in paths:
        root = path if path.is_dir() else path.parent
        for file in article_files(path):
            found[file.relative_to(root).as_posix()] = file
    return sorted(found.items())


def article_files(src: Path) -> list[Path]:
    """`src` if it is a file, else every file under it, hidden files and folders left out."""
    if src.is_file():
        return [src]
    return sorted(
        path
        for path in src.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(src).parts)
    )


def upload(target: Target, files: Iterable[tuple[str, Path]], progress: Callable[[], None]) -> int:
    settings = target.settings
    s3 = target.client("s3")
    count = 0
    for name, path in files:
        s3.put_object(
            Bucket=settings.ingest_bucket,
            Key=settings.articles_prefix + name,
            Body=path.read_bytes(),
        )
        count += 1
        progress()
    return count


@dataclass(frozen=True)
class DryRunOutcome:
    key: str
    outcome: str  # published | unlisted | draft | scheduled | expired | rejected
    detail: str  # the page path and any warnings, or the reason and the fix
    page: str = ""  # the page path (not for a rejected file)
    warnings: tuple[str, ...] = ()  # what the reader would tell the editor of a good file
    due: str = ""  # when a scheduled article would go live, a live one expire (ISO 8601)

    @property
    def rejected(self) -> bool:
        return self.outcome == "rejected"

    def sentence(self) -> str:
        """What publishing the file would do, in one line."""
        if self.rejected:
            return f"would reject {self.key}: {self.detail}"
        if self.outcome == "draft":
            text = f"would not publish {self.key}: a draft (its page would be {self.page})"
        elif self.outcome == "scheduled":
            text = f"would hold back {self.key} until {self.due} (then at {self.page})"
        elif self.outcome == "expired":
            text = f"would not publish {self.key}: past its expiry (its page would be {self.page})"
        else:
            shown = " (unlisted)" if self.outcome == "unlisted" else ""
            until = f" until {self.due}" if self.due else ""
            text = f"would publish {self.key} at {self.page}{shown}{until}"
        return text + "".join(f"; warning: {warning}" for warning in self.warnings)


def dry_run(
    files: Iterable[tuple[str, Path]], settings: Settings, now: datetime | None = None
) -> list[DryRunOutcome]:
    """What publishing these files would do (at `now`, default the current time), judged by
    the same readers the ingest function uses (without the table, a slug clash is only
    detected within this batch)."""
    from pressroom.paths import article_path
    from pressroom.publishing.schedule import as_due, timing

    now = now or datetime.now(UTC)

    outcomes = []
    slugs: dict[str, str] = {}
    for name, path in files:
        key = settings.articles_prefix + name
        if is_asset_key(key):
            outcomes.append(_asset_outcome(key, path, settings))
            continue
        try:
            article = read_file(path, key, settings)
        except RejectedFile as rejected:
            problem = rejected.rejection
            outcomes.append(DryRunOutcome(key, "rejected", f"{problem.reason} ({problem.fix})"))
            continue
        if article.is_live and article.slug in slugs:
            reason = f"the slug `{article.slug}` is already used by `{slugs[article.slug]}`"
            outcomes.append(DryRunOutcome(key, "rejected", reason))
            continue
        if article.is_live:
            slugs[article.slug] = key
        page = article_path(article.slug)
        notes = "".join(f"; warning: {warning}" for warning in article.warnings)
        timed = timing(
            article, now, future=settings.publish_future, expired=settings.publish_expired
        )
        outcomes.append(
            DryRunOutcome(
                key, timed.status, page + notes, page, tuple(article.warnings), as_due(timed.due)
            )
        )
    return outcomes


def _asset_outcome(key: str, path: Path, settings: Settings) -> DryRunOutcome:
    """What publishing an asset file would do: the files it becomes, or why it is refused."""
    from pressroom.publishing.assets import publishable

    made = publishable(key, path.read_bytes(), settings.images)
    if isinstance(made, Rejection):
        return DryRunOutcome(key, "rejected", f"{made.reason} ({made.fix})")
    return DryRunOutcome(key, "published", f"asset: {len(made.files)} file(s) under /media/")


def reader_warnings(files: Iterable[tuple[str, Path]], settings: Settings) -> list[str]:
    """`key: warning` for what published files should tell their editor (an unknown Hugo
    shortcode, a Pelican link that leads nowhere, a draft or section file not published);
    rejected files have their own report."""
    found: list[str] = []
    for name, path in files:
        key = settings.articles_prefix + name
        if is_asset_key(key):
            continue
        try:
            article = read_file(path, key, settings)
        except RejectedFile:
            continue
        found.extend(f"{key}: {warning}" for warning in article.warnings)
    return found


def read_file(path: Path, key: str, settings: Settings) -> Article:
    """A local file read as the ingest function would read it from `key`; `RejectedFile` if
    it would be rejected."""
    from pressroom.readers import read_article

    body = path.read_bytes()
    if len(body) > settings.max_source_bytes:
        raise RejectedFile(
            key,
            f"the file is larger than the limit of {settings.max_source_bytes:,} bytes",
            "split the article or shrink embedded content; images belong in their own files",
        )
    uploaded = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return read_article(Source(key=key, body=body, uploaded=uploaded), settings)


def preview(path: Path, settings: Settings) -> str:
    """One file rendered to its article page, with no AWS at all (no related articles). The
    page is opened as a file, where the site's `/assets/style.….css` leads nowhere: the theme's
    stylesheet is inlined instead (the preview is never served under the site's CSP)."""
    import re

    from pressroom.render import Renderer, stylesheet

    article = read_file(path, settings.articles_prefix + path.name, settings)
    html = Renderer(settings).article_page(article, [])
    css = stylesheet()
    linked = re.compile(r'<link\b[^>]*\bhref="/' + re.escape(css.key) + r'"[^>]*>')
    inline = "<style>\n" + css.body.decode("utf-8").replace("</", "<\\/") + "</style>"
    return linked.sub(lambda _: inline, html, count=1)


# -- status ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueDepth:
    waiting: int
    in_flight: int


@dataclass
class Status:
    # status → number of files (`asset <status>` for assets)
    sources: dict[str, int] = field(default_factory=dict)
    tags: int = 0
    queues: dict[str, QueueDepth] = field(default_factory=dict)  # output name → depth
    rejected: list[dict[str, str]] = field(default_factory=list)  # key, reason, fix, updated
    # Files that published (or stayed drafts) with something their editor should hear about.
    warned: list[dict[str, Any]] = field(default_factory=list)  # key, status, warnings
    # What the site will do by itself, soonest first: key, change (goes live | expires), at.
    scheduled: list[dict[str, str]] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return self.sources.get("published", 0) + self.sources.get("unlisted", 0)

    @property
    def dead_letters(self) -> int:
        return sum(
            depth.waiting + depth.in_flight
            for name, depth in self.queues.items()
            if name.endswith(_DEAD_LETTER_SUFFIX)
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "articles": self.articles, "dead_letters": self.dead_letters}


def site_status(target: Target) -> Status:
    from pressroom.publishing.schedule import upcoming

    p = target.pipeline
    status = Status()
    states = list(p.store.sources())
    status.scheduled = [item.as_dict() for item in upcoming(states)]
    for state in states:
        # Assets (images, documents, media) are counted apart from articles.
        counted = f"asset {state.status}" if is_asset_key(state.key) else state.status
        status.sources[counted] = status.sources.get(counted, 0) + 1
        if state.status == "rejected":
            status.rejected.append(
                {
                    "key": state.key,
                    "reason": state.reason,
                    "fix": state.fix,
                    "updated": state.updated,
                }
            )
        elif state.warnings:
            status.warned.append(
                {"key": state.key, "status": state.status, "warnings": list(state.warnings)}
            )
    status.rejected.sort(key=lambda item: item["key"])
    status.warned.sort(key=lambda item: str(item["key"]))
    status.tags = sum(1 for head in p.store.heads_of_kind("tag") if head.count > 0)
    sqs = target.client("sqs")
    status.queues = {name: queue_depth(sqs, url) for name, url in sorted(target.queues().items())}
    return status


def queue_depth(sqs: Any, url: str) -> QueueDepth:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return QueueDepth(
        waiting=int(attributes.get("ApproximateNumberOfMessages", 0)),
        in_flight=int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
    )


# -- rebuild -----------------------------------------------------------------------------------


def enqueue_rebuild(target: Target, articles: bool = True, listings: bool = True) -> int:
    """Queue a re-render of every article and listing (or only of the `articles`, only of the
    `listings`: what a template change touches); returns the number of messages."""
    from pressroom.publishing.rebuild import listing_ids, source_keys
    from pressroom.publishing.rebuild_queue import rebuild_messages

    p = target.pipeline
    keys = source_keys(p) if articles else []
    ids = listing_ids(p) if listings else []
    queue = WorkQueue(target.outputs["RebuildQueueUrl"], target.client("sqs"))
    return queue.send_all(rebuild_messages(keys, ids))


def rebuild_backlog(target: Target) -> int:
    """Rebuild messages not finished yet (waiting or being worked on)."""
    depth = queue_depth(target.client("sqs"), target.outputs["RebuildQueueUrl"])
    return depth.waiting + depth.in_flight


# -- redrive -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redrive:
    dead_letter_queue: str  # output name
    moved: int
    source: str = ""  # the queue URL the messages went back to; "" when there is none


def redrive(target: Target) -> list[Redrive]:
    """Move every dead-letter queue's messages back to the queue that gave up on them.

    A DLQ no queue redrives into (the listing stream's on-failure destination, which only
    holds pointers to stream records) is left as it is: `pressroom rebuild` re-renders what
    those batches would have."""
    sqs = target.client("sqs")
    results = []
    for name, url in sorted(target.queues().items()):
        if not name.endswith(_DEAD_LETTER_SUFFIX):
            continue
        sources = sqs.list_dead_letter_source_queues(QueueUrl=url).get("queueUrls", [])
        if len(sources) != 1:
            results.append(Redrive(name, 0))
            continue
        results.append(Redrive(name, move_messages(sqs, url, sources[0]), sources[0]))
    return results


def move_messages(sqs: Any, from_url: str, to_url: str) -> int:
    """Send each message on to `to_url`, then delete it: a crash in between duplicates a
    message, never loses one (the pipeline is idempotent)."""
    moved = 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=from_url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            VisibilityTimeout=60,
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not messages:
            return moved
        entries = [
            {
                "Id": str(number),
                "MessageBody": message["Body"],
                **(
                    {"MessageAttributes": message["MessageAttributes"]}
                    if message.get("MessageAttributes")
                    else {}
                ),
            }
            for number, message in enumerate(messages)
        ]
        sent = sqs.send_message_batch(QueueUrl=to_url, Entries=entries)
        done = {item["Id"] for item in sent.get("Successful", [])}
        if not done:
            raise RuntimeError(f"{to_url} refused every message: {sent.get('Failed')}")
        sqs.delete_message_batch(
            QueueUrl=from_url,
            Entries=[
                {"Id": str(number), "ReceiptHandle": message["ReceiptHandle"]}
                for number, message in enumerate(messages)
                if str(number) in done
            ],
        )
        moved += len(done)
