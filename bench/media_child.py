"""One measured run of `bench.media`, in a process of its own: `python -m bench.media_child FILE`
processes FILE once and prints a JSON object. It imports only `pressroom.media` (what the ingest
function will import for this), so its baseline is not inflated by the bench's own imports."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from pressroom.media import ProcessedImage, process_image


def peak_rss_kib() -> int:
    """This process's peak resident set since it exec'd (Linux's `VmHWM`), in KiB.

    Not `getrusage(RUSAGE_SELF).ru_maxrss` alone: Linux carries the high-water mark of the
    process image replaced by `exec` into it, so a child started by a large bench process
    would report the parent's size. `VmHWM` is of this process image only; `ru_maxrss` is the
    fallback where there is no /proc."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(path: Path) -> None:
    baseline = peak_rss_kib()
    data = path.read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    result = process_image("bench/photo.jpg", data)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = peak_rss_kib()
    assert isinstance(result, ProcessedImage), result
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_rss_mb": peak / 1024,
                "baseline_rss_mb": baseline / 1024,
                "outputs": len(result.renditions),
                "output_bytes": sum(r.size for r in result.renditions),
                "widths": [r.width for r in result.webp],
                "og_width": result.og.width,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
