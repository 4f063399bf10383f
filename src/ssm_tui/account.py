"""Policies inside the output of `aws iam get-account-authorization-details`.

Every customer managed policy (its default version) and every inline user, group and role
policy, each named by its owner and policy name and checked with its own policy type (an AWS
managed policy, when asked for, as `PolicyType.AWS_MANAGED`: no customer quota).

Nothing in the file is dropped silently: a policy that cannot be read (no default version,
a PolicyVersionList that is missing or not a list, a document of the wrong type or nested
too deep, an entry that is not an object, a list that is an object...) is returned as an
`AccountPolicy` whose `problem` says why in one line, with an empty `text`.  AWS managed
policies are left out unless asked for (`include_aws_managed`).

The file is read as strictly as a policy: NaN, Infinity, integers over 4,300 digits and
numbers too large for a float make it "not JSON", with the line and column.
"""

from __future__ import annotations

import json
import math
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ssm_tui.checks.base import PolicyType
from ssm_tui.policy.format import MAX_DEPTH, PolicyJsonError, depth_within, loads_policy


class AccountDetailsError(ValueError):
    """The file is not the output of get-account-authorization-details."""


@dataclass(frozen=True, slots=True)
class AccountPolicy:
    name: str  # e.g. "role/Deployer inline policy ssm-access"
    policy_type: PolicyType
    text: str
    aws_managed: bool = False
    problem: str | None = None  # why the policy could not be read; `text` is "" then


_INLINE = (
    ("UserDetailList", "UserName", "UserPolicyList", "user", PolicyType.USER_INLINE),
    ("GroupDetailList", "GroupName", "GroupPolicyList", "group", PolicyType.GROUP_INLINE),
    ("RoleDetailList", "RoleName", "RolePolicyList", "role", PolicyType.ROLE_INLINE),
)
_TOP_LEVEL = ("Policies", "UserDetailList", "GroupDetailList", "RoleDetailList")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null"


def _label(value: Any, fallback: str) -> str:
    """A name from the file: a non-empty string as it is, anything else described."""
    if isinstance(value, str) and value:
        return value
    return fallback


