"""What the content table knows of each uploaded file (`SourceState`), and the outcome of asking
for something several files may want (`Claim`).

Plain values at the bottom of the core: the domain functions reason about them, the ports
(`pressroom.ports`) carry them, and the stores (`adapters.content_store`, `local.memory`) keep
them, in the item layout of `pressroom.table_layout`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceState:
    """What the table knows of one source key."""

    key: str
    rev: int = 0
    # published | unlisted | draft | scheduled | expired | rejected | deleted | absent
    status: str = "absent"
    slug: str = ""  # the live article's slug ("" when nothing is live)
    retired_slug: str = ""  # a slug this source last gave up, whose page may still need removing
    digest: str = ""
    sequencer: str = ""
    synced_rev: int = 0
    reason: str = ""
    fix: str = ""
    updated: str = ""
    # The LastModified (ISO 8601) of the object version the live article was read from, so that
    # a rejected re-upload can tell whether the key was deleted since ("" if unknown).
    live_uploaded: str = ""
    # Redirects (site keys, see `pressroom.redirects`): those leading to the live article, those
    # it held before and must let go of, and the slugs it had before (newest last), whose pages
    # redirect to its new one.
    redirects: tuple[str, ...] = ()
    released: tuple[str, ...] = ()
    moved_from: tuple[str, ...] = ()
    # What the editor should hear about although the file published (`Article.warnings`).
    warnings: tuple[str, ...] = ()
    # The listing a Hugo `_index.md` introduces (`Article.introduces`), and the one it last
    # introduced before, whose introduction may still need removing.
    introduces: str = ""
    retired_intro: str = ""
    # An asset source: its published files (`publishing.asset_refs.AssetRecord`, as JSON).
    asset: str = ""
    # An article: the thumbnail its card shows and its size, so a changed cover image updates
    # its listings.
    shows: str = ""
    # When the article's presence changes by itself (ISO 8601, UTC; "" never): a `scheduled`
    # one goes live, a live one expires (`publishing.schedule`). A wake-up is armed for it.
    due: str = ""

    @property
    def exists(self) -> bool:
        return self.rev > 0


@dataclass(frozen=True)
class Claim:
    """The outcome of asking for an item several sources may ask for (a redirect's key, a
    listing's introduction). The source with the lowest key holds it, whoever asked first, so
    the site stays a function of the sources: a lower key takes it over from a higher one
    (`displaced`), a higher one does not get it (`won` False) and waits for it."""

    won: bool
    previous: dict[str, Any] = field(default_factory=dict)  # the item it replaced, if any
    displaced: str = ""  # the source key that held it before, if another
