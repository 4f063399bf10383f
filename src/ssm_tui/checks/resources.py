"""Resources: ARN structure, partition, service, Region, account, resource part, variables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from ssm_tui.checks.actions import RULES as ACTION_RULES
from ssm_tui.checks.base import CheckContext, Finding, Severity, Verdict, quote, register, rules
from ssm_tui.checks.conditions.rules import INVALID_SERVICE
from ssm_tui.checks.variables import RULES as VARIABLE_RULES
from ssm_tui.checks.variables import (
    check_variables,
    variable_problems,
    version_allows_variables,
    version_finding,
)
from ssm_tui.iam.arn import patterns_overlap, split_arn
from ssm_tui.iam.catalog import Catalog, ResourceType, closest
from ssm_tui.iam.glob import glob_regex, has_wildcard, variables_as_wildcards
from ssm_tui.iam.grants import arn_formats
from ssm_tui.iam.values import is_account_id
from ssm_tui.iam.variables import PLACEHOLDER
from ssm_tui.policy.model import Statement

RULES = rules(
    (
        "INVALID_ARN_PREFIX",
        "Resource that is not an ARN",
        'A resource is "*" or an ARN starting with "arn:".',
    ),
    (
        "MISSING_ARN_FIELD",
        "ARN with missing fields",
        "An ARN has six colon-separated fields: arn:partition:service:region:account:resource.",
    ),
    (
        "INVALID_PARTITION",
        "Unknown partition",
        "Use aws, aws-cn, aws-us-gov or another AWS partition.",
    ),
    INVALID_SERVICE,  # also reported for a condition key's service prefix
    (
        "INVALID_ARN_SERVICE_CASE",
        "Service in an ARN not lower case",
        "The service field of an ARN is lower case.",
    ),
    ("INVALID_ARN_REGION", "Unknown Region", "Use a real Region code (us-west-2) or *."),
    (
        "INVALID_ARN_ACCOUNT",
        "Account that is not a 12-digit ID",
        "Use the 12-digit account ID or *.",
    ),
    (
        "MISSING_ARN_REGION",
        "ARN without the Region it needs",
        "This resource type's ARN has a Region; put one (or *) in the Region field.",
    ),
    (
        "ARN_REGION_NOT_ALLOWED",
        "Region where the ARN has none",
        "This resource type's ARN has no Region: leave the field empty.",
    ),
    (
        "MISSING_ARN_ACCOUNT",
        "ARN without the account it needs",
        "This resource type's ARN has an account: put the 12-digit ID (or *) there, unless the "
        "resource is AWS-owned.",
    ),
    (
        "ARN_ACCOUNT_NOT_ALLOWED",
        "Account where the ARN has none",
        "This resource type's ARN has no account field: leave it empty.",
    ),
    (
        "INVALID_ARN_RESOURCE",
        "Resource part matches no ARN format",
        "The part after the fifth colon matches none of the service's resource formats.",
    ),
    (
        "PARAMETER_ARN_WITH_LEADING_SLASH",
        "Parameter ARN that keeps the name's leading slash",
        "A parameter's ARN drops the leading slash of its name: /prod/db is "
        "parameter/prod/db, never parameter//prod/db. Remove the extra slash.",
        False,
    ),
    (
        "MISSING_DOLLAR_IN_VARIABLE",
        "Policy variable without its $",
        "A policy variable is written ${aws:username}; {aws:username} without the $ is "
        "literal text, which no resource name contains. Add the $.",
        False,
    ),
    (
        "AWS_OWNED_DOCUMENT_WITH_ACCOUNT",
        "AWS-owned SSM document named with an account",
        "Documents and runbooks named AWS-..., Amazon..., AWSSupport-... belong to AWS: their ARNs "
        "have an empty account field (arn:aws:ssm:us-east-1::document/AWS-RunShellScript), "
        "so an ARN with your account ID names none of them. Empty the account field.",
        False,
    ),
    ACTION_RULES["WILDCARD_IN_SERVICE_NAME"],  # a wildcard in an ARN's service field
    # what check_variables (checks/variables.py) reports about variables in Resource
    *VARIABLE_RULES.values(),
)

_ACCOUNT_PATTERN = re.compile(r"[0-9*?]+\Z")
# AWS-owned Systems Manager resources are named with an empty account field: documents
# (arn:aws:ssm:us-east-1::document/AWS-RunShellScript, Systems Manager User Guide), public
# parameters (arn:aws:ssm:*::parameter/aws/service/..., AWSStorageGatewayFullAccess) and
# runbooks (arn:aws:ssm:*::automation-definition/AWSSupport-*:*, AWS managed policies).
_AWS_OWNED = {("ssm", "document"), ("ssm", "parameter"), ("ssm", "automation-definition")}


def _field_is_placeholder(field: str) -> bool:
    return bool(PLACEHOLDER.fullmatch(field))


def _statement_services(ctx: CheckContext, statement: Statement) -> tuple[str, ...]:
    services = []
    for located in statement.action or ():
        prefix, sep, _ = located.value.partition(":")
        if sep and ctx.catalog.has_service(prefix):
            services.append(prefix.lower())
    return tuple(dict.fromkeys(services))


def _formats(templates: tuple[ResourceType, ...]) -> tuple[str, ...]:
    """The resource part (after the fifth colon) of each ARN format."""
    return tuple(
        fields[5] if len(fields) == 6 else ""
        for fields in (split_arn(t.arn_template) for t in templates)
    )


def _resource_formats(templates: tuple[ResourceType, ...], word: str) -> str:
    formats = [
        split_arn(t.arn_template)[5] for t in templates if len(split_arn(t.arn_template)) == 6
    ]
    formats = list(dict.fromkeys(formats))
    preferred = [f for f in formats if f.split("/")[0].split(":")[0] == word] or formats
    shown = ", ".join(preferred[:4]) + (", ..." if len(preferred) > 4 else "")
    return shown


@lru_cache(maxsize=8192)
def _overlapping(resource: str, formats: tuple[str, ...]) -> tuple[int, ...]:
    """Indexes of the resource-part formats that the policy's resource part can match."""
    return tuple(i for i, part in enumerate(formats) if part and patterns_overlap(resource, part))


