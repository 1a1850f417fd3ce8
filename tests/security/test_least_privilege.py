"""Least privilege, checked both ways against template.yaml:

* statically: no wildcard actions, `*` resources only where the API has no resource-level
  permissions (X-Ray), every function on an explicit role, queue visibility ≥ 6 × timeout;
* dynamically: every AWS call each function really makes while publishing, updating,
  rejecting and deleting articles is allowed by that function's role (action AND resource), so
  the policies are not just narrow but sufficient (moto does not enforce IAM by itself).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from pressroom.adapters.aws import session
from pressroom.local.embedded import find_template
from pressroom.local.runtime import LocalRuntime
from pressroom.local.stack import LocalStack
from pressroom.local.template import LOCAL_ACCOUNT, LOCAL_REGION, Template
from tests.support import Site
from tests.unit.media.generated import encode, photo

# Actions with no resource-level permissions, for which IAM requires `Resource: "*"`.
RESOURCELESS_ACTIONS = frozenset({"xray:PutTraceSegments", "xray:PutTelemetryRecords"})
FUNCTION_MODULE_PREFIX = "pressroom_function_"  # how the local runtime names handler modules


@pytest.fixture(scope="module")
def template() -> Template:
    return Template(find_template())


def functions(template: Template) -> dict[str, dict[str, Any]]:
    return template.of_type("AWS::Serverless::Function")


def role_statements(template: Template, function: str) -> list[dict[str, Any]]:
    """Every statement of the function's role: inline policies and attached RolePolicies."""
    role = functions(template)[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    documents = [
        policy["PolicyDocument"]
        for policy in template.resources[role]["Properties"].get("Policies", [])
    ]
    documents += [
        resource["Properties"]["PolicyDocument"]
        for resource in template.of_type("AWS::IAM::RolePolicy").values()
        if resource["Properties"]["RoleName"] == {"Ref": role}
    ]
    return [statement for document in documents for statement in document["Statement"]]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- static ---------------------------------------------------------------------------------


def test_given_the_template_then_every_function_has_an_explicit_role_and_no_sam_policies(
    template: Template,
):
    loose = [
        name
        for name, function in functions(template).items()
        if "Role" not in function["Properties"] or "Policies" in function["Properties"]
    ]

    assert functions(template)
    assert loose == []


def test_given_every_role_then_no_wildcard_action_and_star_resources_only_where_required(
    template: Template,
):
    problems = []
    for function in functions(template):
        for statement in role_statements(template, function):
            actions = as_list(statement["Action"])
            if any("*" in action for action in actions) or statement.get("NotAction"):
                problems.append((function, "wildcard action", actions))
            if "*" in as_list(statement["Resource"]) and not set(actions) <= RESOURCELESS_ACTIONS:
                problems.append((function, "star resource", actions))

    assert problems == []


def test_given_sqs_sources_then_visibility_is_at_least_six_times_the_function_timeout(
    template: Template,
):
    default_timeout = template.doc["Globals"]["Function"]["Timeout"]
    queues = template.of_type("AWS::SQS::Queue")
    short = []
    for name, function in functions(template).items():
        timeout = function["Properties"].get("Timeout", default_timeout)
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] != "SQS":
                continue
            queue = event["Properties"]["Queue"]["Fn::GetAtt"][0]
            visibility = queues[queue]["Properties"]["VisibilityTimeout"]
            if visibility < 6 * timeout:
                short.append((name, queue, visibility, timeout))
            if "RedrivePolicy" not in queues[queue]["Properties"]:
                short.append((name, queue, "no dead-letter queue", timeout))

    assert short == []


# --- dynamic --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    function: str  # logical id
    action: str  # IAM action, e.g. "s3:PutObject"
    resource: str  # ARN


def calling_function() -> str | None:
    """The logical id of the function whose handler is on the stack, if any."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(FUNCTION_MODULE_PREFIX):
            return module.removeprefix(FUNCTION_MODULE_PREFIX)
        frame = frame.f_back  # type: ignore[assignment]
    return None


def table_arn(table: str, index: str | None = None) -> str:
    arn = f"arn:aws:dynamodb:{LOCAL_REGION}:{LOCAL_ACCOUNT}:table/{table}"
    return f"{arn}/index/{index}" if index else arn


def iam_requests(service: str, operation: str, params: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(IAM action, resource ARN) pairs one API call needs."""
    if service == "s3":
        bucket = f"arn:aws:s3:::{params['Bucket']}"
        if operation in ("ListObjectsV2", "ListObjects"):
            yield "s3:ListBucket", bucket
        elif operation == "CopyObject":  # reads the source (its version), writes the target
            source = params["CopySource"]  # botocore may have made it `bucket/key?versionId=`
            if isinstance(source, str):
                path, _, version = unquote(source).partition("?versionId=")
                source = {"Bucket": path.split("/", 1)[0], "Key": path.split("/", 1)[1]}
                source |= {"VersionId": version} if version else {}
            read = "GetObjectVersion" if source.get("VersionId") else "GetObject"
            yield f"s3:{read}", f"arn:aws:s3:::{source['Bucket']}/{source['Key']}"
            yield "s3:PutObject", f"{bucket}/{params['Key']}"
        elif operation == "ListObjectVersions":
            yield "s3:ListBucketVersions", bucket
        else:
            action = {"HeadObject": "GetObject"}.get(operation, operation)
            if operation == "GetObject" and params.get("VersionId"):
                action = "GetObjectVersion"
            yield f"s3:{action}", f"{bucket}/{params['Key']}"
    elif service == "dynamodb":
        if operation == "TransactWriteItems":
            for item in params["TransactItems"]:
                [(kind, spec)] = item.items()
                action = "ConditionCheckItem" if kind == "ConditionCheck" else f"{kind}Item"
                yield f"dynamodb:{action}", table_arn(spec["TableName"])
        elif operation in ("BatchGetItem", "BatchWriteItem"):
            for table in params["RequestItems"]:
                yield f"dynamodb:{operation}", table_arn(table)
        else:
            yield f"dynamodb:{operation}", table_arn(params["TableName"], params.get("IndexName"))
    elif service == "sqs":
        action = operation.removesuffix("Batch")
        name = params["QueueUrl"].rsplit("/", 1)[-1]
        yield f"sqs:{action}", f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{name}"
    elif service == "cloudfront":
        distribution = params["DistributionId"]
        yield (
            f"cloudfront:{operation.removesuffix('2020_05_31')}",
            f"arn:aws:cloudfront::{LOCAL_ACCOUNT}:distribution/{distribution}",
        )
    elif service == "scheduler":
        yield (
            f"scheduler:{operation}",
            f"arn:aws:scheduler:{LOCAL_REGION}:{LOCAL_ACCOUNT}:schedule/"
            f"{params['GroupName']}/{params['Name']}",
        )
        if "RoleArn" in params.get("Target", {}):  # the schedule will act as that role
            yield "iam:PassRole", params["Target"]["RoleArn"]
    else:
        yield f"{service}:{operation}", "*"


