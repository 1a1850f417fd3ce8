"""The archive layout (`publishing.archive`): how a listing is cut into pages, as a pure function
of its articles per day. Entries are simulated as (day, id) pairs in date order."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pressroom.publishing.archive import (
    FEED_SIZE,
    PERIOD_PAGES,
    Layout,
    Rerender,
    Spec,
    period_label,
    period_path,
    rerender,
)

SIZE = 10
BASE = "/tags/x/"
Entries = list[tuple[str, int]]  # (day, id), oldest first

# A listing whose root covers the last page of March 2015 (3 articles) and 9 newer articles.
# Removing its oldest article and back-dating one to 1 March pushes the newest article of
# March's page 2 onto page 3: the root shows 13 articles instead of 12, though no changed day
# reaches the newest 13 and the root's spec is the same.
# fmt: off
ROOT_FILLED_BY_A_BACK_DATED_ARTICLE: Entries = [
    ("2015-01-01", 0), ("2015-01-01", 1), ("2015-01-07", 0), ("2015-01-10", 240),
    ("2015-01-06", 0), ("2015-01-01", 13992), ("2015-01-15", 1), ("2015-01-07", 5),
    ("2015-03-01", 2530), ("2015-03-14", 1124), ("2015-01-14", 21938), ("2015-02-01", 0),
    ("2015-02-02", 0), ("2015-02-10", 0), ("2015-02-05", 0), ("2015-02-05", 1165),
    ("2015-02-06", 0), ("2015-02-13", 1595), ("2015-02-12", 85), ("2015-02-11", 0),
    ("2015-02-04", 16905), ("2015-03-02", 0), ("2015-03-02", 1), ("2015-03-01", 2583),
    ("2015-03-31", 6), ("2015-03-01", 7), ("2015-03-01", 139485), ("2015-03-31", 9),
    ("2015-03-01", 4), ("2015-03-01", 5), ("2015-03-01", 1290), ("2015-03-31", 6421),
    ("2015-03-31", 12), ("2015-03-01", 10), ("2015-03-01", 11), ("2015-03-01", 255),
    ("2015-03-31", 67082), ("2015-12-30", 13), ("2015-04-01", 3), ("2015-03-01", 2),
    ("2015-05-01", 15), ("2015-03-01", 8), ("2015-03-01", 382), ("2015-12-31", 104555),
    ("2015-12-31", 262130), ("2015-12-31", 0), ("2015-03-01", 436), ("2015-12-31", 13),
    ("2015-03-01", 28870), ("2015-12-31", 5), ("2015-12-01", 16),
]
# fmt: on


def layout_of(entries: Entries, size: int = SIZE) -> Layout:
    return Layout(dict(Counter(day for day, _ in entries)), size, BASE)


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
@example(entries=ROOT_FILLED_BY_A_BACK_DATED_ARTICLE, added=[("2015-03-01", 1)], removed={0})
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


def exhaustive_rerender(old: Layout, new: Layout, changed_days: set[str]) -> Rerender:
    """`rerender` by its definition, over every object of both layouts: render what is published
    and shows another spec, or whose entries moved (a page of a period, from the first entry of
    a changed day on; the root and the feeds, when a changed day reaches their newest entries);
    delete what is no longer published."""
    moved_from: dict[str, int] = {}
    for day in changed_days:
        for period, _ in new.leaves:
            if day.startswith(period):
                before = sum(n for d, n in new.days.items() if d.startswith(period) and d < day)
                moved_from[period] = min(before, moved_from.get(period, before))

    def root_count(layout: Layout) -> int:
        """What the root shows: what no page does."""
        published = sum(spec.count for spec in layout.specs.values() if spec.kind == "page")
        return sum(layout.days.values()) - published

    def reaches_newest(count: int) -> bool:
        held = 0
        for day in sorted(new.days, reverse=True):
            held += new.days[day]
            if held >= count:
                return any(changed >= day for changed in changed_days)
        return bool(changed_days)  # fewer articles than `count`: any change shows

    def moved(spec: Spec) -> bool:
        if spec.kind == "root":
            # the newest entries, as many as the root shows: another number, or a change of them
            return root_count(old) != root_count(new) or reaches_newest(root_count(new))
        if spec.kind == "feeds":
            return reaches_newest(FEED_SIZE)
        page = spec.page
        return page is not None and moved_from.get(page.period, page.stop) < page.stop

    render = {
        path: spec for path, spec in new.specs.items() if old.specs.get(path) != spec or moved(spec)
    }
    return Rerender(render, sorted(set(old.specs) - set(new.specs)))


burst_days = st.dates(min_value=date(2023, 1, 1), max_value=date(2023, 3, 31)).map(date.isoformat)


@st.composite
def listing_changes(draw: st.DrawFn) -> tuple[Entries, Entries, set[str]]:
    """A listing, the same listing after a change, and the days the change touched."""
    entries = draw(st.one_of(entry_lists, bursts))
    ordered = sorted(entries)
    known = sorted({day for day, _ in entries})
    # New articles on any day, on days that already have some, or in the bursts' months, with
    # now and then a pile on one day: periods start or stop being cut into parts.
    some_day = st.one_of(days, st.sampled_from(known), burst_days) if known else days
    added = draw(st.lists(st.tuples(some_day, st.integers(0, 10**6)), max_size=20))
    pile_day, pile = draw(st.tuples(some_day, st.sampled_from([0, 0, 5, 30, 60])))
    added += [(pile_day, 10**7 + n) for n in range(pile)]
    # Removed: a run of neighbouring articles (a period can empty) and a few scattered ones.
    first = draw(st.integers(0, len(ordered)))
    run = range(first, first + draw(st.sampled_from([0, 0, 1, 3, 30, 400])))
    scattered = draw(st.sets(st.integers(0, max(len(ordered) - 1, 0)), max_size=3))
    kept = {e for n, e in enumerate(ordered) if n not in run and n not in scattered}
    after = sorted(kept | set(added))
    # Edited: days whose articles changed without changing in number.
    edited = draw(st.sets(some_day, max_size=2))
    return entries, after, {day for day, _ in set(entries) ^ set(after)} | edited


@settings(max_examples=400, deadline=None)
@given(change=listing_changes(), size=st.sampled_from([1, 3, SIZE]))
@example(
    change=(
        ROOT_FILLED_BY_A_BACK_DATED_ARTICLE,
        sorted({*ROOT_FILLED_BY_A_BACK_DATED_ARTICLE[1:], ("2015-03-01", 1)}),
        {"2015-01-01", "2015-03-01"},
    ),
    size=SIZE,
)
def test_given_any_change_when_planned_from_nearby_objects_then_the_plan_is_the_exhaustive_one(
    change: tuple[Entries, Entries, set[str]], size: int
) -> None:
    # GIVEN a listing and a change (articles added or removed, back-dated or not, on several
    # days; periods start or stop being cut)
    entries, after, changed_days = change
    old, new = layout_of(entries, size), layout_of(after, size)
    # WHEN the re-render is planned from the objects near the change
    plan = rerender(old, new, changed_days)
    # THEN it asks for what comparing every object of both layouts asks for
    expected = exhaustive_rerender(old, new, changed_days)
    assert plan.render == expected.render
    assert plan.delete == expected.delete


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


def test_given_a_large_listing_when_a_change_is_planned_then_not_every_page_is_spelled_out() -> (
    None
):
    # GIVEN 1,700 days of 6 articles a day (a page a day: every month is cut into days)
    entries = history(date(2020, 1, 1), 1700, 6)
    old, new = layout_of(entries), layout_of([*entries, ("2022-04-30", 10**7)])
    # WHEN an article is back-dated into the middle
    plan = rerender(old, new, {"2022-04-30"})
    # THEN its day's page and the root are rendered, and neither layout built its list of
    # pages or its map of every object
    assert set(plan.render) == {BASE, period_path(BASE, "2022-04-30")}
    for layout in (old, new):
        assert "pages" not in vars(layout)
        assert "specs" not in vars(layout)


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
