"""Start the embedded AWS backend (moto) with the template's resources and functions."""

from __future__ import annotations

import os
from collections.abc import Iterator
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
    saved = dict(os.environ)
    os.environ.update(LOCAL_ENV)
    try:
        with mock_aws():
            stack = LocalStack.create(Template(find_template()), local_client)
            runtime = LocalRuntime.start(stack, {**QUIET_FUNCTIONS, **(overrides or {})})
            yield runtime
    finally:
        os.environ.clear()
        os.environ.update(saved)
