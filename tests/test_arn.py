"""ARN parsing and IAM wildcard matching of ARN patterns against catalogue templates."""

from __future__ import annotations

import pytest

from ssm_tui.iam.arn import (
    Arn,
    absorbed_separators,
    arn_like,
    arn_matches_template,
    parse_arn,
    patterns_overlap,
    split_arn,
    variables_as_wildcards,
)

DOCUMENT = "arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName}"
PARAMETER = (
    "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}"
)
BUCKET = "arn:${Partition}:s3:::${BucketName}"
OBJECT = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"


# --- parse_arn ----------------------------------------------------------------------------


def test_parse_arn_six_fields() -> None:
    arn = parse_arn("arn:aws:ssm:us-east-1:123456789012:document/MyDoc")
    assert arn == Arn(
        partition="aws",
        service="ssm",
        region="us-east-1",
        account="123456789012",
        resource="document/MyDoc",
    )
    assert arn.resource_type_word == "document"


def test_parse_arn_resource_keeps_colons() -> None:
    arn = parse_arn("arn:aws:ssm:us-east-1:123:automation-definition/Name:1")
    assert arn is not None
    assert arn.resource == "automation-definition/Name:1"
    assert arn.account == "123"
    assert arn.resource_type_word == "automation-definition"
    logs = parse_arn("arn:aws:logs:us-east-1:123:log-group:my-group:*")
    assert logs is not None
    assert logs.resource == "log-group:my-group:*"
    assert logs.resource_type_word == "log-group"


def test_parse_arn_empty_fields() -> None:
    arn = parse_arn("arn:aws:s3:::my-bucket/key")
    assert arn is not None
    assert (arn.partition, arn.service, arn.region, arn.account) == ("aws", "s3", "", "")
    assert arn.resource == "my-bucket/key"
    assert arn.resource_type_word == "my-bucket"


def test_parse_arn_str_round_trips() -> None:
    text = "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/a/b:c"
    arn = parse_arn(text)
    assert arn is not None
    assert str(arn) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "*",
        "not an arn",
        "arn:aws:s3::",
        "arn:aws:ssm:us-east-1:123",
        "ARN:aws:s3:::bucket",
        "urn:aws:s3:::bucket",
        " arn:aws:s3:::bucket",
    ],
)
def test_parse_arn_rejects_non_arns(text: str) -> None:
    assert parse_arn(text) is None


def test_arn_is_frozen() -> None:
    arn = parse_arn("arn:aws:s3:::b")
    assert arn is not None
    with pytest.raises(ValueError):
        arn.service = "ec2"  # type: ignore[misc]


def test_split_arn_keeps_sixth_field_whole() -> None:
    assert split_arn("arn:a:b:c:d:e:f:g") == ("arn", "a", "b", "c", "d", "e:f:g")
    assert split_arn("arn:a") == ("arn", "a")


def test_variables_as_wildcards() -> None:
    assert variables_as_wildcards("home/${aws:username}/*") == "home/*/*"
    assert variables_as_wildcards("a${x}b${y}") == "a*b*"
    assert variables_as_wildcards("plain") == "plain"


# --- patterns_overlap ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "template", "expected"),
    [
        # literals
        ("abc", "abc", True),
        ("abc", "abd", False),
        ("abc", "ab", False),
        ("", "", True),
        # * on the left
        ("*", "anything", True),
        ("*", "", True),
        ("a*", "abc", True),
        ("a*", "bc", False),
        ("*c", "abc", True),
        ("*a", "*b", False),
        ("a*", "*b", True),
        # ? on the left: exactly one character
        ("a?c", "abc", True),
        ("a?c", "ab", False),
        ("a?c", "abbc", False),
        ("?", "", False),
        # wildcards on the right (a policy value used as template)
        ("abc", "a*", True),
        ("abc", "a?", False),
        ("", "*", True),
        ("ab*", "a?", True),
        ("x", "?", True),
        # ${Placeholder}: one or more characters
        ("?", "${X}", True),
        ("", "${X}", False),
        ("anything-long", "${X}", True),
        ("document/", "document/${DocumentName}", False),
        ("document/a", "document/${DocumentName}", True),
        ("document/?", "document/${DocumentName}", True),
        ("document/*", "document/${DocumentName}", True),
        ("doc*", "document/${DocumentName}", True),
        ("*/x", "document/${DocumentName}", True),
        ("parameter/x", "document/${DocumentName}", False),
        ("b/k", "${BucketName}/${ObjectName}", True),
        ("b/", "${BucketName}/${ObjectName}", False),
        ("/k", "${BucketName}/${ObjectName}", False),
        ("bucket", "${BucketName}/${ObjectName}", False),
        # case-sensitive
        ("Document/*", "document/${DocumentName}", False),
        ("ABC", "abc", False),
    ],
)
def test_patterns_overlap(pattern: str, template: str, expected: bool) -> None:
    assert patterns_overlap(pattern, template) is expected


