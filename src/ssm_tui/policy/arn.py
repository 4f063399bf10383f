"""ARNs: parsing, policy variables, and IAM's wildcard matching of ARN patterns.

Shared by the checks (is this ARN well formed, which resource type is it), the simulator
(does this pattern match that ARN) and the UI (show the parts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

# A policy variable as written: ${...} (contents checked separately).
VARIABLE = re.compile(r"\$\{([^}]*)\}")
PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


class Arn(BaseModel):
    """The six fields of `arn:partition:service:region:account:resource`."""

    model_config = ConfigDict(frozen=True)

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    @property
    def resource_type_word(self) -> str:
        """The leading word of the resource part (`document` in `document/Name`)."""
        return re.split(r"[/:]", self.resource, maxsplit=1)[0]


@lru_cache(maxsize=16384)
def split_arn(text: str) -> tuple[str, ...]:
    """The colon fields of an ARN; the sixth keeps its own colons, and a colon inside a
    policy variable (`${aws:PrincipalAccount}`) does not split."""
    if "${" not in text:
        return tuple(text.split(":", 5))
    fields: list[str] = []
    start = pos = 0
    while pos < len(text) and len(fields) < 5:
        if text.startswith("${", pos):
            close = text.find("}", pos)
            if close != -1:
                pos = close + 1
                continue
        if text[pos] == ":":
            fields.append(text[start:pos])
            start = pos + 1
        pos += 1
    fields.append(text[start:])
    return tuple(fields)


def parse_arn(text: str) -> Arn | None:
    """The fields of an ARN, or None when `text` is not `arn:` plus five more fields."""
    fields = split_arn(text)
    if len(fields) < 6 or fields[0] != "arn":
        return None
    return Arn(
        partition=fields[1],
        service=fields[2],
        region=fields[3],
        account=fields[4],
        resource=fields[5],
    )


def variables_as_wildcards(text: str) -> str:
    """Treat each `${...}` as `*`: a variable can stand for any value at request time."""
    return VARIABLE.sub("*", text) if "${" in text else text


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "lit", "any" (one char), "star" (any run), "plus" (one or more)
    char: str = ""


def _tokens(pattern: str, *, template: bool) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(pattern):
        if template and pattern.startswith("${", pos):
            end = pattern.find("}", pos)
            if end != -1:
                tokens.append(_Token("plus"))
                pos = end + 1
                continue
        char = pattern[pos]
        if char == "*":
            tokens.append(_Token("star"))
        elif char == "?":
            tokens.append(_Token("any"))
        else:
            tokens.append(_Token("lit", char))
        pos += 1
    return tuple(tokens)


def _expand_plus(tokens: tuple[_Token, ...]) -> tuple[_Token, ...]:
    out: list[_Token] = []
    for token in tokens:
        if token.kind == "plus":
            out.extend((_Token("any"), _Token("star")))
        else:
            out.append(token)
    return tuple(out)


@lru_cache(maxsize=4096)
def patterns_overlap(pattern: str, template: str) -> bool:
    """True when some string matches both the glob `pattern` and the ARN `template` field.

    `pattern` uses IAM wildcards (`*`, `?`); `template` is a field of a catalogue ARN
    template where each `${Placeholder}` stands for one or more characters (and may
    also contain wildcards from a policy).  Case-sensitive, as ARN matching is.
    """
    left = _tokens(pattern, template=False)
    right = _expand_plus(_tokens(template, template=True))
    return _overlap(left, right)


def _overlap(left: tuple[_Token, ...], right: tuple[_Token, ...]) -> bool:
    # Dynamic programming over positions: reachable[i][j] means left[:i] and right[:j]
    # can consume the same string.
    n, m = len(left), len(right)
    reachable = [[False] * (m + 1) for _ in range(n + 1)]
    reachable[0][0] = True
    for i in range(n + 1):
        for j in range(m + 1):
            if not reachable[i][j]:
                continue
            a = left[i] if i < n else None
            b = right[j] if j < m else None
            if a is not None and a.kind == "star":
                reachable[i + 1][j] = True  # the star matches nothing more
                if b is not None:
                    reachable[i][j + 1] = True  # the star absorbs what b matches
            if b is not None and b.kind == "star":
                reachable[i][j + 1] = True
                if a is not None:
                    reachable[i + 1][j] = True
            if (
                a is not None
                and b is not None
                and a.kind != "star"
                and b.kind != "star"
                and (a.kind == "any" or b.kind == "any" or a.char == b.char)
            ):
                reachable[i + 1][j + 1] = True
    return reachable[n][m]


@lru_cache(maxsize=65536)
def arn_matches_template(arn: str, template: str) -> bool:
    """Could the ARN pattern `arn` (wildcards and variables allowed) name a resource of the
    type whose catalogue ARN template is `template`?  Compared field by field."""
    arn_fields = split_arn(variables_as_wildcards(arn))
    template_fields = split_arn(template)
    if len(arn_fields) < 6 or len(template_fields) < 6:
        return False
    # partition, region and account placeholders accept any value (checked elsewhere);
    # an empty template field (e.g. S3's region) accepts only empty or wildcard.
    for index in (1, 2, 3, 4):
        mine, theirs = arn_fields[index], template_fields[index]
        if PLACEHOLDER.fullmatch(theirs):
            continue
        if not patterns_overlap(mine, theirs):
            return False
    return patterns_overlap(arn_fields[5], template_fields[5])


@lru_cache(maxsize=4096)
def _compiled_glob(pattern: str) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def arn_like(pattern: str, value: str) -> bool:
    """IAM's ArnLike: each of the six fields matched separately, case-sensitively."""
    if pattern == "*":
        return True
    pattern_fields = split_arn(pattern)
    value_fields = split_arn(value)
    if len(pattern_fields) != 6 or len(value_fields) != 6:
        return False
    return all(
        _compiled_glob(p).match(v) is not None
        for p, v in zip(pattern_fields, value_fields, strict=True)
    )
