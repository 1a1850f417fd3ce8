"""The bench's results as a Markdown table (printed and saved) and a PNG chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import aws_model, freshness, media
from bench.bulk import PRESSROOM, BuildTime
from bench.coldstart import ColdStart
from bench.concurrency import ImportRun
from bench.cost import PRICES_AS_OF, Cost
from bench.publish import PublishResult


@dataclass
class Results:
    mode: str
    machine: str
    publishes: list[PublishResult] = field(default_factory=list)
    builds: list[BuildTime] = field(default_factory=list)
    cold_starts: list[ColdStart] = field(default_factory=list)
    costs: dict[int, Cost] = field(default_factory=dict)
    aws_model: aws_model.Report | None = None
    imports: list[ImportRun] = field(default_factory=list)
    freshness: freshness.FreshnessResult | None = None
    media: media.MediaResult | None = None
    command: str = ""  # how the run was started, stated in the report


def _top_calls(figures: dict[str, Any]) -> str:
    """ ", most time: s3:PutObject 9,156 calls 41.0 s, …" from a build's figures."""
    counts = figures.get("calls_by_operation") or {}
    seconds = figures.get("seconds_by_operation") or {}
    top = sorted(seconds, key=lambda name: -seconds[name])[:3]
    listed = (f"{name} {counts.get(name, 0):,} calls {seconds[name]:.1f} s" for name in top)
    return ", most time: " + ", ".join(listed) if top else ""


def _phases(build: BuildTime) -> str:
    """Where an in-process build's time went: its phases, then start-up and the rest."""
    figures = build.breakdown
    phases = figures.get("phases", {})
    names = {
        "upload": "upload (read files)",
        "IngestFunction": "ingest (read, render, commit articles)",
        "ListingFunction": "listings (stream, render pages and feeds)",
        "InvalidationFunction": "invalidations",
        "RebuildFunction": "rebuilds",
        "SearchIndexFunction": "search index (what was left once the listings were done)",
        "export": "export (write files)",
    }
    always = ("upload", "IngestFunction", "ListingFunction", "export")  # the rest when they cost
    shown = [
        (names.get(name, name), seconds)
        for name, seconds in phases.items()
        if name in always or seconds >= 0.05
    ]
    rest = build.seconds - sum(phases.values())
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in shown) + (
        f", start-up and the rest {rest:.1f} s"
    )


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base else "–"


def targets(results: Results) -> list[str]:
    """Issue #9's targets (and issues 16's and 17's), each with what this run measured and
    whether it held."""
    found: list[tuple[str, str, bool]] = []
    if len(results.publishes) > 1:
        small, large = results.publishes[0], results.publishes[-1]
        same = (small.calls, small.objects_written, small.paths_invalidated) == (
            large.calls,
            large.objects_written,
            large.paths_invalidated,
        )
        found.append(
            (
                f"calls, objects written and paths invalidated per publish identical at "
                f"N = {small.articles:,} and N = {large.articles:,}",
                f"{small.total_calls:g} / {small.objects_written:g} / "
                f"{small.paths_invalidated:g} vs {large.total_calls:g} / "
                f"{large.objects_written:g} / {large.paths_invalidated:g}",
                same,
            )
        )
        growth = large.median_seconds / small.median_seconds
        found.append(
            (
                f"publish time at N = {large.articles:,} within 1.5× of N = {small.articles:,}",
                f"{growth:.2f}×",
                growth <= 1.5,
            )
        )
    pelican = {b.articles: b.seconds for b in results.builds if b.tool == "Pelican"}
    publish = {p.articles: p.median_seconds for p in results.publishes}
    common = sorted(set(pelican) & set(publish))
    if common:
        size = common[-1]
        speedup = pelican[size] / publish[size]
        found.append(
            (
                f"one publish into the {size:,}-article site ≥ 100× faster than Pelican's "
                "full build of it",
                f"{speedup:,.0f}×",
                speedup >= 100,
            )
        )
    pressroom = {b.articles: b.seconds for b in results.builds if b.tool == PRESSROOM}
    # Issue 19: `pressroom build` (in-process) no slower than Pelican's full build, 1,000 and
    # 10,000 articles.
    for size in sorted(set(pressroom) & set(pelican)):
        ratio = pressroom[size] / pelican[size]
        found.append(
            (f"`pressroom build` of {size:,} ≤ 1.0× Pelican", f"{ratio:.2f}×", ratio <= 1.0)
        )
    if results.cold_starts:
        baseline = next(c for c in results.cold_starts if c.name == "import boto3").seconds
        worst = max(
            (c for c in results.cold_starts if c.name != "import boto3"),
            key=lambda c: c.seconds,
        )
        ratio = worst.seconds / baseline
        found.append(
            (
                "every handler's cold start ≤ 1.5× `import boto3`",
                f"worst {ratio:.2f}× ({worst.name})",
                ratio <= 1.5,
            )
        )
    if results.freshness is not None:
        found += freshness.targets(results.freshness)
    if results.media is not None:
        found += media.targets(results.media)
    if not found:
        return []
    lines = ["### Targets", "", "| Target | Measured | Held |", "|---|---|:---:|"]
    lines += [f"| {what} | {value} | {'yes' if held else 'no'} |" for what, value, held in found]
    return [*lines, ""]


