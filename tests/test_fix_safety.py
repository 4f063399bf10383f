"""A fix is kept only if the fixed policy re-validates no worse; `check --fix` keeps the bytes
it does not fix and never writes a file it should not."""

from __future__ import annotations

import errno
import json
import os
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PARAMETERS, allow, policy
from ssm_tui.checks import Severity, validate
from ssm_tui.checks.base import TextEdit
from ssm_tui.checks.fixes import _candidates, apply_edits, fix_text
from ssm_tui.cli import main


def literal(text: str) -> str:
    """json.dumps writes non-ASCII as escapes; put the characters themselves in the text."""
    for char in "\u201c\u201d\u200b":
        text = text.replace(f"\\u{ord(char):04x}", char)
    return text


def errors(text: str) -> Counter[str]:
    return Counter(f.code for f in validate(text).findings if f.severity is Severity.ERROR)


def no_new_error(before: str, after: str) -> bool:
    old, new = errors(before), errors(after)
    return all(count <= old[code] for code, count in new.items())


# --- verification of fixes ----------------------------------------------------------------


def test_typographic_quotes_wrapping_a_value_are_dropped() -> None:
    text = literal(
        policy(
            allow(
                "ssm:GetParameter",
                PARAMETERS,
                Condition={"StringEquals": {"aws:ResourceTag/color": "\u201cblue\u201d"}},
            )
        )
    )
    result = fix_text(text)
    assert "INVALID_CHARACTER" in {a.code for a in result.applied}
    condition = json.loads(result.text)["Statement"][0]["Condition"]
    assert condition["StringEquals"]["aws:ResourceTag/color"] == "blue"
    # the finding's advice is what the fix does (remove the pair), not "replace with \""
    finding = next(f for f in validate(text).findings if f.code == "INVALID_CHARACTER")
    assert "Remove it: a pair of typographic quotes" in finding.message
    assert finding.suggestion == ""


def test_typographic_quotes_inside_a_value_are_escaped() -> None:
    text = literal(policy(allow("ssm:GetParameter", PARAMETERS, Sid="say\u201chi\u201dnow")))
    text = text.replace('"Sid": "say', '"Description": "say')  # any string member
    result = fix_text(text)
    assert '"say\\"hi\\"now"' in result.text
    finding = next(f for f in validate(text).findings if f.code == "INVALID_CHARACTER")
    assert 'Replace it with \\" (an escaped quote' in finding.message


def test_a_policy_typed_with_typographic_quotes_is_fixed() -> None:
    text = policy(allow("ssm:GetParameter", PARAMETERS)).replace('"', "\u201c", 1)
    text = text.replace('Version"', "Version\u201d", 1)
    assert validate(text).policy.json.syntax_error is not None
    result = fix_text(text)
    assert json.loads(result.text)["Version"] == "2012-10-17"


def test_null_if_exists_fix_that_exposes_another_error_is_refused() -> None:
    text = policy(
        allow(
            "ssm:GetParameter",
            PARAMETERS,
            Condition={"NullIfExists": {"aws:ResourceTag/x": ["true", "false"]}},
        )
    )
    result = fix_text(text)
    assert not result.changed and result.text == text
    assert [r.code for r in result.refused] == ["NULL_WITH_IF_EXISTS"]
    alone = text.replace('["true", "false"]', '"true"').replace(
        '[\n            "true",\n            "false"\n          ]', '"true"'
    )
    assert fix_text(alone).changed  # the same fix where it creates no error


def test_removing_an_invisible_character_that_makes_a_duplicate_key_is_refused() -> None:
    text = policy(
        allow("ssm:GetParameter", PARAMETERS, Sid="A"),
    ).replace('"Sid": "A"', '"Sid": "A", "Si\u200bd": "B"')
    assert "DUPLICATE_KEY" not in errors(text)
    result = fix_text(text)
    assert "DUPLICATE_KEY" not in errors(result.text)
    assert "\u200b" in result.text  # refused, left for the user


def test_a_bad_fix_among_good_ones_is_singled_out() -> None:
    statements = [
        allow(["ec2:describeInstances", f"ssm:{name}"], "*", Sid=f"S{i}")
        for i, name in enumerate(["getParameter", "GetParameters", "listDocuments"])
    ]
    statements.append(
        allow(
            "ssm:GetParameter",
            PARAMETERS,
            Sid="Null",
            Condition={"NullIfExists": {"aws:ResourceTag/x": ["true", "false"]}},
        )
    )
    text = policy(*statements)
    result = fix_text(text)
    assert "NullIfExists" in result.text
    assert "ec2:describeInstances" not in result.text and "ssm:listDocuments" not in result.text
    assert no_new_error(text, result.text)


