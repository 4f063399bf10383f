"""Export formats: every output parses back (json, shlex, python-hcl2, a CloudFormation YAML
loader) to the policy it came from."""

from __future__ import annotations

import argparse
import io
import json
import re
import shlex
import shutil
import subprocess
from typing import Any

import hcl2
import pytest
from cfnlint.decode import cfn_yaml

from ssm_tui._data import load_data
from ssm_tui.checks.size import policy_size
from ssm_tui.cli.export import add_export_command, run_export
from ssm_tui.export.formats import (
    FORMATS,
    cloudformation_logical_id,
    export,
    terraform_identifier,
    validate_policy_name,
)

GUIDE = {
    name: json.loads(example["text"])
    for name, example in load_data("guide_examples.json")["examples"].items()
}

CONDITIONS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "TaggedInstances",
            "Effect": "Allow",
            "Action": ["ssm:StartSession", "ssm:SendCommand"],
            "Resource": ["arn:aws:ec2:*:*:instance/*", "arn:aws:ssm:*:*:document/AWS-*"],
            "Condition": {
                "StringEquals": {
                    "ssm:resourceTag/Team": ["ops", "dev"],
                    "aws:RequestedRegion": "eu-west-1",
                },
                "StringLike": {"ssm:SessionDocumentAccessCheck": "true"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]},
                "IpAddressIfExists": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]},
            },
        }
    ],
}

VARIABLES = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "ssm:TerminateSession",
            "Resource": "arn:aws:ssm:*:*:session/${aws:username}-*",
            "Condition": {"StringLike": {"ssm:resourceTag/Owner": "${aws:userid}"}},
        },
        {
            "Effect": "Allow",
            "Action": "ssm:GetParameter",
            # literal $${ and %{ must survive too
            "Resource": "arn:aws:ssm:*:*:parameter/$${x}/%{if}/${aws:PrincipalTag/team}/*",
        },
    ],
}

NOT_ELEMENTS = {
    "Version": "2012-10-17",
    "Id": "deny-all-but-ssm",
    "Statement": [
        {"Sid": "DenyOthers", "Effect": "Deny", "NotAction": "ssm:*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "ssm:*",
            "NotResource": ["arn:aws:ssm:*:*:document/Safe*"],
        },
    ],
}

SINGLE_OBJECT = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "ssm:DescribeInstanceInformation", "Resource": "*"},
}

AWKWARD = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Unicode",
            "Effect": "Allow",
            "Action": "ssm:GetParameter",
            "Resource": [
                "arn:aws:ssm:*:*:parameter/café/日本語/😀",
                'arn:aws:ssm:*:*:parameter/it\'s "quoted"',
                "arn:aws:ssm:*:*:parameter/back\\slash\\\\double\\n",
                "tab\there\nnewline $HOME `cmd` $(cmd) !x ; | & < > * ?",
                "line\u2028sep\u0085nel\x7fdel: # not a comment - [x] {y}",
            ],
            "Condition": {"StringEquals": {"aws:key with space:and'quote\"": ["yes", "no"]}},
        }
    ],
}

# Terminal control sequences (OSC 52 writes the clipboard, CSI 2J clears the screen), C1
# controls, a bidirectional override and a lone surrogate: each format writes them as its
# own escapes, never raw.
HOSTILE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "\x1b]52;c;aGk=\x07",
            "Effect": "Allow",
            "Action": ["ssm:\x1b[2JGetParameter", "ssm:Get\x9b31mParameters"],
            "Resource": "arn:aws:ssm:*:*:parameter/\u202eevil\u2066/\x1b[2J",
            "Condition": {"StringEquals": {"aws:ResourceTag/\x1b[2J": ["\x9d0;t\x07"]}},
        }
    ],
}
_RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

POLICIES = {
    **{f"guide-{name}": policy for name, policy in GUIDE.items()},
    "conditions": CONDITIONS,
    "variables": VARIABLES,
    "not-elements": NOT_ELEMENTS,
    "single-object": SINGLE_OBJECT,
    "awkward": AWKWARD,
    "hostile": HOSTILE,
}
CASES = pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())


# --- parsing helpers ------------------------------------------------------------------------


