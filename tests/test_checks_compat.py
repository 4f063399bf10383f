"""Action/resource-type compatibility and statements that grant nothing."""

from __future__ import annotations

from conftest import allow, codes, codes_besides_security, only, policy

ACCOUNT = "123456789012"
DOCUMENT = f"arn:aws:ssm:us-west-2:{ACCOUNT}:document/MyDocument"
INSTANCE = f"arn:aws:ec2:us-west-2:{ACCOUNT}:instance/i-0123456789abcdef0"
PARAMETER = f"arn:aws:ssm:us-west-2:{ACCOUNT}:parameter/app/*"


def test_action_without_resource_level_permissions_on_an_arn_grants_nothing() -> None:
    finding = only(policy(allow("ssm:ListDocuments", DOCUMENT)), "STATEMENT_GRANTS_NOTHING")
    assert 'only "Resource": "*" grants it' in finding.message
    assert finding.pointer == "/Statement/0/Resource"
    # The Service Authorization Reference lists no resource types: a warning, not certainty.
    assert finding.severity == "warning"
    assert codes(policy(allow("ssm:ListDocuments", "*"))) == []


def test_arn_of_a_type_the_action_does_not_take_grants_nothing() -> None:
    finding = only(policy(allow("ssm:GetParameter", DOCUMENT)), "STATEMENT_GRANTS_NOTHING")
    assert finding.severity == "error"
    assert "applies to parameter ARNs" in finding.message
    assert codes(policy(allow("ssm:GetParameter", PARAMETER))) == []


def test_deny_statement_denies_nothing() -> None:
    statement = {"Effect": "Deny", "Action": "ssm:GetParameter", "Resource": DOCUMENT}
    assert "denies nothing" in only(policy(statement), "STATEMENT_GRANTS_NOTHING").message


def test_partial_mismatch_names_the_action_and_the_resource() -> None:
    text = policy(allow(["ssm:GetParameter", "ssm:ListDocuments"], [PARAMETER, INSTANCE]))
    mismatch = only(text, "ACTION_RESOURCE_MISMATCH")
    assert mismatch.pointer == "/Statement/0/Action/1" and mismatch.severity == "warning"
    unused = only(text, "RESOURCE_MATCHES_NO_ACTION")
    assert unused.pointer == "/Statement/0/Resource/1"


def test_wildcard_actions_and_resources_are_compatible_when_one_type_fits() -> None:
    assert codes_besides_security(policy(allow("ssm:*", DOCUMENT))) == []
    assert codes(policy(allow("ssm:Get*", PARAMETER))) == []
    assert codes(policy(allow("ssm:SendCommand", [DOCUMENT, INSTANCE]))) == []
    assert codes_besides_security(policy(allow("ssm:SendCommand", "arn:aws:ssm:*:*:*"))) == []


def test_malformed_resources_get_no_second_finding() -> None:
    assert codes(policy(allow("ssm:ListDocuments", "arn:aws:ssm:region:x:document/a"))) == [
        "INVALID_ARN_ACCOUNT",
        "INVALID_ARN_REGION",
    ]


def test_not_action_star_and_not_resource_star() -> None:
    statement = {"Effect": "Allow", "NotAction": "*", "Resource": "*"}
    assert only(policy(statement), "STATEMENT_GRANTS_NOTHING").pointer == "/Statement/0/NotAction"
    statement = {"Effect": "Allow", "Action": "ssm:GetParameter", "NotResource": "*"}
    assert codes(policy(statement)) == ["STATEMENT_GRANTS_NOTHING"]


def test_required_resource_type_missing_across_the_policy() -> None:
    finding = only(policy(allow("ssm:SendCommand", INSTANCE)), "MISSING_REQUIRED_RESOURCE_TYPE")
    assert "document" in finding.message and finding.severity == "warning"
    split = policy(allow("ssm:SendCommand", INSTANCE), allow("ssm:SendCommand", DOCUMENT))
    assert "MISSING_REQUIRED_RESOURCE_TYPE" not in codes(split)


# --- nested ARN formats: an ARN is of the most specific format it fits ------------------

TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/MyTable"


def test_object_arn_is_not_a_bucket_arn() -> None:
    # ${BucketName} could swallow "my-bucket/*", but that ARN names objects
    text = policy(allow("s3:ListBucket", "arn:aws:s3:::my-bucket/*"))
    finding = only(text, "STATEMENT_GRANTS_NOTHING")
    assert "bucket" in finding.message
    deep = policy(allow("s3:ListBucket", "arn:aws:s3:::my-bucket/logs/2024/*"))
    assert codes(deep) == ["STATEMENT_GRANTS_NOTHING"]
    both = allow(
        ["s3:ListBucket", "s3:GetObject"], ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"]
    )
    assert codes_besides_security(policy(both)) == []
    # a wildcard that stands for the object's "/" names buckets and objects alike
    assert codes_besides_security(policy(allow("s3:ListBucket", "arn:aws:s3:::my-*"))) == []


def test_dynamodb_index_and_backup_arns_are_not_table_arns() -> None:
    assert codes(policy(allow("dynamodb:GetItem", TABLE + "/index/*"))) == [
        "STATEMENT_GRANTS_NOTHING"
    ]
    assert codes(policy(allow("dynamodb:DeleteTable", "arn:aws:dynamodb:*:*:table/T/backup/*")))[
        :1
    ] == ["STATEMENT_GRANTS_NOTHING"]
    text = policy(allow(["dynamodb:GetItem", "dynamodb:Query"], [TABLE, TABLE + "/index/*"]))
    assert codes(text) == []
    mixed = policy(allow(["dynamodb:GetItem", "dynamodb:Query"], TABLE + "/index/*"))
    assert only(mixed, "ACTION_RESOURCE_MISMATCH").pointer == "/Statement/0/Action/0"


def test_log_group_arn_with_the_documented_trailing_star_is_of_both_types() -> None:
    # CloudWatch Logs documents log-group:NAME:* for log-group permissions; its * may be
    # the log-stream part too, so it is a log group and its log streams.
    resource = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/web:*"
    text = policy(allow(["logs:CreateLogStream", "logs:PutLogEvents"], resource))
    assert codes(text) == []
    stream = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/web:log-stream:*"
    assert "ACTION_RESOURCE_MISMATCH" in codes(
        policy(allow(["logs:DeleteLogGroup", "logs:PutLogEvents"], stream))
    )


def test_variants_of_a_type_are_the_type() -> None:
    # lambda's "function alias" format refines "function", the type InvokeFunction lists
    alias = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function:prod"
    assert codes(policy(allow("lambda:InvokeFunction", alias))) == []
    # ssm's task (ECS) format is ssm's view of ECS's task/${ClusterName}/${TaskId}
    task = f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/my-cluster/*"
    assert "STATEMENT_GRANTS_NOTHING" not in codes(policy(allow("ssm:StartSession", task)))


def test_wildcards_writing_a_finer_formats_words_do_not_make_it_that_format() -> None:
    # "*/*/*" could be an access point object (accesspoint/${AccessPointName}/object/...) only
    # by its wildcards writing "accesspoint" and "object": it is an object ARN
    resource = "arn:aws:s3:::${aws:PrincipalTag/Bucket}/${aws:PrincipalTag/Project}/*"
    assert (
        codes_besides_security(policy(allow(["s3:GetObject", "s3:ReplicateObject"], resource)))
        == []
    )
