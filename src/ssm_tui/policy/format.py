"""Canonical text of a policy: pretty (2-space indent, stable key order) and minified."""

from __future__ import annotations

import json
from typing import Any

from ssm_tui.policy.elements import POLICY_ELEMENTS, STATEMENT_ELEMENTS

_POLICY_ORDER = {key: rank for rank, key in enumerate(POLICY_ELEMENTS)}
_STATEMENT_ORDER = {key: rank for rank, key in enumerate(STATEMENT_ELEMENTS)}


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


def pretty(value: Any) -> str:
    """2-space indented JSON in canonical key order, ending with a newline."""
    return json.dumps(canonical(value), indent=2, ensure_ascii=False) + "\n"


def minify(value: Any) -> str:
    """The shortest JSON text of the policy, in canonical key order."""
    return json.dumps(canonical(value), separators=(",", ":"), ensure_ascii=False)
