"""Article files that carry every hostile payload in every input format and field, and the
site the real pipeline builds from them."""

from __future__ import annotations

import fcntl
import html
import json
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.security.corpus import MATH_VECTORS, TEMPLATE_PAYLOADS, XSS_VECTORS
from tests.site.support import BuiltSite, build

MAX_TAG_CHARS = 100  # readers reject longer tags (and with them the whole file)


@dataclass(frozen=True)
class Hostile:
    """One source file: which payload it carries, in which format and fields."""

    name: str  # path under the source folder, e.g. "md-fields/2000-01-15-md-fields-script.md"
    payload: str
    fields: tuple[str, ...]  # where the payload was placed
    slug: str  # the article's slug: its page is /articles/<slug>/


def _toml_string(text: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(text)


def _fields_document(slug: str, payload: str, style: str) -> tuple[str, tuple[str, ...]]:
    """Markdown whose front matter carries the payload in every text field (the slug is
    explicit: titles that differ only in markup would otherwise share one)."""
    tag = [payload] if len(payload) <= MAX_TAG_CHARS else []
    fields = {
        "slug": slug,
        "title": f"Fields {payload}",
        "summary": payload,
        "author": f"Author {payload}",
        "categories": [payload],
        "tags": [*tag, "fields"],
    }
    placed = ("title", "summary", "author", "categories", *(("tags",) if tag else ()))
    body = "An ordinary paragraph: the payload is in the front matter.\n"
    if style == "toml":
        lines = [
            f"{key} = {_toml_string(value) if isinstance(value, str) else json.dumps(value)}"
            for key, value in fields.items()
        ]
        return "+++\n" + "\n".join(lines) + "\n+++\n\n" + body, placed
    if style == "pelican" and "\n" not in payload:
        lines = [f"Title: {fields['title']}", f"Slug: {slug}", f"Summary: {payload}"]
        lines.append(f"Author: Author {payload}")
        return "\n".join(lines) + "\n\n" + body, ("title", "summary", "author")
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n\n" + body, placed


def _text_document(payload: str) -> str:
    """A seed-shaped plain-text article: title line, paragraphs, tags and related stories."""
    one_line = " ".join(payload.split())
    return (
        f"Text article {one_line}\n\n"
        f"The first paragraph quotes it: {payload}\n\n"
        f"{payload}\n\n"
        "A closing paragraph of ordinary prose.\n\n"
        f"Related Tags\n• {one_line[:MAX_TAG_CHARS]}\n• text\n\n"
        f"You May Also Like\n{one_line} •\nA teaser that ends here…\n"
    )


def _html_document(payload: str) -> str:
    """An HTML page: raw payload in the title and body, entity-escaped in the meta fields
    (so the reader decodes exactly the payload)."""
    escaped = html.escape(payload, quote=True)
    keywords = escaped if len(payload) <= MAX_TAG_CHARS else "html"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n'
        f"<title>HTML page {payload}</title>\n"
        f'<meta name="description" content="{escaped}">\n'
        f'<meta name="author" content="Author {escaped}">\n'
        f'<meta name="keywords" content="{keywords}, html">\n'
        f'<meta property="article:section" content="{escaped}">\n'
        "</head>\n<body>\n"
        f"<p>Before the payload.</p>\n{payload}\n<p>After the payload.</p>\n"
        "</body>\n</html>\n"
    )


def _jekyll_date(index: int) -> str:
    """A file-name date a month apart per payload: articles spread over many months, so no
    month's sitemap shard (re-rendered on every publish in it) grows with the corpus."""
    year, month = divmod(index, 12)
    return f"{2000 + year}-{month + 1:02d}-15"


def hostile_files() -> Iterator[tuple[Hostile, str]]:
    payloads = {**XSS_VECTORS, **{f"tpl-{k}": v for k, v in TEMPLATE_PAYLOADS.items()}}
    for index, (name, payload) in enumerate(sorted(payloads.items())):
        date = _jekyll_date(index)
        math = "math: true\n" if name in MATH_VECTORS else ""
        body_document = (
            f"---\ntitle: Body {name}\ntags: [body]\n{math}---\n\nBefore.\n\n{payload}\n\nAfter.\n"
        )
        fields_document, placed = _fields_document(
            f"md-fields-{name}", payload, ("yaml", "toml", "pelican")[index % 3]
        )
        for folder, extension, fields, document in (
            ("md-body", "md", ("body",), body_document),
            ("md-fields", "md", placed, fields_document),
            ("txt", "txt", ("title", "body", "tags", "stories"), _text_document(payload)),
            ("html", "html", ("title", "body", "summary", "author"), _html_document(payload)),
        ):
            slug = f"{folder}-{name}"
            hostile = Hostile(f"{folder}/{date}-{slug}.{extension}", payload, fields, slug)
            yield hostile, document


@dataclass(frozen=True)
class HostileSite:
    site: BuiltSite
    files: tuple[Hostile, ...]

    def outputs(self) -> Iterator[tuple[str, bytes]]:
        """Every file of the built site: pages, feeds, sitemaps, robots.txt."""
        for path in sorted(self.site.folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.relative_to(self.site.folder).as_posix(), path.read_bytes()


def build_hostile_site(root: Path) -> HostileSite:
    """Build once per test run, even across xdist workers: the first worker builds under a
    file lock, the others wait and reuse its result (pytest-xdist's recipe)."""
    root.mkdir(parents=True, exist_ok=True)
    done = root / "hostile-site.pickle"
    with (root / "hostile-site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return pickle.loads(done.read_bytes())
        src, out = root / "src", root / "site"
        files = []
        for hostile, text in hostile_files():
            path = src / hostile.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            files.append(hostile)
        result = HostileSite(build(src, out, {}), tuple(files))
        done.write_bytes(pickle.dumps(result))
        return result
