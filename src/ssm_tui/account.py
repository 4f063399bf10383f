"""Policies inside the output of `aws iam get-account-authorization-details`.

Every customer managed policy (its default version) and every inline user, group and role
policy, each named by its owner and policy name and checked with its own policy type.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ssm_tui.checks.base import PolicyType


class AccountDetailsError(ValueError):
    """The file is not the output of get-account-authorization-details."""


@dataclass(frozen=True, slots=True)
class AccountPolicy:
    name: str  # e.g. "role/Deployer inline policy ssm-access"
    policy_type: PolicyType
    text: str
    aws_managed: bool = False


_INLINE = (
    ("UserDetailList", "UserName", "UserPolicyList", "user", PolicyType.USER_INLINE),
    ("GroupDetailList", "GroupName", "GroupPolicyList", "group", PolicyType.GROUP_INLINE),
    ("RoleDetailList", "RoleName", "RolePolicyList", "role", PolicyType.ROLE_INLINE),
)


def _document_text(document: Any) -> str:
    """The policy as text: the API returns it URL-encoded, the AWS CLI as a JSON object."""
    if isinstance(document, str):
        return urllib.parse.unquote(document)
    return json.dumps(document, indent=2, ensure_ascii=False)


def read_account_details(text: str, *, include_aws_managed: bool = False) -> list[AccountPolicy]:
    """The policies of an account-authorization-details document (raises
    AccountDetailsError with a one-line reason when it is not one)."""
    try:
        details = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AccountDetailsError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(details, dict) or not any(
        key in details
        for key in ("Policies", "UserDetailList", "GroupDetailList", "RoleDetailList")
    ):
        raise AccountDetailsError(
            "not the output of 'aws iam get-account-authorization-details' (no Policies, "
            "UserDetailList, GroupDetailList or RoleDetailList)"
        )
    return list(_policies(details, include_aws_managed))


def _policies(details: dict[str, Any], include_aws_managed: bool) -> Iterator[AccountPolicy]:
    for policy in _list(details.get("Policies")):
        arn = str(policy.get("Arn", ""))
        aws_managed = arn.split(":")[4:5] == ["aws"]
        if aws_managed and not include_aws_managed:
            continue
        default = policy.get("DefaultVersionId")
        versions = _list(policy.get("PolicyVersionList"))
        chosen = next(
            (v for v in versions if v.get("IsDefaultVersion") or v.get("VersionId") == default),
            None,
        )
        if chosen is None or "Document" not in chosen:
            continue
        label = "AWS managed policy" if aws_managed else "managed policy"
        name = policy.get("PolicyName") or arn
        yield AccountPolicy(
            f"{label} {name} ({chosen.get('VersionId', default)})",
            PolicyType.MANAGED,
            _document_text(chosen["Document"]),
            aws_managed,
        )
    for list_key, name_key, policies_key, kind, policy_type in _INLINE:
        for owner in _list(details.get(list_key)):
            for inline in _list(owner.get(policies_key)):
                if "PolicyDocument" not in inline:
                    continue
                yield AccountPolicy(
                    f"{kind}/{owner.get(name_key, '?')} inline policy "
                    f"{inline.get('PolicyName', '?')}",
                    policy_type,
                    _document_text(inline["PolicyDocument"]),
                )


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
