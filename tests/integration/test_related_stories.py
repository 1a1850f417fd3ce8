"""The "You may also like" block of a plain-text article (`shared/samples/seed-article.txt`):
each title links to the article with that title (or slug) once it is on the site, whatever the
order the files arrive in, and goes back to plain text when that article goes or is retitled."""

from __future__ import annotations

import re

import pytest

from pressroom.local.inprocess import Engine, default_template

SEED = (
    "Mill river flood recovery begins\n\n"
    "The river rose overnight and the town woke to water in the high street.\n\n"
    "Related Tags\n\n  • weather\n"
    "You May Also Like\n\n"
    "How we check a story before it runs •\n\nEvery story is read by two people…\n\n"
    "Budget-Day •\n\nThe council's budget…\n\n"
    "A story nobody wrote •\n\nIt is not on the site…\n"
)
CHECK = b"---\ntitle: How we check a story before it runs\ndate: 2026-01-22\n---\nWe check.\n"
BUDGET = b"---\ntitle: The council's budget, explained\ndate: 2026-01-23\n---\nMoney.\n"


@pytest.fixture
def engine() -> Engine:
    return Engine.for_template(default_template(), {"SITE_URL": "https://news.example"})


def stories(engine: Engine) -> list[str]:
    page = engine.backend.site_bucket.get("articles/mill-river-flood-recovery/")
    assert page is not None
    block = page.decode().split('id="stories-heading"')[1].split("</section>")[0]
    return re.findall(r"<li>(.*?)</li>", block)


def publish(engine: Engine, key: str, body: bytes | None) -> None:
    if body is None:
        engine.backend.sources.delete_object(key)
    else:
        engine.backend.sources.put_object(key, body)
    engine.run()
    assert engine.report.undelivered == 0


@pytest.mark.parametrize("seed_first", [True, False], ids=["seed-first", "stories-first"])
def test_given_related_stories_when_their_articles_arrive_in_any_order_then_titles_link(
    engine: Engine, seed_first: bool
):
    # GIVEN the seed article and the articles it names, uploaded in either order
    uploads = [
        ("articles/mill-river-flood-recovery.txt", SEED.encode()),
        ("articles/how-we-fact-check.md", CHECK),  # found by its title
        ("articles/budget-day.md", BUDGET),  # found by its slug
    ]
    for key, body in uploads if seed_first else reversed(uploads):
        publish(engine, key, body)

    # THEN the titles on the site link to their articles; the one not on the site stays text
    assert stories(engine) == [
        '<a href="/articles/how-we-fact-check/">How we check a story before it runs</a>',
        '<a href="/articles/budget-day/">Budget-Day</a>',
        "A story nobody wrote",
    ]


def test_given_a_linked_story_when_it_is_retitled_or_deleted_then_the_link_goes(engine: Engine):
    # GIVEN the seed article linking to two articles on the site
    publish(engine, "articles/how-we-fact-check.md", CHECK)
    publish(engine, "articles/budget-day.md", BUDGET)
    publish(engine, "articles/mill-river-flood-recovery.txt", SEED.encode())
    assert stories(engine)[0].startswith("<a ") and stories(engine)[1].startswith("<a ")

    # WHEN one is retitled and the other deleted
    publish(engine, "articles/how-we-fact-check.md", CHECK.replace(b"before it runs", b"twice"))
    publish(engine, "articles/budget-day.md", None)

    # THEN both are plain titles again
    assert stories(engine) == [
        "How we check a story before it runs",
        "Budget-Day",
        "A story nobody wrote",
    ]

    # WHEN the old title comes back THEN so does the link
    publish(engine, "articles/how-we-fact-check.md", CHECK)
    assert stories(engine)[0] == (
        '<a href="/articles/how-we-fact-check/">How we check a story before it runs</a>'
    )