def _hcl_unquote(text: str) -> str:
    """The value of a quoted HCL string literal as python-hcl2 returns it (raw)."""
    assert text.startswith('"') and text.endswith('"'), text
    body, out, i = text[1:-1], [], 0
    simple = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(body):
        char = body[i]
        if char == "\\":
            code = body[i + 1]
            if code in simple:
                out.append(simple[code])
                i += 2
            elif code == "u":
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
            elif code == "U":
                out.append(chr(int(body[i + 2 : i + 10], 16)))
                i += 10
            else:
                raise AssertionError(f"unknown escape in {text!r}")
        elif body.startswith("$${", i) or body.startswith("%%{", i):
            out.append(body[i] + "{")
            i += 3
        else:
            assert not body.startswith("${", i), f"live interpolation in {text!r}"
            assert not body.startswith("%{", i), f"live directive in {text!r}"
            out.append(char)
            i += 1
    return "".join(out)


def _hcl_decode(value: Any) -> Any:
    if isinstance(value, str):
        return _hcl_unquote(value)
    if isinstance(value, list):
        return [_hcl_decode(v) for v in value]
    if isinstance(value, dict):
        return {
            (_hcl_unquote(k) if k.startswith('"') else k): _hcl_decode(v)
            for k, v in value.items()
            if k != "__is_block__"
        }
    return value


def _block(parsed: dict[str, Any], kind: str, type_: str) -> tuple[str, dict[str, Any]]:
    [entry] = parsed[kind]
    [(label, body)] = entry[f'"{type_}"'].items()
    return label.strip('"'), body


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _normalised(policy: dict[str, Any]) -> dict[str, Any]:
    """What aws_iam_policy_document can promise: statements as a list, string lists."""
    statements = []
    for statement in _as_list(policy["Statement"]):
        rebuilt = {}
        for key, value in statement.items():
            if key == "Condition":
                value = {
                    op: {k: sorted(map(str, _as_list(v))) for k, v in keys.items()}
                    for op, keys in value.items()
                }
            elif key not in ("Sid", "Effect"):
                value = _as_list(value)
            rebuilt[key] = value
        statements.append(rebuilt)
    return {**{k: v for k, v in policy.items() if k != "Statement"}, "Statement": statements}


def _from_document(body: dict[str, Any]) -> dict[str, Any]:
    """The policy an aws_iam_policy_document's arguments describe."""
    body = _hcl_decode(body)
    policy: dict[str, Any] = {}
    if "version" in body:
        policy["Version"] = body["version"]
    if "policy_id" in body:
        policy["Id"] = body["policy_id"]
    statements = []
    names = {
        "sid": "Sid",
        "effect": "Effect",
        "actions": "Action",
        "not_actions": "NotAction",
        "resources": "Resource",
        "not_resources": "NotResource",
    }
    for block in body.get("statement", []):
        statement: dict[str, Any] = {names[k]: v for k, v in block.items() if k in names}
        for condition in block.get("condition", []):
            operators = statement.setdefault("Condition", {})
            operators.setdefault(condition["test"], {})[condition["variable"]] = sorted(
                condition["values"]
            )
        statements.append(statement)
    policy["Statement"] = statements
    return policy


# --- formats -------------------------------------------------------------------------------


def test_formats_are_described() -> None:
    assert set(FORMATS) == {
        "json",
        "min",
        "aws-cli",
        "terraform",
        "terraform-doc",
        "cloudformation",
    }
    assert all(FORMATS.values())


@CASES
def test_json_and_min_round_trip(policy: dict[str, Any]) -> None:
    pretty = export(policy, "json")
    minified = export(policy, "min")
    assert json.loads(pretty) == policy
    assert json.loads(minified) == policy
    assert pretty.endswith("}\n") and "\n  " in pretty
    assert minified.count("\n") == 1 and minified.endswith("\n")


@CASES
def test_aws_cli_round_trips_through_shlex(policy: dict[str, Any]) -> None:
    command = export(policy, "aws-cli", name="Ops+Read=1,2.x@y_z-w")
    words = shlex.split(command)
    assert words[:5] == [
        "aws",
        "iam",
        "create-policy",
        "--policy-name",
        "Ops+Read=1,2.x@y_z-w",
    ]
    assert words[5] == "--policy-document"
    assert json.loads(words[6]) == policy
    assert len(words) == 7


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
@CASES
def test_aws_cli_command_runs_in_a_posix_shell(policy: dict[str, Any]) -> None:
    command = export(policy, "aws-cli")
    script = "aws() { printf '%s\\n' \"$@\"; }\n" + command
    result = subprocess.run(
        ["sh", "-c", script], capture_output=True, text=True, encoding="utf-8", check=True
    )
    words = result.stdout.split("\n")
    assert words[:5] == ["iam", "create-policy", "--policy-name", "ssm-policy", "--policy-document"]
    assert json.loads(words[5]) == policy
    assert words[6:] == [""]


