"""A deterministic synthetic news corpus, written in each tool's own Markdown dialect.

Same seed and size, same bytes. Shapes follow a news site rather than a toy blog:
- tags are drawn from a Zipf distribution over a large vocabulary (a few tags are on a large
  share of the articles, most are rare), 1–6 per article;
- authors are Zipf-distributed too (a few staff writers, many occasional contributors);
- body length is log-normal (median ≈ 600 words), in paragraphs with the odd sub-heading;
- articles appear at a steady rate going back from a fixed moment, so a bigger site has a longer
  history, not busier months: the newest month looks the same in every site size.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

NEWEST = datetime(2026, 6, 28, 18, 0, tzinfo=UTC)
INTERVAL = timedelta(hours=4)  # six articles a day
TAG_VOCABULARY = 3000
TAG_EXPONENT = 1.1
AUTHORS = 60
MEDIAN_WORDS = 600
PAGE_SIZE = 10  # listing page size, the same for every tool

_WORD_TEXT = """
the of and to in a is that for on with as by at from city council said year new people
government police school water market report health local state week state public first
two plan after over more than other could would about under against their while since
budget election court housing transport energy climate river bridge station hospital
teachers students workers union company prices rents wages tax funding vote minister mayor
residents neighbourhood district street park library museum festival season team match
coach players stadium fans league final weather storm flood heat drought farmers harvest
port ship airport rail bus tram cycle road traffic safety fire rescue volunteers charity
research university scientists study data survey results growth jobs industry factory
shops owners tourism visitors history archive anniversary community church library art
music theatre film critics review premiere book author poet exhibition gallery designer
"""
_WORDS = _WORD_TEXT.split()
_TAG_ROOT_TEXT = """
politics economy housing transport climate health education crime courts sport football
cricket tennis culture music film books science technology energy water farming business
tourism weather flooding elections council budget transit rail cycling parks heritage
archives immigration labour unions schools universities hospitals police fire safety art
theatre festivals food markets ports aviation shipping startups media local world europe
"""
_TAG_ROOTS = _TAG_ROOT_TEXT.split()
_FIRST_NAMES = ("Ana", "Ben", "Camille", "Dara", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jun")
_LAST_NAMES = ("Okafor", "Raman", "Durand", "Ortega", "Novak", "Silva", "Haddad", "Kim", "Berg")


@dataclass(frozen=True)
class GeneratedArticle:
    slug: str
    title: str
    published: datetime
    tags: tuple[str, ...]
    author: str
    summary: str
    body: tuple[str, ...]  # paragraphs; a string starting with "## " is a sub-heading

    @property
    def words(self) -> int:
        return sum(len(block.split()) for block in self.body)


def tag_names() -> list[str]:
    """The vocabulary, most popular first: `climate`, `climate-rail`, … (stable per index)."""
    roots = _TAG_ROOTS
    names = list(roots)
    for second in roots:
        for first in roots:
            if first != second:
                names.append(f"{first} {second}")
    return names[:TAG_VOCABULARY]


def _zipf_weights(count: int, exponent: float) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


class Corpus:
    """`Corpus(n, seed).articles()` yields the same n articles, oldest first, every time."""

    def __init__(self, size: int, seed: int = 9) -> None:
        self.size = size
        self.seed = seed
        self._tags = tag_names()
        self._tag_weights = list(_cumulative(_zipf_weights(len(self._tags), TAG_EXPONENT)))
        self._authors = [
            f"{_FIRST_NAMES[i % len(_FIRST_NAMES)]} {_LAST_NAMES[(i * 7) % len(_LAST_NAMES)]}"
            + ("" if i < len(_FIRST_NAMES) else f" {i // len(_FIRST_NAMES) + 1}")
            for i in range(AUTHORS)
        ]
        self._author_weights = list(_cumulative(_zipf_weights(AUTHORS, 1.0)))

    def articles(self) -> Iterator[GeneratedArticle]:
        oldest = NEWEST - INTERVAL * (self.size - 1)
        for index in range(self.size):
            yield self.article(index, oldest + INTERVAL * index)

    def new_articles(self, count: int) -> list[GeneratedArticle]:
        """Articles published after the whole corpus (the incremental publishes), drawn from
        the same distributions but independent of the corpus size: the same articles are
        published into every site."""
        return [
            self.article(10_000_000 + index, NEWEST + INTERVAL * (index + 1), fresh=True)
            for index in range(count)
        ]

    def article(self, index: int, published: datetime, fresh: bool = False) -> GeneratedArticle:
        # One generator per article, seeded by (seed, index): article i is the same whatever N.
        rng = random.Random(f"{self.seed}:{index}")
        words = max(120, min(4000, round(rng.lognormvariate(math.log(MEDIAN_WORDS), 0.5))))
        tag_count = rng.choices((1, 2, 3, 4, 5, 6), weights=(10, 25, 30, 20, 10, 5))[0]
        tags: list[str] = []
        while len(tags) < tag_count:
            tag = rng.choices(self._tags, cum_weights=self._tag_weights)[0]
            if tag not in tags:
                tags.append(tag)
        author = rng.choices(self._authors, cum_weights=self._author_weights)[0]
        title = _sentence(rng, rng.randint(5, 11)).rstrip(".")
        kind = "update" if fresh else "story"
        slug = f"{kind}-{index:07d}-" + "-".join(title.lower().split()[:4])
        body = _body(rng, words)
        return GeneratedArticle(
            slug=slug,
            title=title,
            published=published,
            tags=tuple(tags),
            author=author,
            summary=_sentence(rng, rng.randint(14, 26)),
            body=tuple(body),
        )


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, words: int) -> list[str]:
    blocks: list[str] = []
    written = 0
    while written < words:
        if blocks and rng.random() < 0.12:
            blocks.append("## " + _sentence(rng, rng.randint(3, 6)).rstrip("."))
        size = min(words - written, rng.randint(40, 120))
        sentences = []
        remaining = size
        while remaining > 0:
            length = min(remaining, rng.randint(8, 24))
            sentences.append(_sentence(rng, length))
            remaining -= length
        blocks.append(" ".join(sentences))
        written += size
    return blocks


# -- writers: one per tool's dialect -----------------------------------------------------------


def _markdown_body(article: GeneratedArticle) -> str:
    return "\n\n".join(article.body) + "\n"


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pressroom_file(article: GeneratedArticle) -> tuple[str, str]:
    """(relative path, text): Markdown with YAML front matter, one folder per year."""
    front = [
        "---",
        f"title: {_yaml_string(article.title)}",
        f"date: {article.published.isoformat()}",
        f"slug: {article.slug}",
        f"author: {_yaml_string(article.author)}",
        "tags: [" + ", ".join(_yaml_string(tag) for tag in article.tags) + "]",
        f"summary: {_yaml_string(article.summary)}",
        "---",
        "",
    ]
    return f"{article.published.year}/{article.slug}.md", "\n".join(front) + _markdown_body(article)


def pelican_file(article: GeneratedArticle) -> tuple[str, str]:
    """Pelican's Markdown: `Key: value` header lines, a blank line, the body."""
    header = [
        f"Title: {article.title}",
        f"Date: {article.published.strftime('%Y-%m-%d %H:%M')}",
        f"Slug: {article.slug}",
        f"Author: {article.author}",
        f"Tags: {', '.join(article.tags)}",
        f"Summary: {article.summary}",
        "",
    ]
    return f"{article.slug}.md", "\n".join(header) + "\n" + _markdown_body(article)


def hugo_file(article: GeneratedArticle) -> tuple[str, str]:
    """Hugo's Markdown: YAML front matter under content/posts/."""
    text = pressroom_file(article)[1].replace(
        f"author: {_yaml_string(article.author)}", f"authors: [{_yaml_string(article.author)}]"
    )
    return f"posts/{article.slug}.md", text


def write_corpus(articles: list[GeneratedArticle], root: Path, dialect: str) -> Path:
    """Write `articles` under `root` in `dialect` (pressroom | pelican | hugo); returns root."""
    writer = {"pressroom": pressroom_file, "pelican": pelican_file, "hugo": hugo_file}[dialect]
    for article in articles:
        relative, text = writer(article)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
