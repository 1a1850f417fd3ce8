"""How a listing is cut into pages: a pure function of how many of its articles fall on each day.

A listing (the home page, a tag, an author) is shown as a *root* page with the newest articles
and *archive* pages that hold everything older, newest first, in calendar periods:

* a year is one period when it holds at most `PERIOD_PAGES` pages of articles; a busier year is
  cut into months, and a busier month into days (a sparse tag reads as a few pages a year, a
  busy home page as a page a day);
* a period holds its articles oldest first in slices of `page_size` (`2019/`, `2019/page/2/`,
  ...), so a new article lands on the period's last page and leaves the earlier ones alone;
* a year or month that was cut has an index page at its own address listing its parts.

Why this shape: an archive page has to stay where it is as the site grows (stable URLs),
publishing must not re-render pages in proportion to the size of the site, and the layout must
depend only on which articles exist, never on the order they arrived in (uploads come in any
order; a rebuild must give the same site). Numbered pages counted from the newest article move
every article on every publish; numbered pages counted in upload order are stable but not in date
order. Calendar periods are the unit that a back-dated article can join without moving anything
outside its period, and a period never holds more than `PERIOD_PAGES` pages (days excepted), so
one change re-renders a handful of pages whatever the size of the site.

The root page shows the newest whole archive pages holding at least `page_size` articles (so
between `page_size` and `2·page_size - 1`); those pages are not published on their own (a link
to one leads to the root), and the root's "older" link leads to the first page it does not
cover. So walking a listing from its root lists every article exactly once, in date order, and
no page repeats another.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

PERIOD_PAGES = 5  # pages a year or month may hold before it is cut into finer periods
FEED_SIZE = 20  # items per feed: the newest entries of the listing


def day_of(sort_key: str) -> str:
    """The UTC day ("YYYY-MM-DD") of an entry's sort key (`<UTC ISO time>#<slug>`)."""
    return sort_key[:10]


def period_label(period: str) -> str:
    """`2019` → "2019", `2019-03` → "March 2019", `2019-03-05` → "5 March 2019"."""
    parts = period.split("-")
    if len(parts) == 1:
        return period
    month = calendar.month_name[int(parts[1])]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def period_path(base: str, period: str, number: int = 1) -> str:
    """`/tags/x/` + `2019-03` → `/tags/x/2019/03/`; page 2 → `/tags/x/2019/03/page/2/`."""
    path = base + "".join(f"{part}/" for part in period.split("-"))
    return path if number == 1 else f"{path}page/{number}/"


@dataclass(frozen=True)
class ArchivePage:
    """Slice `[start, stop)` of a period's entries (oldest first); `number` 1 is the oldest."""

    period: str
    number: int
    start: int
    stop: int


@dataclass(frozen=True)
class Spec:
    """What a published object shows, apart from the entries themselves: if a spec is unchanged
    and none of its entries moved, its bytes are unchanged."""

    kind: str  # root | page | index | feeds
    page: ArchivePage | None = None
    period: str = ""  # an index's period
    newer: str | None = None
    older: str | None = None
    count: int = 0  # articles in the listing (root) or on the page
    links: tuple[tuple[str, str], ...] = ()  # (label, path): an index's parts, the root's years