def markdown(results: Results) -> str:
    lines = [f"Mode: {results.mode}. Machine: {results.machine}."]
    if results.command:
        lines.append(f"Command: `{results.command}`.")
    lines += ["", *targets(results)]
    if results.publishes:
        base = results.publishes[0]
        lines += [
            "### Incremental publish (one new article; time: median of the publishes, "
            "counts: mean per publish)",
            "",
            f"| Site size | Median time (s) | × N={base.articles} | AWS calls by the functions "
            "| Objects written | Paths invalidated | Calls by operation |",
            "|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in results.publishes:
            operations = ", ".join(f"{op} {n:g}" for op, n in sorted(row.calls.items()) if n)
            lines.append(
                f"| {row.articles:,} | {row.median_seconds:.2f} | "
                f"{_ratio(row.median_seconds, base.median_seconds)} | {row.total_calls:g} | "
                f"{row.objects_written:g} | {row.paths_invalidated:g} | {operations} |"
            )
        lines.append("")
    if results.builds:
        lines += [
            "### Bulk build (wall time of the command, fresh process)",
            "",
            "| Articles | Tool | Seconds | Files | × Pelican | Where pressroom build's time goes |",
            "|---:|---|---:|---:|---:|---|",
        ]
        pelican = {b.articles: b.seconds for b in results.builds if b.tool == "Pelican"}
        for build in results.builds:
            where = ""
            if build.breakdown.get("backend") == "in-process":
                where = _phases(build)
            elif build.breakdown:
                figures = build.breakdown
                functions = sum(figures["function_seconds"].values())
                in_code = functions - figures["function_api_seconds"]
                where = (
                    f"AWS calls (moto + botocore) {figures['api_seconds']:.1f} s "
                    f"({figures['api_calls']:,.0f} calls{_top_calls(figures)}), "
                    f"function code {in_code:.1f} s, "
                    f"rest (start-up, upload, export) "
                    f"{build.seconds - figures['api_seconds'] - in_code:.1f} s"
                )
            seconds = f"{build.seconds:.1f}"
            if build.runs:
                seconds += f" (median of {', '.join(f'{run:.1f}' for run in build.runs)})"
            lines.append(
                f"| {build.articles:,} | {build.tool} | {seconds} | {build.files:,} | "
                f"{_ratio(build.seconds, pelican.get(build.articles, 0.0))} | {where} |"
            )
        big = max(pelican) if pelican else 0
        publish = next((p for p in results.publishes if p.articles == big), None)
        if publish is not None:
            lines += [
                "",
                f"One publish into the {big:,}-article site vs Pelican's full build of it: "
                f"{pelican[big] / publish.median_seconds:.0f}× faster.",
            ]
        lines.append("")
    if results.cold_starts:
        baseline = next(c for c in results.cold_starts if c.name == "import boto3")
        lines += [
            "### Cold start (fresh process: import the handler, handle one sample event; "
            "median of runs)",
            "",
            "| Handler | Import (ms) | First call (ms) | Total (ms) | × `import boto3` |",
            "|---|---:|---:|---:|---:|",
        ]
        for cold in results.cold_starts:
            lines.append(
                f"| {cold.name} | {cold.import_seconds * 1000:.0f} | "
                f"{cold.first_call_seconds * 1000:.0f} | {cold.seconds * 1000:.0f} | "
                f"{_ratio(cold.seconds, baseline.seconds)} |"
            )
        lines.append("")
    if results.costs:
        lines += [
            f"### Cost per 1,000 publishes (USD; {PRICES_AS_OF})",
            "",
            "| Site size | Lambda (arm64) | DynamoDB | S3 | SQS | CloudFront invalidations "
            "| Total |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for size, cost in sorted(results.costs.items()):
            lines.append(
                f"| {size:,} | {cost.lambda_usd:.4f} | {cost.dynamodb_usd:.4f} | "
                f"{cost.s3_usd:.4f} | {cost.sqs_usd:.4f} | {cost.cloudfront_usd:.2f} | "
                f"{cost.total:.2f} |"
            )
        lines.append("")
    if results.imports:
        lines += _imports(results.imports)
    if results.aws_model is not None:
        lines.append(aws_model.markdown(results.aws_model))
    if results.freshness is not None:
        lines.append(freshness.markdown(results.freshness))
    if results.media is not None:
        lines.append(media.markdown(results.media))
    return "\n".join(lines)


def _imports(runs: list[ImportRun]) -> list[str]:
    lines = [
        f"### Concurrent import on the local runtime ({runs[0].articles:,} articles, shuffled)",
        "",
        "The ingest function at 1, 5 and 10 concurrent invocations of 10 uploads each (threads "
        "sharing this "
        "machine's cores, so the time is not the measure of scaling: the AWS-scale model below "
        "is). Target: at most 1.2 transaction attempts per article at 10.",
        "",
        "| Workers | Transaction attempts per article | Dead letters | Failed deliveries "
        "| Drain time (s) |",
        "|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {run.workers} | {run.attempts_per_article:.3f} | {run.dead_letters} | "
        f"{run.failed_deliveries} | {run.seconds:.1f} |"
        for run in runs
    ]
    return [*lines, ""]


def chart(results: Results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.5))
    if results.publishes:
        sizes = [row.articles for row in results.publishes]
        left.plot(sizes, [row.median_seconds for row in results.publishes], "o-", label="time (s)")
        left.set_xscale("log")
        left.set_xlabel("articles in the site")
        left.set_ylabel("seconds per publish (median)")
        twin = left.twinx()
        twin.plot(sizes, [row.total_calls for row in results.publishes], "s--", color="tab:orange")
        twin.set_ylabel("AWS calls per publish", color="tab:orange")
        twin.set_ylim(bottom=0)
        left.set_ylim(bottom=0)
        left.set_title("One publish vs site size")
    if results.builds:
        tools = sorted({b.tool for b in results.builds})
        sizes = sorted({b.articles for b in results.builds})
        width = 0.8 / len(tools)
        for index, tool in enumerate(tools):
            seconds = {b.articles: b.seconds for b in results.builds if b.tool == tool}
            bars = middle.bar(
                [i + index * width for i in range(len(sizes))],
                [seconds.get(size, 0.0) for size in sizes],
                width,
                label=tool,
            )
            middle.bar_label(bars, fmt="%.0f", fontsize=8)
        pelican = {b.articles: b.seconds for b in results.builds if b.tool == "Pelican"}
        for i, size in enumerate(sizes):
            if size in pelican:  # the target (issue 19): no slower than Pelican
                middle.hlines(
                    pelican[size],
                    i - width / 2,
                    i + width * (len(tools) - 0.5),
                    colors="grey",
                    linestyles="dashed",
                    label="1× Pelican" if i == 0 else None,
                )
        middle.set_yscale("log")
        middle.set_xticks([i + width * (len(tools) - 1) / 2 for i in range(len(sizes))])
        middle.set_xticklabels([f"{s:,} articles" for s in sizes])
        middle.set_ylabel("seconds (wall, log scale)")
        middle.set_title("Bulk build")
        middle.legend()
    if results.cold_starts:
        names = [c.name for c in results.cold_starts]
        right.barh(names, [c.import_seconds * 1000 for c in results.cold_starts], label="import")
        right.barh(
            names,
            [c.first_call_seconds * 1000 for c in results.cold_starts],
            left=[c.import_seconds * 1000 for c in results.cold_starts],
            label="first call",
        )
        baseline = next(c for c in results.cold_starts if c.name == "import boto3")
        right.axvline(
            1.5 * baseline.seconds * 1000,
            color="grey",
            linestyle="dashed",
            label="1.5× import boto3",
        )
        right.set_xlabel("milliseconds")
        right.set_title("Cold start")
        right.legend()
    for axes in (left, middle, right):
        if not axes.has_data():  # a part this run left out
            figure.delaxes(axes)
    figure.suptitle(f"Pressroom bench ({results.mode})")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
