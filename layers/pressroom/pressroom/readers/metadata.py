"""Metadata values as editors write them, turned into typed values — one place for every format.

Keys are compared case- and punctuation-insensitively (Hugo's `publishDate`, Pelican's `Date`,
a `publish_date` typo are all `publishdate`/`date`), so each reader only has to hand over what
the file declared.

List values (tags, categories, authors) may be YAML/TOML lists or strings. A string is split the
way the tools that write it do: on `;` if it has one, else on `,` (Pelican; HTML keywords), else
on whitespace (Jekyll: `tags: spacex nasa` is two tags). Readers of formats where a bare string
is one value (Pelican header blocks) split before handing over, so they pass lists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timezone
from typing import Any

from dateutil import parser as dateparser

from pressroom.readers.base import Metadata, Unreadable
from pressroom.readers.prose import text_of

_KEY_NOISE = re.compile(r"[\s_-]+")
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0", ""})
_UTC_NAMES = {"UTC": UTC, "GMT": UTC, "Z": UTC}


def normalise_key(key: object) -> str:
    return _KEY_NOISE.sub("", str(key).strip().lower())


def normalise_keys(raw: Mapping[Any, Any]) -> Metadata:
    """First spelling wins when two keys normalise alike (as a YAML duplicate key would)."""
    metadata: Metadata = {}
    for key, value in raw.items():
        metadata.setdefault(normalise_key(key), value)
    return metadata


def first_present(metadata: Metadata, *keys: str) -> tuple[str, Any] | None:
    """The first key (in order of precedence) that has a non-empty value, with that value."""
    for key in keys:
        value = metadata.get(key)
        if value is not None and value != "" and value != []:
            return key, value
    return None


def _is_scalar(value: Any) -> bool:
    """Words, numbers and dates read as text; yes/no, lists, maps, sets and bytes do not."""
    return isinstance(value, str | int | float | date) and not isinstance(value, bool)


def as_text(value: Any, field: str) -> str:
    """A single-line plain-text value: markup stripped, whitespace collapsed."""
    if not _is_scalar(value):
        raise Unreadable(
            f"The `{field}` field should be text, but it is {_describe(value)}.",
            f"Write `{field}` as plain text, e.g. `{field}: Some words`.",
        )
    return text_of(str(value))


def split_list_string(text: str) -> list[str]:
    """`a; b` and `a, b` split on the separator; `a b` splits on whitespace (Jekyll)."""
    for separator in (";", ","):
        if separator in text:
            return [part.strip() for part in text.split(separator)]
    return text.split()


def split_names(text: str) -> list[str]:
    """Person names contain spaces, so only `;` or `,` separate them (Pelican's rule)."""
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator)]


def as_list(value: Any, field: str, *, names: bool = False) -> list[str]:
    """A list of plain-text items from a list, a scalar or a separated string."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    result: list[str] = []
    for item in items:
        if item is None:
            continue
        if not _is_scalar(item):
            raise Unreadable(
                f"The `{field}` field should be a list of words or names, "
                f"but one entry is {_describe(item)}.",
                f"Write `{field}` as a simple list, e.g. `{field}: [first, second]`.",
            )
        text = str(item)
        parts = [text] if isinstance(value, list | tuple) else _split(text, names)
        result.extend(clean for part in parts if (clean := text_of(part)))
    return result


def _split(text: str, names: bool) -> list[str]:
    return split_names(text) if names else split_list_string(text)


def as_flag(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise Unreadable(
        f"The `{field}` field should be true or false, but it is {value!r}.",
        f"Write `{field}: true` or `{field}: false`.",
    )


def as_datetime(value: Any, field: str) -> datetime:
    """A timezone-aware datetime. Bare dates are midnight UTC; naive times are taken as UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min)
    elif isinstance(value, str) and value.strip():
        moment = _parse_date_text(value.strip(), field)
    else:
        raise _bad_date(field, value)
    offset = moment.utcoffset()
    if offset is None:
        return moment.replace(tzinfo=UTC)
    # A fixed offset, whatever library made it: dateutil may hand back `tzlocal()` for "UTC".
    return moment.replace(tzinfo=UTC if not offset else timezone(offset))


def _parse_date_text(text: str, field: str) -> datetime:
    """ISO 8601 first (exact), then the looser forms Jekyll and Pelican posts use."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dateparser.parse(text, tzinfos=_UTC_NAMES)
    except (ValueError, OverflowError) as error:
        raise _bad_date(field, text) from error


def _bad_date(field: str, value: Any) -> Unreadable:
    return Unreadable(
        f"The `{field}` field is not a date I can read: {value!r}.",
        f"Write it as `{field}: 2026-03-14` or `{field}: 2026-03-14 09:30:00 +01:00`.",
    )


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the yes/no value {value!r}"
    if isinstance(value, dict):
        return "a nested set of fields"
    if isinstance(value, list | tuple | set):
        return "a list"
    return f"a value of type {type(value).__name__}"