def test_placeholder_on_the_left_is_literal() -> None:
    # Only the template side treats ${...} as a placeholder.
    assert patterns_overlap("${X}", "${X}") is True
    assert patterns_overlap("${X}", "abc") is False
    assert patterns_overlap("a", "${X}") is True


# --- arn_matches_template -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("arn", "template", "expected"),
    [
        ("arn:aws:ssm:us-east-1:123456789012:document/MyDoc", DOCUMENT, True),
        ("arn:aws:ssm:*:*:document/*", DOCUMENT, True),
        ("arn:aws:ssm:us-east-?:123456789012:document/D?c", DOCUMENT, True),
        ("arn:aws:ssm:us-east-1:123456789012:document/*", PARAMETER, False),
        ("arn:aws:ssm:us-east-1:123456789012:parameter/x", DOCUMENT, False),
        ("arn:aws:ssm:us-east-1:123456789012:parameter/a/b", PARAMETER, True),
        ("arn:aws:ssm:us-east-1:123456789012:*", DOCUMENT, True),
        ("arn:aws:ssm:us-east-1:123456789012:*", PARAMETER, True),
        ("arn:aws:ssm:us-east-1:123456789012:document/", DOCUMENT, False),
        ("arn:aws:ssm:us-east-1:123456789012:document", DOCUMENT, False),
        # the service field is compared
        ("arn:aws:ec2:us-east-1:123456789012:document/x", DOCUMENT, False),
        ("arn:aws:s*:us-east-1:123456789012:document/x", DOCUMENT, True),
        ("arn:aws:*:us-east-1:123456789012:document/x", DOCUMENT, True),
        ("arn:aws:SSM:us-east-1:123456789012:document/x", DOCUMENT, False),
        # partition/region/account placeholders accept any value
        ("arn:aws-cn:ssm:cn-north-1:000000000000:document/x", DOCUMENT, True),
        ("arn:whatever:ssm::x:document/x", DOCUMENT, True),
        # a colon in the resource stays in the resource field
        ("arn:aws:ssm:us-east-1:123456789012:document/a:b", DOCUMENT, True),
        # policy variables stand for any value
        ("arn:aws:ssm:us-east-1:123:document/${aws:username}", DOCUMENT, True),
        ("arn:aws:ssm:us-east-1:123:${aws:username}", DOCUMENT, True),
        # too few fields
        ("arn:aws:ssm:us-east-1:123", DOCUMENT, False),
        ("*", DOCUMENT, False),
        ("not-an-arn", DOCUMENT, False),
    ],
)
def test_arn_matches_template(arn: str, template: str, expected: bool) -> None:
    assert arn_matches_template(arn, template) is expected


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws:s3:::my-bucket", True),
        ("arn:aws:s3:::*", True),
        ("arn:aws:s3:*:*:my-bucket", True),
        ("arn:aws:s3:us-east-1::my-bucket", False),
        ("arn:aws:s3::123456789012:my-bucket", False),
        ("arn:aws:s3:::", False),
    ],
)
def test_empty_region_template(arn: str, expected: bool) -> None:
    assert arn_matches_template(arn, BUCKET) is expected


