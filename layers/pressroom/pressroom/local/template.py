"""Read `template.yaml` into what the local stack needs: buckets, queues, tables, functions and
their event sources. The template is the one source of truth (DESIGN invariant 6), so nothing
here names a resource; it only understands CloudFormation."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"
LOCAL_STACK = "pressroom-local"


# libyaml's parser when PyYAML has it: ten times faster on the template (~25 ms, not ~250 ms,
# a cost every `pressroom build` pays); the constructors are the same.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _CfnLoader(_SafeLoader):
    """A safe loader that turns `!Ref x` into `{"Ref": x}`, `!GetAtt a.b` into
    `{"Fn::GetAtt": ["a", "b"]}`, and every other `!Tag` into `{"Fn::Tag": ...}`."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)  # noqa: S506  # nosec B506 # a SafeLoader subclass


# With no ScalingConfig, Lambda starts an SQS source at five concurrent batches and scales up to
# the account's concurrency; locally it stays at those five.
DEFAULT_QUEUE_CONCURRENCY = 5


@dataclass(frozen=True)
class QueueSource:
    queue: str  # logical id
    batch_size: int
    window_seconds: int = 0
    max_concurrency: int = DEFAULT_QUEUE_CONCURRENCY  # ScalingConfig.MaximumConcurrency


@dataclass(frozen=True)
class StreamSource:
    table: str  # logical id
    batch_size: int
    # key attribute → the prefixes it may start with (any of them: `str.startswith` takes the
    # tuple); every attribute named must match (a filter pattern's fields are ANDed)
    key_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    max_retries: int = 10
    window_seconds: int = 0


@dataclass(frozen=True)
class ScheduleSource:
    """An EventBridge schedule, `rate(N minutes)` (cron expressions are not used here)."""

    every_seconds: int


_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def schedule_seconds(expression: str) -> int:
    found = _RATE.fullmatch(expression.strip())
    if found is None:
        raise ValueError(f"unsupported schedule {expression!r}: only rate(N minutes|hours|days)")
    return int(found.group(1)) * _UNIT_SECONDS[found.group(2).rstrip("s")]


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    handler_file: Path
    handler_name: str
    sources: tuple[QueueSource | StreamSource | ScheduleSource, ...]
    timeout_seconds: int = 3  # Lambda's defaults, when neither the function nor Globals set them
    memory_mb: int = 128