def _no_constant(word: str) -> Any:
    raise ValueError(f"{word} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError("number too large")
    return number


def _load(text: str) -> Any:
    """The file's JSON value; AccountDetailsError with the line and column when it is not
    JSON as `check` reads it."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, RecursionError):
        pass  # the validator's parser says what and where (or reads a BOM json.loads refuses)
    try:
        return loads_policy(text)
    except PolicyJsonError as exc:
        raise AccountDetailsError(f"not JSON ({exc})") from None


def _document_text(document: Any, where: str) -> tuple[str, str | None]:
    """(text, None) for a policy document, ("", problem) when it is not one.  The API
    returns documents URL-encoded, the AWS CLI as JSON objects."""
    if isinstance(document, str):
        return urllib.parse.unquote(document), None
    if not isinstance(document, dict):
        return "", (
            f"its {where} is {_kind(document)}, not a policy (a JSON object, or URL-encoded "
            "JSON text)"
        )
    if not depth_within(document, MAX_DEPTH):
        return "", f"its {where} is nested deeper than {MAX_DEPTH} levels; this is not a policy"
    return json.dumps(document, indent=2, ensure_ascii=False), None


def read_account_details(text: str, *, include_aws_managed: bool = False) -> list[AccountPolicy]:
    """The policies of an account-authorization-details document, the unreadable ones with
    their `problem` (raises AccountDetailsError with a one-line reason when the file is not
    such a document)."""
    details = _load(text)
    if not isinstance(details, dict) or not any(key in details for key in _TOP_LEVEL):
        raise AccountDetailsError(
            "not the output of 'aws iam get-account-authorization-details' (no Policies, "
            "UserDetailList, GroupDetailList or RoleDetailList)"
        )
    return list(_policies(details, include_aws_managed))


def _entries(
    container: dict[str, Any], key: str, where: str, policy_type: PolicyType
) -> Iterator[tuple[int, dict[str, Any]] | AccountPolicy]:
    """The object entries of the list `container[key]` with their 1-based index, and a
    problem for the list itself (not a list) or for each entry that is not an object."""
    if key not in container or container[key] is None:
        return
    value = container[key]
    if not isinstance(value, list):
        yield AccountPolicy(
            f"{where}{key}",
            policy_type,
            "",
            problem=f"{key} is {_kind(value)}, not a list: the policies in it were not read",
        )
        return
    for index, entry in enumerate(value, 1):
        if isinstance(entry, dict):
            yield index, entry
        else:
            yield AccountPolicy(
                f"{where}{key} entry {index}",
                policy_type,
                "",
                problem=f"the entry is {_kind(entry)}, not an object",
            )


def _managed(policy: dict[str, Any], index: int, include_aws_managed: bool) -> AccountPolicy | None:
    arn = policy.get("Arn")
    arn_text = arn if isinstance(arn, str) else ""
    aws_managed = arn_text.split(":")[4:5] == ["aws"]
    if aws_managed and not include_aws_managed:
        return None
    label = "AWS managed policy" if aws_managed else "managed policy"
    # an AWS managed policy is not held to the customer managed quota
    policy_type = PolicyType.AWS_MANAGED if aws_managed else PolicyType.MANAGED
    name = _label(policy.get("PolicyName"), _label(arn, f"Policies entry {index}"))
    default = policy.get("DefaultVersionId")

    def unreadable(problem: str) -> AccountPolicy:
        return AccountPolicy(f"{label} {name}", policy_type, "", aws_managed, problem)

    if "PolicyVersionList" not in policy:
        return unreadable("no default version (the entry has no PolicyVersionList)")
    versions = policy["PolicyVersionList"]
    if not isinstance(versions, list):
        return unreadable(f"no default version (PolicyVersionList is {_kind(versions)})")
    objects = [v for v in versions if isinstance(v, dict)]
    chosen = None
    if isinstance(default, str):
        chosen = next((v for v in objects if v.get("VersionId") == default), None)
    if chosen is None:
        chosen = next((v for v in objects if v.get("IsDefaultVersion") is True), None)
    if chosen is None:
        if isinstance(default, str):
            why = f"DefaultVersionId {default} not in PolicyVersionList"
        else:
            why = "no DefaultVersionId, and no version has IsDefaultVersion true"
        return unreadable(f"no default version ({why})")
    version = _label(chosen.get("VersionId"), _label(default, "default version"))
    full_name = f"{label} {name} ({version})"
    if "Document" not in chosen:
        return AccountPolicy(
            full_name, policy_type, "", aws_managed, f"version {version} has no Document"
        )
    text, problem = _document_text(chosen["Document"], "Document")
    return AccountPolicy(full_name, policy_type, text, aws_managed, problem)


def _policies(details: dict[str, Any], include_aws_managed: bool) -> Iterator[AccountPolicy]:
    for entry in _entries(details, "Policies", "", PolicyType.MANAGED):
        if isinstance(entry, AccountPolicy):
            yield entry
            continue
        found = _managed(entry[1], entry[0], include_aws_managed)
        if found is not None:
            yield found
    for list_key, name_key, policies_key, kind, policy_type in _INLINE:
        for owner_entry in _entries(details, list_key, "", policy_type):
            if isinstance(owner_entry, AccountPolicy):
                yield owner_entry
                continue
            index, owner = owner_entry
            owner_name = f"{kind}/{_label(owner.get(name_key), f'{list_key} entry {index}')}"
            for inline_entry in _entries(owner, policies_key, f"{owner_name} ", policy_type):
                if isinstance(inline_entry, AccountPolicy):
                    yield inline_entry
                    continue
                number, inline = inline_entry
                name = (
                    f"{owner_name} inline policy "
                    f"{_label(inline.get('PolicyName'), f'{policies_key} entry {number}')}"
                )
                if "PolicyDocument" not in inline:
                    yield AccountPolicy(name, policy_type, "", problem="it has no PolicyDocument")
                    continue
                text, problem = _document_text(inline["PolicyDocument"], "PolicyDocument")
                yield AccountPolicy(name, policy_type, text, problem=problem)