@pytest.fixture
def recorded_calls(runtime: LocalRuntime) -> Iterator[list[Call]]:
    """Every AWS call made from inside a function handler, by function."""
    calls: list[Call] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        function = calling_function()
        if function is None:
            return  # the test itself, or the runtime standing in for Lambda's pollers
        service = model.service_model.signing_name
        try:
            requests = list(iam_requests(service, model.name, params))
        except KeyError as missing:  # never break the function: record what was not understood
            requests = [(f"{service}:{model.name}", f"(no {missing} in the call)")]
        calls.extend(Call(function, action, resource) for action, resource in requests)

    # The functions build their clients lazily, on first use, from one botocore session.
    events = session().get_component("event_emitter")
    events.register("before-parameter-build", record)
    try:
        yield calls
    finally:
        events.unregister("before-parameter-build", record)


def allowed(statements: list[dict[str, Any]], call: Call, stack: LocalStack) -> bool:
    for statement in statements:
        if statement["Effect"] != "Allow":
            continue
        actions = [action.lower() for action in as_list(statement["Action"])]
        if not any(fnmatchcase(call.action.lower(), action) for action in actions):
            continue
        resources = [resolve(stack, resource) for resource in as_list(statement["Resource"])]
        if any(fnmatchcase(call.resource, resource) for resource in resources):
            return True
    return False


def resolve(stack: LocalStack, value: Any) -> str:
    try:
        return str(stack.resolve(value))
    except KeyError:
        return f"(not in the local stack: {value})"  # e.g. log groups: matches no call


def test_given_a_publishing_workload_then_every_call_of_every_function_is_allowed_by_its_role(
    recorded_calls: list[Call], site: Site, runtime: LocalRuntime
):
    site.upload("first.md", "---\ntitle: First\ntags: [alpha, beta]\nauthor: Ann\n---\n\nOne.\n")
    site.upload("second.md", "---\ntitle: Second\ntags: [beta]\n---\n\nTwo.\n")
    site.upload("first.md", "---\ntitle: First, again\ntags: [gamma]\n---\n\nOne more.\n")
    site.upload("broken.md", "---\ntitle: [unclosed\n---\nBody\n")
    site.upload("first.md", "---\ntitle: [unclosed\n---\nBody\n")  # a live article's key
    site.delete("second.md")
    # Assets (issue 17): an image processed, a PDF copied inside S3, an image replaced and gone.
    site.upload("pic.png", encode(photo(200, 100), "PNG"))
    site.upload("doc.pdf", b"%PDF-1.4\n%%EOF\n")
    site.upload("pic.png", encode(photo(120, 100), "PNG"))
    site.delete("pic.png")
    # Scheduled publishing (issue 20): a wake-up created, moved, and deleted with the file.
    site.upload("later.md", "---\ntitle: Later\ndate: 2099-01-01\n---\n\nSoon.\n")
    site.upload("later.md", "---\ntitle: Later\ndate: 2098-01-01\n---\n\nSooner.\n")
    site.delete("later.md")
    site.runtime.drain()
    site.runtime.run_schedules()  # the search index's scheduled run sees the changed records
    template = Template(Path(find_template()))

    by_function = {call.function for call in recorded_calls}
    denied = sorted(
        {
            call
            for call in recorded_calls
            if not allowed(role_statements(template, call.function), call, runtime.stack)
        },
        key=str,
    )

    assert {"IngestFunction", "ListingFunction", "InvalidationFunction"} <= by_function
    assert "SearchIndexFunction" in by_function
    assert any(c.resource.endswith("/pagefind/pagefind-entry.json") for c in recorded_calls)
    assert any(call.action == "s3:ListBucketVersions" for call in recorded_calls)
    assert any(call.action == "s3:GetObjectVersion" for call in recorded_calls)  # the copy
    scheduled = {call.action for call in recorded_calls if call.function == "IngestFunction"}
    assert {"scheduler:CreateSchedule", "scheduler:DeleteSchedule", "iam:PassRole"} <= scheduled
    assert denied == [], "\n".join(map(str, denied))
