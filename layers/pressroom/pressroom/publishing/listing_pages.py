"""One render of a listing's pages and feeds, as a value: what the listing function read from
the table for it (`ListingRender`), and the objects it makes (`render_pages`). Being a pure
function of that value is what lets the local engine render listings ahead, in other processes
(`pressroom.ports.WorkAhead`), and use what they made only for an equal value."""

from __future__ import annotations

from dataclasses import dataclass

from pressroom.paths import feed_path, page_key
from pressroom.publishing.archive import FEED_SIZE, Spec
from pressroom.publishing.catalog import Card, ListingId
from pressroom.publishing.site_writer import Output
from pressroom.render import ListingPage, Renderer


@dataclass(frozen=True)
class ListingRender:
    listing: ListingId
    title: str
    root_count: int  # articles on the root page
    wanted: dict[str, Spec]  # path → what to render there
    newest: list[Card]  # the listing's newest cards (root page and feeds), newest first
    introduction: str  # the root page's introduction (sanitised HTML)
    periods: dict[str, list[Card]]  # each archive period's cards, oldest first
    bodies: dict[str, str]  # full feeds: the newest articles' bodies by slug


def render_pages(job: ListingRender, renderer: Renderer) -> list[Output]:
    listing, title, newest = job.listing, job.title, job.newest
    outputs: list[Output] = []
    for path, spec in sorted(job.wanted.items()):
        if spec.kind == "feeds":
            feeds = renderer.feeds(listing, title, newest[:FEED_SIZE], job.bodies)
            outputs += [
                Output(page_key(feed_path(listing.kind, listing.name, fmt)), body)
                for fmt, body in feeds.items()
            ]
            continue
        if spec.kind == "index":
            html = renderer.period_index(listing, title, path, spec.period, spec.links)
        else:
            cards = newest[: job.root_count]
            if spec.page is not None:
                cards = job.periods[spec.page.period][spec.page.start : spec.page.stop][::-1]
            html = renderer.listing_page(
                ListingPage(
                    listing=listing,
                    title=title,
                    path=path,
                    cards=cards,
                    period=spec.page.period if spec.page else "",
                    number=spec.page.number if spec.page else 1,
                    count=spec.count,
                    newer_path=spec.newer,
                    older_path=spec.older,
                    years=spec.links,
                    introduction=job.introduction if spec.kind == "root" else "",
                )
            )
        outputs.append(Output(page_key(path), html.encode()))
    return outputs