@CASES
def test_terraform_jsonencode_round_trips(policy: dict[str, Any]) -> None:
    text = export(policy, "terraform", name="My.Policy-v2")
    parsed = hcl2.loads(text)
    label, body = _block(parsed, "resource", "aws_iam_policy")
    assert label == "my_policy_v2"
    assert _hcl_decode(body["name"]) == "My.Policy-v2"
    expression = body["policy"]
    assert expression.startswith("${jsonencode(") and expression.endswith(")}")
    inner = hcl2.loads("x = " + expression[len("${jsonencode(") : -len(")}")])["x"]
    assert _hcl_decode(inner) == policy


def test_terraform_keeps_policy_variables_literal() -> None:
    text = export(VARIABLES, "terraform")
    assert '"arn:aws:ssm:*:*:session/$${aws:username}-*"' in text
    assert "$$${x}/%%{if}" in text
    assert "Version = " in text and '"aws:username"' not in text
    assert '"ssm:resourceTag/Owner" = "$${aws:userid}"' in text


@CASES
def test_terraform_doc_rebuilds_the_policy(policy: dict[str, Any]) -> None:
    text = export(policy, "terraform-doc", name="doc-policy")
    parsed = hcl2.loads(text)
    label, document = _block(parsed, "data", "aws_iam_policy_document")
    assert label == "doc_policy"
    _, resource = _block(parsed, "resource", "aws_iam_policy")
    assert resource["policy"] == "${data.aws_iam_policy_document.doc_policy.json}"
    assert _hcl_decode(resource["name"]) == "doc-policy"
    assert _normalised(_from_document(document)) == _normalised(policy)


def test_terraform_doc_condition_blocks() -> None:
    text = export(CONDITIONS, "terraform-doc")
    assert text.count("condition {") == 6
    assert 'test     = "ForAnyValue:StringEquals"' in text
    assert 'variable = "ssm:resourceTag/Team"' in text
    assert 'values   = ["ops", "dev"]' in text


