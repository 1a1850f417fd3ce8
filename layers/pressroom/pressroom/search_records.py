"""What the site's search index holds of one article (`SearchRecord`): a value shared by the
search planning (`publishing.search`) and the index builder (`adapters.pagefind`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class SearchRecord:
    """What the index knows of one article: all of it is text a reader can see on its page."""

    url: str  # the article's path, `/articles/<slug>/`
    title: str
    summary: str
    text: str  # the body as plain text
    published: str  # ISO 8601
    language: str = "en"
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    image: str = ""  # the card's thumbnail path

    def encode(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> SearchRecord:
        raw = json.loads(data)
        return cls(
            url=str(raw["url"]),
            title=str(raw["title"]),
            summary=str(raw.get("summary", "")),
            text=str(raw.get("text", "")),
            published=str(raw.get("published", "")),
            language=str(raw.get("language", "en")),
            tags=tuple(str(t) for t in raw.get("tags", ())),
            authors=tuple(str(a) for a in raw.get("authors", ())),
            image=str(raw.get("image", "")),
        )
