"""Pretty and minified policy text: indentation, canonical key order, round trip."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ssm_tui.policy.format import canonical, minify, pretty

SCRAMBLED: dict[str, Any] = {
    "Zeta": 1,
    "Statement": [
        {
            "Condition": {"StringEquals": {"ssm:resourceTag/Team": "ops"}},
            "NotResource": "arn:aws:ssm:*:*:parameter/secret/*",
            "Extra": True,
            "Resource": "*",
            "NotAction": "ssm:DeleteParameter",
            "Action": ["ssm:GetParameter", "ssm:SendCommand"],
            "Effect": "Allow",
            "Another": None,
            "Sid": "Read",
        },
        {"Resource": "*", "Action": "ssm:ListDocuments", "Effect": "Deny"},
    ],
    "Id": "policy-id",
    "Alpha": [1, 2],
    "Version": "2012-10-17",
}

STATEMENT_ORDER = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"]


def test_policy_key_order() -> None:
    value = json.loads(pretty(SCRAMBLED))
    assert list(value) == ["Version", "Id", "Statement", "Zeta", "Alpha"]


def test_statement_key_order_known_then_unknown_in_original_order() -> None:
    value = json.loads(pretty(SCRAMBLED))
    first, second = value["Statement"]
    assert list(first) == [*STATEMENT_ORDER, "Extra", "Another"]
    assert list(second) == ["Effect", "Action", "Resource"]


def test_principal_sits_between_effect_and_action() -> None:
    value = json.loads(
        minify({"Statement": {"Action": "a", "Principal": "*", "Effect": "Allow", "Sid": "s"}})
    )
    assert list(value["Statement"]) == ["Sid", "Effect", "Principal", "Action"]


def test_single_statement_object_is_ordered() -> None:
    value = json.loads(pretty({"Statement": {"Resource": "*", "Sid": "x", "Effect": "Allow"}}))
    assert list(value["Statement"]) == ["Sid", "Effect", "Resource"]


def test_nested_values_keep_their_order() -> None:
    condition = {"StringLike": {"b": "1", "a": "2"}, "Bool": {"aws:SecureTransport": "true"}}
    value = json.loads(minify({"Statement": [{"Condition": condition, "Effect": "Deny"}]}))
    got = value["Statement"][0]["Condition"]
    assert list(got) == ["StringLike", "Bool"]
    assert list(got["StringLike"]) == ["b", "a"]


def test_pretty_exact_text() -> None:
    value = {
        "Statement": [{"Resource": "*", "Action": ["ssm:A", "ssm:B"], "Effect": "Allow"}],
        "Version": "2012-10-17",
    }
    assert pretty(value) == (
        "{\n"
        '  "Version": "2012-10-17",\n'
        '  "Statement": [\n'
        "    {\n"
        '      "Effect": "Allow",\n'
        '      "Action": [\n'
        '        "ssm:A",\n'
        '        "ssm:B"\n'
        "      ],\n"
        '      "Resource": "*"\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_pretty_uses_two_space_indent() -> None:
    text = pretty(SCRAMBLED)
    assert text.endswith("}\n")
    assert "\t" not in text
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 2 == 0
    assert '\n  "Version"' in text
    assert '\n      "Sid"' in text


def test_minify_exact_text() -> None:
    value = {"Statement": [{"Resource": "*", "Effect": "Allow"}], "Version": "2012-10-17"}
    assert (
        minify(value) == '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}'
    )


def test_minify_has_no_whitespace() -> None:
    text = minify(SCRAMBLED)
    assert not any(char.isspace() for char in text)
    assert len(text) == len(json.dumps(SCRAMBLED, separators=(",", ":")))


def test_minify_keeps_spaces_inside_strings() -> None:
    text = minify({"Statement": [{"Sid": "a b", "Effect": "Allow"}]})
    assert text == '{"Statement":[{"Sid":"a b","Effect":"Allow"}]}'


@pytest.mark.parametrize("render", [pretty, minify])
def test_round_trip(render: Any) -> None:
    assert json.loads(render(SCRAMBLED)) == SCRAMBLED
    again = render(json.loads(render(SCRAMBLED)))
    assert again == render(SCRAMBLED)


@pytest.mark.parametrize("render", [pretty, minify])
def test_non_ascii_is_kept(render: Any) -> None:
    value = {"Statement": [{"Sid": "Café€", "Effect": "Allow"}]}
    text = render(value)
    assert "Café€" in text
    assert "\\u" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize(
    "value",
    [
        [1, 2],
        "text",
        42,
        None,
        {},
        {"Statement": "not a list"},
        {"Statement": [1, "x", None, {"Effect": "Allow", "Sid": "s"}]},
    ],
)
@pytest.mark.parametrize("render", [pretty, minify])
def test_odd_values_round_trip(value: Any, render: Any) -> None:
    assert json.loads(render(value)) == value


def test_non_dict_statements_left_alone() -> None:
    value = json.loads(minify({"Statement": [1, {"Effect": "Deny", "Sid": "a"}]}))
    assert value["Statement"][0] == 1
    assert list(value["Statement"][1]) == ["Sid", "Effect"]


def test_canonical_does_not_mutate_input() -> None:
    original = copy.deepcopy(SCRAMBLED)
    canonical(SCRAMBLED)
    pretty(SCRAMBLED)
    minify(SCRAMBLED)
    assert original == SCRAMBLED
    assert list(SCRAMBLED) == list(original)
    assert list(SCRAMBLED["Statement"][0]) == list(original["Statement"][0])
