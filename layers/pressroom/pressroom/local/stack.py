"""Create the template's buckets, queues, table, distribution and schedule groups on the
embedded AWS (moto); its IAM roles are named, not made (nothing local enforces IAM: the least
privilege tests read the template's policies instead)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pressroom.local.template import LOCAL_ACCOUNT, LOCAL_REGION, Template

_QUEUE_ATTRIBUTES = (
    "VisibilityTimeout",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "MaximumMessageSize",
)
_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "LocalSecondaryIndexes",
    "GlobalSecondaryIndexes",
    "StreamSpecification",
    "BillingMode",
    "ProvisionedThroughput",
)


@dataclass
class LocalStack:
    template: Template
    client: Callable[[str], Any]
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def create(cls, template: Template, client: Callable[[str], Any]) -> LocalStack:
        stack = cls(template, client)
        stack._create_queues()
        stack._create_tables()
        stack._create_distribution()
        stack._create_buckets()
        stack._create_schedule_groups()
        stack._record_roles()
        return stack

    @classmethod
    def attach(cls, template: Template, client: Callable[[str], Any]) -> LocalStack:
        """The stack a running `pressroom up` created: same names, found instead of made."""
        stack = cls(template, client)
        for logical, resource in template.of_type("AWS::SQS::Queue").items():
            name = stack._name(_props(resource), "QueueName", logical)
            stack.refs[logical] = client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
            stack.attributes[(logical, "Arn")] = (
                f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{name}"
            )
            stack.attributes[(logical, "QueueName")] = name
        for logical, resource in template.of_type("AWS::DynamoDB::Table").items():
            name = stack._name(_props(resource), "TableName", logical)
            table = client("dynamodb").describe_table(TableName=name)["Table"]
            stack._record_table(logical, name, table)
        summaries = client("cloudfront").list_distributions()["DistributionList"].get("Items", [])
        for logical in template.of_type("AWS::CloudFront::Distribution"):
            comment = stack._distribution_comment(logical)
            found = next(item for item in summaries if item["Comment"] == comment)
            stack._record_distribution(logical, found)
        for logical, resource in template.of_type("AWS::S3::Bucket").items():
            stack._record_bucket(logical, stack._name(_props(resource), "BucketName", logical))
        for logical, resource in template.of_type("AWS::Scheduler::ScheduleGroup").items():
            stack._record_schedule_group(logical, stack._name(_props(resource), "Name", logical))
        stack._record_roles()
        return stack

    def outputs(self) -> dict[str, str]:
        """The template's Outputs, as `describe_stacks` would list them."""
        return {
            name: str(self.resolve(output["Value"]))
            for name, output in self.template.doc.get("Outputs", {}).items()
        }

    def attribute(self, logical_id: str, name: str) -> str:
        if name == "Ref":
            return self.refs[logical_id]
        try:
            return self.attributes[(logical_id, name)]
        except KeyError:
            raise KeyError(f"the local stack has no {logical_id}.{name}") from None

    def environment(self) -> dict[str, str]:
        return self.template.global_environment(self.attribute)

    def resolve(self, value: Any) -> Any:
        return self.template.resolve(value, self.attribute)

    def _name(self, props: dict[str, Any], key: str, logical: str) -> str:
        if key in props:
            return str(self.resolve(props[key]))
        return f"{self.template.stack_name}-{logical}".lower()

    # -- resources ---------------------------------------------------------------------------

    def _create_queues(self) -> None:
        sqs = self.client("sqs")
        pending = dict(self.template.of_type("AWS::SQS::Queue"))
        # Dead-letter queues first: a redrive policy names its DLQ's ARN.
        while pending:
            for logical in sorted(pending, key=lambda q: "RedrivePolicy" in _props(pending[q])):
                props = _props(pending.pop(logical))
                attributes = {
                    key: str(self.resolve(props[key])) for key in _QUEUE_ATTRIBUTES if key in props
                }
                if "RedrivePolicy" in props:
                    attributes["RedrivePolicy"] = json.dumps(self.resolve(props["RedrivePolicy"]))
                name = self._name(props, "QueueName", logical)
                url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
                self.refs[logical] = url
                self.attributes[(logical, "Arn")] = (
                    f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{name}"
                )
                self.attributes[(logical, "QueueName")] = name
                break

    def _create_tables(self) -> None:
        dynamodb = self.client("dynamodb")
        for logical, resource in self.template.of_type("AWS::DynamoDB::Table").items():
            props = _props(resource)
            name = self._name(props, "TableName", logical)
            request = {key: self.resolve(props[key]) for key in _TABLE_KEYS if key in props}
            if "StreamSpecification" in request:
                request["StreamSpecification"] = {
                    "StreamEnabled": True,
                    **request["StreamSpecification"],
                }
            description = dynamodb.create_table(TableName=name, **request)["TableDescription"]
            self._record_table(logical, name, description)

    def _record_table(self, logical: str, name: str, description: dict[str, Any]) -> None:
        self.refs[logical] = name
        self.attributes[(logical, "Arn")] = description["TableArn"]
        if "LatestStreamArn" in description:
            self.attributes[(logical, "StreamArn")] = description["LatestStreamArn"]

    def _create_distribution(self) -> None:
        cloudfront = self.client("cloudfront")
        for logical in self.template.of_type("AWS::CloudFront::Distribution"):
            config = {
                "CallerReference": f"{self.template.stack_name}-{logical}",
                "Comment": self._distribution_comment(logical),
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "site",
                            "DomainName": "site.s3.amazonaws.com",
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "MinTTL": 0,
                },
            }
            created = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]
            self._record_distribution(logical, created)

    def _distribution_comment(self, logical: str) -> str:
        # How `attach` finds the distribution again: moto makes up its id.
        return f"Pressroom local distribution {self.template.stack_name}/{logical}"

    def _record_distribution(self, logical: str, distribution: dict[str, Any]) -> None:
        self.refs[logical] = distribution["Id"]
        self.attributes[(logical, "DomainName")] = distribution["DomainName"]
        self.attributes[(logical, "Id")] = distribution["Id"]

    def _create_buckets(self) -> None:
        s3 = self.client("s3")
        for logical, resource in self.template.of_type("AWS::S3::Bucket").items():
            props = _props(resource)
            name = self._name(props, "BucketName", logical)
            s3.create_bucket(Bucket=name)
            self._record_bucket(logical, name)
            status = props.get("VersioningConfiguration", {}).get("Status")
            if status:
                s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": status})
            queues = props.get("NotificationConfiguration", {}).get("QueueConfigurations", [])
            if queues:
                s3.put_bucket_notification_configuration(
                    Bucket=name,
                    NotificationConfiguration={
                        "QueueConfigurations": [
                            _queue_notification(self.resolve(q)) for q in queues
                        ]
                    },
                )

    def _record_bucket(self, logical: str, name: str) -> None:
        self.refs[logical] = name
        self.attributes[(logical, "Arn")] = f"arn:aws:s3:::{name}"
        self.attributes[(logical, "RegionalDomainName")] = f"{name}.s3.{LOCAL_REGION}.amazonaws.com"
        self.attributes[(logical, "DomainName")] = f"{name}.s3.amazonaws.com"

    def _create_schedule_groups(self) -> None:
        for logical, resource in self.template.of_type("AWS::Scheduler::ScheduleGroup").items():
            name = self._name(_props(resource), "Name", logical)
            self.client("scheduler").create_schedule_group(Name=name)
            self._record_schedule_group(logical, name)

    def _record_schedule_group(self, logical: str, name: str) -> None:
        self.refs[logical] = name
        self.attributes[(logical, "Arn")] = (
            f"arn:aws:scheduler:{LOCAL_REGION}:{LOCAL_ACCOUNT}:schedule-group/{name}"
        )

    def _record_roles(self) -> None:
        for logical, resource in self.template.of_type("AWS::IAM::Role").items():
            name = self._name(_props(resource), "RoleName", logical)
            self.refs[logical] = name
            self.attributes[(logical, "Arn")] = f"arn:aws:iam::{LOCAL_ACCOUNT}:role/{name}"


def _props(resource: dict[str, Any]) -> dict[str, Any]:
    return dict(resource.get("Properties", {}))


def _queue_notification(config: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's notification shape → the S3 API's."""
    rules = config.get("Filter", {}).get("S3Key", {}).get("Rules", [])
    notification: dict[str, Any] = {"QueueArn": config["Queue"], "Events": [config["Event"]]}
    if rules:
        notification["Filter"] = {
            "Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}
        }
    return notification
