"""One upload's correlation id appears in the ingest, listing and invalidation logs (an edit of
a served article: a new one is invalidated never, see `publishing.cache_policy`)."""

from __future__ import annotations

import json

import pytest

from pressroom.local.embedded import embedded_aws
from pressroom.pipeline import Pipeline
from tests.support import Site


def test_given_an_upload_when_it_flows_through_the_functions_then_their_logs_share_its_id(
    capsys: pytest.CaptureFixture[str],
):
    with embedded_aws(
        {"SITE_URL": "https://news.example", "POWERTOOLS_LOG_LEVEL": "INFO"}
    ) as runtime:
        site = Site(runtime, Pipeline(runtime.settings, runtime.stack.client))
        site.upload("kettle.md", "---\ntitle: Kettle\ntags: [tea]\n---\nBoiled.\n")
        capsys.readouterr()

        site.upload("kettle.md", "---\ntitle: Kettle\ntags: [tea]\n---\nBoiled twice.\n")

    logs = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")
    ]
    by_function = {}
    for entry in logs:
        by_function.setdefault(entry["function_name"], []).append(entry)
    [synced] = [e for e in by_function["IngestFunction"] if e["message"] == "synced"]
    upload_id = synced["correlation_id"]
    assert upload_id
    rendered = [e for e in by_function["ListingFunction"] if e["message"] == "listings rendered"]
    assert rendered and all(e["correlation_id"] == upload_id for e in rendered)
    invalidated = [e for e in by_function["InvalidationFunction"] if e["message"] == "invalidated"]
    assert invalidated and all(upload_id in e["correlation_id"].split(",") for e in invalidated)
