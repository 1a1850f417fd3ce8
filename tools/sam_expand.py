"""Expand template.yaml with the SAM transform, the way CloudFormation will, for checkov.

Usage (with the SAM CLI's Python, which ships samtranslator):
    .tools/sam-venv/bin/python tools/sam_expand.py template.yaml OUT.json

checkov then sees the resources that are really deployed (AWS::Lambda::Function, the event
source mappings...), not the AWS::Serverless shorthand. Resource `Metadata` is passed through so
that the `checkov.skip` entries written in the template apply to the expanded resources, and
every one of those skips must carry a written justification (`comment`), or this fails.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

# Offline and deterministic: the transform needs a region, never credentials or the network.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

from samcli.yamlhelper import yaml_parse  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402

PSEUDO_PARAMETERS = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "pressroom",
}
# `sam package` replaces local code folders with S3 URIs before the transform runs.
LOCAL_CODE_PROPERTIES = ("CodeUri", "ContentUri")


class NoManagedPoliciesByName:
    """The transform asks for the account's managed-policy map only when a function names a
    managed policy; Pressroom's functions use explicit roles, so it never should."""

    def load(self) -> dict[str, str]:
        raise SystemExit(
            "sam_expand: a function references an AWS managed policy by name; "
            "give it an explicit least-privilege role instead"
        )


def as_packaged(template: dict[str, Any]) -> dict[str, Any]:
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        for name in LOCAL_CODE_PROPERTIES:
            value = properties.get(name)
            if isinstance(value, str) and not value.startswith("s3://"):
                properties[name] = f"s3://packaged-artifacts/{value.strip('/')}"
    return template


def unjustified_skips(template: dict[str, Any]) -> list[str]:
    problems = []
    for logical_id, resource in template.get("Resources", {}).items():
        skips = (resource.get("Metadata") or {}).get("checkov", {}).get("skip", [])
        for skip in skips:
            if not str(skip.get("comment", "")).strip():
                problems.append(f"{logical_id}: checkov skip {skip.get('id')} has no comment")
    return problems


def main(source: Path, target: Path) -> int:
    template = yaml_parse(source.read_text(encoding="utf-8"))
    problems = unjustified_skips(template)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    expanded = transform(
        as_packaged(template),
        dict(PSEUDO_PARAMETERS),
        NoManagedPoliciesByName(),  # type: ignore[arg-type]
        passthrough_metadata=True,
    )
    target.write_text(json.dumps(expanded, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
