"""IAM wildcards and policy variables to a regular expression, written once.

`*` matches any run of characters (also `/` and `:`), `?` exactly one
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
With a resolver, each `${...}` becomes its value as literal text (`${*}` a literal `*`); a
variable without a value makes the whole pattern match nothing (Unresolved is raised).
Without one, `$`, `{` and `}` are ordinary characters, as IAM reads them under an old Version.

Used by the catalogue (action patterns), ARN matching, the condition operators, the
simulator and the condition-key templates (`ssm:resourceTag/${TagKey}`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ssm_tui.iam.variables import (
    PLACEHOLDER,
    Problem,
    Resolve,
    Unresolved,
    has_variable,
    scan,
    substitute,
)

__all__ = [
    "KEY_PLACEHOLDER",
    "fill_key_template",
    "glob_fragment",
    "glob_regex",
    "has_wildcard",
    "is_key_template",
    "key_template_head",
    "pattern_covers",
    "pattern_regex",
    "template_regex",
    "variables_as_wildcards",
]


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


@lru_cache(maxsize=8192)
def glob_fragment(pattern: str) -> str:
    """The unanchored regular expression of a glob (`*` any run, `?` one character)."""
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _flags(ignore_case: bool) -> re.RegexFlag:
    return re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL


@lru_cache(maxsize=4096)
def glob_regex(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    """IAM glob as an anchored regular expression (cached: checks ask for the same
    patterns again and again).  `${...}` is literal text here."""
    return re.compile(glob_fragment(pattern) + r"\Z", _flags(ignore_case))


def pattern_regex(
    pattern: str, *, resolve: Resolve | None, wildcards: bool = True, ignore_case: bool = False
) -> re.Pattern[str]:
    """`pattern` as an anchored regex: wildcards (unless `wildcards` is False) and, with
    `resolve`, policy variables replaced by their values as literal text.

    Raises Unresolved for a variable without a value or an unclosed `${`."""
    if not wildcards:
        text = pattern if resolve is None else substitute(pattern, resolve)
        return re.compile(re.escape(text) + r"\Z", _flags(ignore_case))
    if resolve is None or not has_variable(pattern):
        return glob_regex(pattern, ignore_case=ignore_case)
    parts: list[str] = []
    pos = 0
    for found in scan(pattern):
        if found.problem is Problem.UNCLOSED:
            raise Unresolved(found.body)
        parts.append(glob_fragment(pattern[pos : found.start]))
        parts.append(re.escape(resolve(found.body)))
        pos = found.end
    parts.append(glob_fragment(pattern[pos:]))
    return re.compile("".join(parts) + r"\Z", _flags(ignore_case))


def variables_as_wildcards(text: str) -> str:
    """Treat each `${...}` as `*`: a variable can stand for any value at request time."""
    return PLACEHOLDER.sub("*", text) if "${" in text else text


# The placeholders of the catalogue's condition-key templates, whatever their spelling:
# `${TagKey}` (and `${Domain}`, `${EnterpriseName}`, ... any name), `<key>`
# (s3:ExistingObjectTag/<key>), the literal `tag-key` after a Tag/ head
# (ssm:resourceTag/tag-key, secretsmanager:ResourceTag/tag-key) and nothing at all after one
# (glacier:ResourceTag/, sagemaker:ResourceTag/): each stands for the name written there.
KEY_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^<>]*>|(?i:(?<=tag/)(?:tag-key)?\Z)")


def is_key_template(key: str) -> bool:
    """Whether a catalogue condition key is a template (see KEY_PLACEHOLDER)."""
    return KEY_PLACEHOLDER.search(key) is not None


def key_template_head(key: str) -> str | None:
    """The text before a template's first placeholder (`s3:ExistingObjectTag/`), or None."""
    found = KEY_PLACEHOLDER.search(key)
    return None if found is None else key[: found.start()]


def fill_key_template(key: str, value: str) -> str:
    """A template with each placeholder replaced by `value` (a key as a policy writes it)."""
    return KEY_PLACEHOLDER.sub(value, key)


@lru_cache(maxsize=4096)
def template_regex(template: str) -> re.Pattern[str]:
    """A catalogue key template such as `ssm:resourceTag/${TagKey}` or
    `s3:ExistingObjectTag/<key>` as a case-insensitive anchored regex: each placeholder
    (KEY_PLACEHOLDER) stands for one or more characters, everything else (`*` and `?` too)
    is literal."""
    parts = KEY_PLACEHOLDER.split(template)
    return re.compile(".+".join(re.escape(part) for part in parts) + r"\Z", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _containment_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    # `*` spans anything; `?` is one character but never one of the other pattern's `*`,
    # so matching another pattern's text proves containment (see pattern_covers()).
    parts = [".*" if c == "*" else "[^*]" if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


@lru_cache(maxsize=16384)
def pattern_covers(broad: str, narrow: str, *, ignore_case: bool) -> bool:
    """True when every string the glob `narrow` matches, `broad` matches too."""
    return _containment_regex(broad, ignore_case).fullmatch(narrow) is not None
