"""The content store's AttributeValue conversion gives what boto3's TypeSerializer and
TypeDeserializer give (numbers come back as ints, as the store always made them, and binaries as
bytes rather than boto3's `Binary` wrapper)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from pressroom.adapters.content_store import _attribute, _dump, _load, _value

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -7,
    12345678901234567890123456789012345678,
    Decimal("3"),
    "",
    "héllo",
    b"\x00\x01",
    bytearray(b"ab"),
    {"a", "b"},
    frozenset({"x"}),
    {1, 2, 3},
    set(),
    {b"x", b"y"},
    [],
    ["a", 1, None, [True, {"k": "v"}]],
    ("tag", "slug"),
    {"nested": {"list": [1, "two"], "set": {"p"}}, "n": 5},
]


def canonical(attribute: Any) -> Any:
    """Set members in a fixed order (sets have none)."""
    if isinstance(attribute, dict):
        return {
            k: sorted(v) if k in ("SS", "NS", "BS") else canonical(v) for k, v in attribute.items()
        }
    if isinstance(attribute, list):
        return [canonical(v) for v in attribute]
    return attribute


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_given_a_value_then_its_attribute_is_boto3s(value: Any):
    assert canonical(_attribute(value)) == canonical(TypeSerializer().serialize(value))


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_given_an_attribute_then_its_value_is_boto3s_with_ints(value: Any):
    attribute = TypeSerializer().serialize(value)
    expected = TypeDeserializer().deserialize(attribute)
    assert _value(attribute) == expected  # boto3's Binary equals its bytes
    if not isinstance(expected, (Decimal, Binary)):
        assert type(_value(attribute)) is type(expected)


def test_given_numbers_from_the_table_then_they_are_ints():
    item = _load({"n": {"N": "42"}, "ns": {"NS": ["1", "2"]}, "l": {"L": [{"N": "-3"}]}})
    assert item == {"n": 42, "ns": {1, 2}, "l": [-3]}
    assert type(item["n"]) is int


def test_given_an_item_then_it_round_trips():
    item = {"pk": "SRC#a.md", "sk": "SRC", "rev": 3, "tags": [["Tea", "tea"]], "pages": {"/a/"}}
    assert _load(_dump(item)) == item


@pytest.mark.parametrize(
    "value",
    [1.5, {1, "a"}, object(), 10**40, Decimal("NaN"), {1.5}],
    ids=["float", "mixed set", "object", "41 digits", "NaN", "float set"],
)
def test_given_what_boto3_refuses_then_it_is_refused(value: Any):
    with pytest.raises(Exception) as ours:
        _attribute(value)
    with pytest.raises(Exception) as boto3s:
        TypeSerializer().serialize(value)
    assert type(ours.value) is type(boto3s.value)


@pytest.mark.parametrize("attribute", [{}, {"X": "1"}], ids=repr)
def test_given_a_malformed_attribute_then_type_error(attribute: dict[str, Any]):
    with pytest.raises(TypeError):
        _value(attribute)
