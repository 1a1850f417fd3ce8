"""`pressroom build SRC --out OUT [--backend moto]`, instrumented, for the bulk-build part of
the bench: `python -m bench.build_probe SRC OUT FIGURES.json [in-process|moto]`. Runs the
command's own click function; writes where the time went to FIGURES.json: for the in-process
backend, the build's own phases (upload, each function's work, export); for moto, the local
runtime's AWS calls and function time."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from bench.counters import Meter, instrument


def main(src: str, out: str, figures: str, backend: str = "moto") -> None:
    if backend == "in-process":
        in_process(src, out, figures)
    else:
        on_moto(src, out, figures)


def in_process(src: str, out: str, figures: str) -> None:
    started = time.perf_counter()
    from pressroom.cli import main as pressroom
    from pressroom.local import build

    reports: list[build.BuildReport] = []
    build_site = build.build_site

    def recorded(*args: Any, **kwargs: Any) -> build.BuildReport:
        reports.append(build_site(*args, **kwargs))
        return reports[-1]

    build.build_site = recorded  # the command imports it from the module when it runs
    began = time.perf_counter()
    try:
        pressroom(["build", src, "--out", out, "--backend", "in-process"], standalone_mode=False)
    except SystemExit as finished:
        if finished.code:
            raise
    ended = time.perf_counter()
    with open(figures, "w") as handle:
        json.dump(
            {
                "backend": "in-process",
                "seconds": ended - started,
                "imports": began - started,
                "phases": reports[-1].seconds,
            },
            handle,
        )


def on_moto(src: str, out: str, figures: str) -> None:
    started = time.perf_counter()
    from pressroom.cli import main as pressroom
    from pressroom.local.runtime import LocalRuntime

    meter = Meter()
    start = LocalRuntime.start.__func__  # type: ignore[attr-defined]

    def instrumented_start(cls: type[LocalRuntime], *args: Any, **kwargs: Any) -> LocalRuntime:
        runtime = start(cls, *args, **kwargs)
        instrument(runtime, meter)
        return runtime

    LocalRuntime.start = classmethod(instrumented_start)  # type: ignore[method-assign,assignment]
    with meter.measuring() as tally:
        try:
            pressroom(["build", src, "--out", out, "--backend", "moto"], standalone_mode=False)
        except SystemExit as finished:
            if finished.code:
                raise
    calls = tally.function_calls() + tally.runtime_calls()
    functions: dict[str, float] = {}
    for name, seconds in tally.invocations:
        functions[name] = functions.get(name, 0.0) + seconds
    with open(figures, "w") as handle:
        json.dump(
            {
                "backend": "moto",
                "seconds": time.perf_counter() - started,
                "api_seconds": sum(tally.api_seconds.values()),
                "function_api_seconds": sum(
                    s for who, s in tally.api_seconds.items() if who != "runtime"
                ),
                "function_seconds": functions,
                "api_calls": sum(calls.values()),
                "calls_by_operation": dict(calls.most_common()),
                "seconds_by_operation": dict(tally.operation_seconds),
            },
            handle,
        )


if __name__ == "__main__":
    main(*sys.argv[1:5])
    from pressroom.cli import exit_at_once

    exit_at_once(0)  # as the `pressroom` console script ends a build
