"""Canonical text of a policy: pretty (2-space indent, stable key order) and minified, and
`loads_policy`, the strict JSON reader every command that needs a policy's value uses.

`loads_policy` reads with the validator's own parser (`ssm_tui.policy.source.parse_json`),
so it refuses exactly what `check` calls a syntax error, with the same message and place:
NaN, Infinity and -Infinity (IAM's JSON has none), integers longer than the interpreter's
digit limit (4,300 digits by default; refused, not kept as text), numbers too large for a
float, nesting deeper than `MAX_DEPTH` levels.  A duplicated key keeps its last value, as
`json.loads` does.  A leading byte-order mark is skipped, as `check` does.

`pretty` and `minify` write JSON in which DEL, the C1 controls (U+0080-U+009F), lone
surrogates, the line and paragraph separators and the bidirectional controls are written as
``\\uXXXX`` escapes: the same value, but text that is safe to print on a terminal and to
write as UTF-8.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ssm_tui.policy.elements import POLICY_ELEMENTS, STATEMENT_ELEMENTS
from ssm_tui.policy.source import MAX_DEPTH, parse_json

__all__ = [
    "MAX_DEPTH",
    "PolicyJsonError",
    "canonical",
    "depth_within",
    "escape_json_text",
    "loads_policy",
    "minify",
    "pretty",
]

_POLICY_ORDER = {key: rank for rank, key in enumerate(POLICY_ELEMENTS)}
_STATEMENT_ORDER = {key: rank for rank, key in enumerate(STATEMENT_ELEMENTS)}

# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal acts on (DEL, C1),
# that cannot be encoded as UTF-8 (lone surrogates), that some readers take for line breaks
# (U+2028, U+2029) or that make a line read differently from what it holds (bidi controls).
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class PolicyJsonError(ValueError):
    """Text that is not a policy's JSON: ``str()`` is one line, "line 3, column 7: <what>";
    `line` and `column` are 1-based (columns in characters), `message` is the <what>."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column


def loads_policy(text: str) -> Any:
    """The JSON value of `text`, like `json.loads`, but strict as `check` is (see the module
    docstring).  Raises PolicyJsonError, and nothing else, for any text that is not JSON."""
    value = _fast_loads(text)
    if value is not _SLOW:
        return value
    try:
        parsed = parse_json(text)
        problem = parsed.syntax_error
        if problem is None:
            return parsed.value
        line, column = parsed.source_map.lines.position(problem.offset)
        message = problem.message
    except (RecursionError, ValueError, TypeError) as exc:  # parse_json never raises: a guard
        raise PolicyJsonError(f"cannot read this text ({type(exc).__name__})", 1, 1) from None
    raise PolicyJsonError(message, line, column)


_SLOW = object()


def _refuse(_text: str) -> Any:
    raise ValueError("not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if number in (math.inf, -math.inf):
        raise ValueError("not a finite number")
    return number


def _fast_loads(text: str) -> Any:
    """`json.loads` for the common case (about 50 times faster than the validator's parser
    on large text); `_SLOW` when the text needs the validator's parser to be refused or read
    (any error, NaN/Infinity, a huge number, deep nesting, a byte-order mark)."""
    try:
        value = json.loads(text, parse_constant=_refuse, parse_float=_finite_float)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return _SLOW
    return value if depth_within(value, MAX_DEPTH) else _SLOW


def depth_within(value: Any, limit: int) -> bool:
    """Whether objects and arrays in `value` are nested at most `limit` levels (the
    validator's parser counts the same way: the outermost object is level 1)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        if depth > limit:
            return False
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return True


def escape_json_text(text: str) -> str:
    """JSON text (from json.dumps) with the characters listed in the module docstring written
    as ``\\uXXXX``; outside strings JSON has none of them, so the value is unchanged."""
    if _UNSAFE_IN_JSON.search(text) is None:
        return text
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _ordered(value: dict[str, Any], order: dict[str, int]) -> dict[str, Any]:
    # Known elements first in canonical order, unknown ones after in their own order.
    known = sorted((k for k in value if k in order), key=order.__getitem__)
    return {**{k: value[k] for k in known}, **{k: v for k, v in value.items() if k not in order}}


def canonical(value: Any) -> Any:
    """The policy value with its keys in canonical order (anything else left as it is)."""
    if not isinstance(value, dict):
        return value
    policy = _ordered(value, _POLICY_ORDER)
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        policy["Statement"] = _ordered(statements, _STATEMENT_ORDER)
    elif isinstance(statements, list):
        policy["Statement"] = [
            _ordered(s, _STATEMENT_ORDER) if isinstance(s, dict) else s for s in statements
        ]
    return policy


def _dumps(value: Any, **options: Any) -> str:
    try:
        text = json.dumps(canonical(value), ensure_ascii=False, allow_nan=False, **options)
    except RecursionError:
        raise ValueError(
            f"the policy is nested deeper than this program can write; policies are nested "
            f"at most {MAX_DEPTH} levels"
        ) from None
    except ValueError as exc:
        if "float" in str(exc):  # "Out of range float values are not JSON compliant"
            message = "the policy holds a number that is not finite (NaN or Infinity)"
            raise ValueError(message) from None
        raise
    except TypeError as exc:
        raise ValueError(f"the policy holds a value that is not JSON ({exc})") from None
    return escape_json_text(text)


def pretty(value: Any) -> str:
    """2-space indented JSON in canonical key order, ending with a newline.  Raises
    ValueError (never RecursionError) for a value JSON cannot write; a value from
    `loads_policy` always can be written."""
    return _dumps(value, indent=2) + "\n"


def minify(value: Any) -> str:
    """The shortest JSON text of the policy, in canonical key order (ValueError as `pretty`)."""
    return _dumps(value, separators=(",", ":"))
