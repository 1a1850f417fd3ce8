"""`python -m bench [--quick] [--out bench/results]` (or `make bench`): run every part of the
bench, print the Markdown table, write `results.md` and `results.png` to `--out`.

Parts: publish (with cost), bulk, cold, aws-model (a simulation of a bulk import on AWS,
`bench/aws_model.py`; seconds, not minutes), concurrency and freshness (a mix of publishes priced
under four invalidation policies, with each kind of page's worst-case staleness,
`bench/freshness.py`) and media (the time and peak memory to process a 24-megapixel JPEG,
`bench/media.py`). With `--only`, the files are named after the parts run
(`--only publish` → `publish-only.md`), so a partial run leaves the full run's results alone."""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path

from bench.aws_model import run_model
from bench.bulk import bulk_builds, hugo_available
from bench.coldstart import cold_starts
from bench.concurrency import concurrent_imports
from bench.cost import Cost, per_thousand_publishes
from bench.counters import Meter
from bench.freshness import QUICK_MIX, Mix, measure_freshness
from bench.media import measure_media
from bench.publish import PublishResult, measure_publishes
from bench.report import Results, chart, markdown

FULL = {
    "publish": [100, 1_000, 10_000],
    "publishes": 10,
    "bulk": [1_000, 10_000],
    "cold_runs": 5,
    "aws_articles": 10_000,
    "import_articles": 500,
    "freshness_articles": 300,
    "freshness_mix": Mix(),
    "media_size": (6000, 4000),
    "media_runs": 5,
    "search": [1_000, 10_000],
}
QUICK = {
    "publish": [12, 24],
    "publishes": 2,
    "bulk": [12],
    "cold_runs": 1,
    "aws_articles": 1_000,
    "import_articles": 60,
    "freshness_articles": 50,
    "freshness_mix": QUICK_MIX,
    "media_size": (1200, 800),
    "media_runs": 2,
    "search": [50],
}
PARTS = ("publish", "bulk", "cold", "aws-model", "concurrency", "freshness", "media", "search")
FULL_RUN = "results"  # the file stem of a run of every part


def _cost(row: PublishResult) -> Cost:
    sqs_polls = row.invocations.get("IngestFunction", 0.0) + row.invocations.get(
        "InvalidationFunction", 0.0
    )
    return per_thousand_publishes(
        calls=row.calls,
        function_seconds=row.function_seconds,
        invocations=row.invocations,
        paths_invalidated=row.paths_invalidated,
        items_written=row.write_units,
        items_read=row.read_units,
        sqs_polls=2 * sqs_polls,  # Lambda's poller receives, then deletes, each batch
    )