@lru_cache(maxsize=16384)
def arn_verdicts(catalog: Catalog, value: str) -> tuple[Verdict, ...]:
    """What is wrong with one Resource entry (variables taken as wildcards; their own syntax
    is checked separately).  Depends only on the text and the catalogue, so it is cached."""
    return tuple(_ArnChecker(catalog, value).run())


class _ArnChecker:
    def __init__(self, catalog: Catalog, value: str) -> None:
        self.catalog = catalog
        self.value = value
        # the fields as written, for messages (checks read variables as wildcards)
        self.written: tuple[str, ...] = ()

    def error(
        self, code: str, message: str, suggestion: str | None = None, *, certain: bool = False
    ) -> Verdict:
        return Verdict(
            Severity.ERROR,
            code,
            message,
            suggestion=suggestion,
            replacement=suggestion if certain else None,
            fix_description=f"write {suggestion}",
        )

    def run(self) -> Iterator[Verdict]:
        value = self.value
        if value == "*":
            return
        if value != value.lstrip():
            yield self.error(
                "INVALID_ARN_PREFIX",
                f"{quote(value)} starts with whitespace, so it matches no resource. Remove it.",
                value.strip() or None,
                certain=True,
            )
            return
        if value != value.rstrip():
            yield self.error(
                "INVALID_ARN_RESOURCE",
                f"{quote(value)} ends with whitespace, so it matches no resource. Remove it.",
                value.strip() or None,
                certain=True,
            )
            return
        fields = split_arn(value)
        if fields[0] != "arn":
            if fields[0].lower() == "arn":
                yield self.error(
                    "INVALID_ARN_PREFIX",
                    f'{quote(value)} must start with lower-case "arn:".',
                    "arn" + value[3:],
                    certain=True,
                )
            else:
                yield self.error(
                    "INVALID_ARN_PREFIX",
                    f'{quote(value)} is not an ARN: a resource is "*" or an ARN '
                    f"(arn:partition:service:region:account:resource).",
                )
            return
        if len(fields) < 6:
            yield self.error(
                "MISSING_ARN_FIELD",
                f"{quote(value)} has {len(fields)} of the 6 colon-separated fields of an ARN "
                f"(arn:partition:service:region:account:resource).",
            )
            return
        yield from self.fields(fields)

    def fields(self, fields: tuple[str, ...]) -> Iterator[Verdict]:
        self.written = fields
        _, partition, service, region, account, resource = (
            variables_as_wildcards(f) for f in fields
        )
        stop = self.partition_verdict(partition)
        if stop is not None:
            yield stop
            return
        stop = self.service_verdict(fields, service)
        if stop is not None:
            yield stop
            return
        templates = arn_formats(self.catalog, service)
        if not templates:
            return  # a real service whose resource formats the catalogue does not list
        yield from self.region_verdicts(partition, region)
        yield from self.account_verdicts(account)
        yield from self.resource_verdicts(templates, service, region, account, resource)

    def partition_verdict(self, partition: str) -> Verdict | None:
        partitions = self.catalog.partitions
        if has_wildcard(partition):
            regex = glob_regex(partition, ignore_case=False)
            if any(regex.match(p) for p in partitions):
                return None
        elif partition in partitions:
            return None
        close = closest(partition, list(partitions), 1)
        hint = f" Did you mean {quote(close[0])}?" if close else ""
        return self.error(
            "INVALID_PARTITION",
            f"{quote(self.written[1])} is not an AWS partition ({', '.join(partitions)}).{hint}",
        )

    def service_verdict(self, fields: tuple[str, ...], service: str) -> Verdict | None:
        """What is wrong with the service field, if anything (the rest is not checked)."""
        catalog, value = self.catalog, self.value
        if not service:
            fixed = self._shifted_fix(fields)
            hint = f" Did you mean {quote(fixed)}?" if fixed else ""
            return self.error(
                "INVALID_SERVICE",
                f"The service field of {quote(value)} is empty, so this is not a valid ARN.{hint}",
                fixed,
            )
        if has_wildcard(service):
            return Verdict(
                Severity.SUGGESTION,
                "WILDCARD_IN_SERVICE_NAME",
                f"{quote(value)} has a wildcard in the service field; name the service.",
            )
        if service != service.lower():
            return self.error(
                "INVALID_ARN_SERVICE_CASE",
                f"The service in an ARN is lower case: {quote(service.lower())}, not "
                f"{quote(service)}.",
                ":".join([*fields[:2], fields[2].lower(), *fields[3:]]),
                certain=True,
            )
        if catalog.arn_templates(service) or catalog.has_service(service):
            return None
        close = closest(service, catalog.arn_namespaces, 1)
        hint = f" Did you mean {quote(close[0])}?" if close else ""
        return self.error(
            "INVALID_SERVICE",
            f"{quote(service)} is not the service field of any AWS resource ARN.{hint}",
        )

    def region_verdicts(self, partition: str, region: str) -> Iterator[Verdict]:
        catalog = self.catalog
        if region and not has_wildcard(region) and not catalog.is_region(region):
            yield self.error(
                "INVALID_ARN_REGION",
                f"{quote(region)} is not an AWS Region code (for example us-west-2); replace "
                f"it with a real Region or *.",
            )
        elif region and not has_wildcard(region) and not has_wildcard(partition):
            home = next(
                (p.partition for p in catalog.partitions.values() if region in p.regions),
                partition,
            )
            if home != partition:
                yield self.error(
                    "INVALID_ARN_REGION",
                    f"Region {quote(region)} is in the {quote(home)} partition, but this ARN "
                    f"names partition {quote(partition)}.",
                )

    def account_verdicts(self, account: str) -> Iterator[Verdict]:
        if (
            account
            and not has_wildcard(account)
            and account != "aws"
            and not is_account_id(account)
        ):
            yield self.error(
                "INVALID_ARN_ACCOUNT",
                f"{quote(self.written[4])} is not an AWS account ID: use the 12-digit ID (or *).",
            )
        elif account and has_wildcard(account) and not _ACCOUNT_PATTERN.match(account):
            yield self.error(
                "INVALID_ARN_ACCOUNT",
                f"{quote(self.written[4])} cannot match a 12-digit AWS account ID.",
            )

    def resource_verdicts(
        self,
        templates: tuple[ResourceType, ...],
        service: str,
        region: str,
        account: str,
        resource: str,
    ) -> Iterator[Verdict]:
        """The resource part against the service's ARN templates."""
        catalog = self.catalog
        formats = _formats(templates)
        matching = [templates[i] for i in _overlapping(resource, formats)]
        candidates = matching or templates
        yield from self.region_and_account_presence(candidates, region, account, service)
        if not matching:
            word = re.split(r"[/:]", resource, maxsplit=1)[0]
            name = catalog.service_name(service) or service
            yield self.error(
                "INVALID_ARN_RESOURCE",
                f"The resource part {quote(self.written[5])} matches no {name} resource format; "
                f"expected one of: {_resource_formats(templates, word)}.",
            )

    def region_and_account_presence(
        self, candidates: Sequence[ResourceType], region: str, account: str, service: str
    ) -> Iterator[Verdict]:
        template_fields = [split_arn(t.arn_template) for t in candidates]
        template_fields = [f for f in template_fields if len(f) == 6]
        if not template_fields:
            return
        if not region and all(_field_is_placeholder(f[3]) for f in template_fields):
            yield self.error(
                "MISSING_ARN_REGION",
                f"This {service} ARN needs a Region (for example us-west-2, or * for any) "
                f"between the service and account fields.",
            )
        elif region and region != "*" and all(f[3] == "" for f in template_fields):
            yield self.error(
                "ARN_REGION_NOT_ALLOWED",
                f"{service} ARNs have no Region: leave the Region field empty.",
            )
        if not account and all(_field_is_placeholder(f[4]) for f in template_fields):
            if all((service, t.name) in _AWS_OWNED for t in candidates):
                return
            # AWS managed policies name some AWS-owned resources of other services this way
            # too (Resource Explorer service views, KMS), so this is a warning, not an error.
            yield Verdict(
                Severity.WARNING,
                "MISSING_ARN_ACCOUNT",
                f"This {service} ARN has an empty account field; unless it names an AWS-owned "
                f"resource, put the 12-digit account ID (or *) there.",
            )
        elif account and account != "*" and all(f[4] == "" for f in template_fields):
            yield self.error(
                "ARN_ACCOUNT_NOT_ALLOWED",
                f"{service} ARNs have no account field: leave it empty.",
            )

    def _shifted_fix(self, fields: tuple[str, ...]) -> str | None:
        """`arn:aws::aws:ssm:...` (an extra field) → `arn:aws:ssm:...` when that parses."""
        parts = self.value.split(":")
        for drop in (2, 3):
            if len(parts) > drop + 4:
                candidate = ":".join(parts[:2] + parts[drop + 1 :])
                cand_fields = split_arn(candidate)
                if len(cand_fields) == 6 and self.catalog.arn_templates(cand_fields[2]):
                    return candidate
        return None


