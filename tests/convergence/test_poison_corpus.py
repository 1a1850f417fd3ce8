"""Poison files: each bad upload yields a clear error report; the good ones in the same batches
publish. Odd-but-legitimate keys (spaces, `+`, `%`, unicode) publish under the right key."""

from __future__ import annotations

from pressroom.paths import article_path, page_key
from pressroom.publishing.ingest import MAX_LISTED_AUTHORS, MAX_LISTED_TAGS
from tests.support import Site


def front(lines: str, body: str = "Some words.") -> bytes:
    return f"---\n{lines}\n---\n\n{body}\n".encode()


def nested(depth: int) -> str:
    return "meta: " + "{a: " * depth + "1" + "}" * depth


ALIAS_BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]" for n in range(8)]
)

# name (under articles/) → bytes that can never publish
POISON: dict[str, bytes] = {
    "empty.md": b"",
    "whitespace.md": b"   \n\n\t\n",
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "nul-bytes.md": b"---\ntitle: Nul\n---\n\nbody\x00with\x00nuls\n",
    "invalid-utf8.md": b"---\ntitle: Latin-1\n---\n\ncaf\xe9 cr\xe8me\n",
    "utf16.md": "---\ntitle: Wide\n---\n\nbody\n".encode("utf-16"),
    "huge.md": b"---\ntitle: Huge\n---\n\n" + b"word " * (2 * 1024 * 1024 // 5 + 10),
    "alias-bomb.md": front(ALIAS_BOMB),
    "deep-yaml.md": front(nested(40)),
    "python-tag.md": front("title: !!python/object/apply:os.system ['true']"),
    "broken-yaml.md": front("title: [unclosed\ntags: {"),
    "broken-toml.md": b"+++\ntitle = \n+++\n\nbody\n",
    "yaml-list.md": front("- just\n- a list"),
    "title-mapping.md": front("title: {text: nested}"),
    "bad-date.md": front("title: Bad date\ndate: the day after tomorrow"),
    "thousands-of-tags.md": front(
        "title: Tags\ntags: [" + ", ".join(f"t{n}" for n in range(3000)) + "]"
    ),
    "over-listing-limit.md": front(
        "title: Many tags\ntags: ["
        + ", ".join(f"tag {n}" for n in range(MAX_LISTED_TAGS + 1))
        + "]"
    ),
    "many-authors.md": front(
        "title: Crowd\nauthors: ["
        + ", ".join(f"Author {n}" for n in range(MAX_LISTED_AUTHORS + 1))
        + "]"
    ),
    "long-tag.md": front("title: Long tag\ntags: [" + "x" * 500 + "]"),
    "enormous-title.md": front("title: " + "Title " * 2000),
    "picture.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "notes.docx": b"PK\x03\x04" + b"\x00" * 64,
    "README": b"just a readme\n",
    "script.html": b"<script>alert(1)</script>",
    "slug-thief.md": front("title: Thief\nslug: good-one"),
}
# keys S3 accepts but no editor can have meant as an article path
BAD_KEYS = (
    "articles/folder/",
    "articles/../escape.md",
    "articles/./dot.md",
    "articles//double-slash.md",
    "articles/control\x01char.md",
)
# odd but legitimate names: must publish, at the slug their name gives
ODD_GOOD = {
    "with space.md": "with-space",
    "plus+sign.md": "plus-sign",
    "100%25 real.md": "100-25-real",
    "café-crème.md": "cafe-creme",
    "日本語.md": "ri-ben-yu",
}


def test_given_a_batch_of_poison_files_among_good_ones_then_each_is_reported_and_good_ones_publish(
    site: Site,
):
    ingest = site.pipeline.settings.ingest_bucket
    # GIVEN good files first (one owns the slug `good-one`), then every poison kind, in one burst
    site.upload("good-one.md", front("title: Good one\ntags: [Space]"))
    for name, body in POISON.items():
        site.upload(name, body, drain=False)
    for key in BAD_KEYS:
        site.s3.put_object(Bucket=ingest, Key=key, Body=b"---\ntitle: x\n---\n\nx\n")
    for name in ODD_GOOD:
        site.upload(name, front(f"title: {name}", "Odd name, good file."), drain=False)
    site.upload("good-two.md", front("title: Good two\ntags: [Space]"), drain=False)

    # WHEN the notifications are delivered (batches of 10 mix bad and good)
    site.runtime.drain()

    # THEN every poison file has a report naming it and a reason, and a rejected source state
    kinds = len(POISON) + len(BAD_KEYS)
    assert kinds >= 30
    unreported = [name for name in POISON if not _is_clear(site.report(name), name)]
    assert unreported == []
    found = site.pipeline.store.get_sources("articles/" + name for name in POISON)
    states = {name: found["articles/" + name] for name in POISON}
    assert {
        name: state.status for name, state in states.items() if state.status != "rejected"
    } == {}
    assert all(state.reason for state in states.values())
    invalid_keys = site.pipeline.sources.report_key("_invalid-keys/")[: -len(".txt")]
    key_reports = [
        (site.pipeline.sources.read(key, 10_000) or _NONE).body.decode()
        for key in site.pipeline.sources.keys(invalid_keys)
    ]
    assert len(key_reports) == len(BAD_KEYS)
    assert all("How to fix:" in report for report in key_reports)
    # AND the good files, odd names included, published; nothing poisoned reached the site
    for slug in ("good-one", "good-two", *ODD_GOOD.values()):
        assert site.page(f"/articles/{slug}/") is not None, slug
    assert "Good one" in (site.page("/articles/good-one/") or "")
    assert {key for key in site.object_keys() if key.startswith("articles/")} == {
        page_key(article_path(slug)) for slug in ("good-one", "good-two", *ODD_GOOD.values())
    }
    assert site.runtime.failures == 0, "a poison file must be acknowledged, not retried"


class _NONE:
    body = b""


def _is_clear(report: str | None, name: str) -> bool:
    if report is None:
        return False
    first, _, rest = report.partition("\n")
    return first.startswith(f"articles/{name}: ") and len(first) > len(name) + 20 and "fix" in rest
