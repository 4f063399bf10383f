"""Findings, the context every check reads, the rules checks declare, and the registry.

A check is a small generator function of a `CheckContext` (document, source map,
catalogue) that yields findings.  Checks run in registration order; an error finding about
a value marks it as malformed so that later checks say nothing more about it (one finding
per problem).

Each check module declares the rules it reports, next to the check (a `Rule` per finding
code: title and help), and registers them with it:

    RULES = rules(("MISSING_VERSION", "No Version", "Add ..."), ...)

    @register("grammar", rules=RULES)
    def version(ctx: CheckContext) -> Iterator[Finding]: ...

`checks/rules.py` gathers them for the SARIF log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from ssm_tui.iam.catalog import Catalog
from ssm_tui.policy.model import ParsedPolicy, PolicyDocument
from ssm_tui.policy.source import SourceMap, Span


class Severity(StrEnum):
    """Access Analyzer's finding types, most severe first."""

    ERROR = "error"
    SECURITY_WARNING = "security_warning"
    WARNING = "warning"
    SUGGESTION = "suggestion"

    @property
    def rank(self) -> int:
        """0 for error ... 3 for suggestion."""
        return _RANKS[self]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank <= threshold.rank


_RANKS = {severity: rank for rank, severity in enumerate(Severity)}


class PolicyType(StrEnum):
    """Where an identity policy lives; decides its size quota."""

    MANAGED = "managed"
    USER_INLINE = "user-inline"
    GROUP_INLINE = "group-inline"
    ROLE_INLINE = "role-inline"
    # A policy AWS wrote and maintains (arn:aws:iam::aws:policy/...).  The managed policy
    # quota is what IAM allows a customer to create; AWS's own are larger (ReadOnlyAccess
    # has 91,266 characters not counting whitespace) and IAM documents no quota for them.
    AWS_MANAGED = "aws-managed"

    @property
    def size_limit(self) -> int | None:
        """IAM's quota in non-whitespace characters (IAM User Guide, IAM and AWS STS quotas:
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); None
        for an AWS managed policy, which has none a customer is held to."""
        return _SIZE_LIMITS.get(self)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def quota(self) -> str:
        """IAM's size rule for this type, as a phrase."""
        if self is PolicyType.AWS_MANAGED:
            return "an AWS managed policy is not held to a customer's quota"
        if self is PolicyType.MANAGED:
            return f"a customer managed policy may have at most {self.size_limit:,}"
        owner = self.value.split("-")[0]
        return f"the inline policies of one {owner} may have at most {self.size_limit:,} in total"


_SIZE_LIMITS = {
    PolicyType.MANAGED: 6144,
    PolicyType.USER_INLINE: 2048,
    PolicyType.GROUP_INLINE: 5120,
    PolicyType.ROLE_INLINE: 10240,
}
_LABELS = {
    PolicyType.MANAGED: "customer managed policy",
    PolicyType.USER_INLINE: "inline user policy",
    PolicyType.GROUP_INLINE: "inline group policy",
    PolicyType.ROLE_INLINE: "inline role policy",
    PolicyType.AWS_MANAGED: "AWS managed policy",
}


class TextEdit(BaseModel):
    """Replace the text between two offsets (end exclusive); lines and columns as findings."""

    model_config = ConfigDict(frozen=True)

    offset: int
    end_offset: int
    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str


class Fix(BaseModel):
    """A certain repair: what it does, and the edits that do it (never overlapping)."""

    model_config = ConfigDict(frozen=True)

    description: str
    edits: tuple[TextEdit, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "description": self.description,
            "edits": [
                {
                    "line": e.line,
                    "column": e.column,
                    "end_line": e.end_line,
                    "end_column": e.end_column,
                    "replacement": e.replacement,
                }
                for e in self.edits
            ],
        }