def test_object_template_needs_both_parts() -> None:
    assert arn_matches_template("arn:aws:s3:::bucket/key", OBJECT) is True
    assert arn_matches_template("arn:aws:s3:::bucket/*", OBJECT) is True
    assert arn_matches_template("arn:aws:s3:::bucket", OBJECT) is False
    assert arn_matches_template("arn:aws:s3:::bucket*", OBJECT) is True


# --- arn_like -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("arn:aws:ssm:*:*:document/*", "arn:aws:ssm:us-east-1:1:document/x", True),
        ("arn:aws:ssm:*:*:document/*", "arn:aws:ssm:us-east-1:1:parameter/x", False),
        ("arn:aws:ssm:us-east-1:1:document/x", "arn:aws:ssm:us-east-1:1:document/x", True),
        # case-sensitive in every field
        ("arn:aws:ssm:*:*:document/*", "arn:aws:SSM:us-east-1:1:document/x", False),
        ("arn:aws:ssm:*:*:document/*", "arn:aws:ssm:us-east-1:1:Document/x", False),
        ("arn:aws:ssm:*:*:document/X", "arn:aws:ssm:us-east-1:1:document/x", False),
        # each field on its own: '*' in the account field does not swallow more fields
        ("arn:aws:ssm:*:1:*", "arn:aws:ssm:us-east-1:12:document/x", False),
        ("arn:aws:ssm:*:1*:*", "arn:aws:ssm:us-east-1:12:document/x", True),
        ("arn:aws:*:1:*", "arn:aws:ssm:us-east-1:1:document/x", False),
        # ? is one character
        ("arn:aws:ssm:us-east-?:1:*", "arn:aws:ssm:us-east-1:1:document/x", True),
        ("arn:aws:ssm:us-east-?:1:*", "arn:aws:ssm:us-east-10:1:document/x", False),
        # the resource keeps its colons
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y", True),
        ("arn:aws:logs:*:*:log-group:g:*", "arn:aws:logs:r:1:log-group:g:log-stream:s", True),
        # the whole pattern "*" matches anything
        ("*", "anything", True),
        ("*", "arn:aws:s3:::b", True),
        # non-ARN values
        ("arn:aws:s3:::b", "b", False),
        ("arn:*", "arn:aws:s3:::b", False),
        # regex metacharacters are literal
        ("arn:aws:s3:::a.c", "arn:aws:s3:::abc", False),
        ("arn:aws:s3:::a.c", "arn:aws:s3:::a.c", True),
        ("arn:aws:s3:::a+", "arn:aws:s3:::aa", False),
    ],
)
def test_arn_like(pattern: str, value: str, expected: bool) -> None:
    assert arn_like(pattern, value) is expected


# --- absorbed_separators: how well an ARN pattern fits a format's structure ---------------


def test_absorbed_separators_counts_the_patterns_own_separators_a_placeholder_swallows() -> None:
    bucket, obj = "${BucketName}", "${BucketName}/${ObjectName}"
    assert absorbed_separators("my-bucket/*", bucket) == 1
    assert absorbed_separators("my-bucket/*", obj) == 0
    assert absorbed_separators("my-bucket", obj) is None
    assert absorbed_separators("*", bucket) == 0
    assert absorbed_separators("b/a/b/*", obj) == 2


def test_absorbed_separators_exact_forbids_wildcards_writing_the_formats_separators() -> None:
    stream = "log-group:${LogGroupName}:log-stream:${LogStreamName}"
    assert absorbed_separators("log-group:x:*", stream) == 0
    assert absorbed_separators("log-group:x:*", stream, exact=True) is None
    assert absorbed_separators("log-group:x:log-stream:*", stream, exact=True) == 0
    assert absorbed_separators("*", "${BucketName}/${ObjectName}", exact=True) is None


def test_absorbed_separators_exact_lets_wildcards_stand_only_for_placeholders() -> None:
    access_point = "accesspoint/${AccessPointName}/object/${ObjectName}"
    assert absorbed_separators("*/*/*", access_point) == 0
    assert absorbed_separators("*/*/*", access_point, exact=True) is None
    assert absorbed_separators("*/*", "${BucketName}/${ObjectName}", exact=True) == 0
