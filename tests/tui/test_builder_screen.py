"""The statement builder (BuilderScreen): actions, resources, conditions, preview, insert."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, SelectionList, Static, TextArea

from conftest import GOOD_VALUE
from ssm_tui.checks import validate
from ssm_tui.iam.catalog import ConditionKey, get_catalog
from ssm_tui.iam.keys import condition_keys_for
from ssm_tui.iam.operators import operators_for, parse_operator
from ssm_tui.iam.variables import PLACEHOLDER
from ssm_tui.policy.format import pretty
from ssm_tui.tui.builder_screen import ArnRow, BuilderScreen

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
HOSTILE = "[/x] [@click=app.quit]q[/]"


class Harness(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[dict[str, Any] | None] = []

    def compose(self) -> ComposeResult:
        yield Static("harness")

    def on_mount(self) -> None:
        self.push_screen(BuilderScreen(), self.results.append)


def screen(pilot: Pilot[None]) -> BuilderScreen:
    current = pilot.app.screen
    assert isinstance(current, BuilderScreen)
    return current


def text(pilot: Pilot[None], selector: str) -> str:
    return str(screen(pilot).query_one(selector, Static).render())


def preview(pilot: Pilot[None]) -> str:
    return screen(pilot).query_one("#builder-preview", TextArea).text


def option_values(pilot: Pilot[None]) -> list[str]:
    listing = screen(pilot).query_one("#builder-actions", SelectionList)
    return [str(listing.get_option_at_index(i).value) for i in range(listing.option_count)]


async def search(pilot: Pilot[None], query: str) -> None:
    field = screen(pilot).query_one("#builder-search", Input)
    field.focus()
    field.value = ""
    await pilot.press(*query)
    await pilot.pause()


async def pick(pilot: Pilot[None], query: str, name: str) -> None:
    """Search, move the highlight to `name` and toggle it with the space key."""
    await search(pilot, query)
    listing = screen(pilot).query_one("#builder-actions", SelectionList)
    listing.focus()
    listing.highlighted = option_values(pilot).index(name)
    await pilot.press("space")
    await pilot.pause()


async def fill(pilot: Pilot[None], values: dict[str, str], row: int = 0) -> None:
    arn_row = list(screen(pilot).query(ArnRow))[row]
    for field in arn_row.query(Input):
        name = getattr(field, "placeholder_name", "")
        if name in values:
            field.focus()
            field.value = ""
            await pilot.press(*values[name])
    await pilot.pause()


PARAMETER = {
    "Region": "eu-west-1",
    "Account": "123456789012",
    "ParameterNameWithoutLeadingSlash": "app/db",
}
PARAMETER_ARN = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db"


async def test_get_parameter_with_an_arn_validates_and_inserts() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        assert "ssm:GetParameter" in text(pilot, "#builder-selected")
        await fill(pilot, PARAMETER)
        assert PARAMETER_ARN in preview(pilot)
        assert "0 error" in text(pilot, "#builder-summary")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [
        {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": PARAMETER_ARN}
    ]


async def test_add_makes_another_arn_row_for_the_template() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await fill(pilot, PARAMETER)
        await pilot.click(".arn-add")
        await pilot.pause()
        await fill(pilot, {**PARAMETER, "ParameterNameWithoutLeadingSlash": "app/other"}, row=1)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results[0] is not None
    assert app.results[0]["Resource"] == [PARAMETER_ARN, PARAMETER_ARN.replace("db", "other")]


async def test_i_inserts_when_not_typing_and_escape_cancels() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        await pilot.press("i")  # focus is on the list, not an input
        await pilot.pause()
    assert app.results == [{"Effect": "Allow", "Action": "ssm:ListDocuments", "Resource": "*"}]
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_an_action_without_resource_types_is_explained_and_gets_a_star() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        assert (
            'ssm:ListDocuments supports no resource-level permissions: Resource must be "*"'
            in text(pilot, "#builder-explain")
        )
        assert '"Resource": "*"' in preview(pilot)


async def test_a_bad_region_is_reported_and_insert_is_refused() -> None:
    app = Harness()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await fill(pilot, {**PARAMETER, "Region": "eu-nowhere-9"})
        assert "Region 'eu-nowhere-9' is not a known AWS Region" in text(pilot, ".arn-problems")
        assert "eu-nowhere-9" in text(pilot, "#builder-summary")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert any("Not inserted" in n.title for n in app._notifications)
        assert isinstance(app.screen, BuilderScreen)


async def test_insert_without_actions_is_refused() -> None:
    app = Harness()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, BuilderScreen)


async def test_the_access_level_filter_narrows_the_list() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        everything = option_values(pilot)
        screen(pilot).query_one("#builder-level", Select).value = "List"
        await pilot.pause()
        listed = option_values(pilot)
        assert 0 < len(listed) < len(everything)
        assert "ssm:ListDocuments" in listed
        assert "ssm:GetParameter" not in listed


async def test_typing_a_service_prefix_switches_service() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "ec2:RunInst")
        assert option_values(pilot)[0] == "ec2:RunInstances"


async def test_a_condition_with_a_fitting_operator_appears_in_the_preview() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        builder = screen(pilot)
        builder.query_one("#builder-cond-key", Select).value = "aws:SourceIp"
        await pilot.pause()
        operator = builder.query_one("#builder-cond-op", Select)
        assert operator.value == "IpAddress"
        builder.query_one("#builder-cond-values", Input).focus()
        await pilot.press(*"10.0.0.0/8")
        await pilot.pause()
        assert '"IpAddress"' in preview(pilot)
        assert '"aws:SourceIp": "10.0.0.0/8"' in preview(pilot)
        builder.query_one("#builder-cond-key", Select).value = "aws:SecureTransport"
        await pilot.pause()
        assert operator.value == "Bool"


async def test_hostile_text_is_shown_literally() -> None:
    app = Harness()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await search(pilot, HOSTILE)
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await fill(pilot, {"ParameterNameWithoutLeadingSlash": HOSTILE, "Region": HOSTILE})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running
        assert HOSTILE in text(pilot, ".arn-problems")
        assert isinstance(app.screen, BuilderScreen)


def test_snapshot_80x24(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pick(pilot, "GetParam", "ssm:GetParameter")
        await pick(pilot, "ListDoc", "ssm:ListDocuments")
        await fill(pilot, PARAMETER)
        for widget in pilot.app.screen.query("*"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False
        screen(pilot).query_one("#builder-search", Input).focus()
        await pilot.pause()

    assert snap_compare(Harness(), terminal_size=SIZE, run_before=run_before)


async def test_enter_in_the_search_then_space_selects_the_best_match() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await search(pilot, "GetParameters")
        await pilot.press("enter")
        await pilot.pause()
        listing = screen(pilot).query_one("#builder-actions", SelectionList)
        assert listing.has_focus
        await pilot.press("space")
        await pilot.pause()
        assert listing.selected == ["ssm:GetParameters"]
        assert "ssm:GetParameters" in preview(pilot)


async def test_a_sid_is_written_first_and_checked_by_the_validator() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pick(pilot, "ListDocuments", "ssm:ListDocuments")
        sid = screen(pilot).query_one("#builder-sid", Input)
        sid.focus()
        await pilot.press(*"List docs")
        await pilot.pause()
        # A space is not allowed in a Sid: the validator's error shows and insert is refused.
        summary = text(pilot, "#builder-summary")
        assert summary.startswith("1 error") and 'Sid "List docs"' in summary
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        sid.value = "ListDocs"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [
            {"Sid": "ListDocs", "Effect": "Allow", "Action": "ssm:ListDocuments", "Resource": "*"}
        ]
        assert list(app.results[0]) == ["Sid", "Effect", "Action", "Resource"]


# --- conditions: the keys and operators the validator accepts ------------------------------

# The findings that say a key does not fit the actions or an operator does not fit the key.
KEY_OPERATOR_CODES = {
    "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
    "MISSING_ACTION_FOR_CONDITION_KEY",
    "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
    "INVALID_GLOBAL_CONDITION_KEY",
    "INVALID_SERVICE_CONDITION_KEY",
    "INVALID_SERVICE",
    "INVALID_CONDITION_KEY_FORMAT",
    "UNSUPPORTED_GLOBAL_CONDITION_KEY",
    "MISSING_TAG_KEY_IN_CONDITION",
    "INVALID_CONDITION_OPERATOR",
    "NULL_WITH_IF_EXISTS",
    "NULL_WITH_QUALIFIER",
    "TYPE_MISMATCH",
    "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
    "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
    "MISSING_QUALIFIER",
    "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
}


def _selections() -> list[list[str]]:
    """Action selections from the catalogue: fixed ones, then a seeded sample of one to three
    actions of ssm, ec2, s3, kms and iam (within one service and across services)."""
    catalog = get_catalog()
    names = sorted(
        a.full_name
        for service in ("ssm", "ec2", "s3", "kms", "iam")
        for a in catalog.actions(service).values()
    )
    ssm = [n for n in names if n.startswith("ssm:")]
    rng = random.Random(20240610)
    sample = [rng.sample(ssm, rng.randint(1, 3)) for _ in range(12)]
    sample += [rng.sample(names, rng.randint(1, 3)) for _ in range(16)]
    fixed = [
        [],
        ["ssm:SendCommand"],
        ["ssm:GetCalendar"],  # resource-type keys (ssm:DocumentType) the actions do not list
        ["ssm:GetParameter", "ssm:PutParameter"],
        ["ssm:StartSession", "ec2:DescribeInstances"],
    ]
    return fixed + sample


SELECTIONS = _selections()


def select_options(select: Select[str]) -> list[str]:
    """What a Select offers, as its open list shows it (the blank first row left out)."""
    overlay = select.query_one(OptionList)
    prompts = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
    assert prompts[0] == select.prompt
    return prompts[1:]


async def choose(pilot: Pilot[None], names: list[str]) -> BuilderScreen:
    """A fresh builder with `names` picked in the action list."""
    app = pilot.app
    if isinstance(app.screen, BuilderScreen):
        app.pop_screen()
    app.push_screen(BuilderScreen())
    await pilot.pause()
    builder = screen(pilot)
    search_field = builder.query_one("#builder-search", Input)
    listing = builder.query_one("#builder-actions", SelectionList)
    for name in names:
        search_field.value = name
        await pilot.pause()
        listing.select(name)
        await pilot.pause()
    assert list(builder.selected) == names
    return builder


def record_of(names: list[str], key: str) -> ConditionKey:
    return {r.key: r for r in condition_keys_for(get_catalog(), names)}[key]


async def test_the_keys_offered_are_those_the_validator_accepts_for_the_actions() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        for names in SELECTIONS:
            builder = await choose(pilot, names)
            offered = select_options(builder.query_one("#builder-cond-key", Select))
            assert offered == [r.key for r in condition_keys_for(get_catalog(), names)], names
            assert len(offered) >= 50  # every global key, at least


def written(key: str) -> str:
    return PLACEHOLDER.sub("Example", key)


async def check_every_key_and_operator(pilot: Pilot[None], names: list[str]) -> int:
    """For each key the builder offers: it offers operators_for(record), and each statement
    it builds with the key and one of those operators gets no key or operator finding."""
    builder = await choose(pilot, names)
    key_select = builder.query_one("#builder-cond-key", Select)
    op_select = builder.query_one("#builder-cond-op", Select)
    builder.query_one("#builder-cond-tag", Input).value = "Example"
    values = builder.query_one("#builder-cond-values", Input)
    built = 0
    for key in select_options(key_select):
        key_select.value = key
        await pilot.pause()
        operators = select_options(op_select)
        assert operators == list(operators_for(record_of(names, key))), key
        assert op_select.value == operators[0]
        for operator in operators:
            op_select.value = operator
            values.value = GOOD_VALUE[parse_operator(operator).family]  # type: ignore[union-attr]
            statement = builder.statement()
            assert statement["Condition"] == {operator: {written(key): values.value}}
            text = pretty({"Version": "2012-10-17", "Statement": [statement]})
            wrong = [f for f in validate(text).findings if f.code in KEY_OPERATOR_CODES]
            assert wrong == [], (names, key, operator, wrong)
            built += 1
    return built


@pytest.mark.parametrize("names", [SELECTIONS[i] for i in (0, 1, 2, 4, 9, 20)], ids=str)
async def test_each_offered_key_gets_the_operators_the_validator_accepts(
    names: list[str],
) -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        assert await check_every_key_and_operator(pilot, names) > 50 * 5


async def test_an_arn_key_is_offered_string_operators_but_not_string_like() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        builder = await choose(pilot, ["ssm:SendCommand"])
        builder.query_one("#builder-cond-key", Select).value = "aws:PrincipalArn"
        await pilot.pause()
        operators = select_options(builder.query_one("#builder-cond-op", Select))
        assert operators[:4] == ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"]
        assert "StringEquals" in operators and "StringEqualsIfExists" in operators
        assert "StringLike" not in operators and operators[-1] == "Null"


async def test_a_resource_type_key_is_offered() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        builder = await choose(pilot, ["ssm:GetCalendar"])
        offered = select_options(builder.query_one("#builder-cond-key", Select))
        # listed by the document resource type, not by the action itself
        action = get_catalog().action("ssm:GetCalendar")
        assert action is not None and "ssm:DocumentType" not in action.condition_keys
        assert offered.index("ssm:DocumentType") < offered.index("aws:SourceIp")


async def test_typing_in_the_open_key_list_jumps_to_a_key() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        builder = await choose(pilot, ["ssm:SendCommand"])
        key_select = builder.query_one("#builder-cond-key", Select)
        key_select.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert key_select.expanded
        await pilot.press(*"sourceip", "enter")
        await pilot.pause()
        assert key_select.value == "aws:SourceIp"
        assert builder.query_one("#builder-cond-op", Select).value == "IpAddress"


async def test_a_tag_key_template_takes_the_tag_and_inserts() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        builder = await choose(pilot, ["ssm:SendCommand"])
        builder.query_one("#builder-cond-key", Select).value = "ssm:resourceTag/${TagKey}"
        await pilot.pause()
        tag = builder.query_one("#builder-cond-tag", Input)
        assert tag.placeholder == "TagKey" and not tag.disabled
        builder.query_one("#builder-cond-op", Select).value = "StringLike"
        tag.value = "team"
        builder.query_one("#builder-cond-values", Input).value = "blue*, red"
        await pilot.pause()
        assert builder.condition() == {"StringLike": {"ssm:resourceTag/team": ["blue*", "red"]}}


async def test_the_tag_field_is_out_of_the_way_for_a_key_without_a_tag() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        builder = await choose(pilot, ["ssm:SendCommand"])
        tag = builder.query_one("#builder-cond-tag", Input)
        assert tag.disabled  # no key chosen yet
        builder.query_one("#builder-cond-key", Select).value = "aws:SourceArn"
        await pilot.pause()
        assert tag.disabled and tag not in builder.focus_chain
        # Tab from the operator goes straight to the values
        builder.query_one("#builder-cond-op", Select).focus()
        await pilot.press("tab")
        assert builder.focused is builder.query_one("#builder-cond-values", Input)


async def values_verdict(pilot: Pilot[None], key: str, operator: str, value: str) -> str:
    builder = screen(pilot)
    builder.query_one("#builder-cond-key", Select).value = key
    await pilot.pause()
    builder.query_one("#builder-cond-op", Select).value = operator
    builder.query_one("#builder-cond-values", Input).value = value
    await pilot.pause()
    verdict = builder.query_one("#builder-cond-verdict", Static)
    return str(verdict.render()) if verdict.display else ""


async def test_a_typed_value_shows_how_iam_reads_it_or_the_validators_verdict() -> None:
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, ["ssm:DescribeParameters"])
        # the example: a W3C date of a year and month is June 2030
        shown = await values_verdict(pilot, "aws:CurrentTime", "DateLessThan", "2030-06")
        assert shown == '"2030-06" reads as 2030-06-01T00:00:00Z'
        shown = await values_verdict(pilot, "aws:CurrentTime", "DateLessThan", "soon")
        assert shown.startswith('"soon" is not a date, which DateLessThan needs')
        shown = await values_verdict(pilot, "aws:MultiFactorAuthAge", "NumericLessThan", "3600")
        assert shown == '"3600" reads as the number 3600'
        shown = await values_verdict(pilot, "aws:MultiFactorAuthAge", "NumericLessThan", "1e3")
        assert shown.startswith('"1e3" is not a number')
        shown = await values_verdict(pilot, "aws:SecureTransport", "Bool", "TRUE")
        assert "write it in lower case" in shown
        shown = await values_verdict(pilot, "aws:SourceIp", "IpAddress", "10.0.0.0/8, 10.1.2.3")
        assert shown.splitlines() == [
            '"10.0.0.0/8" reads as the range 10.0.0.0/8',
            '"10.1.2.3" reads as the range 10.1.2.3/32',
        ]
        shown = await values_verdict(pilot, "aws:SourceIp", "Null", "true")
        assert shown == '"true" reads as true: the key is absent'
        # text operators read text: nothing to show
        assert await values_verdict(pilot, "aws:SourceAccount", "StringEquals", "x") == ""
        assert "builder-cond-verdict" not in {w.id for w in app.screen.query("*") if w.display}
