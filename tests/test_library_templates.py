"""The guide's examples as templates: parameters validated, renderings valid, printed
examples kept verbatim."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PROJECT, SECURITY_CODES
from ssm_tui.checks import Severity, validate
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.iam.values import is_account_id, is_instance_id, is_region
from ssm_tui.library.templates import (
    MAX_INSTANCE_IDS,
    Template,
    TemplateParameter,
    TemplateParameterError,
    printed,
    printed_examples,
    printed_section,
    template,
    templates,
)

PRINTED = PROJECT / "examples" / "as-printed"
SEED = PROJECT.parent / "shared" / "seed"
NAMES = [
    "delete-documents-by-prefix",
    "console-minimum",
    "ssm-one-region",
    "list-documents",
    "run-document-on-instances",
]
# A value of every parameter kind other than the defaults (China Region: another partition).
CUSTOM = {
    "region": "cn-north-1",
    "account": "444455556666",
    "prefix": "Team.A_",
    "role_prefix": "ops+ssm@",
    "document": "Run.My_Doc-1",
    "instance_ids": "i-0123abcd i-0123456789abcdef0",
    "runbook": "Restart-Web_1",
}
# ssm:* is what these two examples are for; the warnings it brings are explained in purpose.
INHERENT_SSM_WILDCARD = {
    "SSM_SERVICE_WILDCARD",
    "SSM_SEND_COMMAND_UNRESTRICTED",
    "SSM_START_SESSION_UNRESTRICTED",
    "SSM_START_SESSION_ANY_DOCUMENT",
    "SSM_PARAMETER_READ_ALL",
    "SSM_PARAMETER_WRITE_ALL",
    "SSM_DOCUMENT_SHARING",
    "SSM_SERVICE_SETTINGS",
}


def custom(t: Template) -> dict[str, str]:
    return {k: v for k, v in CUSTOM.items() if t.parameter(k) is not None}


def error_findings(text: str) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in validate(text).findings if f.severity is Severity.ERROR]


# --- the list -----------------------------------------------------------------------------
def test_templates_order_and_names_are_stable() -> None:
    assert [t.name for t in templates()] == NAMES
    assert [t.name for t in templates()] == [t.name for t in templates()]
    for name in NAMES:
        found = template(name)
        assert found is not None and found.name == name
    assert template("no-such-template") is None


def test_every_template_is_described() -> None:
    for t in templates():
        assert t.title and t.purpose and t.guide_section
        assert t.parameters
        for p in t.parameters:
            assert p.label and p.description and p.default
            assert p.validate_value(p.default) == p.default  # defaults are valid as shown


def test_templates_come_from_the_guide_sections_of_their_examples() -> None:
    for t in templates():
        assert t.printed_example is not None
        assert t.guide_section == printed_section(t.printed_example)
        if SEED.is_dir():
            seed = "\n".join(p.read_text() for p in SEED.iterdir())
            assert t.guide_section in seed


def test_each_template_with_a_printed_example_says_how_it_differs() -> None:
    for t in templates():
        if t.printed_example is not None:
            assert t.printed_example in printed_examples()
            assert t.differs_from_printed


def test_the_guide_defaults() -> None:
    one_region = template("ssm-one-region")
    assert one_region is not None and one_region.defaults() == {"region": "us-west-2"}
    delete = template("delete-documents-by-prefix")
    assert delete is not None
    assert delete.defaults() == {
        "region": "us-west-2",
        "account": "123456789012",
        "prefix": "MyDocument-",
    }
    run = template("run-document-on-instances")
    assert run is not None
    assert run.defaults()["account"] == "111222333444"
    assert run.defaults()["region"] == "us-west-2"
    # The printed IDs are not valid; the defaults are, and say which printed ID they stand for.
    assert "EXAMPLE" not in run.defaults()["instance_ids"]
    assert run.differs_from_printed is not None and "i-02573cafcfEXAMPLE" in (
        run.differs_from_printed
    )


# --- rendering ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_renders_with_defaults_without_error(name: str) -> None:
    t = template(name)
    assert t is not None
    text = t.render_text()
    assert error_findings(text) == []
    assert json.loads(text) == t.render() == t.render(t.defaults())


@pytest.mark.parametrize("name", NAMES)
def test_renders_with_custom_parameters_without_error(name: str) -> None:
    t = template(name)
    assert t is not None
    params = custom(t)
    text = t.render_text(params)
    assert error_findings(text) == []
    for key, value in params.items():
        for part in value.split():
            assert part in text, key
    assert text != t.render_text()


@pytest.mark.parametrize("name", NAMES)
def test_no_warning_but_those_the_intent_brings(name: str) -> None:
    t = template(name)
    assert t is not None
    codes = {f.code for f in validate(t.render_text()).findings}
    if name in ("console-minimum", "ssm-one-region"):
        assert codes == INHERENT_SSM_WILDCARD
        assert "SSM_SERVICE_WILDCARD" in t.purpose
    else:
        assert codes == set()
    # PassRole is scoped: neither Access Analyzer's nor the Automation escalation finding
    assert not codes & {"PASS_ROLE_WITH_STAR_IN_RESOURCE", "SSM_AUTOMATION_WITH_PASS_ROLE"}
    assert codes <= SECURITY_CODES


def test_delete_documents_renders_the_printed_policy() -> None:
    t = template("delete-documents-by-prefix")
    assert t is not None
    assert t.render() == json.loads(printed("delete-documents-by-prefix") or "")


def test_one_region_confines_with_requested_region() -> None:
    t = template("ssm-one-region")
    assert t is not None
    statement = t.render({"region": "eu-central-1"})["Statement"][0]
    assert statement["Action"] == ["ssm:*"] and statement["Resource"] == "*"
    assert statement["Condition"] == {"StringEquals": {"aws:RequestedRegion": "eu-central-1"}}
    assert get_catalog().condition_key("aws:RequestedRegion") is not None


def test_list_documents_uses_star_for_an_action_without_resource_level_permissions() -> None:
    t = template("list-documents")
    assert t is not None
    (statement,) = t.render()["Statement"]
    action = get_catalog().action("ssm:ListDocuments")
    assert action is not None and not action.supports_resource_level
    assert statement["Resource"] == "*"
    assert "ListDocuments" in (t.differs_from_printed or "")


def test_run_document_fixes_every_printed_problem() -> None:
    t = template("run-document-on-instances")
    assert t is not None
    text = t.render_text()
    assert "ssm:ListDocumentVersions" in text and "ListDocumentsVersions" not in text
    assert '"ssm:DescribeAutomationExecutions"' in text
    assert "arn:aws:ssm:::" not in text and "us-east-2" not in text
    policy = t.render()
    send = next(s for s in policy["Statement"] if s["Action"] == "ssm:SendCommand")
    assert send["Resource"] == [
        "arn:aws:ec2:us-west-2:111222333444:instance/i-02573cafcf0000000",
        "arn:aws:ec2:us-west-2:111222333444:instance/i-0471e042400000000",
        "arn:aws:ec2:us-west-2:111222333444:instance/i-07782c72fa0000000",
        "arn:aws:ssm:us-west-2:111222333444:document/SSM-document-name",
    ]
    start = next(s for s in policy["Statement"] if s["Action"] == "ssm:StartAutomationExecution")
    assert start["Resource"][0] == (
        "arn:aws:ssm:us-west-2:111222333444:automation-definition/SSM-runbook-name:*"
    )
    # every action in the rendering exists in the catalogue
    catalog = get_catalog()
    for statement in policy["Statement"]:
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert catalog.has_action(action), action


def test_run_document_partition_follows_the_region() -> None:
    t = template("run-document-on-instances")
    assert t is not None
    text = t.render_text({"region": "cn-north-1"})
    assert "arn:aws-cn:ec2:cn-north-1:" in text and "arn:aws:" not in text
    gov = t.render_text({"region": "us-gov-west-1"})
    assert "arn:aws-us-gov:ssm:us-gov-west-1:" in gov
    assert error_findings(text) == [] and error_findings(gov) == []


def test_console_scopes_pass_role_to_systems_manager() -> None:
    t = template("console-minimum")
    assert t is not None
    policy = t.render({"account": "444455556666", "role_prefix": "Ops-"})
    pass_role = next(s for s in policy["Statement"] if s["Action"] == ["iam:PassRole"])
    assert pass_role["Resource"] == ["arn:aws:iam::444455556666:role/Ops-*"]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}
    assert get_catalog().condition_key("iam:PassedToService") is not None
    assert "ec2:DescribeInstances" in t.render_text()


def test_the_largest_instance_list_stays_within_the_size_quota() -> None:
    t = template("run-document-on-instances")
    assert t is not None
    ids = " ".join(f"i-{n:017x}" for n in range(MAX_INSTANCE_IDS))
    text = t.render_text(
        {
            "region": "us-gov-west-1",
            "instance_ids": ids,
            "document": "D" * 128,
            "runbook": "R" * 128,
        }
    )
    assert error_findings(text) == []
    too_many = ids + " i-ffffffffffffffff0"
    with pytest.raises(TemplateParameterError) as raised:
        t.render({"instance_ids": too_many})
    assert raised.value.parameter == "instance_ids"


def test_render_text_minify_has_no_whitespace_between_tokens() -> None:
    for t in templates():
        text = t.render_text(minify=True)
        assert json.loads(text) == t.render()
        # outside string values, no whitespace at all
        assert not re.search(r"\s", re.sub(r'"(?:[^"\\]|\\.)*"', '""', text))
        assert text == json.dumps(json.loads(text), separators=(",", ":"))
        assert t.render_text().endswith("}\n") and "\n  " in t.render_text()


# --- parameters -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "params", "parameter", "expected"),
    [
        ("ssm-one-region", {"region": "mars-1"}, "region", "Region code"),
        ("run-document-on-instances", {"region": "us-west2"}, "region", "Region code"),
        ("delete-documents-by-prefix", {"account": "1234"}, "account", "12 digits"),
        ("console-minimum", {"account": "12345678901a"}, "account", "12 digits"),
        ("run-document-on-instances", {"instance_ids": "i-XYZ"}, "instance_ids", "i- followed"),
        (
            "run-document-on-instances",
            {"instance_ids": "i-02573cafcfEXAMPLE, i-0471e04240EXAMPLE"},
            "instance_ids",
            "hexadecimal",
        ),
        ("run-document-on-instances", {"instance_ids": " , "}, "instance_ids", "instance IDs"),
        ("run-document-on-instances", {"document": "ab"}, "document", "3 to 128"),
        ("run-document-on-instances", {"runbook": "my runbook"}, "runbook", "3 to 128"),
        ("run-document-on-instances", {"document": "x" * 129}, "document", "3 to 128"),
        ("delete-documents-by-prefix", {"prefix": "My*Doc"}, "prefix", "1 to 127"),
        ("delete-documents-by-prefix", {"prefix": ""}, "prefix", "1 to 127"),
        ("console-minimum", {"role_prefix": "a/b"}, "role_prefix", "IAM role name"),
        ("list-documents", {"prefix": "Update"}, "prefix", "region"),
        ("ssm-one-region", {"Region": "us-west-2"}, "Region", "region"),
    ],
)
def test_bad_parameters_are_rejected_naming_the_parameter_and_the_form(
    name: str, params: dict[str, str], parameter: str, expected: str
) -> None:
    t = template(name)
    assert t is not None
    with pytest.raises(TemplateParameterError) as raised:
        t.render(params)
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.parameter == parameter
    assert expected in error.expected
    assert str(error).startswith(f"{parameter}: ") and error.expected in str(error)
    with pytest.raises(TemplateParameterError):
        t.render_text(params)


def test_unknown_parameter_lists_the_known_ones() -> None:
    t = template("delete-documents-by-prefix")
    assert t is not None
    with pytest.raises(TemplateParameterError) as raised:
        t.render({"bucket": "x"})
    assert raised.value.parameter == "bucket"
    assert "region, account, prefix" in raised.value.expected


def test_region_suggestion_and_list() -> None:
    region = TemplateParameter(
        name="region", label="Region", description="", kind="region", default="us-west-2"
    )
    with pytest.raises(TemplateParameterError, match="did you mean us-west-2"):
        region.validate_value("us-west2")
    for code in get_catalog().regions:
        assert region.validate_value(code) == code
    assert region.validate_value(" US-EAST-2 ") == "us-east-2"


def test_values_are_normalised() -> None:
    t = template("run-document-on-instances")
    assert t is not None
    values = t.values(
        {
            "account": "1112-2233-3444",
            "instance_ids": " I-0123ABCD,i-0123456789abcdef0\ni-0123abcd ",
            "document": " SSM-document-name ",
        }
    )
    assert values["account"] == "111222333444"
    assert values["instance_ids"] == "i-0123abcd, i-0123456789abcdef0"  # lower case, once each
    assert values["document"] == "SSM-document-name"
    delete = template("delete-documents-by-prefix")
    assert delete is not None
    assert delete.values({"prefix": "MyDocument-*"})["prefix"] == "MyDocument-"
    resources = delete.render({"prefix": "MyDocument-*"})["Statement"][0]["Resource"]
    assert resources == ["arn:aws:ssm:us-west-2:123456789012:document/MyDocument-*"]


def test_optional_parameter_may_be_empty() -> None:
    p = TemplateParameter(
        name="note",
        label="Note",
        description="",
        kind="document_prefix",
        default="",
        required=False,
    )
    assert p.validate_value("  ") == ""
    with pytest.raises(TemplateParameterError):
        p.model_copy(update={"required": True}).validate_value("")


# --- printed examples -------------------------------------------------------------------------
def test_printed_examples_are_verbatim_copies_of_the_files() -> None:
    examples = printed_examples()
    assert sorted(examples) == sorted(p.stem for p in PRINTED.glob("*.json"))
    for name, text in examples.items():
        assert (PRINTED / f"{name}.json").read_text() == text + "\n"
        assert printed(name) == text
    assert printed("no-such-example") is None
    # a copy: callers cannot change what the next caller gets
    examples.clear()
    assert printed_examples()


def test_printed_examples_appear_in_the_seed() -> None:
    if not SEED.is_dir():
        pytest.skip("../shared/seed is not present")
    seed = "\n".join(p.read_text() for p in SEED.iterdir())
    for name, text in printed_examples().items():
        assert text in seed, name
        section = printed_section(name)
        assert section is not None and section in seed
        # the example comes after its section title
        assert seed.index(section) < seed.index(text)


def test_printed_examples_keep_their_problems() -> None:
    # verbatim means broken where the guide is: the validator still finds the errors
    assert error_findings(printed("ssm-one-region") or "")
    assert error_findings(printed("run-document-on-instances") or "")
    assert "ec2:describeInstances" in (printed("console-minimum") or "")


def test_templates_module_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from ssm_tui.library.templates import templates\n"
        "[t.render_text() for t in templates()]\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- parameter values are the formats ssm_tui.iam defines -----------------------------------

ACCOUNT_TEXTS = st.one_of(
    st.text(st.sampled_from("0123456789- "), max_size=16),
    st.from_regex(r"[0-9]{4}-[0-9]{4}-[0-9]{4}", fullmatch=True),
    st.text(max_size=14),
)
INSTANCE_TEXTS = st.one_of(
    st.from_regex(r"i-(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{17})", fullmatch=True),
    st.text(st.sampled_from("i-0123456789abcdefgABCDEF"), max_size=20),
)


def accepted(kind: str, value: str) -> str | None:
    parameter = TemplateParameter(name="p", label="P", description="d", kind=kind, default="")
    try:
        return parameter.validate_value(value)
    except TemplateParameterError:
        return None


@settings(max_examples=200, deadline=None)
@given(ACCOUNT_TEXTS)
def test_an_account_is_accepted_exactly_when_iam_reads_an_account_id(value: str) -> None:
    digits = "".join(c for c in value if not (c.isspace() or c == "-"))
    expected = digits if value.strip() and is_account_id(digits) else None
    assert accepted("account", value) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(INSTANCE_TEXTS, min_size=1, max_size=4))
def test_instance_ids_are_accepted_exactly_when_iam_reads_instance_ids(ids: list[str]) -> None:
    normal = [i.lower() for i in ids if i]
    ok = normal and all(is_instance_id(i) for i in normal)
    expected = ", ".join(dict.fromkeys(normal)) if ok else None
    assert accepted("instance_ids", ", ".join(ids)) == expected


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.sampled_from(sorted(get_catalog().regions)), st.text(max_size=12)))
def test_a_region_is_accepted_exactly_when_iam_knows_the_region(value: str) -> None:
    code = value.strip().lower()
    expected = code if value.strip() and is_region(get_catalog(), code) else None
    assert accepted("region", value) == expected