def test_terraform_doc_principals_and_scalars() -> None:
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:SecureTransport": True}},
            },
            {"Effect": "Deny", "NotPrincipal": "*", "Action": "*"},
        ]
    }
    parsed = hcl2.loads(export(policy, "terraform-doc"))
    _, document = _block(parsed, "data", "aws_iam_policy_document")
    first, second = _hcl_decode(document)["statement"]
    assert first["principals"] == [
        {"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root"]}
    ]
    assert first["condition"][0]["values"] == ["true"]
    assert second["not_principals"] == [{"type": "*", "identifiers": ["*"]}]


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"Statement": [{"Effect": "Allow", "Action": [1]}]}, "Action must hold strings"),
        ({"Statement": [{"Effect": "Allow", "Foo": "x"}]}, "cannot carry: Foo"),
        ({"Statement": ["x"]}, "statement 1 must be an object"),
        ({"Statement": [], "Extra": 1}, "cannot carry: Extra"),
        ({"Statement": [{"Condition": {"Bool": "x"}}]}, "Condition.Bool must be an object"),
        ({"Statement": [{"Resource": "arn:x:&{aws:username}"}]}, "contains '&\\{'"),
    ],
)
def test_terraform_doc_rejects_what_it_cannot_carry(policy: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        export(policy, "terraform-doc")


def _cfn_document(text: str, logical_id: str) -> tuple[dict[str, Any], Any]:
    template = cfn_yaml.loads(text)
    resource = template["Resources"][logical_id]
    assert resource["Type"] == "AWS::IAM::ManagedPolicy"
    return resource["Properties"], template


@CASES
def test_cloudformation_round_trips(policy: dict[str, Any]) -> None:
    text = export(policy, "cloudformation", name="ssm-ops.read_only")
    properties, template = _cfn_document(text, "SsmOpsReadOnly")
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    assert properties["ManagedPolicyName"] == "ssm-ops.read_only"
    assert properties["PolicyDocument"] == policy
    assert json.loads(json.dumps(properties["PolicyDocument"])) == policy


def test_cloudformation_also_loads_with_plain_pyyaml() -> None:
    yaml = pytest.importorskip("yaml")
    for policy in POLICIES.values():
        template = yaml.safe_load(export(policy, "cloudformation"))
        resource = template["Resources"]["SsmPolicy"]
        assert resource["Properties"]["PolicyDocument"] == policy


def test_cloudformation_numbers_booleans_and_empty_collections() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [],
                "Resource": "*",
                "Condition": {
                    "NumericLessThan": {"a:b": 3, "c:d": 1.5, "e:f": 1e100},
                    "Bool": {"yes": True, "no": False},
                    "Null": {"on": None},
                    "Empty": {},
                },
            },
            [["nested", {"x": [1]}]],
        ],
    }
    properties, _ = _cfn_document(export(policy, "cloudformation"), "SsmPolicy")
    assert properties["PolicyDocument"] == policy
    hcl = hcl2.loads(export(policy, "terraform"))
    _, body = _block(hcl, "resource", "aws_iam_policy")
    assert "Action = []" in export(policy, "terraform")
    assert body["policy"].startswith("${jsonencode(")


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "terraform", "cloudformation"),
    [
        ("ssm-policy", "ssm_policy", "SsmPolicy"),
        ("SSM.ReadOnly@team+ops", "ssm_readonly_team_ops", "SSMReadOnlyTeamOps"),
        ("2024-policy", "policy_2024_policy", "Policy2024Policy"),
        ("___", "policy", "Policy"),
        ("_x", "x", "X"),
        ("+=,", "policy", "Policy"),
    ],
)
def test_names_are_sanitised(name: str, terraform: str, cloudformation: str) -> None:
    assert validate_policy_name(name) == name
    assert terraform_identifier(name) == terraform
    assert cloudformation_logical_id(name) == cloudformation


def test_long_names_fit_logical_ids() -> None:
    name = "a" * 128
    assert export(SINGLE_OBJECT, "cloudformation", name=name)
    assert len(cloudformation_logical_id(name)) == 128


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "empty"),
        ("a" * 129, "129 characters"),
        ("has space", "' '"),
        ("café", "'é'"),
        ("a/b", "'/'"),
        ("x;rm -rf", "';'"),
    ],
)
def test_bad_names_raise(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        export(SINGLE_OBJECT, "terraform", name=name)


def test_unknown_format_and_non_object_policy() -> None:
    with pytest.raises(ValueError, match="unknown export format 'yaml'"):
        export(SINGLE_OBJECT, "yaml")
    for fmt in ("aws-cli", "terraform", "terraform-doc", "cloudformation"):
        with pytest.raises(ValueError, match="must be a JSON object, not an array"):
            export([1, 2], fmt)
    with pytest.raises(ValueError, match="not finite"):
        export({"Statement": {"x": float("nan")}}, "cloudformation")


# --- the CLI handler -----------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ssm-tui")
    add_export_command(parser.add_subparsers(dest="command"))
    return parser


def _run(argv: list[str]) -> tuple[int, str, str]:
    args = _parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    assert args.handler is run_export
    return run_export(args, out, err), out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_cli_export_prints_each_format(tmp_path: Any, fmt: str) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(VARIABLES), encoding="utf-8")
    code, out, err = _run(["export", str(path), "--to", fmt, "--name", "ops"])
    assert (code, err) == (0, "")
    assert out == export(VARIABLES, fmt, name="ops")


def test_cli_export_defaults_the_name(tmp_path: Any) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(SINGLE_OBJECT), encoding="utf-8")
    code, out, _ = _run(["export", str(path), "--to", "aws-cli"])
    assert code == 0 and shlex.split(out)[4] == "ssm-policy"


