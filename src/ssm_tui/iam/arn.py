"""ARNs: parsing, policy variables, and IAM's wildcard matching of ARN patterns.

Shared by the checks (is this ARN well formed, which resource type is it), the simulator
(does this pattern match that ARN) and the UI (show the parts).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from ssm_tui.iam.glob import glob_regex, pattern_covers, variables_as_wildcards
from ssm_tui.iam.variables import PLACEHOLDER

__all__ = [
    "Arn",
    "absorbed_separators",
    "arn_covers",
    "arn_like",
    "arn_matches_template",
    "parse_arn",
    "patterns_overlap",
    "split_arn",
]


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


_WILDCARDS = re.compile(r"[*?]")
_TEMPLATE_WILDCARDS = re.compile(r"[*?]|\$\{")


@lru_cache(maxsize=4096)
def _template_masks(template: str) -> tuple[int, int, int, dict[str, int]]:
    """A template field as bit masks over its token positions: (length, stars, one-char
    wildcards, positions of each literal character).  `${Placeholder}` is one or more
    characters: a one-char wildcard then a star."""
    stars = anys = 0
    chars: dict[str, int] = {}
    position = pos = 0
    while pos < len(template):
        char = template[pos]
        if char == "$" and template.startswith("${", pos):
            end = template.find("}", pos)
            if end != -1:
                anys |= 1 << position
                stars |= 1 << (position + 1)
                position += 2
                pos = end + 1
                continue
        if char == "*":
            stars |= 1 << position
        elif char == "?":
            anys |= 1 << position
        else:
            chars[char] = chars.get(char, 0) | 1 << position
        position += 1
        pos += 1
    return position, stars, anys, chars


def _literal_prefix(text: str, wildcards: re.Pattern[str]) -> str:
    found = wildcards.search(text)
    return text if found is None else text[: found.start()]


def _literal_suffix(text: str, template: bool) -> str:
    """The characters after the last wildcard (or placeholder, in a template)."""
    cut = max(text.rfind("*"), text.rfind("?"))
    if template:
        close = text.rfind("}")
        if close > cut and text.rfind("${", 0, close) != -1:
            cut = close
    return text[cut + 1 :]


@lru_cache(maxsize=4096)
def patterns_overlap(pattern: str, template: str) -> bool:
    """True when some string matches both the glob `pattern` and the ARN `template` field.

    `pattern` uses IAM wildcards (`*`, `?`); `template` is a field of a catalogue ARN
    template where each `${Placeholder}` stands for one or more characters (and may
    also contain wildcards from a policy).  Case-sensitive, as ARN matching is.

    Linear in the pattern's length: equal literal ends are compared and cut off first,
    then the rest is matched with one bit set of template positions per pattern character.
    """
    # literal heads and tails must agree character for character (most pairs stop here)
    head, template_head = (
        _literal_prefix(pattern, _WILDCARDS),
        _literal_prefix(template, _TEMPLATE_WILDCARDS),
    )
    common = min(len(head), len(template_head))
    if head[:common] != template_head[:common]:
        return False
    pattern, template = pattern[common:], template[common:]
    tail, template_tail = _literal_suffix(pattern, False), _literal_suffix(template, True)
    common = min(len(tail), len(template_tail))
    if common:
        if tail[-common:] != template_tail[-common:]:
            return False
        pattern, template = pattern[:-common], template[:-common]
    return _overlap(pattern, *_template_masks(template))


def _overlap(pattern: str, m: int, stars: int, anys: int, chars: dict[str, int]) -> bool:
    # Dynamic programming over positions, one pattern character at a time: bit j of `row`
    # means pattern[:i] and the template's first j tokens can consume the same string.
    full = (1 << (m + 1)) - 1
    non_stars = ((1 << m) - 1) & ~stars

    def closed(row: int) -> int:  # a template star may match nothing
        while True:
            wider = row | ((row & stars) << 1)
            if wider == row:
                return row
            row = wider

    row = closed(1)
    for char in pattern:
        if char == "*":
            # the pattern's star absorbs every template token from the first reachable one
            row = full & ~((row & -row) - 1)
            continue
        step = non_stars if char == "?" else anys | chars.get(char, 0)
        row = closed((row & stars) | ((row & step) << 1))
        if not row:
            return False
    return bool(row >> m & 1)


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


def arn_like(pattern: str, value: str) -> bool:
    """IAM's ArnLike: each of the six fields matched separately, case-sensitively."""
    if pattern == "*":
        return True
    pattern_fields = split_arn(pattern)
    value_fields = split_arn(value)
    if len(pattern_fields) != 6 or len(value_fields) != 6:
        return False
    return all(
        glob_regex(p, ignore_case=False).match(v) is not None
        for p, v in zip(pattern_fields, value_fields, strict=True)
    )


