"""`pressroom up`: the template's resources on a moto server on loopback, the functions fed by
background event pumps, and a local CDN in front of the site bucket.

The moto server runs in this process, so `moto_gaps` applies to it; the functions' boto3 clients
(and any other client in this process) reach it through `AWS_ENDPOINT_URL`."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from pressroom.local.background import BackgroundServer, bind
from pressroom.local.cdn import (
    CdnServer,
    EdgeCache,
    EdgeConfig,
    InvalidationWatcher,
    LocalDistribution,
    Origin,
)
from pressroom.local.embedded import LOCAL_ENV, find_template, local_client, serialised
from pressroom.local.runtime import LocalRuntime, QueuePump, SchedulePump
from pressroom.local.stack import LocalStack
from pressroom.local.state import UpState
from pressroom.local.template import Template
from pressroom.operations import Target

logger = logging.getLogger(__name__)

# Functions log at INFO here (the structured logs are what an operator watches locally); traces
# and EMF metrics are for AWS.
_FUNCTIONS_ENV = {
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
}


def endpoint_clients(endpoint_url: str) -> Callable[[str], Any]:
    """Clients for a `pressroom up` at `endpoint_url` (its dummy credentials and region)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"],
        region_name=LOCAL_ENV["AWS_DEFAULT_REGION"],
    )
    config = Config(retries={"mode": "standard", "max_attempts": 5})
    return lambda service: session.client(service, endpoint_url=endpoint_url, config=config)  # type: ignore[call-overload]


def local_target(endpoint_url: str) -> Target:
    """The stack a `pressroom up` serves at `endpoint_url`, as the operator commands address it."""
    client = endpoint_clients(endpoint_url)
    return Target(LocalStack.attach(Template(find_template()), client).outputs(), client)


@dataclass
class LocalCloud:
    """A running `pressroom up`: what it prints and what its tests look at."""

    endpoint_url: str
    site_url: str
    stack: LocalStack
    runtime: LocalRuntime
    cache: EdgeCache

    def summary(self) -> dict[str, str]:
        env = self.stack.environment()
        return {
            "endpoint": self.endpoint_url,
            "site": self.site_url,
            "ingest bucket": env["INGEST_BUCKET"],
            "site bucket": env["SITE_BUCKET"],
            "content table": env["CONTENT_TABLE"],
            "distribution": env["DISTRIBUTION_ID"],
        }


class MotoServer(BackgroundServer):
    """moto's server on loopback. werkzeug answers each request on a thread of its own (as
    moto's `ThreadedMotoServer` runs it), so the app answers under the backend lock."""

    def __init__(self, host: str, port: int) -> None:
        from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        app = serialised(DomainDispatcherApplication(create_backend_app))
        # Listening here, not in werkzeug: on a port in use it prints and exits the process.
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = bind(host, port, lambda: socket.create_server((host, port), family=family))
        with listener:  # werkzeug serves a duplicate of its descriptor
            server = make_server(
                host,
                port,
                app,
                threaded=True,
                request_handler=MotoRequestHandler,
                fd=listener.fileno(),
            )
        super().__init__(server, "moto-server")

    @property
    def endpoint_url(self) -> str:
        return self.url


class EventPumps:
    """Polls every event source (and the distribution's invalidations) on one background
    thread, like Lambda's event source mappings; a failing poll is logged, never fatal. The
    pumps invoke the functions on threads of their own, so one slow batch holds up no other
    source, and a queue runs up to its MaximumConcurrency batches at once."""

    def __init__(
        self, runtime: LocalRuntime, watcher: InvalidationWatcher, interval: float
    ) -> None:
        self._runtime = runtime
        self._watcher = watcher
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-pumps", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._runtime.invocations.wait_until_idle()  # as Lambda lets a started invocation end

    def _run(self) -> None:
        while not self._stop.is_set():
            moved = 0
            polls = [pump.poll for pump in self._runtime.pumps]
            if self._runtime.wake_ups is not None:  # the scheduler's due wake-ups
                polls.append(self._runtime.wake_ups.poll)
            for poll in [*polls, self._watcher.poll]:
                try:
                    moved += poll()
                except Exception:
                    logger.exception("event pump failed; polling again")
            if not moved:
                self._stop.wait(self._interval)


