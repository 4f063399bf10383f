"""The parameters of the guide's templates: the kinds of value they take, how each value is
checked and normalised, and the Region and account parameters most templates share.

What makes a value an account ID, a Region code or an EC2 instance ID is asked of
`ssm_tui.iam.values` (as the validator does); the names of SSM documents and IAM roles are
template-only rules, kept here.  Core module: no textual here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ssm_tui.iam.catalog import closest, get_catalog
from ssm_tui.iam.values import is_account_id, is_instance_id, is_region

__all__ = [
    "MAX_INSTANCE_IDS",
    "ParameterKind",
    "TemplateParameter",
    "TemplateParameterError",
    "account_parameter",
    "region_parameter",
    "split_list",
]

ParameterKind = Literal[
    "region", "account", "document_name", "document_prefix", "instance_ids", "role_prefix"
]


class TemplateParameterError(ValueError):
    """A parameter value a template cannot take (or a parameter it does not have)."""

    def __init__(self, parameter: str, expected: str, problem: str) -> None:
        self.parameter = parameter
        self.expected = expected
        self.problem = problem
        super().__init__(f"{parameter}: {problem}; expected {expected}")


# --- parameter kinds ----------------------------------------------------------------------
# SSM document names (CreateDocument's Name): letters, digits, _ - and ., 3 to 128 long;
# a prefix of one is shorter, leaving room for at least one more character.
_DOCUMENT_CHARS = r"A-Za-z0-9_.\-"
# IAM role names: letters, digits and + = , . @ _ -, at most 64 long.
_ROLE_CHARS = r"A-Za-z0-9+=,.@_\-"
_LIST_SEPARATORS = re.compile(r"[\s,]+")
# Enough for any real use, and small enough that the rendered policy stays within the
# customer managed policy size quota whatever the other parameters are.
MAX_INSTANCE_IDS = 50

_EXPECTED: dict[str, str] = {
    "region": "an AWS Region code from the Region list, e.g. us-west-2",
    "account": "an AWS account ID of exactly 12 digits, e.g. 123456789012",
    "document_name": (
        "an SSM document name: 3 to 128 letters, digits, underscores (_), hyphens (-) or "
        "periods (.), e.g. SSM-document-name"
    ),
    "document_prefix": (
        "the start of an SSM document name: 1 to 127 letters, digits, underscores (_), "
        "hyphens (-) or periods (.), e.g. MyDocument-"
    ),
    "instance_ids": (
        f"1 to {MAX_INSTANCE_IDS} EC2 instance IDs separated by commas or spaces, each i- "
        "followed by 8 or 17 hexadecimal digits (0-9, a-f), e.g. i-0123456789abcdef0"
    ),
    "role_prefix": (
        "the start of an IAM role name: 1 to 63 letters, digits or + = , . @ _ -, e.g. SSM-"
    ),
}

Check = Callable[[str], tuple[str, str | None]]


def split_list(value: str) -> list[str]:
    """The items of a list parameter, separated by commas or white space."""
    return [item for item in _LIST_SEPARATORS.split(value.strip()) if item]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _check_region(value: str) -> tuple[str, str | None]:
    code = value.strip().lower()
    catalog = get_catalog()
    if is_region(catalog, code):
        return code, None
    problem = f"{value.strip()!r} is not a Region code"
    near = closest(code, list(catalog.regions), limit=2)
    if near:
        problem += f" (did you mean {' or '.join(near)}?)"
    return code, problem


def _check_account(value: str) -> tuple[str, str | None]:
    digits = re.sub(r"[\s\-]", "", value)  # the console shows IDs as 1234-5678-9012
    if is_account_id(digits):
        return digits, None
    return digits, f"{value.strip()!r} is not 12 digits"


def _name_check(chars: str, shortest: int, longest: int, *, prefix: bool) -> Check:
    """A name (or, with `prefix`, the start of one: a final * is dropped, as the template
    adds it) made of `chars`, `shortest` to `longest` long."""
    allowed = re.compile(f"[{chars}]")

    def check(value: str) -> tuple[str, str | None]:
        text = value.strip()
        if prefix and text.endswith("*"):
            text = text[:-1]
        bad = sorted({c for c in text if not allowed.fullmatch(c)})
        if bad:
            shown = " ".join(repr(c) for c in bad[:5])
            return text, f"{text!r} has characters not allowed ({shown})"
        if not shortest <= len(text) <= longest:
            return text, f"{text!r} has {len(text)} characters"
        return text, None

    return check


def _check_instance_ids(value: str) -> tuple[str, str | None]:
    ids: list[str] = []
    bad: list[str] = []
    for item in split_list(value):
        normal = item.lower()  # IDs are lower case; ARNs are matched case-sensitively
        if not is_instance_id(normal):
            bad.append(repr(item))
        elif normal not in ids:
            ids.append(normal)
    if bad:
        shown = _join(bad[:3] + ([f"{len(bad) - 3} more"] if len(bad) > 3 else []))
        return "", f"{shown} {'is not an instance ID' if len(bad) == 1 else 'are not instance IDs'}"
    if not ids:
        return "", "no instance ID is given"
    if len(ids) > MAX_INSTANCE_IDS:
        return "", f"{len(ids)} instance IDs are given"
    return ", ".join(ids), None


_CHECKS: dict[str, Check] = {
    "region": _check_region,
    "account": _check_account,
    "document_name": _name_check(_DOCUMENT_CHARS, 3, 128, prefix=False),
    "document_prefix": _name_check(_DOCUMENT_CHARS, 1, 127, prefix=True),
    "instance_ids": _check_instance_ids,
    "role_prefix": _name_check(_ROLE_CHARS, 1, 63, prefix=True),
}


class TemplateParameter(BaseModel):
    """One value a template asks for, with the form it must take."""

    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    description: str
    kind: ParameterKind
    default: str
    required: bool = True

    @property
    def expected(self) -> str:
        """The form a value must take, as a phrase ("exactly 12 digits, ...")."""
        return _EXPECTED[self.kind]

    def validate_value(self, value: str) -> str:
        """The value normalised (trimmed; Region and instance IDs in lower case; account
        IDs without hyphens; instance IDs joined by ", "), or TemplateParameterError."""
        if not isinstance(value, str):
            raise TemplateParameterError(
                self.name, self.expected, f"{type(value).__name__} given, not text"
            )
        if not value.strip():
            if not self.required:
                return ""
            raise TemplateParameterError(self.name, self.expected, "the value is empty")
        normal, problem = _CHECKS[self.kind](value)
        if problem is not None:
            raise TemplateParameterError(self.name, self.expected, problem)
        return normal


# --- parameters shared by the templates ---------------------------------------------------
def region_parameter(default: str = "us-west-2", what: str = "the resources") -> TemplateParameter:
    return TemplateParameter(
        name="region",
        label="Region",
        description=(
            f"The AWS Region of {what} (the guide's examples use US West (Oregon), us-west-2)."
        ),
        kind="region",
        default=default,
    )


def account_parameter(default: str, what: str = "the resources") -> TemplateParameter:
    return TemplateParameter(
        name="account",
        label="Account ID",
        description=f"The 12-digit ID of the AWS account that owns {what}.",
        kind="account",
        default=default,
    )
