"""A policy as text for another tool: JSON, the AWS CLI, Terraform, CloudFormation.

`export(policy_value, to, name=...)` returns the text (always ending with a newline) for one
of the `FORMATS`:

- ``json``: pretty JSON (2-space indent, canonical key order);
- ``min``: minified JSON;
- ``aws-cli``: an ``aws iam create-policy`` command, the minified JSON quoted for a POSIX
  shell (`shlex.quote`);
- ``terraform``: an ``aws_iam_policy`` resource whose ``policy`` is ``jsonencode({...})``
  written as an HCL object;
- ``terraform-doc``: a ``data "aws_iam_policy_document"`` block (one ``statement`` block per
  statement) and an ``aws_iam_policy`` resource using its ``.json``;
- ``cloudformation``: a YAML template with one ``AWS::IAM::ManagedPolicy`` resource.

HCL strings are template strings: besides ``\\`` and ``"``, the sequences ``${`` and ``%{``
start interpolations and directives, so they are written ``$${`` and ``%%{``; that keeps IAM
policy variables such as ``${aws:username}`` literal.  The YAML is written here, not by a
library: keys and strings are JSON-style double-quoted scalars (valid YAML), characters YAML
treats as line breaks or forbids are escaped.

The name is an IAM policy name (1-128 of letters, digits and ``+=,.@_-``); it is turned into a
Terraform identifier and a CloudFormation logical ID as each needs.  A bad name, an unknown
format or a policy a format cannot carry raises ValueError with a one-line message.

No textual import here (the TUI and the CLI both use it).
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Callable
from typing import Any

from ssm_tui.policy.format import MAX_DEPTH, canonical, minify, pretty

DEFAULT_NAME = "ssm-policy"

FORMATS: dict[str, str] = {
    "json": "pretty JSON (2-space indent, canonical key order)",
    "min": "minified JSON",
    "aws-cli": "an `aws iam create-policy` command (POSIX shell)",
    "terraform": "Terraform: aws_iam_policy with policy = jsonencode({...})",
    "terraform-doc": "Terraform: data aws_iam_policy_document (statement blocks) + aws_iam_policy",
    "cloudformation": "CloudFormation YAML template with an AWS::IAM::ManagedPolicy",
}

_POLICY_NAME = re.compile(r"[\w+=,.@-]{1,128}", re.ASCII)


def validate_policy_name(name: str) -> str:
    """The name if it is a valid IAM policy name; ValueError otherwise."""
    if not isinstance(name, str) or not name:
        raise ValueError("policy name is empty; IAM policy names have 1-128 characters")
    if len(name) > 128:
        raise ValueError(f"policy name is {len(name)} characters long; IAM allows at most 128")
    if not _POLICY_NAME.fullmatch(name):
        bad = sorted({c for c in name if not _POLICY_NAME.fullmatch(c)})
        shown = " ".join(repr(c) for c in bad)
        raise ValueError(
            f"policy name {name!r} has characters IAM does not allow ({shown}); "
            "use letters, digits and +=,.@_-"
        )
    return name


def terraform_identifier(name: str) -> str:
    """A Terraform resource name from a policy name: lower case letters, digits and ``_``,
    starting with a letter or ``_``."""
    ident = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
    ident = re.sub(r"_+", "_", ident)
    if not ident:
        return "policy"
    if not (ident[0].isalpha() or ident[0] == "_"):
        ident = f"policy_{ident}"
    return ident


def cloudformation_logical_id(name: str) -> str:
    """A CloudFormation logical ID (ASCII letters and digits, at most 255) from a policy
    name: its alphanumeric words in CamelCase, prefixed with ``Policy`` when needed."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    ident = "".join(word[:1].upper() + word[1:] for word in words)
    if not ident or not ident[0].isalpha():
        ident = f"Policy{ident}"
    return ident[:255]


# --- HCL -----------------------------------------------------------------------------------

# Escaped in every text format although the format would take them raw: line breaks to some
# readers (U+2028, U+2029), invisible (BOM), not encodable as UTF-8 (lone surrogates) or
# making a line read differently from what it holds on a terminal (bidirectional controls).
_ESCAPED_EVERYWHERE = frozenset(
    "\u2028\u2029\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    + "".join(map(chr, range(0xD800, 0xE000)))
)
_HCL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HCL_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_HCL_KEYWORDS = frozenset({"true", "false", "null", "for", "in", "if", "endfor", "endif"})