class Template:
    """A parsed template with CloudFormation's intrinsic functions evaluated locally."""

    def __init__(self, path: Path, stack_name: str = LOCAL_STACK) -> None:
        self.path = path
        self.root = path.parent
        self.doc = load_template(path)
        self.resources: dict[str, dict[str, Any]] = self.doc.get("Resources", {})
        self.stack_name = stack_name
        self.parameters = {
            name: spec.get("Default", "") for name, spec in self.doc.get("Parameters", {}).items()
        }

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical: resource
            for logical, resource in self.resources.items()
            if resource["Type"] == resource_type
        }

    def properties(self, logical_id: str) -> dict[str, Any]:
        return dict(self.resources[logical_id].get("Properties", {}))

    # -- intrinsic functions -------------------------------------------------------------------

    def resolve(self, value: Any, attribute: Callable[[str, str], str]) -> Any:
        """Evaluate intrinsics; `attribute(logical_id, name)` answers `Ref` (name "Ref") and
        `GetAtt` of resources, which only the live local stack knows."""
        if isinstance(value, list):
            return [self.resolve(item, attribute) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, argument),) = value.items()
            if name == "Ref":
                return self._ref(argument, attribute)
            if name == "Fn::GetAtt":
                logical, attr = argument
                return attribute(logical, attr)
            if name == "Fn::Sub":
                return self._sub(argument, attribute)
            if name == "Fn::Join":
                separator, items = argument
                return separator.join(str(i) for i in self.resolve(items, attribute))
            if name == "Fn::If":
                condition, when_true, when_false = argument
                chosen = when_true if self.condition(condition) else when_false
                return self.resolve(chosen, attribute)
            if name == "Fn::Select":
                index, items = argument
                return self.resolve(items, attribute)[int(index)]
            if name == "Fn::Split":
                separator, text = argument
                return str(self.resolve(text, attribute)).split(separator)
        return {key: self.resolve(item, attribute) for key, item in value.items()}

    def condition(self, name: str) -> bool:
        return bool(self._evaluate(self.doc.get("Conditions", {})[name]))

    def _evaluate(self, expression: Any) -> Any:
        if isinstance(expression, dict) and len(expression) == 1:
            ((name, argument),) = expression.items()
            if name == "Fn::Equals":
                left, right = (self._evaluate(item) for item in argument)
                return str(left) == str(right)
            if name == "Fn::Not":
                return not self._evaluate(argument[0])
            if name == "Fn::And":
                return all(self._evaluate(item) for item in argument)
            if name == "Fn::Or":
                return any(self._evaluate(item) for item in argument)
            if name == "Condition":
                return self.condition(argument)
            if name == "Ref":
                return self._ref(argument, lambda *_: "")
        return expression

    def _ref(self, name: str, attribute: Callable[[str, str], str]) -> Any:
        pseudo = {
            "AWS::StackName": self.stack_name,
            "AWS::AccountId": LOCAL_ACCOUNT,
            "AWS::Region": LOCAL_REGION,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return attribute(name, "Ref")

    def _sub(self, argument: Any, attribute: Callable[[str, str], str]) -> str:
        import re

        text, variables = (argument, {}) if isinstance(argument, str) else argument
        values = {key: self.resolve(item, attribute) for key, item in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return str(values[name])
            if "." in name and not name.startswith("AWS::"):
                logical, attr = name.split(".", 1)
                return str(attribute(logical, attr))
            return str(self._ref(name, attribute))

        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    # -- what the local runtime wants -----------------------------------------------------------

    def global_environment(self, attribute: Callable[[str, str], str]) -> dict[str, str]:
        env = self.doc.get("Globals", {}).get("Function", {}).get("Environment", {})
        return {
            name: str(value)
            for name, value in self.resolve(env.get("Variables", {}), attribute).items()
            if value is not None
        }

    def functions(self) -> list[FunctionSpec]:
        globals_ = self.doc.get("Globals", {}).get("Function", {})
        specs = []
        for logical, resource in self.of_type("AWS::Serverless::Function").items():
            props = {**globals_, **resource.get("Properties", {})}
            module, handler_name = props["Handler"].rsplit(".", 1)
            handler_file = self.root / props["CodeUri"] / (module.replace(".", "/") + ".py")
            specs.append(
                FunctionSpec(
                    logical_id=logical,
                    handler_file=handler_file,
                    handler_name=handler_name,
                    sources=tuple(self._sources(props.get("Events", {}))),
                    timeout_seconds=int(props.get("Timeout", FunctionSpec.timeout_seconds)),
                    memory_mb=int(props.get("MemorySize", FunctionSpec.memory_mb)),
                )
            )
        return specs

    def _sources(self, events: dict[str, Any]) -> list[QueueSource | StreamSource | ScheduleSource]:
        sources: list[QueueSource | StreamSource | ScheduleSource] = []
        for event in events.values():
            props = event.get("Properties", {})
            if event["Type"] == "SQS":
                sources.append(
                    QueueSource(
                        queue=_logical_of(props["Queue"]),
                        batch_size=int(props.get("BatchSize", 10)),
                        window_seconds=int(props.get("MaximumBatchingWindowInSeconds", 0)),
                        max_concurrency=int(
                            props.get("ScalingConfig", {}).get(
                                "MaximumConcurrency", DEFAULT_QUEUE_CONCURRENCY
                            )
                        ),
                    )
                )
            elif event["Type"] in ("Schedule", "ScheduleV2"):
                # Only parameters and conditions in a schedule: no resource to answer for.
                expression = self.resolve(props["Schedule"], lambda logical, name: "")
                sources.append(ScheduleSource(schedule_seconds(str(expression))))
            elif event["Type"] == "DynamoDB":
                sources.append(
                    StreamSource(
                        table=_logical_of(props["Stream"]),
                        batch_size=int(props.get("BatchSize", 100)),
                        key_prefixes=_prefix_filters(props.get("FilterCriteria", {})),
                        max_retries=int(props.get("MaximumRetryAttempts", 10)),
                        window_seconds=int(props.get("MaximumBatchingWindowInSeconds", 0)),
                    )
                )
        return sources


def _logical_of(reference: Any) -> str:
    if isinstance(reference, dict):
        if "Ref" in reference:
            return str(reference["Ref"])
        if "Fn::GetAtt" in reference:
            return str(reference["Fn::GetAtt"][0])
    raise ValueError(f"cannot tell which resource {reference!r} names")


def _prefix_filters(criteria: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The `{"dynamodb": {"Keys": {attr: {"S": [{"prefix": p}, {"prefix": q}]}}}}` patterns we
    use, as attr → (p, q): a record matches if its key attribute starts with any of them, as in
    EventBridge-style patterns, where the values listed for one field are alternatives (OR).
    Prefixes for the same attribute in separate filters are alternatives too (a record passes if
    any filter matches). Other pattern shapes are not used by this template."""
    import json

    prefixes: dict[str, tuple[str, ...]] = {}
    for item in criteria.get("Filters", []):
        pattern = item["Pattern"]
        pattern = json.loads(pattern) if isinstance(pattern, str) else pattern
        for attr, typed in pattern.get("dynamodb", {}).get("Keys", {}).items():
            for rule in typed.get("S", []):
                if isinstance(rule, dict) and "prefix" in rule:
                    known = prefixes.get(attr, ())
                    if rule["prefix"] not in known:
                        prefixes[attr] = (*known, str(rule["prefix"]))
    return prefixes
