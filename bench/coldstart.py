"""Cold start: a fresh Python process imports a function's handler and handles its first event,
against a moto server on loopback (so, as on Lambda, nothing AWS-shaped is loaded in the
function's process before its own imports). Compared with a fresh process that only does
`import boto3`. Both are timed inside the child, interpreter start excluded, median of runs."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EVENTS = {  # the sample events `sam local invoke -e` takes
    "IngestFunction": "ingest-put.json",
    "ListingFunction": "listing-entry-change.json",
    "InvalidationFunction": "invalidation-paths.json",
    "RebuildFunction": "rebuild-keys.json",
}
SAMPLE_ARTICLE = "---\ntitle: Hello world\ndate: 2026-06-01\ntags: [hello]\n---\nHello.\n"

_CHILD = """
import importlib.util, json, sys, time
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("cold_function", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
imported = time.perf_counter()
class Context:
    function_name = "cold"; memory_limit_in_mb = 1024; aws_request_id = "cold-start"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cold"
    def get_remaining_time_in_millis(self): return 60000
if len(sys.argv) > 3:  # a function without a sample event is timed at import only
    getattr(module, sys.argv[2])(json.load(open(sys.argv[3])), Context())
done = time.perf_counter()
print(json.dumps({"import": imported - started, "first_call": done - imported}))
"""
_BASELINE = """
import json, time
started = time.perf_counter()
import boto3
print(json.dumps({"import": time.perf_counter() - started, "first_call": 0.0}))
"""


@dataclass(frozen=True)
class ColdStart:
    name: str  # a function's logical id, or "import boto3"
    import_seconds: float
    first_call_seconds: float

    @property
    def seconds(self) -> float:
        return self.import_seconds + self.first_call_seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def moto_server() -> Iterator[tuple[dict[str, str], Any]]:
    """A moto server on 127.0.0.1 holding the template's resources; yields the functions'
    environment (pointing at it) and the stack."""
    from moto.server import ThreadedMotoServer

    from pressroom.local import moto_gaps
    from pressroom.local.embedded import LOCAL_ENV, QUIET_FUNCTIONS, find_template
    from pressroom.local.stack import LocalStack
    from pressroom.local.template import Template

    moto_gaps.apply()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    saved = dict(os.environ)
    os.environ.update({**LOCAL_ENV, "AWS_ENDPOINT_URL": endpoint})
    try:
        import boto3

        session = boto3.session.Session()
        stack = LocalStack.create(
            Template(find_template()),
            lambda service: session.client(service),  # type: ignore[call-overload]
        )
        environment = {
            **LOCAL_ENV,
            **stack.environment(),
            **QUIET_FUNCTIONS,
            "AWS_ENDPOINT_URL": endpoint,
        }
        yield environment, stack
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()


def _child(script: str, args: list[str], environment: dict[str, str]) -> dict[str, float]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(environment)
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"cold start child failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def compile_layer() -> None:
    """Give the layer's package its bytecode, as Lambda has it: /opt is read-only, so
    layers/pressroom/Makefile compiles the layer when it is built. Without this, a child started
    with PYTHONDONTWRITEBYTECODE set (or from a read-only checkout) compiled every pressroom
    module it imported from source, ~100 ms per cold start that Lambda never pays; the
    dependencies in the virtualenv got their bytecode from pip. The handler files themselves stay
    uncompiled, as on Lambda (the function artifact ships no bytecode). The theme's templates
    are compiled too, as the layer build compiles them (`pressroom.render.compile_templates`)."""
    import compileall

    from pressroom.render import compile_templates

    compileall.compile_dir(REPO / "layers" / "pressroom" / "pressroom", quiet=1)
    compile_templates()


def cold_starts(runs: int = 5) -> list[ColdStart]:
    """Median over `runs` fresh processes for each function and for the baseline. The runs
    interleave (baseline, then each function, `runs` times), so a drift in the machine's speed
    moves the baseline and the functions alike instead of skewing their ratio."""
    from pressroom.local.embedded import find_template
    from pressroom.local.template import Template

    compile_layer()
    functions = list(Template(find_template()).functions())
    samples: dict[str, list[dict[str, float]]] = {"import boto3": []}
    samples.update({function.logical_id: [] for function in functions})
    with moto_server() as (environment, stack):
        settings_bucket = environment["INGEST_BUCKET"]
        stack.client("s3").put_object(
            Bucket=settings_bucket, Key="articles/hello world.md", Body=SAMPLE_ARTICLE.encode()
        )
        for run in range(runs):
            samples["import boto3"].append(_child(_BASELINE, [], environment))
            for function in functions:
                args = [str(function.handler_file), function.handler_name]
                publishes = function.logical_id == "IngestFunction"
                if publishes:
                    args.append(str(_new_upload(stack, settings_bucket, run)))
                elif function.logical_id in EVENTS:
                    args.append(str(REPO / "events" / EVENTS[function.logical_id]))
                samples[function.logical_id].append(_child(_CHILD, args, environment))
                if publishes:  # it published, not skipped
                    page = stack.client("s3").get_object(
                        Bucket=environment["SITE_BUCKET"], Key="articles/hello-world/"
                    )
                    if f"Hello, run {run}." not in page["Body"].read().decode():
                        raise RuntimeError(f"ingest cold start {run} did not publish the upload")
    return [_median(name, runs_of) for name, runs_of in samples.items()]


def _new_upload(stack: Any, bucket: str, run: int) -> Path:
    """A new version of the sample article, and the sample event announcing it with a later
    sequencer: each ingest cold start publishes, as after a real upload (the sample event as it
    is would be a duplicate delivery from the second run on, which reads and renders nothing)."""
    key = "articles/hello world.md"
    body = SAMPLE_ARTICLE.replace("Hello.", f"Hello, run {run}.")
    stack.client("s3").put_object(Bucket=bucket, Key=key, Body=body.encode())
    event = json.loads((REPO / "events" / EVENTS["IngestFunction"]).read_text())
    notification = json.loads(event["Records"][0]["body"])
    s3_object = notification["Records"][0]["s3"]["object"]
    s3_object["sequencer"] = f"{int(s3_object['sequencer'], 16) + run + 1:018X}"
    event["Records"][0]["body"] = json.dumps(notification)
    path = Path(tempfile.gettempdir()) / f"pressroom-cold-ingest-{os.getpid()}-{run}.json"
    path.write_text(json.dumps(event))
    return path


def _median(name: str, samples: list[dict[str, float]]) -> ColdStart:
    totals = sorted(samples, key=lambda s: s["import"] + s["first_call"])
    middle = totals[len(totals) // 2]
    return ColdStart(name, middle["import"], middle["first_call"])


if __name__ == "__main__":
    for row in cold_starts(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        print(
            f"{row.name:24} import {row.import_seconds * 1000:7.0f} ms   first call "
            f"{row.first_call_seconds * 1000:7.0f} ms   total {row.seconds * 1000:7.0f} ms"
        )