@lru_cache(maxsize=16384)
def arn_covers(broad: str, narrow: str) -> bool:
    """ARN pattern containment, field by field as IAM matches ARNs."""
    if broad == "*":
        return True
    if narrow == "*":
        return False
    broad_fields, narrow_fields = split_arn(broad), split_arn(narrow)
    if len(broad_fields) != 6 or len(narrow_fields) != 6:
        return False
    return all(
        pattern_covers(b, n, ignore_case=False)
        for b, n in zip(broad_fields, narrow_fields, strict=True)
    )


_SEPARATORS = frozenset("/:")
_ANY, _STAR = "\x00?", "\x00*"  # a template's one-character wildcard and star tokens


def _template_tokens(template: str) -> tuple[str, ...]:
    """A template field as tokens: literal characters, _ANY and _STAR; `${Placeholder}`
    (one or more characters) is _ANY then _STAR."""
    tokens: list[str] = []
    pos = 0
    while pos < len(template):
        end = template.find("}", pos) if template.startswith("${", pos) else -1
        if end != -1:
            tokens += (_ANY, _STAR)
            pos = end + 1
            continue
        char = template[pos]
        tokens.append(_STAR if char == "*" else _ANY if char == "?" else char)
        pos += 1
    return tuple(tokens)


@lru_cache(maxsize=65536)
def absorbed_separators(pattern: str, template: str, *, exact: bool = False) -> int | None:
    """How well the glob `pattern` fits the template field's structure: over the strings both
    match, the fewest `/` and `:` written in `pattern` that a placeholder of `template` must
    swallow (None when they share no string).

    `my-bucket/*` fits the object format `${BucketName}/${ObjectName}` with 0 (its `/` is the
    object's) and the bucket format `${BucketName}` with 1.  With `exact`, the pattern's
    wildcards may stand only for the template's placeholders, never for text the template
    writes: `log-group:x:*` fits `log-group:${LogGroupName}:log-stream:${LogStreamName}`
    only by its `*` writing `log-stream:`, and `*/*` fits an S3 access point's
    `accesspoint/${AccessPointName}/object/${ObjectName}` only by writing `accesspoint`, so
    neither is exactly of that format.
    """
    tokens = _template_tokens(template)
    width = len(tokens) + 1
    inf = len(pattern) + 1
    # cost[i][j]: pattern[:i] and tokens[:j] can produce the same string, swallowing that many
    cost = [[inf] * width for _ in range(len(pattern) + 1)]
    cost[0][0] = 0
    for i in range(len(pattern) + 1):
        row = cost[i]
        for j in range(width):
            here = row[j]
            if here >= inf:
                continue
            char = pattern[i] if i < len(pattern) else None
            token = tokens[j] if j < len(tokens) else None
            if char == "*" and here < cost[i + 1][j]:
                cost[i + 1][j] = here  # the pattern's star matches nothing more
            if token == _STAR and here < row[j + 1]:
                row[j + 1] = here  # the template's star matches nothing more
            if char is None or token is None:
                continue
            if char == "*":
                if token == _ANY or (token != _STAR and not exact):
                    row[j + 1] = min(row[j + 1], here)
                continue
            if token in (_ANY, _STAR):
                step = 1 if char in _SEPARATORS else 0
                target = j + 1 if token == _ANY else j
                cost[i + 1][target] = min(cost[i + 1][target], here + step)
            elif char == "?":
                if not exact:
                    cost[i + 1][j + 1] = min(cost[i + 1][j + 1], here)
            elif char == token:
                cost[i + 1][j + 1] = min(cost[i + 1][j + 1], here)
    found = cost[len(pattern)][len(tokens)]
    return None if found >= inf else found