def test_cli_export_errors_exit_2_with_one_line(tmp_path: Any) -> None:
    missing = tmp_path / "missing.json"
    code, out, err = _run(["export", str(missing), "--to", "json"])
    assert (code, out) == (2, "")
    assert err == f"ssm-tui export: {missing}: no such file\n"

    broken = tmp_path / "broken.json"
    broken.write_text('{"Version": ', encoding="utf-8")
    code, out, err = _run(["export", str(broken), "--to", "terraform"])
    assert (code, out) == (2, "")
    assert err.startswith(f"ssm-tui export: {broken}: line 1, column 13: ")
    assert err.count("\n") == 1

    good = tmp_path / "good.json"
    good.write_text(json.dumps(SINGLE_OBJECT), encoding="utf-8")
    code, out, err = _run(["export", str(good), "--to", "cloudformation", "--name", "bad name"])
    assert (code, out) == (2, "")
    assert err.startswith("ssm-tui export: policy name 'bad name'") and err.count("\n") == 1

    code, out, err = _run(["export", str(tmp_path), "--to", "json"])
    assert code == 2 and "is a directory" in err


def test_cli_export_rejects_unknown_format() -> None:
    with pytest.raises(SystemExit) as exit_info:
        _parser().parse_args(["export", "x.json", "--to", "yaml"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_raw_control_character_in_any_format(fmt: str) -> None:
    text = export(HOSTILE, fmt)
    assert _RAW_CONTROLS.search(text) is None, _RAW_CONTROLS.search(text)
    text.encode("utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_lone_surrogate_is_escaped_in_every_format(fmt: str) -> None:
    policy = {"Version": "2012-10-17", "Statement": {"Sid": "a\ud800b", "Effect": "Allow"}}
    text = export(policy, fmt)
    text.encode("utf-8")  # writable to a UTF-8 stdout
    assert "\\ud800" in text.replace("\\\\", "")


def test_a_value_nested_too_deep_for_python_is_a_value_error() -> None:
    value: Any = "x"
    for _ in range(50_000):
        value = {"a": value}
    for fmt in FORMATS:
        with pytest.raises(ValueError, match="nested"):
            export({"Version": "2012-10-17", "Statement": [value]}, fmt)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": NaN}}', "1, 72"),
        ('{"Version": "2012-10-17",\n "Statement": [Infinity]}', "2, 16"),
        ('{"Version": -Infinity}', "1, 13"),
        ('{"Version": ' + "9" * 5000 + "}", "1, 13"),
        ("[" * 1000 + "]" * 1000, "1, 101"),
        ('{"a":' * 5000 + "1" + "}" * 5000, "1, 501"),
    ],
    ids=["nan", "infinity", "minus-infinity", "huge-int", "deep-array", "deep-object"],
)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_cli_export_refuses_what_check_calls_a_syntax_error(
    tmp_path: Any, text: str, where: str, fmt: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_text(text, encoding="utf-8")
    code, out, err = _run(["export", str(path), "--to", fmt])
    assert (code, out) == (2, "")
    assert err.startswith(f"ssm-tui export: {path}: line {where.replace(', ', ', column ')}: ")
    assert err.count("\n") == 1


def test_cli_export_refuses_a_file_over_200000_characters(tmp_path: Any) -> None:
    path = tmp_path / "big.json"
    statement = {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}
    path.write_text(json.dumps({"Statement": [statement] * 4000}), encoding="utf-8")
    code, out, err = _run(["export", str(path), "--to", "terraform"])
    assert (code, out) == (2, "")
    counted = policy_size(path.read_text())
    assert err == (
        f"ssm-tui export: {path}: {counted:,} characters not counting whitespace; ssm-tui "
        "reads policies up to 200,000 characters not counting whitespace (1,000,000 "
        "characters in all)\n"
    )


def test_cli_export_escapes_the_file_name_in_messages(tmp_path: Any) -> None:
    path = tmp_path / "evil\x1b[2J.json"
    path.write_text("[NaN]", encoding="utf-8")
    code, _, err = _run(["export", str(path), "--to", "json"])
    assert code == 2 and "\x1b" not in err and "evil\\x1b[2J.json" in err


def test_cli_export_refuses_a_file_that_is_not_utf8(tmp_path: Any) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"Version": "2012-10-17", "Statement": {"Sid": "caf\xe9"}}')
    code, out, err = _run(["export", str(path), "--to", "json"])
    assert (code, out) == (2, "")
    assert err == (
        f"ssm-tui export: {path}: not UTF-8 text (byte 0xe9 at line 1, column 52); save it "
        "as UTF-8 first\n"
    )
