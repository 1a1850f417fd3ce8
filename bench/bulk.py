"""Bulk build: the same corpus through `pressroom build` (on the in-process backend, and on
embedded moto as it ran before, up to `MOTO_UP_TO` articles), Pelican and (when installed)
Hugo, each as the command a user would run, in a fresh process, timed wall-clock."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench.corpus import PAGE_SIZE, Corpus, write_corpus

HUGO = "/usr/bin/hugo"
PRESSROOM = "pressroom build"
PRESSROOM_ON_MOTO = "pressroom build --backend moto"
ROUNDS, ROUNDS_UP_TO = 3, 1_000  # runs of each tool at these sizes (the median is shown)
MOTO_UP_TO = 1_000  # the moto path is ~5x slower: larger corpora build in-process only

PELICAN_CONF = f"""\
SITENAME = "Bench"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = {PAGE_SIZE}
# Pelican's defaults otherwise: article, tag, category, author and archive pages, Atom feeds.
"""

HUGO_CONFIG = f"""\
baseURL = "https://news.example/"
title = "Bench"
disableKinds = []
[pagination]
  pagerSize = {PAGE_SIZE}
[taxonomies]
  tag = "tags"
  author = "authors"
"""
HUGO_LEGACY_CONFIG = HUGO_CONFIG.replace("[pagination]\n  pagerSize", "paginate").replace(
    "disableKinds = []\n", "disableKinds = []\n"
)

# A theme as small as Pressroom's: article page, paginated lists, taxonomy index.
HUGO_LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
        '</head><body>{{ block "main" . }}{{ end }}</body></html>\n'
    ),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}'
        "</p>{{ .Content }}<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul>"
        "</article>{{ end }}\n"
    ),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}<article><h2>'
        '<a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>'
        '{{ end }}{{ with .Paginator.Next }}<a href="{{ .URL }}">older</a>{{ end }}{{ end }}\n'
    ),
    "_default/terms.html": (
        '{{ define "main" }}<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="'
        '{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n'
    ),
}


@dataclass(frozen=True)
class BuildTime:
    tool: str
    articles: int
    seconds: float
    files: int
    breakdown: dict[str, Any] = field(default_factory=dict)  # pressroom build only
    runs: tuple[float, ...] = ()  # every run's seconds, when there were several (median shown)


def hugo_available() -> bool:
    return Path(HUGO).is_file()


def _hugo_config() -> str:
    version = subprocess.run([HUGO, "version"], capture_output=True, text=True, check=False)
    # `pagination.pagerSize` arrived in Hugo 0.128; Debian bookworm ships 0.111.
    words = version.stdout.split()
    number = next((w for w in words if w.startswith("v0.") or w.startswith("v1.")), "v0.0.0")
    major, minor = (int(part) for part in number.lstrip("v").split("-")[0].split(".")[:2])
    return HUGO_CONFIG if (major, minor) >= (0, 128) else HUGO_LEGACY_CONFIG


def _count_files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def _run(command: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        failure = f"{' '.join(command)} failed ({done.returncode})"
        raise RuntimeError(f"{failure}:\n{done.stderr[-2000:]}")
    return elapsed


def _median(runs: list[BuildTime]) -> BuildTime:
    ordered = sorted(runs, key=lambda run: run.seconds)
    middle = ordered[len(ordered) // 2]
    return replace(middle, runs=tuple(run.seconds for run in runs)) if len(runs) > 1 else middle


def build_pressroom(src: Path, out: Path, articles: int, backend: str = "in-process") -> BuildTime:
    """`pressroom build`, instrumented to say where the time goes."""
    figures = out.with_suffix(".json")
    command = [sys.executable, "-m", "bench.build_probe", str(src), str(out), str(figures)]
    seconds = _run([*command, backend], cwd=Path(__file__).resolve().parents[1])
    breakdown = json.loads(figures.read_text())
    tool = PRESSROOM if backend == "in-process" else PRESSROOM_ON_MOTO
    return BuildTime(tool, articles, seconds, _count_files(out), breakdown)


def build_pelican(content: Path, out: Path, articles: int) -> BuildTime:
    conf = content.parent / "pelicanconf.py"
    conf.write_text(PELICAN_CONF)
    pelican = Path(sys.executable).with_name("pelican")
    seconds = _run([str(pelican), str(content), "-o", str(out), "-s", str(conf), "-q"])
    return BuildTime("Pelican", articles, seconds, _count_files(out))


def build_hugo(site: Path, out: Path, articles: int) -> BuildTime:
    (site / "hugo.toml").write_text(_hugo_config())
    for relative, text in HUGO_LAYOUTS.items():
        path = site / "layouts" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    seconds = _run([HUGO, "--quiet", "--source", str(site), "--destination", str(out)])
    return BuildTime("Hugo", articles, seconds, _count_files(out))


def bulk_builds(sizes: list[int], work: Path, seed: int, pressroom: bool = True) -> list[BuildTime]:
    """Each size: write the corpus in each tool's dialect, build with each tool (`pressroom`
    False: only the others, as the reference a publish is compared with)."""
    results = []
    for size in sizes:
        articles = list(Corpus(size, seed).articles())
        root = work / f"bulk-{size}"
        shutil.rmtree(root, ignore_errors=True)
        content = write_corpus(articles, root / "pelican" / "content", "pelican")
        runs: dict[str, list[BuildTime]] = {}
        if pressroom:
            src = write_corpus(articles, root / "pressroom-src", "pressroom")
            if size <= MOTO_UP_TO:
                results.append(build_pressroom(src, root / "pressroom-moto-out", size, "moto"))
        # A 1,000-article build takes seconds, within the noise of a shared machine: the two
        # tools alternate, and each one's median run is the row.
        for _ in range(ROUNDS if size <= ROUNDS_UP_TO else 1):
            if pressroom:
                shutil.rmtree(root / "pressroom-out", ignore_errors=True)
                runs.setdefault(PRESSROOM, []).append(
                    build_pressroom(src, root / "pressroom-out", size)
                )
            shutil.rmtree(root / "pelican-out", ignore_errors=True)
            runs.setdefault("Pelican", []).append(
                build_pelican(content, root / "pelican-out", size)
            )
        results += [_median(found) for found in runs.values()]
        if hugo_available():
            site = root / "hugo"
            write_corpus(articles, site / "content", "hugo")
            results.append(build_hugo(site, root / "hugo-out", size))
    return results