def run(
    mode: str,
    out: Path,
    parts: set[str],
    seed: int = 9,
    only_sizes: dict[str, list[int]] | None = None,
    name: str = FULL_RUN,
    command: str = "",
    on_disk: bool = False,
) -> Results:
    """Run `parts`, print the Markdown and write it to `out/<name>.md` (with the chart, when
    there is anything to chart, as `out/<name>.png`). The builds' folders are in memory unless
    `on_disk` (`build_folder`)."""
    plan = {**(QUICK if mode == "quick" else FULL), **(only_sizes or {})}
    folder = None if on_disk else memory_folder()
    results = Results(
        mode=f"{mode}, sizes {plan['publish']} / {plan['bulk']}"
        + (f" / Pelican and Hugo only {plan['reference']}" if "reference" in plan else "")
        if only_sizes
        else mode,
        machine=f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        f", load average {os.getloadavg()[0]:.1f} at start"
        + (f", builds in {folder} (memory)" if folder else ", builds on disk"),
        command=command,
    )
    meter = Meter()  # one per process: it hooks the boto3 session every client comes from
    if "publish" in parts:
        for size in plan["publish"]:  # type: ignore[attr-defined]
            started = time.perf_counter()
            row = measure_publishes(size, meter, seed, plan["publishes"])  # type: ignore[arg-type]
            results.publishes.append(row)
            results.costs[size] = _cost(row)
            print(f"publish N={size}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="pressroom-bench-", dir=folder) as scratch:
        work = Path(scratch)
        if "bulk" in parts:
            sizes: list[int] = plan["bulk"]  # type: ignore[assignment]
            results.builds = bulk_builds(sizes, work, seed)
            references = sorted(set(plan.get("reference", [])) - set(sizes))  # type: ignore[call-overload]
            results.builds += bulk_builds(references, work, seed, pressroom=False)
            if not hugo_available():
                print("Hugo not installed (/usr/bin/hugo): skipped", file=sys.stderr)
    if "cold" in parts:
        results.cold_starts = cold_starts(plan["cold_runs"])  # type: ignore[arg-type]
    if "aws-model" in parts:
        started = time.perf_counter()
        results.aws_model = run_model(plan["aws_articles"], seed)  # type: ignore[arg-type]
        print(f"aws-model: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if "concurrency" in parts:
        started = time.perf_counter()
        results.imports = concurrent_imports(plan["import_articles"], seed)  # type: ignore[arg-type]
        print(f"concurrency: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if "freshness" in parts:
        results.freshness = measure_freshness(
            plan["freshness_articles"],  # type: ignore[arg-type]
            plan["freshness_mix"],  # type: ignore[arg-type]
            meter,
            seed,
        )
        print(f"freshness: {results.freshness.seconds:.0f} s", file=sys.stderr)
    if "media" in parts:
        started = time.perf_counter()
        image: tuple[int, int] = plan["media_size"]  # type: ignore[assignment]
        runs: int = plan["media_runs"]  # type: ignore[assignment]
        results.media = measure_media(image[0], image[1], runs)
        print(f"media: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    table = markdown(results)
    if "search" in parts:
        from bench import search  # Pagefind and Chromium: only for this part

        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="pressroom-search-") as scratch:
            sizes = plan["search"]  # type: ignore[assignment]
            rows = [search.measure(n, seed, Path(scratch, str(n))) for n in sizes]  # type: ignore[union-attr]
        table += "\n" + search.markdown(rows)
        print(f"search: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(table)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.md").write_text(table)
    if results.publishes or results.builds or results.cold_starts:  # what the chart shows
        chart(results, out / f"{name}.png")
    return results


def memory_folder() -> str | None:
    """Where every tool's corpus and output go: memory (`/dev/shm`) where there is one. A
    build makes thousands of folders and small files, and the disk of the machine these results
    come from (a VM's ext4) spends 0.5 to 1 ms of kernel time on each: 3,400 folders of two
    files took 3.4 to 6.5 s there, against 0.2 s in memory. That is some twenty times a
    laptop's SSD, and would decide the comparison instead of the tools. `--on-disk` measures
    on disk all the same."""
    shm = Path("/dev/shm")  # noqa: S108  # nosec B108 # a private TemporaryDirectory inside
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def output_name(only: list[str] | None) -> str:
    """`results` for a run of every part, else the parts run: `publish-only`,
    `publish-freshness-only` (in the order of PARTS), so a partial run does not overwrite the
    full run's committed results."""
    if not only or set(only) == set(PARTS):
        return FULL_RUN
    return "-".join(part for part in PARTS if part in only) + "-only"


def command_line(argv: list[str]) -> str:
    """How this run was started, for the report: `.venv/bin/python -m bench --only freshness`."""
    python = Path(sys.executable)
    if python.is_relative_to(Path.cwd()):
        python = python.relative_to(Path.cwd())
    return shlex.join([str(python), "-m", "bench", *argv])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds not minutes")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        help="run only these parts (repeatable; written to <parts>-only.md); cost comes with "
        "publish",
    )
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--publish-sizes", type=int, nargs="+", help="override the site sizes")
    parser.add_argument("--bulk-sizes", type=int, nargs="+", help="override the build sizes")
    parser.add_argument(
        "--reference-sizes",
        type=int,
        nargs="+",
        help="also build these sizes with Pelican and Hugo only (what a publish into a site "
        "that size is compared with, without the long `pressroom build` of it)",
    )
    parser.add_argument(
        "--on-disk",
        action="store_true",
        help="build in the system's temporary folder instead of memory (see memory_folder)",
    )
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    run(
        "quick" if args.quick else "full",
        args.out,
        set(args.only or PARTS),
        args.seed,
        {
            part: sizes
            for part, sizes in (
                ("publish", args.publish_sizes),
                ("bulk", args.bulk_sizes),
                ("reference", args.reference_sizes),
            )
            if sizes
        },
        output_name(args.only),
        command_line(argv),
        args.on_disk,
    )


if __name__ == "__main__":
    main()
