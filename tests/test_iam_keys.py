"""Condition keys per action: what the builder offers is what the validator accepts."""

from __future__ import annotations

from ssm_tui.iam.catalog import get_catalog
from ssm_tui.iam.keys import condition_keys_for, is_per_action_global, is_variable_key, key_index


def names(*entries: str) -> list[str]:
    return [record.key for record in condition_keys_for(get_catalog(), list(entries))]


def test_action_keys_first_then_global_keys() -> None:
    keys = names("ssm:SendCommand")
    first_global = keys.index("aws:AssumedRoot")
    action_part, global_part = keys[:first_global], keys[first_global:]
    assert action_part[:2] == ["ssm:DocumentCategories", "ssm:DocumentType"]
    # resource-type keys count (the builder used to leave them out)
    assert "aws:ResourceTag/${TagKey}" in action_part
    assert "aws:SourceIp" in global_part and "aws:PrincipalTag/${TagKey}" in global_part
    assert all(k.startswith("aws:") for k in global_part)
    assert len(keys) == len({k.lower() for k in keys})


def test_keys_every_entry_supports() -> None:
    both = names("ssm:SendCommand", "ssm:GetParameter")
    assert "ssm:DocumentType" not in both  # GetParameter does not support it
    assert "aws:ResourceTag/${TagKey}" in both
    # an entry with a wildcard supports a key when one of its actions does
    assert "ssm:DocumentType" in names("ssm:Send*")


def test_entries_the_validator_cannot_judge_are_left_out() -> None:
    global_only = names()
    assert names("*") == global_only
    assert names("ssm:NoSuchAction") == global_only
    assert names("ssm:NoSuchAction", "ssm:SendCommand") == names("ssm:SendCommand")
    assert "aws:TagKeys" not in global_only and "aws:ARN" not in global_only


def test_per_action_globals_and_lookups() -> None:
    assert is_per_action_global("aws:TagKeys")
    assert is_per_action_global("AWS:RequestTag/team")
    assert not is_per_action_global("aws:SourceIp")
    index = key_index(get_catalog())
    assert index is key_index(get_catalog())
    record = index.record("ssm:resourceTag/team", ("ssm",))
    assert record is not None and record.key == "ssm:resourceTag/${TagKey}"
    assert index.suggestions("aws:SourceIP2", ())[0] == "aws:SourceIp"
    assert index.tag_prefixes("aws") == ("aws:requesttag/", "aws:resourcetag/", "aws:principaltag/")


def test_variable_keys_include_federated_ones() -> None:
    catalog = get_catalog()
    assert is_variable_key(catalog, "aws:username") and is_variable_key(catalog, "saml:sub")
    assert is_variable_key(catalog, "www.amazon.com:app_id")
    assert is_variable_key(catalog, "ssm:resourceTag/Team", ("ssm",))
    assert not is_variable_key(catalog, "saml:nosuchkey")
    assert not is_variable_key(catalog, "ParameterName") and not is_variable_key(catalog, "x:")
