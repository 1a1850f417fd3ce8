"""template.yaml on a real account: a failed first create leaves nothing that blocks the next,
account-global names do not collide across regions, and the listing stream's filter (several
key prefixes, any of which matches) is read and applied locally as Lambda applies it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pressroom.local.embedded import find_template
from pressroom.local.runtime import StreamPump
from pressroom.local.template import LOCAL_REGION, StreamSource, Template, _prefix_filters

# The ingest bucket is named "<stack>-ingest-<12-digit account>-<region>" (<= 63 characters),
# which caps stack names; the longest commercial region names have 14 characters.
LONGEST_REGION = "ap-southeast-5"
LONGEST_STACK = "s" * (63 - len("-ingest-") - 12 - 1 - len(LONGEST_REGION))
# CloudFront's limits on the names of account-global resources.
NAME_LIMITS = {
    ("AWS::CloudFront::OriginAccessControl", "OriginAccessControlConfig"): 64,
    ("AWS::CloudFront::ResponseHeadersPolicy", "ResponseHeadersPolicyConfig"): 128,
    ("AWS::CloudFront::Function", None): 64,
    ("AWS::CloudFront::CachePolicy", "CachePolicyConfig"): 128,
    ("AWS::CloudFront::OriginRequestPolicy", "OriginRequestPolicyConfig"): 128,
}


@pytest.fixture(scope="module")
def template() -> Template:
    return Template(find_template(), stack_name=LONGEST_STACK)


def listing_source(template: Template) -> StreamSource:
    [function] = [f for f in template.functions() if f.logical_id == "ListingFunction"]
    [source] = function.sources
    assert isinstance(source, StreamSource)
    return source


def global_names(template: Template) -> dict[str, tuple[Any, int]]:
    """Logical id → (the unresolved Name, its limit) of every account-global CloudFront name."""
    names = {}
    for (kind, config), limit in NAME_LIMITS.items():
        for logical, resource in template.of_type(kind).items():
            properties = resource["Properties"]
            names[logical] = ((properties[config] if config else properties)["Name"], limit)
    return names


def test_given_the_retained_resources_then_a_rolled_back_first_create_deletes_them():
    # GIVEN
    template = Template(find_template())
    retained = {
        logical: resource
        for logical, resource in template.resources.items()
        if "DeletionPolicy" in resource or "UpdateReplacePolicy" in resource
    }

    # THEN the data is kept on stack deletion and replacement, but not after a failed create
    assert set(retained) == {"IngestBucket", "ContentTable"}
    for resource in retained.values():
        assert resource["DeletionPolicy"] == "RetainExceptOnCreate"
        assert resource["UpdateReplacePolicy"] == "Retain"
    # and nothing stops that rollback from deleting them (deletion protection would)
    table = template.properties("ContentTable")
    assert table.get("DeletionProtectionEnabled", False) is False


def test_given_the_longest_stack_name_then_cloudfront_names_fit_and_carry_the_region(
    template: Template,
):
    # GIVEN the account-global names
    names = global_names(template)
    assert {"OriginAccessControl", "ResponseHeadersPolicy", "DirectoryIndexFunction"} <= set(names)

    for logical, (name, limit) in names.items():
        # WHEN resolved for the longest stack name, in the longest region
        resolved = str(template.resolve(name, lambda *_: ""))
        in_longest_region = resolved.replace(LOCAL_REGION, LONGEST_REGION)

        # THEN each differs per region and fits CloudFront's limit
        assert "${AWS::Region}" in name["Fn::Sub"], logical
        assert len(in_longest_region) <= limit, (logical, in_longest_region)


def test_given_the_content_table_then_it_has_no_local_secondary_index():
    # GIVEN / THEN: the listing model no longer uses sequence numbers
    table = Template(find_template()).properties("ContentTable")
    assert "LocalSecondaryIndexes" not in table
    assert {a["AttributeName"] for a in table["AttributeDefinitions"]} == {"pk", "sk"}


def test_given_the_listing_stream_filter_then_it_reads_as_entry_or_render_request_prefixes(
    template: Template,
):
    # WHEN
    source = listing_source(template)

    # THEN
    assert source.key_prefixes == {"pk": ("LST#", "RRQ#")}


@pytest.mark.parametrize(
    ("pk", "delivered"),
    [
        ("LST#tag:go", True),
        ("RRQ#home:", True),
        ("DIR#tag", False),
        ("ART#hello", False),
        ("SRC#articles/hello.md", False),
        ("PAGE#tags/go/", False),
        ("lst#tag:go", False),  # prefixes are case-sensitive, as on Lambda
    ],
)
def test_given_a_stream_record_when_the_local_pump_filters_it_then_as_lambda_would(
    template: Template, pk: str, delivered: bool
):
    # GIVEN the listing function's pump (only its filter is used)
    pump = StreamPump.__new__(StreamPump)
    pump.source = listing_source(template)
    record = {"dynamodb": {"Keys": {"pk": {"S": pk}, "sk": {"S": "x"}}}}

    # WHEN / THEN
    assert pump._matches(record) is delivered


def test_given_prefixes_in_separate_filters_then_they_are_alternatives_too():
    # GIVEN two filters on the same key attribute (Lambda delivers a record any filter matches)
    criteria = {
        "Filters": [
            {"Pattern": json.dumps({"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "LST#"}]}}}})},
            {"Pattern": {"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "RRQ#"}, "exact"]}}}}},
            {"Pattern": {"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "LST#"}]}}}}},
        ]
    }

    # WHEN / THEN (repeats are dropped; non-prefix rules are not ours to read)
    assert _prefix_filters(criteria) == {"pk": ("LST#", "RRQ#")}