def test_grammar_renames_that_expose_fixable_errors_go_through() -> None:
    text = policy(
        {"effect": "allow", "Action": "ssm:GetParameter", "Resource": PARAMETERS, "Sid": "A"},
    ).replace('"Statement"', '"statement"')
    result = fix_text(text)
    assert json.loads(result.text)["Statement"][0]["Effect"] == "Allow"
    assert not errors(result.text)


def test_crlf_stays_crlf() -> None:
    text = policy(allow(["ssm:getParameter", "ssm:GetParameter"], PARAMETERS)).replace("\n", "\r\n")
    result = fix_text(text)
    assert result.changed
    assert "\n" not in result.text.replace("\r\n", "")


def test_fix_that_writes_a_line_feed_is_converted_to_crlf() -> None:
    from ssm_tui.checks.fixes import _Round, _uniform_line_break

    assert _uniform_line_break("a\r\nb\r\n") == "\r\n"
    assert _uniform_line_break("a\nb\r\n") is None
    assert _uniform_line_break("ab") is None
    edit = TextEdit(
        offset=1, end_offset=1, line=1, column=2, end_line=1, end_column=2, replacement="\n"
    )
    one = _Round("a\r\nb", None, None, "\r\n", "strict", None)  # type: ignore[arg-type]
    assert one._fixed([type("C", (), {"edits": (edit,)})()]) == "a\r\n\r\nb"  # type: ignore[list-item]


def test_apply_edits_is_linear_and_exact() -> None:
    text = "abcdef"
    edits = [
        TextEdit(
            offset=o,
            end_offset=o + 1,
            line=1,
            column=o + 1,
            end_line=1,
            end_column=o + 2,
            replacement=r,
        )
        for o, r in ((4, "E"), (0, "A"), (2, ""))
    ]
    assert apply_edits(text, edits) == "AbdEf"


def test_overlapping_fixes_wait_for_the_next_round() -> None:
    text = policy(allow(["ssm:getParameter", "ssm:GetParameter "], PARAMETERS))
    findings = validate(text).findings
    chosen = _candidates(findings)
    spans = sorted((e.offset, e.end_offset) for c in chosen for e in c.edits)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))


# --- hypothesis: fixing is safe and idempotent ----------------------------------------------

ACTIONS = [
    "ssm:GetParamter",
    "ssm:getParameter",
    "ec2:DescribeInstnces",
    "ssm:GetParameter ",
    "s3:GetObject",
    "ssm:SendCommand",
    "ssm:listDocuments",
    "kms:Decrypt",
]
OPERATORS = [
    "StringEquals",
    "stringEquals",
    "StringEqual",
    "NullIfExists",
    "Bool",
    "NumericLessThan",
]
RESOURCES = ["*", PARAMETERS, "arn:aws:s3:::bucket/*", " arn:aws:ssm:*:*:document/*"]


@st.composite
def typo_policies(draw: st.DrawFn) -> str:
    statements = []
    for i in range(draw(st.integers(1, 4))):
        statement = {
            draw(st.sampled_from(["Effect", "effect"])): draw(
                st.sampled_from(["Allow", "allow", "Deny"])
            ),
            "Action": draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=4)),
            "Resource": draw(st.sampled_from(RESOURCES)),
        }
        if draw(st.booleans()):
            statement["Sid"] = draw(st.sampled_from(["A", "B", f"S{i}", "A\u200b"]))
        if draw(st.booleans()):
            values = draw(st.sampled_from([["true"], ["true", "false"], "\u201cx\u201d", "1"]))
            statement["Condition"] = {
                draw(st.sampled_from(OPERATORS)): {"aws:ResourceTag/x": values}
            }
        statements.append(statement)
    text = literal(policy(*statements))
    if draw(st.booleans()):
        text = text.replace('"Statement"', '"statement"')
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typo_policies())
def test_fixing_is_safe_and_idempotent(text: str) -> None:
    result = fix_text(text)
    if validate(text).policy.json.syntax_error is None:
        assert validate(result.text).policy.json.syntax_error is None
    assert no_new_error(text, result.text)
    again = fix_text(result.text)
    assert again.text == result.text and not again.applied
    if "\r\n" in text:
        assert "\n" not in result.text.replace("\r\n", "")


# --- check --fix on files --------------------------------------------------------------------

TYPO = policy(allow("ssm:getParameter", PARAMETERS))


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_fix_refuses_a_file_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.json"
    data = TYPO.encode().replace(b'"Version"', b'"Version\xff"', 1)
    path.write_bytes(data)
    code, _, err = run(["check", "--fix", str(path)], capsys)
    assert code == 2 and path.read_bytes() == data
    assert err.startswith("ssm-tui check: ") and "not UTF-8 text (byte 0xff at line 2" in err
    assert err.count("\n") == 1 and "ssm-tui will not rewrite it" in err
    code, out, err = run(["check", "--diff", str(path)], capsys)
    assert code == 2 and out.count("@@") == 0 and "not UTF-8 text" in err


