"""Policy variables (`${aws:username}`, `${key, 'default'}`, `${*}`): one parser, one resolver.

The IAM User Guide, "IAM policy elements: Variables and tags"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
- a variable is `$` then the name of a request-context key in braces; key names are
  case-insensitive;
- "To add a default value to a variable, surround the default value with single quotes
  (' '), and separate the variable text and the default value with a comma and space (, )":
  `${aws:userid, 'anonymous'}`.  That is the only form read here; the validator reports any
  other spelling (a space in the name, no space or no quotes around the default), and the
  simulator treats such a variable as one without a value;
- `${*}`, `${?}` and `${$}` stand for the characters `*`, `?` and `$`;
- variables need `"Version": "2012-10-17"`; under an older Version (or none) `${...}` is
  literal text;
- a variable whose key has no (single) value in the request and no default resolves to
  nothing, so the text using it matches nothing.

Imports nothing else of ours: the glob, the operators and the checks build on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

# The Version that introduced policy variables.
VARIABLES_VERSION = "2012-10-17"

# A policy variable as written: ${...} (its body is read by parse_body).
VARIABLE = re.compile(r"\$\{([^}]*)\}")
PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
SPECIAL_VARIABLES: dict[str, str] = {"*": "*", "?": "?", "$": "$"}

# A variable body to its value, or raises Unresolved.
Resolve = Callable[[str], str]
# A request-context key to its values (None when the request has no such key).
Lookup = Callable[[str], Sequence[str] | None]


class Problem(Enum):
    """What makes a `${...}` unreadable (IAM Access Analyzer's names in comments)."""

    UNCLOSED = "unclosed"  # MISSING_BRACE_IN_VARIABLE: `${` with no `}` after it
    EMPTY = "empty"  # EMPTY_VARIABLE: `${}`
    SPACE = "space"  # UNSUPPORTED_SPACE_IN_VARIABLE: a space in or around the name
    DEFAULT_FORM = "default"  # MISSING_QUOTE_IN_VARIABLE: not `, 'default'`


@dataclass(frozen=True, slots=True)
class Variable:
    """A readable variable body: the key name and the default value, if any."""

    name: str
    default: str | None = None

    @property
    def special(self) -> str | None:
        """The character `${*}`, `${?}` or `${$}` stands for, else None."""
        return SPECIAL_VARIABLES.get(self.name)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One `${...}` in a text: where it is, its body, and what it reads as."""

    start: int
    end: int  # after the closing brace (the text's end when unclosed)
    body: str
    variable: Variable | None  # None when `problem` is set
    problem: Problem | None

    @property
    def text(self) -> str:
        return "${" + self.body + ("}" if self.problem is not Problem.UNCLOSED else "")


class Unresolved(Exception):
    """A variable that has no value: unreadable, absent from the request, no default."""


def version_allows_variables(version: str | None) -> bool:
    """Whether a policy with this Version reads `${...}` as variables."""
    return version == VARIABLES_VERSION


def has_variable(text: str) -> bool:
    return "${" in text


def parse_body(body: str) -> Variable | Problem:
    """The contents of `${...}` as a Variable, or the Problem that makes it unreadable."""
    if not body:
        return Problem.EMPTY
    name, comma, default = body.partition(",")
    if " " in name.strip() or name != name.strip():
        return Problem.SPACE
    if not comma:
        return Variable(name)
    if default.startswith(" '") and default.endswith("'") and len(default) >= 3:
        return Variable(name, default[2:-1])
    return Problem.DEFAULT_FORM


def scan(text: str) -> Iterator[Occurrence]:
    """Every `${...}` of `text`, in order; an unclosed one ends the scan."""
    pos = text.find("${")
    while pos != -1:
        end = text.find("}", pos)
        if end == -1:
            yield Occurrence(pos, len(text), text[pos + 2 :], None, Problem.UNCLOSED)
            return
        body = text[pos + 2 : end]
        parsed = parse_body(body)
        if isinstance(parsed, Problem):
            yield Occurrence(pos, end + 1, body, None, parsed)
        else:
            yield Occurrence(pos, end + 1, body, parsed, None)
        pos = text.find("${", end + 1)


def resolver(lookup: Lookup) -> Resolve:
    """Resolution of variable bodies from a request context: a key with exactly one value
    gives it; otherwise the default, if there is one; otherwise Unresolved."""

    def resolve(body: str) -> str:
        parsed = parse_body(body)
        if isinstance(parsed, Problem):
            raise Unresolved(body)
        if parsed.special is not None:
            return parsed.special
        values = lookup(parsed.name)
        if values is not None and len(values) == 1:
            return values[0]
        if parsed.default is not None:
            return parsed.default
        raise Unresolved(body)

    return resolve


def substitute(text: str, resolve: Resolve) -> str:
    """`text` with each variable replaced by its value (raises Unresolved, also for an
    unclosed `${`)."""
    if "${" not in text:
        return text
    parts: list[str] = []
    pos = 0
    for found in scan(text):
        if found.problem is Problem.UNCLOSED:
            raise Unresolved(found.body)
        parts.append(text[pos : found.start])
        parts.append(resolve(found.body))
        pos = found.end
    parts.append(text[pos:])
    return "".join(parts)
