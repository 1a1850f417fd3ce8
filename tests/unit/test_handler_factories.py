"""Each function's handler is made by `make_handler` from the collaborators it is given: importing
its module reads nothing from the environment, a handler runs on whatever pipeline it is handed
(here the in-process backend's memory adapters), and the local runtime leaves the process's
environment as it found it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from pressroom.local.inprocess import InProcessBackend
from pressroom.local.runtime import Collaborators, LambdaContext
from pressroom.settings import Settings
from tests.support import Site

REPO = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(path.parent.name for path in (REPO / "functions").glob("*/app.py"))
SETTINGS_VARIABLES = ("CONTENT_TABLE", "INGEST_BUCKET", "SITE_BUCKET", "SITE_URL")


def function_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"factory_{name}", REPO / "functions" / name / "app.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_IMPORT_EACH = """
import importlib.util, sys
for path in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("function_" + str(len(path)), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.make_handler) and callable(module.handler), path
"""


def test_given_no_settings_in_the_environment_when_each_function_is_imported_then_it_loads():
    # GIVEN an environment without the functions' settings
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    files = [str(REPO / "functions" / name / "app.py") for name in FUNCTIONS]

    # WHEN a fresh interpreter imports every handler module
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, *files],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )

    # THEN each loads, offering its factory and Lambda's entry point
    assert done.returncode == 0, done.stderr
    assert {"ingest", "invalidation", "listing", "rebuild"} <= set(FUNCTIONS)


def test_given_memory_adapters_when_the_ingest_handler_made_on_them_runs_then_it_publishes(
    monkeypatch: pytest.MonkeyPatch,
):
    # GIVEN the ingest handler made on the in-process backend's pipeline, no settings in the
    # environment, and an upload whose S3 notification waits on the ingest queue
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    settings = Settings("content", "ingest", "site", site_url="https://news.example")
    backend = InProcessBackend.create(settings)
    handler = function_module("ingest").make_handler(
        backend.pipeline, Logger(service="factory-test"), Metrics(namespace="FactoryTest")
    )
    backend.sources.put_object("articles/hello.md", b"---\ntitle: Hello\n---\nHi.\n")
    [message] = backend.ingest_queue.receive(10)

    # WHEN it handles the notification
    response: dict[str, Any] = handler({"Records": [message.record()]}, LambdaContext("Ingest"))

    # THEN the article is published on the memory site bucket
    assert response == {"batchItemFailures": []}
    assert backend.site_bucket.get("articles/hello/") is not None
    assert "CONTENT_TABLE" not in os.environ


def test_given_the_embedded_stack_when_an_article_publishes_then_the_environment_is_untouched(
    site: Site,
):
    # GIVEN the local runtime on the embedded backend (the `site` fixture)
    # WHEN an upload goes through the real handlers
    site.upload("kettle.md", "---\ntitle: Kettle\n---\nBoiled.\n")

    # THEN it published, on the settings the runtime handed the handlers, none of which it
    # wrote to the process's environment
    assert site.page("/articles/kettle/") is not None
    assert site.runtime.settings.site_url == "https://news.example"
    assert [name for name in SETTINGS_VARIABLES if name in os.environ] == []


@pytest.mark.parametrize("disabled", [True, False])
def test_given_the_functions_environment_then_the_runtime_honours_its_metrics_switch(
    disabled: bool, capsys: pytest.CaptureFixture[str]
):
    # GIVEN the collaborators the local runtime makes from a function's environment (as a
    # mapping: Powertools itself would read POWERTOOLS_METRICS_DISABLED from os.environ)
    environment = {
        "CONTENT_TABLE": "content",
        "INGEST_BUCKET": "ingest",
        "SITE_BUCKET": "site",
        "POWERTOOLS_SERVICE_NAME": "factory-test",
        "POWERTOOLS_METRICS_NAMESPACE": "FactoryTest",
        **({"POWERTOOLS_METRICS_DISABLED": "true"} if disabled else {}),
    }
    metrics = Collaborators.of(environment).metrics

    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> None:
        metrics.add_metric(name="Published", unit=MetricUnit.Count, value=1)

    # WHEN a handler adds a metric, twice
    capsys.readouterr()
    handler({}, None)
    handler({}, None)

    # THEN disabled metrics are neither printed nor kept; enabled ones are printed (EMF)
    printed = capsys.readouterr().out
    if disabled:
        assert printed == ""
        assert metrics.provider.metric_set == {}
    else:
        assert printed.count('"Namespace":"FactoryTest"') == 2