@register("resources", rules=RULES)
def resources(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.document
    if document is None:
        return
    for statement in document.statements:
        services: tuple[str, ...] | None = None  # needed only for policy variables
        for values in (statement.resource, statement.not_resource):
            for located in values or ():
                if ctx.reported(located.pointer):
                    continue
                if "${" in located.value and not version_allows_variables(ctx):
                    # once per policy, here or in a Condition value (conditions.py)
                    if ctx.first_time("VARIABLE_UNSUPPORTED_IN_VERSION"):
                        yield version_finding(ctx, located.pointer)
                    continue
                if "${" in located.value:
                    if services is None:
                        services = _statement_services(ctx, statement)
                    yield from check_variables(ctx, located.value, located.pointer, services)
                    if ctx.reported(located.pointer):
                        continue
                for verdict in arn_verdicts(ctx.catalog, located.value):
                    yield ctx.place(verdict, located.pointer)


# The Service Authorization Reference's parameter format is
# arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}:
# the ARN of /prod/db is parameter/prod/db (names in a hierarchy start with "/", PutParameter,
# AWS Systems Manager API Reference), so parameter//... names no parameter.
_DOUBLE_SLASH_PARAMETER = re.compile(r"(arn:[^:]*:ssm:[^:]*:[^:]*:parameter)//+")
# "You can't use the following strings as document name prefixes. These are reserved by AWS
# for use as document name prefixes: aws, amazon, amzn, AWSEC2, AWSConfigRemediation,
# AWSSupport" (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html);
# AWS's own documents have an empty account field (see _AWS_OWNED above).
_AWS_DOCUMENT_WITH_ACCOUNT = re.compile(
    r"(arn:[^:]*:ssm:[^:]*:)([0-9]{12})(:(?:document|automation-definition)/(?i:aws|amazon|amzn))"
)
# {aws:username}: a variable's braces and name without the $ in front
_BARE_VARIABLE = re.compile(r"(?<!\$)\{([A-Za-z0-9][\w.-]*:[\w.-]+)\}")


@register("resources", rules=RULES)
def look_alikes(ctx: CheckContext) -> Iterator[Finding]:
    """Resource entries that are valid ARNs but cannot be what their author meant."""
    document = ctx.document
    if document is None:
        return
    for statement in document.statements:
        for values in (statement.resource, statement.not_resource):
            for located in values or ():
                if ctx.reported(located.pointer):
                    continue
                yield from _look_alikes(ctx, located.value, located.pointer)


def _look_alikes(ctx: CheckContext, value: str, pointer: str) -> Iterator[Finding]:
    fixed = _DOUBLE_SLASH_PARAMETER.sub(r"\1/", value)
    if fixed != value:
        yield ctx.finding(
            Severity.WARNING,
            "PARAMETER_ARN_WITH_LEADING_SLASH",
            f"{quote(value)} keeps the leading slash of the parameter name, but a parameter's "
            f"ARN drops it (the ARN of /prod/db is parameter/prod/db), so this names no "
            f"parameter. Write {quote(fixed)}.",
            pointer,
            suggestion=fixed,
            fix=ctx.replace_value(pointer, fixed, f"write {fixed}"),
        )
    owned = _AWS_DOCUMENT_WITH_ACCOUNT.match(value)
    if owned:
        fixed = value[: owned.start(2)] + value[owned.end(2) :]
        yield ctx.finding(
            Severity.WARNING,
            "AWS_OWNED_DOCUMENT_WITH_ACCOUNT",
            f"{quote(value)} names an AWS-owned document (names starting with aws, amazon or "
            f"amzn are reserved for AWS) under account {owned.group(2)}, but AWS's documents "
            f"have an empty account field, so this names none. Write {quote(fixed)}.",
            pointer,
            suggestion=fixed,
            fix=ctx.replace_value(pointer, fixed, f"write {fixed}"),
        )
    known = [
        m
        for m in _BARE_VARIABLE.finditer(value)
        if not variable_problems(ctx, "${" + m.group(1) + "}", ())
    ]
    if known:
        spans = {m.span() for m in known}
        fixed = _BARE_VARIABLE.sub(
            lambda m: "$" + m.group(0) if m.span() in spans else m.group(0), value
        )
        first = known[0].group(0)
        yield ctx.finding(
            Severity.WARNING,
            "MISSING_DOLLAR_IN_VARIABLE",
            f"{quote(first)} in {quote(value)} is literal text, not a policy variable: a "
            f"variable is written ${first}. Write {quote(fixed)}.",
            pointer,
            suggestion=fixed,
            fix=ctx.replace_value(pointer, fixed, f"write {fixed}"),
        )
