"""Types shared by every reader, and the one error readers raise.

A reader is a pure function `text -> (body_html, metadata)`: `body_html` is already sanitised,
`metadata` is a mapping with normalised keys (see `metadata.normalise_key`) holding the raw values
the file declared. Turning that pair into an `Article` is one shared step (`article.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Metadata = dict[str, Any]
# Metadata entry for what the editor should hear about (a list of sentences). No front-matter
# key normalises to it (`metadata.normalise_key` strips spaces), so a file cannot set it.
WARNINGS = " warnings"
Parsed = tuple[str, Metadata]
Reader = Callable[[str], Parsed]


class Unreadable(Exception):
    """The file cannot be published as it is. `read_article` adds the key and raises
    `RejectedFile`, so the parts below it never need to know which file they are reading."""

    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix
