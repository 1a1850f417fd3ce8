"""`pressroom build SRC --out OUT` with its local runtime instrumented, for the bulk-build part
of the bench: `python -m bench.build_probe SRC OUT FIGURES.json`. Runs the command's own click
function; writes where the time went to FIGURES.json."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from bench.counters import Meter, instrument


def main(src: str, out: str, figures: str) -> None:
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
            pressroom(["build", src, "--out", out], standalone_mode=False)
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
    main(*sys.argv[1:4])