def test_fix_keeps_bom_and_crlf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b"\xef\xbb\xbf" + TYPO.replace("\n", "\r\n").encode())
    code, _, err = run(["check", "--fix", str(path)], capsys)
    assert code == 0 and "fixed NON_CANONICAL_CASE" in err
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"ssm:GetParameter" in data
    assert data.count(b"\n") == data.count(b"\r\n") > 0


def test_fix_skips_a_file_changed_on_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.json"
    path.write_text(TYPO)
    from ssm_tui.checks import fixes

    real_fix = fixes.fix_text

    def fix_while_someone_edits(*args: object, **kwargs: object) -> object:
        path.write_text(TYPO + "\n")  # another program saves while we validate
        return real_fix(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fixes, "fix_text", fix_while_someone_edits)
    code, _, err = run(["check", "--fix", str(path)], capsys)
    assert code == 2 and path.read_text() == TYPO + "\n"
    assert "changed on disk since it was read; skipped, not fixed" in err
    assert "fixed NON_CANONICAL_CASE" not in err


def test_fix_refuses_a_read_only_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.json"
    path.write_text(TYPO)
    path.chmod(0o444)
    code, _, err = run(["check", "--fix", str(path)], capsys)
    assert code == 2 and path.read_text() == TYPO
    assert f"ssm-tui check: {path}: is read-only; not fixed" in err


def test_fix_on_a_full_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.json"
    path.write_text(TYPO)
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if os.fstat(fd).st_size == 0 and len(data) > 20:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    code, out, err = run(["check", "--fix", str(path)], capsys)
    monkeypatch.undo()
    assert code == 2 and path.read_text() == TYPO and not temps(tmp_path)
    assert err.strip() == (
        f"ssm-tui check: {path}: cannot save (the disk is full); the file was not changed"
    )
    assert "NON_CANONICAL_CASE" in out  # what remains is what is on disk


def test_fix_in_an_unwritable_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores chmod, so the folder's refusal is simulated at os.open."""
    path = tmp_path / "p.json"
    path.write_text(TYPO)
    real_open = os.open

    def refuse(name: str, *args: object, **kwargs: object) -> int:
        if str(name).endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    code, _, err = run(["check", "--fix", str(path)], capsys)
    monkeypatch.undo()
    assert code == 2 and path.read_text() == TYPO and not temps(tmp_path)
    assert "cannot be written to); the file was not changed" in err and err.count("\n") == 1


def test_fix_through_a_symlink_keeps_the_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "real.json"
    target.write_text(TYPO)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    code, _, _ = run(["check", "--fix", str(link), str(target)], capsys)
    assert code == 0 and link.is_symlink()
    assert "ssm:GetParameter" in target.read_text()


def test_second_fix_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.json"
    path.write_text(TYPO.replace('"Statement"', '"statement"'))
    assert run(["check", "--fix", str(path)], capsys)[0] == 0
    once = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    code, _, err = run(["check", "--fix", str(path)], capsys)
    assert code == 0 and err == "" and path.read_bytes() == once
    assert path.stat().st_mtime_ns == mtime


def test_file_names_with_control_characters_are_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evil\x1b]52;c;aGk=\x07.json"
    path.write_text(TYPO)
    path.chmod(0o444)
    code, out, err = run(["check", "--fix", str(path)], capsys)
    assert code == 2 and "\x1b" not in err and "\\x1b]52" in err
    code, out, err = run(["check", "--diff", str(path)], capsys)
    assert "\x1b" not in out and "\x07" not in out


def test_diff_escapes_control_characters_and_marks_a_missing_final_newline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.json"
    text = TYPO.replace('"Resource"', '"Resource\x1b[2J"')
    path.write_text(text.rstrip("\n"))
    _, out, _ = run(["check", "--diff", str(path)], capsys)
    assert "\x1b" not in out
    path.write_text(json.dumps(json.loads(TYPO)))  # one line, no final line break
    _, out, _ = run(["check", "--diff", str(path)], capsys)
    assert out.endswith("\n\\ No newline at end of file\n")
    assert out.count("\\ No newline at end of file") == 2


def test_fix_of_a_hard_linked_file_says_the_other_name_keeps_the_old_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.json"
    path.write_text(TYPO)
    other = tmp_path / "other.json"
    os.link(path, other)
    code, _, err = run(["check", "--fix", str(path)], capsys)
    assert code == 0 and "ssm:GetParameter" in path.read_text()
    assert other.read_text() == TYPO
    assert "1 other hard link(s); they keep the old text" in err