class Finding(BaseModel):
    """One problem: what, where (pointer and span) and, when certain, what to write instead
    (`suggestion`, the replacement value) and how (`fix`, text edits)."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    code: str
    message: str
    pointer: str
    line: int
    column: int
    end_line: int
    end_column: int
    suggestion: str | None = None
    fix: Fix | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "suggestion": self.suggestion,
            "fix": self.fix.to_json() if self.fix else None,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """A finding not yet placed: what a check says about a value whatever its position.

    Checks whose verdict on a value depends only on the value and the catalogue (an
    action, an ARN) compute verdicts once per distinct value and cache them; the context
    places them at each pointer (`CheckContext.place`).  `replacement`, when given, is the
    certain fix: the value to write instead."""

    severity: Severity
    code: str
    message: str
    suggestion: str | None = None
    replacement: str | None = None
    fix_description: str = ""


@dataclass(slots=True)
class CheckContext:
    """What a check may read.  `reported(pointer)` tells whether a value (or a value that
    contains it) already has an error finding, so that checks do not pile on."""

    policy: ParsedPolicy
    catalog: Catalog
    policy_type: PolicyType = PolicyType.MANAGED
    size: int = -1  # characters IAM counts (set by the engine; -1 when not yet known)
    _malformed: set[str] = field(default_factory=set)
    _said: set[str] = field(default_factory=set)
    _dead: set[str] = field(default_factory=set)

    @property
    def document(self) -> PolicyDocument | None:
        return self.policy.document

    @property
    def source_map(self) -> SourceMap:
        return self.policy.json.source_map

    def reported(self, pointer: str) -> bool:
        malformed = self._malformed
        if not malformed:
            return False
        if pointer in malformed:
            return True
        # walk up the pointer's ancestors (one set lookup each): thousands of values may be
        # malformed, so testing each of them as a prefix would be quadratic
        end = pointer.rfind("/")
        while end >= 0:
            if pointer[:end] in malformed:
                return True
            end = pointer.rfind("/", 0, end)
        return False

    def mark(self, pointer: str) -> None:
        """Treat the value at `pointer` as malformed without a finding of its own (its
        problem was reported at another place)."""
        self._malformed.add(pointer)

    def mark_dead(self, statement_pointer: str) -> None:
        """Record that a statement can grant (or deny) nothing; its finding says why."""
        self._dead.add(statement_pointer)

    def is_dead(self, statement_pointer: str) -> bool:
        """True when an earlier check reported this statement as granting nothing: risk
        and hygiene checks then say nothing more about it."""
        return statement_pointer in self._dead

    def first_time(self, topic: str) -> bool:
        """True the first time a check asks about `topic`: for problems that are reported
        once per policy however often they occur."""
        if topic in self._said:
            return False
        self._said.add(topic)
        return True

    def span(self, pointer: str, *, key: bool = False, head: bool = False) -> Span:
        """Span of the value at `pointer`; `key=True` for its key, `head=True` for just the
        first character (an object's opening brace, so a message about a whole statement
        marks one line, not thirty)."""
        source_map = self.policy.json.source_map
        found = source_map.key_span(pointer) if key else None
        if found is None:
            found = source_map.span(pointer)
        if found is None:
            return source_map.lines.span(0, min(1, len(self.policy.text)))
        if head:
            return source_map.lines.span(found.offset, found.offset + 1)
        return found

    def finding(
        self,
        severity: Severity,
        code: str,
        message: str,
        pointer: str,
        *,
        suggestion: str | None = None,
        key: bool = False,
        head: bool = False,
        span: Span | None = None,
        marks: bool | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        """Build a finding located at `pointer`.  An error about a value (not about a whole
        statement or document, `head=True`) marks the value as malformed unless `marks` says
        otherwise, so later checks leave it alone."""
        if marks is None:
            marks = severity is Severity.ERROR and not head and pointer != ""
        if marks:
            self._malformed.add(pointer)
        where = span or self.span(pointer, key=key, head=head)
        return Finding(
            severity=severity,
            code=code,
            message=message,
            pointer=pointer,
            line=where.line,
            column=where.column,
            end_line=where.end_line,
            end_column=where.end_column,
            suggestion=suggestion,
            fix=fix,
        )

    def place(self, verdict: Verdict, pointer: str) -> Finding:
        """The finding for a cached verdict about the value at `pointer`."""
        fix = (
            self.replace_value(pointer, verdict.replacement, verdict.fix_description)
            if verdict.replacement is not None
            else None
        )
        return self.finding(
            verdict.severity,
            verdict.code,
            verdict.message,
            pointer,
            suggestion=verdict.suggestion,
            fix=fix,
        )

    # --- certain repairs, as text edits (see checks/fixes.py) -----------------------------
    def edit(self, offset: int, end_offset: int, replacement: str) -> TextEdit:
        span = self.source_map.lines.span(offset, end_offset)
        return TextEdit(
            offset=offset,
            end_offset=end_offset,
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            replacement=replacement,
        )

    def replace_value(self, pointer: str, value: object, description: str) -> Fix | None:
        """Fix that writes `value` (as JSON) in place of the value at `pointer`."""
        span = self.source_map.span(pointer)
        node = self.policy.json.node(pointer)
        if span is None or node is None or node.pointer != pointer:
            return None
        replacement = json.dumps(value, ensure_ascii=False)
        return Fix(
            description=description, edits=(self.edit(span.offset, span.end_offset, replacement),)
        )

    def rename_key(self, pointer: str, new_key: str, description: str) -> Fix | None:
        """Fix that renames the key of the member at `pointer`."""
        span = self.source_map.key_span(pointer)
        if span is None:
            return None
        replacement = json.dumps(new_key, ensure_ascii=False)
        return Fix(
            description=description, edits=(self.edit(span.offset, span.end_offset, replacement),)
        )

    def remove_item(self, pointer: str, description: str) -> Fix | None:
        """Fix that removes an array item (with one neighbouring comma).  Not offered for the
        last remaining item: removing it would change what the element means."""
        parent_pointer, _, index_text = pointer.rpartition("/")
        parent = self.policy.json.node(parent_pointer)
        if parent is None or parent.kind != "array" or not index_text.isdigit():
            return None
        index = int(index_text)
        items = parent.items
        if len(items) < 2 or index >= len(items):
            return None
        if index + 1 < len(items):
            start, end = items[index].start, items[index + 1].start
        else:
            start, end = items[index - 1].end, items[index].end
        return Fix(description=description, edits=(self.edit(start, end, ""),))


@dataclass(frozen=True, slots=True)
class Rule:
    """What a finding code means: a title and help text (the SARIF log's rules).
    `access_analyzer` marks codes that IAM Access Analyzer also uses (same meaning)."""

    code: str
    title: str
    help: str
    access_analyzer: bool = True


RuleRow = tuple[str, str, str] | tuple[str, str, str, bool]


def rules(*declared: RuleRow | Rule) -> Mapping[str, Rule]:
    """A check module's rules by code, in the order given: rows (code, title, help and,
    for a code Access Analyzer does not use, False), or `Rule`s another module declares
    for a code both report.  A code given twice is a mistake."""
    found: dict[str, Rule] = {}
    for row in declared:
        rule = row if isinstance(row, Rule) else Rule(*row)
        if rule.code in found:
            raise ValueError(f"rule {rule.code} is declared twice")
        found[rule.code] = rule
    return MappingProxyType(found)


NO_RULES: Mapping[str, Rule] = MappingProxyType({})

CheckFunction = Callable[[CheckContext], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    concern: str
    run: CheckFunction
    rules: Mapping[str, Rule] = field(default_factory=lambda: NO_RULES)  # codes it reports


# Families run in this order: a later family relies on an earlier one having marked the
# values it found malformed.  Within a family, checks run in registration order.
CONCERNS = (
    "syntax",
    "grammar",
    "actions",
    "resources",
    "conditions",
    "compat",
    "security",
    "hygiene",
)
REGISTRY: list[Check] = []


def register(
    concern: str, *, rules: Mapping[str, Rule] = NO_RULES
) -> Callable[[CheckFunction], CheckFunction]:
    """Add a check to the registry; `concern` names its family (one of CONCERNS), `rules`
    the rules of the codes it reports (see `rules()`)."""
    if concern not in CONCERNS:
        raise ValueError(f"unknown concern {concern!r}; add it to CONCERNS")

    def decorate(function: CheckFunction) -> CheckFunction:
        REGISTRY.append(Check(function.__name__, concern, function, rules))
        REGISTRY.sort(key=lambda check: CONCERNS.index(check.concern))
        return function

    return decorate


def quote(value: str, limit: int = 80) -> str:
    """A policy string as it appears in a message: quoted, shortened, control-safe."""
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    if shown.isprintable() and '"' not in shown and "\\" not in shown:
        return f'"{shown}"'  # the common case, without a loop over the characters
    escaped = "".join(
        ch
        if ch.isprintable() and ch not in '"\\'
        else ("\\" + ch if ch in '"\\' else f"\\u{ord(ch):04x}")
        for ch in shown
    )
    return f'"{escaped}"'
