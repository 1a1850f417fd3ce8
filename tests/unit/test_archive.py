"""The archive layout (`publishing.archive`): how a listing is cut into pages, as a pure function
of its articles per day. Entries are simulated as (day, id) pairs in date order."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.publishing.archive import (
    FEED_SIZE,
    PERIOD_PAGES,
    Layout,
    period_label,
    period_path,
    rerender,
)

SIZE = 10
BASE = "/tags/x/"
Entries = list[tuple[str, int]]  # (day, id), oldest first


def layout_of(entries: Entries) -> Layout:
    return Layout(dict(Counter(day for day, _ in entries)), SIZE, BASE)


def shown(layout: Layout, entries: Entries, path: str) -> tuple:
    """What the object at `path` shows: its spec and its entries, newest first."""
    spec = layout.specs[path]
    ordered = sorted(entries)
    if spec.kind == "root":
        return spec, tuple(reversed(ordered))[: layout.root_count]
    if spec.kind == "feeds":
        return spec, tuple(reversed(ordered))[:FEED_SIZE]
    if spec.kind == "page":
        assert spec.page is not None
        in_period = [e for e in ordered if e[0].startswith(spec.page.period)]
        return spec, tuple(reversed(in_period[spec.page.start : spec.page.stop]))
    return spec, ()


def walk(layout: Layout, entries: Entries) -> list[tuple[str, int]]:
    """Every entry a reader sees going from the root by "older" links, in order."""
    seen: list[tuple[str, int]] = []
    path: str | None = BASE
    visited = set()
    while path is not None:
        assert path not in visited, "the walk came back to a page"
        visited.add(path)
        seen += shown(layout, entries, path)[1]
        path = layout.specs[path].older
    return seen


days = st.dates(min_value=date(2015, 1, 1), max_value=date(2024, 12, 31)).map(date.isoformat)
entry_lists = st.lists(st.tuples(days, st.integers(0, 10**6)), max_size=400, unique=True)
# Bursts: many articles on a few days, so months and days get cut into parts.
bursts = st.lists(
    st.tuples(
        st.dates(min_value=date(2023, 1, 1), max_value=date(2023, 3, 31)).map(date.isoformat),
        st.integers(0, 10**6),
    ),
    min_size=40,
    max_size=300,
    unique=True,
)


@settings(max_examples=200, deadline=None)
@given(entries=st.one_of(entry_lists, bursts))
def test_given_any_listing_when_walked_from_its_root_then_every_article_shows_once_newest_first(
    entries: Entries,
) -> None:
    # GIVEN a listing with articles on any days
    layout = layout_of(entries)
    # WHEN a reader follows the "older" links from the root page
    seen = walk(layout, entries)
    # THEN every article shows exactly once, in date order, newest first
    assert seen == sorted(entries, reverse=True)


@settings(max_examples=200, deadline=None)
@given(entries=st.one_of(entry_lists, bursts))
def test_given_any_listing_then_pages_are_full_enough_and_linked_both_ways(
    entries: Entries,
) -> None:
    layout = layout_of(entries)
    specs = layout.specs
    # THEN the root shows at least a page of articles (all of them in a small listing), and
    # fewer than two pages
    assert min(len(entries), SIZE) <= layout.root_count < 2 * SIZE
    for path, spec in specs.items():
        if spec.kind != "page":
            continue
        # AND every archive page holds between one article and a page of them
        assert 1 <= spec.count <= SIZE
        # AND its links lead to pages that link back
        assert spec.newer is not None and specs[spec.newer].older == path
        if spec.older is not None:
            assert specs[spec.older].newer == path
        # AND no period holds more pages than PERIOD_PAGES, unless it is a single day
        assert spec.page is not None
        assert spec.page.number <= PERIOD_PAGES or len(spec.page.period) == 10


@settings(max_examples=300, deadline=None)
@given(
    entries=st.one_of(entry_lists, bursts),
    added=st.lists(st.tuples(days, st.integers(0, 10**6)), max_size=3),
    removed=st.sets(st.integers(0, 399), max_size=3),
)
def test_given_a_change_when_planned_then_every_object_that_shows_something_else_is_rendered(
    entries: Entries, added: Entries, removed: set[int]
) -> None:
    # GIVEN a listing, and a change that adds and removes a few articles (back-dated or not)
    after = sorted({e for n, e in enumerate(sorted(entries)) if n not in removed} | set(added))
    old, new = layout_of(entries), layout_of(after)
    changed_days = {day for day, _ in set(entries) ^ set(after)}
    # WHEN the re-render is planned from the counts alone
    plan = rerender(old, new, changed_days)
    # THEN every object that would show something else is rendered, and nothing that is no
    # longer published is left behind
    for path in new.specs:
        if path not in old.specs or shown(old, entries, path) != shown(new, after, path):
            assert path in plan.render, path
    assert set(plan.delete) == set(old.specs) - set(new.specs)


def history(start: date, days_count: int, per_day: int) -> Entries:
    return [
        ((start + timedelta(days=d)).isoformat(), n)
        for d in range(days_count)
        for n in range(per_day)
    ]


def test_given_a_back_dated_article_when_the_site_is_ten_times_larger_then_as_many_pages_move() -> (
    None
):
    # GIVEN a 100-article listing, and the same listing with 900 more articles published since
    small = history(date(2020, 1, 1), 17, 6)[:100]
    large = small + history(date(2020, 6, 1), 150, 6)
    back_dated = ("2020-01-08", 10**7)
    plans = []
    for entries in (small, large):
        # WHEN an article dated in the middle of the first weeks is published
        plan = rerender(layout_of(entries), layout_of([*entries, back_dated]), {back_dated[0]})
        plans.append(sorted(path for path in plan.render if not path.startswith(BASE + "#")))
    # THEN the same archive pages are re-rendered in both (the root and the feeds, whose
    # articles reach back that far in neither, only for the count the root shows)
    assert plans[0] == plans[1]
    assert len(plans[0]) <= 3


def test_given_a_new_article_today_when_planned_then_only_the_root_and_feeds_change() -> None:
    # GIVEN a year of daily articles
    entries = history(date(2024, 1, 1), 365, 3)
    # WHEN one more is published on the newest day
    newest = entries[-1][0]
    plan = rerender(layout_of(entries), layout_of([*entries, (newest, 99)]), {newest})
    # THEN the root and the feeds are rendered, and at most the page that leaves the root, the
    # page before it (whose "newer" link now leads there) and its period's index
    assert {BASE, BASE + "#feeds"} <= set(plan.render)
    assert len(plan.render) <= 5
    assert plan.delete == []


def test_given_a_busy_year_then_it_is_cut_into_months_and_its_address_lists_them() -> None:
    # GIVEN more articles in 2023 than five pages hold, in two months
    entries = history(date(2023, 3, 1), 20, 2) + history(date(2023, 5, 1), 20, 2)
    layout = layout_of(entries + history(date(2024, 1, 1), 3, 5))
    # THEN 2023's address is an index of its months, newest first
    index = layout.specs[period_path(BASE, "2023")]
    assert index.kind == "index"
    assert [label for label, _ in index.links] == ["May 2023", "March 2023"]
    assert layout.specs[period_path(BASE, "2023-03")].kind == "page"


def test_period_labels_and_paths() -> None:
    assert period_label("2019") == "2019"
    assert period_label("2019-03") == "March 2019"
    assert period_label("2019-03-05") == "5 March 2019"
    assert period_path("/", "2019-03-05") == "/2019/03/05/"
    assert period_path("/tags/x/", "2019", 2) == "/tags/x/2019/page/2/"