@dataclass(frozen=True)
class Layout:
    """The pages of one listing with these per-day article counts."""

    days: Mapping[str, int]  # "YYYY-MM-DD" → articles that day (only days with articles)
    page_size: int
    base: str  # the listing's root path: "/" or "/tags/x/"

    @property
    def count(self) -> int:
        return sum(self.days.values())

    @cached_property
    def _months(self) -> Counter[str]:
        return _totals(self.days, 7)

    @cached_property
    def _years(self) -> Counter[str]:
        return _totals(self.days, 4)

    @cached_property
    def leaves(self) -> list[tuple[str, int]]:
        """The periods that hold pages, oldest first, with their article counts."""
        cap = PERIOD_PAGES * self.page_size
        by_month: dict[str, list[tuple[str, int]]] = {}
        for day in sorted(self.days):
            by_month.setdefault(day[:7], []).append((day, self.days[day]))
        found: list[tuple[str, int]] = []
        for year, in_year in sorted(self._years.items()):
            if in_year <= cap:
                found.append((year, in_year))
                continue
            for month in sorted(month for month in by_month if month.startswith(year)):
                in_month = self._months[month]
                found += [(month, in_month)] if in_month <= cap else by_month[month]
        return found

    @cached_property
    def pages(self) -> list[ArchivePage]:
        """Every archive page, oldest first."""
        size = self.page_size
        return [
            ArchivePage(period, n + 1, n * size, min(count, (n + 1) * size))
            for period, count in self.leaves
            for n in range(-(-count // size))
        ]

    @cached_property
    def root_pages(self) -> int:
        """How many of the newest archive pages the root page covers."""
        covered = held = 0
        for page in reversed(self.pages):
            if held >= self.page_size:
                break
            covered += 1
            held += page.stop - page.start
        return covered

    @property
    def root_count(self) -> int:
        """How many of the newest articles the root page shows."""
        covered = self.pages[len(self.pages) - self.root_pages :]
        return sum(page.stop - page.start for page in covered)

    def path(self, page: ArchivePage) -> str:
        return period_path(self.base, page.period, page.number)

    @cached_property
    def specs(self) -> dict[str, Spec]:
        """Every object this listing publishes, by public path."""
        covered = len(self.pages) - self.root_pages
        walk = [self.path(page) for page in reversed(self.pages[:covered])]  # newest first
        found: dict[str, Spec] = {
            self.base: Spec(
                "root", older=walk[0] if walk else None, count=self.count, links=self._years_links
            ),
            f"{self.base}#feeds": Spec("feeds"),
        }
        for position, page in enumerate(reversed(self.pages[:covered])):
            found[self.path(page)] = Spec(
                "page",
                page=page,
                newer=walk[position - 1] if position else self.base,
                older=walk[position + 1] if position + 1 < len(walk) else None,
                count=page.stop - page.start,
            )
        for period, parts in self._indexes.items():
            found[period_path(self.base, period)] = Spec("index", period=period, links=parts)
        return found

    @cached_property
    def _indexes(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """The periods that were cut into parts, with their parts (label, path), newest first."""
        leaf_periods = {period for period, _ in self.leaves}
        parts: dict[str, set[str]] = {}
        for period in leaf_periods:
            while len(period) > 4:
                parent = period[: len(period) - 3]
                parts.setdefault(parent, set()).add(period)
                period = parent
        return {
            parent: tuple(
                (period_label(child), self._link(child)) for child in sorted(children, reverse=True)
            )
            for parent, children in parts.items()
        }

    def _link(self, period: str) -> str:
        """Where a link to a period leads: its address, or the root page when the root shows
        its first page."""
        covered = self.pages[len(self.pages) - self.root_pages :]
        shown = any(page.period == period and page.number == 1 for page in covered)
        return self.base if shown else period_path(self.base, period)

    @cached_property
    def _years_links(self) -> tuple[tuple[str, str], ...]:
        """The years with a page of their own (the root shows the rest), newest first."""
        years = ((year, self._link(year)) for year in sorted(self._years, reverse=True))
        return tuple((year, path) for year, path in years if path != self.base)

    def position(self, day: str) -> tuple[str, int] | None:
        """The period holding `day` and how many of its entries come before that day."""
        for period, _ in self.leaves:
            if day.startswith(period):
                before = (n for d, n in self.days.items() if d.startswith(period) and d < day)
                return period, sum(before)
        return None

    def newest_floor(self, count: int) -> str:
        """The oldest day among the newest `count` entries ("" when the listing has fewer)."""
        held = 0
        for day in sorted(self.days, reverse=True):
            held += self.days[day]
            if held >= count:
                return day
        return ""


def _totals(days: Mapping[str, int], width: int) -> Counter[str]:
    totals: Counter[str] = Counter()
    for day, count in days.items():
        totals[day[:width]] += count
    return totals


@dataclass(frozen=True)
class Rerender:
    """What one change of a listing's articles asks of its published objects."""

    render: dict[str, Spec]  # path → spec, for the objects to (re)render
    delete: list[str]  # paths no longer published


def rerender(old: Layout, new: Layout, changed_days: Iterable[str]) -> Rerender:
    """The objects whose bytes may differ after the articles of `changed_days` changed (and the
    counts went from `old.days` to `new.days`): a spec that changed, or entries that moved. The
    site writer skips whatever renders to the same bytes, so erring on the side of rendering
    costs a render, never a write."""
    changed = sorted(set(changed_days))
    # Per period, the first position (among its entries, oldest first) that a change touched:
    # pages of that period from there on show other entries.
    moved_from: dict[str, int] = {}
    for day in changed:
        where = new.position(day)
        if where is not None:
            period, first = where
            moved_from[period] = min(first, moved_from.get(period, first))
    render: dict[str, Spec] = {}
    for path, spec in new.specs.items():
        if old.specs.get(path) != spec or _entries_moved(spec, new, changed, moved_from):
            render[path] = spec
    return Rerender(render, sorted(set(old.specs) - set(new.specs)))


def _entries_moved(spec: Spec, new: Layout, changed: list[str], moved_from: dict[str, int]) -> bool:
    if spec.kind in ("root", "feeds"):
        # An entry leaving or joining the newest ones is on or after the new floor.
        floor = new.newest_floor(new.root_count if spec.kind == "root" else FEED_SIZE)
        return any(day >= floor for day in changed)
    if spec.kind != "page" or spec.page is None:
        return False
    return moved_from.get(spec.page.period, spec.page.stop) < spec.page.stop
