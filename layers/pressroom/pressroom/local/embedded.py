"""Start the embedded AWS backend (moto) with the template's resources and functions."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pressroom.local.runtime import LocalRuntime
from pressroom.local.stack import LocalStack
from pressroom.local.template import LOCAL_REGION, Template

LOCAL_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # nosec B105 # moto's fake credentials
    "AWS_SESSION_TOKEN": "testing",  # nosec B105 # moto's fake credentials
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
    # Newer botocore sends DynamoDB Streams calls to account-based hosts moto does not route.
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}
# Quiet, local-only function environment: no X-Ray, no EMF on stdout, warnings-only logs.
QUIET_FUNCTIONS = {
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}


# moto's backends are not thread-safe, and AWS applies each request atomically (a transaction's
# conditions and writes see no other request in between). One request may touch several of
# moto's services (an upload notifies SQS; the stream reads the table), so one lock serialises
# every request to the process's moto, whether it arrives in process (`embedded_aws`) or through
# `pressroom up`'s server. The functions' own work (parsing, rendering) runs outside it.
BACKEND_LOCK = threading.Lock()


def serialise_in_process_requests() -> None:
    """Answer every request of this process's clients (they all come from one botocore session,
    `pressroom.adapters.aws.session`) under `BACKEND_LOCK`. moto answers them in a `before-send`
    handler, its stubber, which every session gets from botocore's built-in handlers: on our
    session it is swapped for one that calls it inside the lock (botocore runs every
    `before-send` handler, so the stubber itself must go or it would answer twice)."""
    from moto.core.models import botocore_stubber

    from pressroom.adapters.aws import session

    def send(event_name: str, request: Any, **kwargs: Any) -> Any:
        with BACKEND_LOCK:
            return botocore_stubber(event_name, request, **kwargs)

    # Clients copy the session's handlers when made: this must come before the stack's.
    events = session().get_component("event_emitter")
    events.unregister("before-send", botocore_stubber)
    events.register_first("before-send", send, unique_id="pressroom-backend-lock")


def serialised(app: Callable[..., Any]) -> Callable[..., Any]:
    """A WSGI app answering one request at a time under `BACKEND_LOCK` (the body is read inside
    it, in case the app computes it lazily)."""

    def locked(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with BACKEND_LOCK:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()

    return locked


def find_template() -> Path:
    """`$PRESSROOM_TEMPLATE`, else the `template.yaml` of the checkout this package lives in,
    else one in the working directory."""
    if os.environ.get("PRESSROOM_TEMPLATE"):
        return Path(os.environ["PRESSROOM_TEMPLATE"])
    for candidate in (Path(__file__).resolve().parents[4], Path.cwd()):
        if (candidate / "template.yaml").is_file():
            return candidate / "template.yaml"
    raise FileNotFoundError(
        "template.yaml not found: run from the Pressroom checkout or set PRESSROOM_TEMPLATE"
    )


def local_client(service: str) -> Any:
    from pressroom.adapters.aws import new_client

    return new_client(service)


@contextmanager
def embedded_aws(overrides: dict[str, str] | None = None) -> Iterator[LocalRuntime]:
    """An in-process moto backend holding the template's resources, with pumps attached.

    `overrides` replaces values of the functions' environment (e.g. `SITE_URL`)."""
    from moto import mock_aws

    from pressroom.local import moto_gaps, moto_speedups

    moto_gaps.apply()
    moto_speedups.speed_up_clients()
    serialise_in_process_requests()
    saved = dict(os.environ)
    os.environ.update(LOCAL_ENV)
    try:
        with mock_aws():
            stack = LocalStack.create(Template(find_template()), local_client)
            runtime = LocalRuntime.start(stack, {**QUIET_FUNCTIONS, **(overrides or {})})
            try:
                yield runtime
            finally:
                # An invocation a caller started and left running must not outlive the backend
                # (nor reach the next one, whose resources have the same names).
                runtime.invocations.wait_until_idle()
    finally:
        os.environ.clear()
        os.environ.update(saved)
