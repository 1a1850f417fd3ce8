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
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import accumulate

PERIOD_PAGES = 5  # pages a year or month may hold before it is cut into finer periods
FEED_SIZE = 20  # items per feed: the newest entries of the listing
# Sorts after every digit and "-": the days (and periods) of `period` sort in
# [`period`, `period + _PAST`), so a bisection finds them in a sorted list.
_PAST = "~"


def day_of(sort_key: str) -> str:
    """The UTC day ("YYYY-MM-DD") of an entry's sort key (`<UTC ISO time>#<slug>`)."""
    return sort_key[:10]


@cache  # every index spec spells out its parts' labels; a month's name costs a strftime
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


_FEEDS = Spec("feeds")


def _feeds_path(base: str) -> str:
    """The key of a listing's feeds among its objects (they stand for the feed files)."""
    return f"{base}#feeds"


@dataclass(frozen=True)
class Layout:
    """The pages of one listing with these per-day article counts.

    `specs` spells out every object; `rerender` asks for a few by (period, number) through
    `_spec_at`, which finds a page by its position in `pages` without building that list
    (`_leaf_first_page`, `_page_at`), so that a change costs O(days) of cheap bookkeeping and
    a spec per object it may affect, not a spec per page of the listing."""

    days: Mapping[str, int]  # "YYYY-MM-DD" → articles that day (only days with articles)
    page_size: int
    base: str  # the listing's root path: "/" or "/tags/x/"

    @cached_property
    def count(self) -> int:
        return sum(self.days.values())

    @cached_property
    def _sorted_days(self) -> list[str]:
        return sorted(self.days)

    def _periods(self, width: int, lo: int, hi: int) -> Iterator[tuple[str, int, int]]:
        """The periods (the first `width` characters of a day: 4 a year, 7 a month) of the
        sorted days `[lo, hi)`, oldest first, each with the span `[lo, hi)` of its own days."""
        days = self._sorted_days
        while lo < hi:
            period = days[lo][:width]
            end = bisect_left(days, period + _PAST, lo, hi)
            yield period, lo, end
            lo = end

    def _total(self, lo: int, hi: int) -> int:
        """Articles on the sorted days `[lo, hi)`."""
        return sum(map(self.days.__getitem__, self._sorted_days[lo:hi]))

    @cached_property
    def _years(self) -> list[str]:
        """The years with articles, oldest first."""
        return [year for year, _, _ in self._periods(4, 0, len(self._sorted_days))]

    @cached_property
    def _tree(self) -> tuple[list[tuple[str, int]], dict[str, list[str]]]:
        """The leaves (see `leaves`), and the periods cut into parts with their parts, oldest
        first. Jumps from period to period by bisection: no work per day but in cut months."""
        cap = PERIOD_PAGES * self.page_size
        days = self._sorted_days
        leaves: list[tuple[str, int]] = []
        parts: dict[str, list[str]] = {}
        for year, year_lo, year_hi in self._periods(4, 0, len(days)):
            in_year = self._total(year_lo, year_hi)
            if in_year <= cap:
                leaves.append((year, in_year))
                continue
            parts[year] = []
            for month, lo, hi in self._periods(7, year_lo, year_hi):
                parts[year].append(month)
                in_month = self._total(lo, hi)
                if in_month <= cap:
                    leaves.append((month, in_month))
                    continue
                parts[month] = days[lo:hi]
                leaves += ((day, self.days[day]) for day in parts[month])
        return leaves, parts

    @property
    def leaves(self) -> list[tuple[str, int]]:
        """The periods that hold pages, oldest first, with their article counts."""
        return self._tree[0]

    @property
    def _parts(self) -> dict[str, list[str]]:
        """The periods that were cut (each has an index page), with their parts oldest first."""
        return self._tree[1]

    @cached_property
    def _leaf_periods(self) -> list[str]:
        """The leaves' periods, oldest first: also in string order (leaves do not nest)."""
        return [period for period, _ in self.leaves]

    @cached_property
    def _leaf_index(self) -> dict[str, int]:
        return {period: index for index, period in enumerate(self._leaf_periods)}

    @cached_property
    def _leaf_first_page(self) -> list[int]:
        """Per leaf, the position in `pages` of its first page; then the number of pages."""
        size = self.page_size
        return list(accumulate((-(-count // size) for _, count in self.leaves), initial=0))

    @cached_property
    def pages(self) -> list[ArchivePage]:
        """Every archive page, oldest first."""
        size = self.page_size
        return [
            ArchivePage(period, n + 1, n * size, min(count, (n + 1) * size))
            for period, count in self.leaves
            for n in range(-(-count // size))
        ]

    @property
    def _page_count(self) -> int:
        return self._leaf_first_page[-1]

    def _page_at(self, position: int) -> ArchivePage:
        """`pages[position]`, without building `pages`."""
        leaf = bisect_right(self._leaf_first_page, position) - 1
        period, count = self.leaves[leaf]
        n = position - self._leaf_first_page[leaf]
        size = self.page_size
        return ArchivePage(period, n + 1, n * size, min(count, (n + 1) * size))

    def _position(self, period: str, number: int) -> int | None:
        """The position in `pages` of page `number` of `period`, if there is such a page."""
        leaf = self._leaf_index.get(period)
        if leaf is None:
            return None
        position = self._leaf_first_page[leaf] + number - 1
        return position if number >= 1 and position < self._leaf_first_page[leaf + 1] else None

    def _pages_within(self, period: str) -> range:
        """The positions in `pages` of the pages of `period` or of its parts."""
        periods = self._leaf_periods
        first = bisect_left(periods, period)
        stop = bisect_left(periods, period + _PAST, first)
        return range(self._leaf_first_page[first], self._leaf_first_page[stop])

    @cached_property
    def root_pages(self) -> int:
        """How many of the newest archive pages the root page covers."""
        covered = held = 0
        for position in reversed(range(self._page_count)):
            if held >= self.page_size:
                break
            covered += 1
            page = self._page_at(position)
            held += page.stop - page.start
        return covered

    @property
    def _first_covered(self) -> int:
        """The position in `pages` of the oldest page the root covers: the pages before it are
        published, the rest are not (the root shows them)."""
        return self._page_count - self.root_pages

    @property
    def root_count(self) -> int:
        """How many of the newest articles the root page shows."""
        covered = map(self._page_at, range(self._first_covered, self._page_count))
        return sum(page.stop - page.start for page in covered)

    def path(self, page: ArchivePage) -> str:
        return period_path(self.base, page.period, page.number)

    @cached_property
    def specs(self) -> dict[str, Spec]:
        """Every object this listing publishes, by public path."""
        published = self.pages[: self._first_covered]
        walk = [self.path(page) for page in reversed(published)]  # newest first
        found: dict[str, Spec] = {self.base: self._root_spec(), _feeds_path(self.base): _FEEDS}
        for position, page in enumerate(reversed(published)):
            found[self.path(page)] = Spec(
                "page",
                page=page,
                newer=walk[position - 1] if position else self.base,
                older=walk[position + 1] if position + 1 < len(walk) else None,
                count=page.stop - page.start,
            )
        for period in self._parts:
            found[period_path(self.base, period)] = self._index_spec(period)
        return found

    def _root_spec(self) -> Spec:
        first = self._first_covered
        older = self.path(self._page_at(first - 1)) if first else None
        return Spec("root", older=older, count=self.count, links=self._years_links)

    def _index_spec(self, period: str) -> Spec:
        """The index of a cut period: its parts (label, path), newest first."""
        parts = reversed(self._parts[period])
        return Spec(
            "index",
            period=period,
            links=tuple((period_label(part), self._link(part)) for part in parts),
        )

    def _spec_at(self, period: str, number: int) -> Spec | None:
        """The spec of the object at `period_path(base, period, number)`, as in `specs` (None
        when nothing is published there): page `number` of `period`, or when `number` is 1, the
        index of `period` if it was cut."""
        position = self._position(period, number)
        if position is not None:
            return self._page_spec(position) if position < self._first_covered else None
        if number == 1 and period in self._parts:
            return self._index_spec(period)
        return None

    def _page_spec(self, position: int) -> Spec:
        """The spec of the published page at `position` in `pages` (`specs` builds the same for
        every page in one sweep)."""
        page, newer = self._page_at(position), position + 1
        return Spec(
            "page",
            page=page,
            newer=self.path(self._page_at(newer)) if newer < self._first_covered else self.base,
            older=self.path(self._page_at(position - 1)) if position else None,
            count=page.stop - page.start,
        )

    def _link(self, period: str) -> str:
        """Where a link to a period leads: its address, or the root page when the root shows
        its first page."""
        position = self._position(period, 1)
        shown = position is not None and position >= self._first_covered
        return self.base if shown else period_path(self.base, period)

    @cached_property
    def _years_links(self) -> tuple[tuple[str, str], ...]:
        """The years with a page of their own (the root shows the rest), newest first."""
        years = ((year, self._link(year)) for year in reversed(self._years))
        return tuple((year, path) for year, path in years if path != self.base)

    def position(self, day: str) -> tuple[str, int] | None:
        """The period holding `day` and how many of its entries come before that day."""
        for period in (day[:4], day[:7], day):
            if period in self._leaf_index:
                first = bisect_left(self._sorted_days, period)
                return period, self._total(first, bisect_left(self._sorted_days, day, first))
        return None

    def newest_floor(self, count: int) -> str:
        """The oldest day among the newest `count` entries ("" when the listing has fewer)."""
        held = 0
        for day in reversed(self._sorted_days):
            held += self.days[day]
            if held >= count:
                return day
        return ""


@dataclass(frozen=True)
class Rerender:
    """What one change of a listing's articles asks of its published objects."""

    render: dict[str, Spec]  # path → spec, for the objects to (re)render
    delete: list[str]  # paths no longer published
    added: list[str] = field(default_factory=list)  # paths published that were not before


def rerender(old: Layout, new: Layout, changed_days: Iterable[str]) -> Rerender:
    """The objects whose bytes may differ after the articles of `changed_days` changed (and the
    counts went from `old.days` to `new.days`; other days' counts are the same in both): a spec
    that changed, or entries that moved. The site writer skips whatever renders to the same
    bytes, so erring on the side of rendering costs a render, never a write.

    Only the root, the feeds and the objects `_candidates` names are compared, so a change costs
    a spec per object near it, not per page of the listing; the answer is the same as comparing
    `old.specs` with `new.specs` (`tests/unit/test_archive.py` checks it against that)."""
    changed = sorted(set(changed_days))
    # Per period, the first position (among its entries, oldest first) that a change touched:
    # pages of that period from there on show other entries.
    moved_from: dict[str, int] = {}
    for day in changed:
        where = new.position(day)
        if where is not None:
            period, first = where
            moved_from[period] = min(first, moved_from.get(period, first))
    # path → (old spec, new spec); None where that layout publishes nothing there
    compared: dict[str, tuple[Spec | None, Spec | None]] = {
        new.base: (old._root_spec(), new._root_spec()),
        _feeds_path(new.base): (_FEEDS, _FEEDS),
    }
    for period, number in _candidates(old, new, changed):
        key = period_path(new.base, period, number)
        compared[key] = (old._spec_at(period, number), new._spec_at(period, number))
    render = {
        path: after
        for path, (before, after) in compared.items()
        if after is not None
        and (before != after or _entries_moved(after, new, changed, moved_from))
    }
    delete = sorted(
        path for path, (before, after) in compared.items() if before is not None and after is None
    )
    added = sorted(
        path for path, (before, after) in compared.items() if before is None and after is not None
    )
    return Rerender(render, delete, added)


def _candidates(old: Layout, new: Layout, changed: list[str]) -> set[tuple[str, int]]:
    """(period, number) of every page, and index (number 1), whose spec may differ between the
    layouts or whose entries may have moved; a few more do no harm (each is compared).

    * Pages move only within the changes' `_region`s: elsewhere both layouts hold the same pages
      in the same order. A page outside them keeps its spec unless a neighbour in `pages` (its
      newer or older link) is in a region, or it is covered by the root or is the last page
      before the covered ones (its newer link leads to the root), in either layout.
    * An index lists its parts, and links to the root instead of a part whose first page the
      root covers: it changes only when a part's pages are among the pages above (in a region,
      or entering or leaving the root), so it is a parent of one of them."""
    regions = {_region(old, new, day) for day in changed}
    pages: set[tuple[str, int]] = set()
    for layout in (old, new):
        positions = set(range(layout._first_covered - 1, layout._page_count))
        for region in regions:
            within = layout._pages_within(region)
            positions.update(range(within.start - 1, within.stop + 1))
        found = map(layout._page_at, (p for p in positions if 0 <= p < layout._page_count))
        pages.update((page.period, page.number) for page in found)
    indexes = {
        (period[:width], 1) for period, _ in pages for width in (4, 7) if width < len(period)
    }
    return pages | indexes


def _region(old: Layout, new: Layout, day: str) -> str:
    """The period around `day` outside which a change of its articles moves no page: its year,
    or if both layouts cut the year, its month, or if both cut the month too, the day. (How a
    period is cut depends on its own articles only; a cut period's parts follow each other.)"""
    for period in (day[:4], day[:7]):
        if period not in old._parts or period not in new._parts:
            return period
    return day


def _entries_moved(spec: Spec, new: Layout, changed: list[str], moved_from: dict[str, int]) -> bool:
    if spec.kind in ("root", "feeds"):
        # An entry leaving or joining the newest ones is on or after the new floor.
        floor = new.newest_floor(new.root_count if spec.kind == "root" else FEED_SIZE)
        return any(day >= floor for day in changed)
    if spec.kind != "page" or spec.page is None:
        return False
    return moved_from.get(spec.page.period, spec.page.stop) < spec.page.stop
