"""pydantic models of the IAM policy grammar, built leniently from a parsed JSON tree.

A value of the wrong JSON type does not raise: it is left out of the model and recorded
as a `TypeProblem` (with its pointer), which the grammar checks report.  Every string the
checks look at keeps its JSON pointer, so a finding can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import core_schema

from ssm_tui.policy.source import JsonNode, ParsedJson, parse_json

ConditionScalar = str | int | float | bool


def _instance_schema(cls: type[Any]) -> core_schema.CoreSchema:
    """pydantic accepts the value by an instance check and serialises its fields."""
    return core_schema.is_instance_schema(
        cls,
        serialization=core_schema.plain_serializer_function_ser_schema(
            lambda located: {"value": located.value, "pointer": located.pointer}
        ),
    )


class Located(NamedTuple):
    """A string from the policy and where it sits (RFC 6901 pointer).

    A tuple rather than a model of its own: a policy has hundreds of them, and pydantic
    accepts it in the models below by an instance check (serialised as
    {"value": ..., "pointer": ...}), which keeps building the model cheap."""

    value: str
    pointer: str

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _instance_schema(cls)


class LocatedScalar(NamedTuple):
    """A condition value (string, number or boolean) and where it sits."""

    value: ConditionScalar
    pointer: str

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _instance_schema(cls)


class ConditionEntry(BaseModel):
    """One `"operator": {"key": value-or-values}` pair of a Condition block."""

    model_config = ConfigDict(frozen=True)

    operator: str
    operator_pointer: str
    key: str
    pointer: str
    values: tuple[LocatedScalar, ...]
    values_is_list: bool


class Statement(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    pointer: str
    elements: tuple[str, ...]
    sid: Located | None = None
    effect: Located | None = None
    action: tuple[Located, ...] | None = None
    not_action: tuple[Located, ...] | None = None
    resource: tuple[Located, ...] | None = None
    not_resource: tuple[Located, ...] | None = None
    condition: tuple[ConditionEntry, ...] | None = None

    @property
    def is_allow(self) -> bool:
        return self.effect is not None and self.effect.value == "Allow"

    @property
    def is_deny(self) -> bool:
        return self.effect is not None and self.effect.value == "Deny"

    @property
    def label(self) -> str:
        """How a message names this statement: its Sid, else its position."""
        if self.sid is not None and self.sid.value:
            return f"statement {self.index + 1} ({self.sid.value})"
        return f"statement {self.index + 1}"


class PolicyDocument(BaseModel):
    model_config = ConfigDict(frozen=True)

    elements: tuple[str, ...]
    version: Located | None = None
    id: Located | None = None
    statements: tuple[Statement, ...] = ()
    statement_is_list: bool = True


@dataclass(frozen=True, slots=True)
class TypeProblem:
    pointer: str
    element: str
    expected: str
    found: str


@dataclass(slots=True)
class ParsedPolicy:
    """Everything the checks need: the JSON tree, its source map, and the model."""

    json: ParsedJson
    document: PolicyDocument | None
    type_problems: list[TypeProblem] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.json.text


class _Builder:
    def __init__(self) -> None:
        self.problems: list[TypeProblem] = []

    def problem(self, node: JsonNode, element: str, expected: str) -> None:
        self.problems.append(TypeProblem(node.pointer, element, expected, node.kind_name))

    def string(self, node: JsonNode | None, element: str) -> Located | None:
        if node is None:
            return None
        if node.kind != "string":
            self.problem(node, element, "a string")
            return None
        return Located(value=node.value, pointer=node.pointer)

    def string_list(self, node: JsonNode | None, element: str) -> tuple[Located, ...] | None:
        if node is None:
            return None
        if node.kind == "string":
            return (Located(value=node.value, pointer=node.pointer),)
        if node.kind != "array":
            self.problem(node, element, "a string or an array of strings")
            return None
        found = []
        for item in node.items:
            if item.kind == "string":
                found.append(Located(value=item.value, pointer=item.pointer))
            else:
                self.problem(item, element, "a string")
        return tuple(found)

    def condition(self, node: JsonNode | None) -> tuple[ConditionEntry, ...] | None:
        if node is None:
            return None
        if node.kind != "object":
            self.problem(node, "Condition", "an object of operators")
            return None
        entries = []
        for operator in node.members:
            block = operator.value
            if block.kind != "object":
                self.problem(block, "Condition", "an object of condition keys")
                continue
            for key_member in block.members:
                value_node = key_member.value
                values: list[LocatedScalar] = []
                if value_node.kind == "array":
                    items = value_node.items
                    is_list = True
                else:
                    items = [value_node]
                    is_list = False
                for item in items:
                    if item.kind in ("string", "number", "bool"):
                        values.append(LocatedScalar(value=item.value, pointer=item.pointer))
                    else:
                        self.problem(item, "Condition", "a string, number or boolean")
                entries.append(
                    ConditionEntry(
                        operator=operator.key,
                        operator_pointer=block.pointer,
                        key=key_member.key,
                        pointer=value_node.pointer,
                        values=tuple(values),
                        values_is_list=is_list,
                    )
                )
        return tuple(entries)

    def statement(self, node: JsonNode, index: int) -> Statement | None:
        if node.kind != "object":
            self.problem(node, "Statement", "an object")
            return None
        get = {member.key: member.value for member in node.members}.get  # last one wins
        return Statement(
            index=index,
            pointer=node.pointer,
            elements=tuple(m.key for m in node.members),
            sid=self.string(get("Sid"), "Sid"),
            effect=self.string(get("Effect"), "Effect"),
            action=self.string_list(get("Action"), "Action"),
            not_action=self.string_list(get("NotAction"), "NotAction"),
            resource=self.string_list(get("Resource"), "Resource"),
            not_resource=self.string_list(get("NotResource"), "NotResource"),
            condition=self.condition(get("Condition")),
        )

    def document(self, root: JsonNode) -> PolicyDocument | None:
        if root.kind != "object":
            self.problem(root, "policy", "an object")
            return None
        statements: list[Statement] = []
        statement_node = root.get("Statement")
        is_list = True
        if statement_node is not None:
            if statement_node.kind == "array":
                nodes = statement_node.items
            elif statement_node.kind == "object":
                nodes = [statement_node]
                is_list = False
            else:
                self.problem(statement_node, "Statement", "an object or an array of objects")
                nodes = []
            for index, item in enumerate(nodes):
                statement = self.statement(item, index)
                if statement is not None:
                    statements.append(statement)
        return PolicyDocument(
            elements=tuple(m.key for m in root.members),
            version=self.string(root.get("Version"), "Version"),
            id=self.string(root.get("Id"), "Id"),
            statements=tuple(statements),
            statement_is_list=is_list,
        )


def build_policy(parsed: ParsedJson) -> ParsedPolicy:
    """Model the parsed JSON; wrong types become `TypeProblem`s, never exceptions."""
    if parsed.root is None:
        return ParsedPolicy(parsed, None)
    builder = _Builder()
    document = builder.document(parsed.root)
    return ParsedPolicy(parsed, document, builder.problems)


def parse_policy(text: str) -> ParsedPolicy:
    """Text to model in one step; never raises."""
    return build_policy(parse_json(text))