@contextmanager
def local_cloud(
    host: str = "127.0.0.1",
    port: int = 4566,
    cdn_port: int = 8000,
    poll_interval: float = 0.15,
    retry_after: int | None = None,
    max_window: int | None = None,
    log_level: str = "INFO",
    site_url: str | None = None,
    site_title: str | None = None,
    json_logs: bool = True,
) -> Iterator[LocalCloud]:
    """Start everything; stop it all (and restore the environment) on exit.

    `retry_after` is how long a failed queue message stays invisible; None keeps each queue's
    VisibilityTimeout from the template, as on AWS. `max_window` caps the event sources'
    batching windows; None keeps the template's. `site_url` (default: the local CDN's URL) and
    `site_title` (default: the template's SiteTitle) are the functions' SITE_URL and
    SITE_TITLE. `json_logs=False` writes the functions' logs as one readable line each."""
    from pressroom.local import moto_gaps
    from pressroom.local.logs import readable_function_logs, restore

    moto_gaps.apply()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-request lines
    # Powertools warns on every invocation that adds no metric while metrics are disabled.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    saved = dict(os.environ)
    moto = MotoServer(host, port)
    moto.start()
    cdn: CdnServer | None = None
    pumps: EventPumps | None = None
    readable_logs = None
    try:
        endpoint_url = moto.endpoint_url
        os.environ.update({**LOCAL_ENV, "AWS_ENDPOINT_URL": endpoint_url})
        template = Template(find_template())
        stack = LocalStack.create(template, local_client)
        env = stack.environment()

        cache = EdgeCache()
        distribution = LocalDistribution(
            Origin(local_client("s3"), env["SITE_BUCKET"]),
            cache,
            edge=EdgeConfig.from_template(template),
        )
        cdn = CdnServer(distribution, host, cdn_port)
        site = {"SITE_URL": (site_url or cdn.url).rstrip("/")}
        if site_title:
            site["SITE_TITLE"] = site_title
        runtime = LocalRuntime.start(
            stack, {**_FUNCTIONS_ENV, "POWERTOOLS_LOG_LEVEL": log_level, **site}
        )
        if not json_logs:
            service = runtime.environment.get("POWERTOOLS_SERVICE_NAME", "service_undefined")
            readable_logs = readable_function_logs(service)
        for pump in runtime.pumps:
            if isinstance(pump, QueuePump):
                pump.retry_after = retry_after
            if max_window is not None and not isinstance(pump, SchedulePump):
                window = min(pump.source.window_seconds, max_window)
                pump.source = replace(pump.source, window_seconds=window)
        watcher = InvalidationWatcher(local_client("cloudfront"), env["DISTRIBUTION_ID"], cache)
        pumps = EventPumps(runtime, watcher, poll_interval)
        cdn.start()
        pumps.start()
        yield LocalCloud(endpoint_url, cdn.url, stack, runtime, cache)
    finally:
        if pumps is not None:
            pumps.stop()
        if cdn is not None:
            cdn.stop()
        moto.stop()
        restore(readable_logs)
        os.environ.clear()
        os.environ.update(saved)


def run_until_stopped(announce: Callable[[LocalCloud], None], **options: Any) -> None:
    """`local_cloud(**options)` until SIGINT (Ctrl-C) or SIGTERM, then a clean stop. While it
    runs, the state file (`local.state`) says where it is, for `--local`."""
    stop = threading.Event()
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in handled}
    try:
        with local_cloud(**options) as cloud:
            state = UpState(cloud.endpoint_url, cloud.site_url, os.getpid())
            state.write()
            try:
                announce(cloud)
                # A timed wait, so the main thread returns to the interpreter to run the handlers.
                while not stop.wait(0.5):
                    pass
            finally:
                state.remove()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
