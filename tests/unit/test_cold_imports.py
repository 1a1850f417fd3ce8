"""What each function loads at cold start: importing a handler (in a fresh interpreter, as
Lambda does) must not pull in libraries its code path does not need before its first event.
The figures behind this are `bench/coldstart.py`'s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Import a handler file the way Lambda (and bench/coldstart.py) does, then list what got loaded.
_IMPORT_HANDLER = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("cold_function", sys.argv[1])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(json.dumps(sorted(sys.modules)))
"""
_ENV = {
    "CONTENT_TABLE": "content",
    "INGEST_BUCKET": "ingest",
    "SITE_BUCKET": "site",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "pressroom",
}
# Loaded on the first event that needs them, if any, never at import: the X-Ray SDK (it builds a
# botocore client as it is imported), the readers' parsers (a file of their format is read), the
# feed writers (a listing is rendered) and, in the function that never renders, Jinja2.
X_RAY = {"aws_xray_sdk"}
# boto3 is never imported by a function: clients come from one botocore session
# (`pressroom.adapters.aws.session`), and the content store converts AttributeValues itself.
BOTO3 = {"boto3", "s3transfer"}
READERS = {
    "markdown_it",
    "mdit_py_plugins",
    "yaml",
    "frontmatter",
    "nh3",
    "pressroom.readers.article",
}
FEEDS = {"feedgen", "lxml"}
# Jinja2 (~40 ms with the theme's templates): the ingest function renders only when a source
# changed (a duplicate or stale delivery renders nothing), the rebuild function once it has read
# its sources; the invalidation function never renders.
RENDERING = {"jinja2", "pressroom.render"}
# Powertools' batch utility imports asyncio for its async processor; the rebuild function does
# its partial batch responses itself.
BATCH = {"aws_lambda_powertools.utilities.batch", "asyncio"}
# The invalidation function only talks to CloudFront: the pipeline imports each adapter when it
# is first used, and the domain errors import the models only to make a rejection.
NOT_INVALIDATING = {
    "pressroom.adapters.content_store",
    "pressroom.adapters.buckets",
    "pressroom.publishing.site_writer",
    "pressroom.publishing.catalog",
    "pressroom.model",
    "slugify",
}
# Pillow and the image code (~100 ms): loaded when an image is processed or shown.
MEDIA = {"PIL", "pressroom.media.images", "pressroom.publishing.assets"}
NOT_AT_IMPORT = {
    "ingest": BOTO3 | X_RAY | READERS | FEEDS | RENDERING | BATCH | MEDIA,
    "listing": BOTO3 | X_RAY | READERS | FEEDS | BATCH | MEDIA,
    "invalidation": BOTO3 | X_RAY | READERS | FEEDS | RENDERING | BATCH | NOT_INVALIDATING | MEDIA,
    "rebuild": BOTO3 | X_RAY | READERS | FEEDS | RENDERING | BATCH | MEDIA,
}


def modules_after_importing(function: str) -> set[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_HANDLER, str(REPO / "functions" / function / "app.py")],
        env={**env, **_ENV},
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return set(json.loads(done.stdout))


def packages(modules: set[str]) -> set[str]:
    """`jinja2` for `jinja2.environment`; dotted names are kept for exact matches."""
    return modules | {name.split(".")[0] for name in modules}


@pytest.mark.parametrize("function", sorted(NOT_AT_IMPORT))
def test_given_a_fresh_interpreter_when_a_handler_is_imported_then_later_needs_stay_unloaded(
    function: str,
):
    loaded = packages(modules_after_importing(function))

    assert "pressroom.pipeline" in loaded  # proves the probe sees imports
    assert loaded & NOT_AT_IMPORT[function] == set()


# Every client the functions create, and the content store's conversions, in a fresh interpreter.
_CREATE_CLIENTS = """
import json, sys
from pressroom.adapters.content_store import _dump, _load
from pressroom.pipeline import Pipeline
from pressroom.settings import Settings
pipeline = Pipeline(Settings.from_env())
for service in ("dynamodb", "s3", "sqs", "cloudfront"):
    pipeline._client(service)
_load(_dump({"pk": "SRC#a", "rev": 1, "pages": {"/a/"}}))
print(json.dumps(sorted(sys.modules)))
"""


def test_given_a_fresh_interpreter_when_every_client_is_created_then_boto3_stays_unloaded():
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-c", _CREATE_CLIENTS],
        env={**env, **_ENV, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    loaded = packages(set(json.loads(done.stdout)))

    assert "botocore.client" in loaded
    assert loaded & BOTO3 == set()
