"""Policy variables: one parser of a `${...}` body, one resolver, the glob that uses them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssm_tui.iam.glob import (
    glob_regex,
    is_key_template,
    pattern_regex,
    template_regex,
    variables_as_wildcards,
)
from ssm_tui.iam.variables import (
    Problem,
    Unresolved,
    Variable,
    parse_body,
    resolver,
    scan,
    substitute,
    version_allows_variables,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("aws:username", Variable("aws:username")),
        ("aws:PrincipalTag/team", Variable("aws:PrincipalTag/team")),
        ("aws:userid, 'anonymous'", Variable("aws:userid", "anonymous")),
        ("aws:userid, ''", Variable("aws:userid", "")),
        ("aws:userid, 'it's'", Variable("aws:userid", "it's")),
        ("*", Variable("*")),
        ("", Problem.EMPTY),
        (" aws:username", Problem.SPACE),
        ("aws:username ", Problem.SPACE),
        ("aws: username", Problem.SPACE),
        ("aws:userid,'anonymous'", Problem.DEFAULT_FORM),  # the space is required
        ("aws:userid,  'anonymous'", Problem.DEFAULT_FORM),
        ("aws:userid, anonymous", Problem.DEFAULT_FORM),
        ("aws:userid , 'anonymous'", Problem.SPACE),
        ("aws:userid, '", Problem.DEFAULT_FORM),
    ],
)
def test_parse_body(body: str, expected: Variable | Problem) -> None:
    assert parse_body(body) == expected


def test_scan_finds_every_variable_and_stops_at_an_unclosed_one() -> None:
    found = list(scan("a${aws:username}b${}c${x, 'd'}e${open"))
    assert [(f.start, f.end, f.body) for f in found] == [
        (1, 16, "aws:username"),
        (17, 20, ""),
        (21, 30, "x, 'd'"),
        (31, 37, "open"),
    ]
    assert [f.problem for f in found] == [None, Problem.EMPTY, None, Problem.UNCLOSED]
    assert found[2].variable == Variable("x", "d")
    assert found[3].text == "${open"


def test_resolver() -> None:
    context = {"aws:username": ["alice"], "aws:tagkeys": ["a", "b"]}
    resolve = resolver(lambda key: context.get(key.lower()))
    assert resolve("aws:username") == "alice"
    assert resolve("AWS:UserName") == "alice"  # key names ignore case
    assert resolve("aws:userid, 'anonymous'") == "anonymous"
    assert resolve("*") == "*" and resolve("?") == "?" and resolve("$") == "$"
    for unresolved in ("aws:userid", "aws:tagkeys", "aws:username,'x'", " aws:username", ""):
        with pytest.raises(Unresolved):
            resolve(unresolved)  # absent, multivalued, or not in the documented form
    assert resolve("aws:tagkeys, 'one'") == "one"


def test_substitute() -> None:
    resolve = resolver(lambda key: ["bo"] if key == "aws:username" else None)
    assert substitute("home/${aws:username}/${*}", resolve) == "home/bo/*"
    assert substitute("no variables", resolve) == "no variables"
    for text in ("${aws:userid}", "${aws:username", "x${}"):
        with pytest.raises(Unresolved):
            substitute(text, resolve)


def test_version() -> None:
    assert version_allows_variables("2012-10-17")
    assert not version_allows_variables("2008-10-17")
    assert not version_allows_variables(None)


def test_pattern_regex_with_variables() -> None:
    resolve = resolver(lambda key: ["a.b*"] if key == "aws:username" else None)
    regex = pattern_regex("home/${aws:username}/*", resolve=resolve)
    assert regex.match("home/a.b*/x/y")
    assert not regex.match("home/aXb*/x")  # the value is literal text, not a pattern
    assert not regex.match("home/a.bcd/x")
    assert pattern_regex("a${*}b", resolve=resolve).match("a*b")
    assert not pattern_regex("a${*}b", resolve=resolve).match("axb")
    assert pattern_regex("a?c", resolve=resolve).match("abc")
    with pytest.raises(Unresolved):
        pattern_regex("${aws:userid}*", resolve=resolve)
    with pytest.raises(Unresolved):
        pattern_regex("x*${aws:username", resolve=resolve)
    # without a resolver (an old Version) `${...}` is text and `*` stays a wildcard
    assert pattern_regex("${aws:username}*", resolve=None).match("${aws:username}-1")
    equals = pattern_regex("a*${aws:username}", resolve=resolve, wildcards=False)
    assert equals.match("a*a.b*") and not equals.match("axa.b*")


def test_template_regex() -> None:
    regex = template_regex("ssm:resourceTag/${TagKey}")
    assert regex.match("SSM:ResourceTag/team") and regex.match("ssm:resourceTag/a/b")
    assert not regex.match("ssm:resourceTag/")
    assert not template_regex("a*b").match("axb")  # * is literal in a key template
    # every placeholder spelling the catalogue uses
    assert template_regex("s3:ExistingObjectTag/<key>").match("s3:ExistingObjectTag/a:b")
    assert template_regex("ssm:resourceTag/tag-key").match("ssm:resourceTag/Team")
    assert template_regex("glacier:ResourceTag/").match("glacier:ResourceTag/Team")
    assert not template_regex("glacier:ResourceTag/").match("glacier:ResourceTag/")
    assert not is_key_template("ec2:Add/group") and not is_key_template("ssm:Overwrite")
    assert is_key_template("sagemaker:ResourceTag/") and is_key_template("x:${Domain}/y")


def test_variables_as_wildcards() -> None:
    assert variables_as_wildcards("home/${aws:username}/x") == "home/*/x"


@given(st.text(alphabet="ab*?.$[]\\/:", max_size=12), st.text(alphabet="ab*?.$[]\\/:", max_size=12))
def test_glob_agrees_with_fnmatch_like_reading(pattern: str, value: str) -> None:
    # an independent reading of IAM's glob: * any run (also / and newline), ? one character
    oracle = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    expected = re.fullmatch(oracle, value, re.DOTALL) is not None
    assert (glob_regex(pattern, ignore_case=False).match(value) is not None) == expected
    assert (pattern_regex(pattern, resolve=None).match(value) is not None) == expected
