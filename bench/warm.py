"""Warm rebuilds of `pressroom serve --watch`: build the bench corpus once on the in-process
backend, then time each kind of change as the watcher hands it over (the save detected), and
count the files it rewrote. `python -m bench.warm [--articles 1000] [--seed 9]` prints a
Markdown table.

What a change costs should follow what it touches: one article's page and the handful of
listings it is on, not the site; a template, the pages that use it and no others."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import Corpus, write_corpus
from pressroom.local.build import prepare_output, site_backend
from pressroom.local.watch import Change, WarmSite, scan_sources


@dataclass(frozen=True)
class Step:
    change: str
    seconds: float
    written: int
    deleted: int
    articles: int  # article pages among the files written


def _timed(site: WarmSite, name: str, change: Change) -> Step:
    started = time.perf_counter()
    rebuild = site.apply(change)
    seconds = time.perf_counter() - started
    assert not rebuild.failures and not rebuild.template_error, rebuild.problems()
    pages = sum(1 for key in rebuild.written if key.startswith("articles/"))
    return Step(name, seconds, len(rebuild.written), len(rebuild.deleted), pages)


def measure(articles: int, seed: int, work: Path) -> tuple[float, int, list[Step]]:
    src, out, theme = work / "src", work / "out", work / "theme"
    write_corpus(list(Corpus(articles, seed).articles()), src, "pressroom")
    theme.mkdir()
    prepare_output(out)
    with site_backend(None, None, theme) as engine:
        site = WarmSite(engine, src, out, theme)
        started = time.perf_counter()
        first = site.publish(scan_sources(src))
        built = time.perf_counter() - started
        names = sorted(scan_sources(src))
        edited, renamed, gone = names[len(names) // 2], names[len(names) // 3], names[-1]
        steps = []

        text = (src / edited).read_text()
        (src / edited).write_text(text.replace("\n\n", "\n\nAn added sentence.\n\n", 1))
        steps.append(_timed(site, "edit one article's text", Change(changed=(edited,))))

        text = (src / renamed).read_text()
        (src / renamed).write_text(text.replace('title: "', 'title: "Retitled: ', 1))
        steps.append(_timed(site, "retitle one article", Change(changed=(renamed,))))

        (src / "2026" / "added.md").write_text(
            '---\ntitle: "A new article"\ntags: ["politics", "a new tag"]\n---\n\nNew text.\n'
        )
        steps.append(_timed(site, "add an article", Change(added=("2026/added.md",))))

        (src / gone).unlink()
        steps.append(_timed(site, "delete an article", Change(deleted=(gone,))))

        renderer = engine.backend.pipeline.renderer
        for name in ("article.html", "_card.html"):
            source, _, _ = renderer.env.loader.get_source(renderer.env, name)  # type: ignore[union-attr]
            (theme / name).write_text(source.replace("<article", '<article data-mine=""', 1))
            steps.append(_timed(site, f"override {name}", Change(templates=(name,))))
    return built, len(first.written), steps


def markdown(articles: int, built: float, files: int, steps: list[Step]) -> str:
    lines = [
        f"Warm rebuilds of a {articles:,}-article site (`pressroom serve --watch` on the "
        f"in-process backend; first build {built:.1f} s, {files:,} files; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}).",
        "",
        "| Change | Seconds | Files written | of them article pages | Files deleted |",
        "|---|---:|---:|---:|---:|",
    ]
    for step in steps:
        lines.append(
            f"| {step.change} | {step.seconds:.2f} | {step.written:,} | {step.articles:,} "
            f"| {step.deleted} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.warm", description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pressroom-warm-"))
    try:
        built, files, steps = measure(args.articles, args.seed, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(markdown(args.articles, built, files, steps))


if __name__ == "__main__":
    main()