def _hcl_char(char: str) -> str:
    if char in _HCL_ESCAPES:
        return _HCL_ESCAPES[char]
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0 or char in _ESCAPED_EVERYWHERE:
        return f"\\u{code:04x}"
    return char


def hcl_string(text: str) -> str:
    """`text` as a quoted HCL string literal: escapes, and ``${``/``%{`` made literal."""
    body = "".join(_hcl_char(c) for c in text)
    return '"' + body.replace("${", "$${").replace("%{", "%%{") + '"'


def _hcl_key(key: str) -> str:
    if _HCL_BARE_KEY.fullmatch(key) and key not in _HCL_KEYWORDS:
        return key
    return hcl_string(key)


def _number(value: int | float, fmt: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{fmt}: the policy holds a number that is not finite ({value})")
    text = json.dumps(value)
    if isinstance(value, float) and "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"  # YAML 1.1 floats need a dot
    return text


def _scalar(value: Any, fmt: str, string: Callable[[str], str]) -> str | None:
    """The text of a scalar, or None for a collection."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value, fmt)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, dict | list):
        return None
    raise ValueError(f"{fmt}: the policy holds a {type(value).__name__}, not a JSON value")


def hcl_value(value: Any, indent: str = "") -> str:
    """A JSON value as an HCL expression (objects one element a line, keys quoted where
    needed); nested lines are indented from `indent`."""
    scalar = _scalar(value, "terraform", hcl_string)
    if scalar is not None:
        return scalar
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        for key in value:
            if not isinstance(key, str):
                raise ValueError("terraform: object keys must be strings")
        lines = [f"{inner}{_hcl_key(k)} = {hcl_value(v, inner)}" for k, v in value.items()]
        return "{\n" + "\n".join(lines) + f"\n{indent}}}"
    if not value:
        return "[]"
    if all(_scalar(item, "terraform", hcl_string) is not None for item in value):
        one_line = "[" + ", ".join(hcl_value(item) for item in value) + "]"
        if len(inner) + len(one_line) <= 100:
            return one_line
    lines = [f"{inner}{hcl_value(item, inner)}," for item in value]
    return "[\n" + "\n".join(lines) + f"\n{indent}]"


def _require_object(policy_value: Any, fmt: str) -> dict[str, Any]:
    if not isinstance(policy_value, dict):
        raise ValueError(f"{fmt}: the policy must be a JSON object, not {_kind(policy_value)}")
    return canonical(policy_value)  # type: ignore[no-any-return]


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a " + type(value).__name__


def _terraform(policy_value: Any, name: str) -> str:
    policy = _require_object(policy_value, "terraform")
    ident = terraform_identifier(name)
    return (
        f'resource "aws_iam_policy" "{ident}" {{\n'
        f"  name   = {hcl_string(name)}\n"
        f"  policy = jsonencode({hcl_value(policy, '  ')})\n"
        "}\n"
    )


# --- Terraform: aws_iam_policy_document ------------------------------------------------------

_DOC_LISTS = (
    ("Action", "actions"),
    ("NotAction", "not_actions"),
    ("Resource", "resources"),
    ("NotResource", "not_resources"),
)
_DOC_STATEMENT_KEYS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Condition"} | {k for k, _ in _DOC_LISTS}
)


def _strings(value: Any, where: str, *, scalars: bool = False) -> list[str]:
    """A string or list of strings (with `scalars`, numbers and booleans too) as strings."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif scalars and isinstance(item, bool):
            found.append("true" if item else "false")
        elif scalars and isinstance(item, int | float):
            found.append(_number(item, "terraform-doc"))
        else:
            raise ValueError(f"terraform-doc: {where} must hold strings, not {_kind(item)}")
    return found


def _hcl_list(items: list[str], indent: str) -> str:
    return hcl_value(items, indent)


def _principal_blocks(block: str, value: Any, where: str) -> list[str]:
    pad = "    "
    if value == "*":
        pairs: list[tuple[str, list[str]]] = [("*", ["*"])]
    elif isinstance(value, dict):
        pairs = [(kind, _strings(ids, f"{where}.{kind}")) for kind, ids in value.items()]
    else:
        raise ValueError(f'terraform-doc: {where} must be "*" or an object')
    return [
        f"{pad}{block} {{\n"
        f"{pad}  type        = {hcl_string(kind)}\n"
        f"{pad}  identifiers = {_hcl_list(ids, pad + '  ')}\n"
        f"{pad}}}"
        for kind, ids in pairs
    ]


def _statement_block(statement: Any, number: int) -> str:
    where = f"statement {number}"
    if not isinstance(statement, dict):
        raise ValueError(f"terraform-doc: {where} must be an object, not {_kind(statement)}")
    unknown = sorted(set(statement) - _DOC_STATEMENT_KEYS)
    if unknown:
        raise ValueError(
            f"terraform-doc: {where} has elements aws_iam_policy_document cannot carry: "
            + ", ".join(unknown)
        )
    pad = "    "
    lines: list[str] = []
    for key, argument in (("Sid", "sid"), ("Effect", "effect")):
        if key in statement:
            value = statement[key]
            if not isinstance(value, str):
                raise ValueError(f"terraform-doc: {where}.{key} must be a string")
            lines.append(f"{pad}{argument} = {hcl_string(value)}")
    for key, argument in _DOC_LISTS:
        if key in statement:
            items = _strings(statement[key], f"{where}.{key}")
            lines.append(f"{pad}{argument} = {_hcl_list(items, pad)}")
    for key, block in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
        if key in statement:
            lines.extend(_principal_blocks(block, statement[key], f"{where}.{key}"))
    condition = statement.get("Condition", {})
    if not isinstance(condition, dict):
        raise ValueError(f"terraform-doc: {where}.Condition must be an object")
    for operator, keys in condition.items():
        if not isinstance(keys, dict):
            raise ValueError(f"terraform-doc: {where}.Condition.{operator} must be an object")
        for key, values in keys.items():
            items = _strings(values, f"{where}.Condition.{operator}.{key}", scalars=True)
            lines.append(
                f"{pad}condition {{\n"
                f"{pad}  test     = {hcl_string(operator)}\n"
                f"{pad}  variable = {hcl_string(key)}\n"
                f"{pad}  values   = {_hcl_list(items, pad + '  ')}\n"
                f"{pad}}}"
            )
    return "  statement {\n" + "\n".join(lines) + ("\n" if lines else "") + "  }"


def _terraform_doc(policy_value: Any, name: str) -> str:
    policy = _require_object(policy_value, "terraform-doc")
    unknown = sorted(set(policy) - {"Version", "Id", "Statement"})
    if unknown:
        raise ValueError(
            "terraform-doc: the policy has elements aws_iam_policy_document cannot carry: "
            + ", ".join(unknown)
        )
    if "&{" in json.dumps(policy, ensure_ascii=False):
        # the data source turns &{ into ${ (its own policy-variable syntax)
        raise ValueError(
            "terraform-doc: the policy contains '&{', which aws_iam_policy_document "
            "would turn into '${'; use --to terraform"
        )
    ident = terraform_identifier(name)
    lines = [f'data "aws_iam_policy_document" "{ident}" {{']
    for key, argument in (("Version", "version"), ("Id", "policy_id")):
        if key in policy:
            if not isinstance(policy[key], str):
                raise ValueError(f"terraform-doc: {key} must be a string")
            lines.append(f"  {argument} = {hcl_string(policy[key])}")
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise ValueError("terraform-doc: Statement must be an object or an array")
    lines.extend(_statement_block(s, n) for n, s in enumerate(statements, 1))
    lines.append("}")
    return (
        "\n".join(lines)
        + "\n\n"
        + f'resource "aws_iam_policy" "{ident}" {{\n'
        + f"  name   = {hcl_string(name)}\n"
        + f"  policy = data.aws_iam_policy_document.{ident}.json\n"
        + "}\n"
    )


# --- YAML (CloudFormation) ----------------------------------------------------------------

_YAML_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _yaml_char(char: str) -> str:
    code = ord(char)
    if 0x7F <= code < 0xA0 or char in _ESCAPED_EVERYWHERE or char in "\ufffe\uffff":
        return f"\\u{code:04x}"  # line breaks in YAML, or not printable
    return char


def yaml_string(text: str) -> str:
    """`text` as a double-quoted YAML scalar (JSON escapes, plus YAML's extra breaks)."""
    return "".join(_yaml_char(c) for c in json.dumps(text, ensure_ascii=False))


def _yaml_key(key: Any) -> str:
    if not isinstance(key, str):
        raise ValueError("cloudformation: object keys must be strings")
    if _YAML_PLAIN_KEY.fullmatch(key) and key.lower() not in _YAML_WORDS:
        return key
    return yaml_string(key)


def _yaml_lines(value: Any, indent: str) -> list[str]:
    """Block-style lines of a non-empty collection."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            scalar = _yaml_scalar(item)
            if scalar is not None:
                lines.append(f"{indent}{_yaml_key(key)}: {scalar}")
            else:
                lines.append(f"{indent}{_yaml_key(key)}:")
                lines.extend(_yaml_lines(item, indent + "  "))
        return lines
    for item in value:
        scalar = _yaml_scalar(item)
        if scalar is not None:
            lines.append(f"{indent}- {scalar}")
        else:
            nested = _yaml_lines(item, indent + "  ")
            nested[0] = f"{indent}- {nested[0][len(indent) + 2 :]}"
            lines.extend(nested)
    return lines


def _yaml_scalar(value: Any) -> str | None:
    """The flow text of a scalar or empty collection, None for a non-empty collection."""
    if isinstance(value, dict | list) and not value:
        return "{}" if isinstance(value, dict) else "[]"
    return _scalar(value, "cloudformation", yaml_string)


def _cloudformation(policy_value: Any, name: str) -> str:
    policy = _require_object(policy_value, "cloudformation")
    logical_id = cloudformation_logical_id(name)
    head = [
        'AWSTemplateFormatVersion: "2010-09-09"',
        f"Description: {yaml_string(f'IAM managed policy {name} (exported by ssm-tui)')}",
        "Resources:",
        f"  {logical_id}:",
        '    Type: "AWS::IAM::ManagedPolicy"',
        "    Properties:",
        f"      ManagedPolicyName: {yaml_string(name)}",
    ]
    document = _yaml_scalar(policy)
    if document is not None:
        head.append(f"      PolicyDocument: {document}")
        return "\n".join(head) + "\n"
    body = _yaml_lines(policy, "        ")
    return "\n".join([*head, "      PolicyDocument:", *body]) + "\n"


# --- the entry point ------------------------------------------------------------------------


def _aws_cli(policy_value: Any, name: str) -> str:
    _require_object(policy_value, "aws-cli")
    return (
        f"aws iam create-policy --policy-name {shlex.quote(name)} "
        f"--policy-document {shlex.quote(minify(policy_value))}\n"
    )


_EXPORTERS: dict[str, Callable[[Any, str], str]] = {
    "json": lambda value, _name: pretty(value),
    "min": lambda value, _name: minify(value) + "\n",
    "aws-cli": _aws_cli,
    "terraform": _terraform,
    "terraform-doc": _terraform_doc,
    "cloudformation": _cloudformation,
}
assert set(_EXPORTERS) == set(FORMATS)


def export(policy_value: Any, to: str, *, name: str = DEFAULT_NAME) -> str:
    """The policy (a parsed JSON value) as text in format `to` (a key of `FORMATS`), ending
    with a newline.  `name` is the IAM policy name used by the IaC formats.  Raises
    ValueError for an unknown format, an invalid name or a policy the format cannot carry."""
    exporter = _EXPORTERS.get(to)
    if exporter is None:
        raise ValueError(f"unknown export format {to!r}; expected one of {', '.join(FORMATS)}")
    validate_policy_name(name)
    try:
        return exporter(policy_value, name)
    except RecursionError:
        raise ValueError(
            f"{to}: the policy is nested too deeply to write (policies are nested at most "
            f"{MAX_DEPTH} levels)"
        ) from None
