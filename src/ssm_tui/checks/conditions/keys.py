"""Condition keys: is the key well formed and real, and do the statement's actions support it
(what the catalogue knows is in ssm_tui.iam.keys)?"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ssm_tui.checks.base import CheckContext, Finding, Severity, quote
from ssm_tui.checks.conditions.common import (
    StatementState,
    absent,
    did_you_mean,
    list_names,
    never_present,
    rename,
    verb,
)
from ssm_tui.checks.conditions.tags import (
    not_action_services,
    not_action_tag_key,
    unsupported_tag_key,
)
from ssm_tui.iam.catalog import ConditionKey
from ssm_tui.iam.glob import has_wildcard
from ssm_tui.iam.keys import (
    DEPRECATED_GLOBAL,
    is_identity_provider_prefix,
    is_per_action_global,
    key_index,
)
from ssm_tui.iam.operators import Operator, split_operator
from ssm_tui.iam.retired import retired_service
from ssm_tui.policy.model import ConditionEntry

_WHITESPACE = re.compile(r"\s")


class KeyChecks:
    """The key findings of one policy's condition entries."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.keys = key_index(ctx.catalog)

    def record(
        self, state: StatementState, op: Operator | None, entry: ConditionEntry
    ) -> tuple[ConditionKey | None, list[Finding]]:
        """The key's catalogue record, or the finding saying why there is none."""
        ctx, key, pointer = self.ctx, entry.key, entry.pointer
        stripped = key.strip()
        prefix, sep, name = stripped.partition(":")
        if stripped != key or not sep or not prefix or not name or _WHITESPACE.search(stripped):
            suggestion = None
            compact = _WHITESPACE.sub("", key)
            if ":" in compact and self.keys.record(compact, state.services) is not None:
                suggestion = compact
            elif ":" not in compact and self.keys.record("aws:" + compact, ()) is not None:
                suggestion = "aws:" + compact
            return None, [
                ctx.finding(
                    Severity.ERROR,
                    "INVALID_CONDITION_KEY_FORMAT",
                    f"{quote(key)} is not a condition key: keys are written service:keyname "
                    f"(for example aws:SourceIp), without spaces."
                    f"{did_you_mean([suggestion] if suggestion else [])}",
                    pointer,
                    key=True,
                    suggestion=suggestion,
                    fix=rename(ctx, pointer, suggestion, f"rename the key to {suggestion}")
                    if suggestion
                    else None,
                )
            ]
        lower = key.lower()
        lower_prefix = prefix.lower()
        if lower_prefix == "aws" and lower == DEPRECATED_GLOBAL:
            return None, [
                ctx.finding(
                    Severity.ERROR,
                    "UNSUPPORTED_GLOBAL_CONDITION_KEY",
                    f"{quote(key)} is a deprecated key that is no longer supported. Use "
                    f"aws:PrincipalArn for the ARN of the principal making the request, or "
                    f"aws:SourceArn for the resource making a service-to-service request.",
                    pointer,
                    key=True,
                )
            ]
        if lower.endswith("/") or self.keys.record(key, state.services) is None:
            tag_head = lower if lower.endswith("/") else lower + "/"
            if tag_head in self.keys.tag_prefixes(lower_prefix):
                return None, [
                    ctx.finding(
                        Severity.ERROR,
                        "MISSING_TAG_KEY_IN_CONDITION",
                        f"{quote(key)} names no tag: write the tag key after the slash, for "
                        f"example {quote(key.rstrip('/') + '/Environment')}.",
                        pointer,
                        key=True,
                    )
                ]
        record = self.keys.record(key, state.services)
        if record is not None:
            return record, []
        if is_identity_provider_prefix(prefix):
            # An identity provider's key (accounts.google.com:aud, an OIDC provider URL):
            # the catalogue cannot list every provider, so it is not judged.
            return None, []
        return None, [self._unknown_key(state, op, entry, prefix, name)]

    def _unknown_key(
        self,
        state: StatementState,
        op: Operator | None,
        entry: ConditionEntry,
        prefix: str,
        name: str,
    ) -> Finding:
        ctx, key, pointer = self.ctx, entry.key, entry.pointer
        effect = never_present(op, entry, state.statement)
        if absent(op, entry) is False:
            state.dead_reason = True
        if prefix.lower() == "aws":
            candidates = self.keys.suggestions(key, state.services)
            code = "INVALID_GLOBAL_CONDITION_KEY"
            message = (
                f"{quote(key)} is not an AWS global condition key, so no request has it and "
                f"{effect}.{did_you_mean(candidates)}"
            )
        elif self.keys.known_prefix(prefix):
            candidates = self.keys.suggestions(key, ())
            label = ctx.catalog.service_name(prefix) or prefix
            code = "INVALID_SERVICE_CONDITION_KEY"
            message = (
                f"{quote(key)} is not a condition key of {label}, so no request has it and "
                f"{effect}.{did_you_mean(candidates)}"
            )
        elif (retired := retired_service(prefix)) is not None:
            # A service AWS retired: the name was right when written (checks/actions.py's
            # RETIRED_SERVICE_IN_ACTION says why this is a warning, not a typo error).
            return ctx.finding(
                Severity.WARNING,
                "RETIRED_SERVICE_IN_CONDITION_KEY",
                f"{quote(prefix)} is the prefix of {retired.name}, a service AWS has retired: "
                f"{retired.retirement.describe('it')}, so no request has the key {quote(key)} "
                f"and {effect}. Remove it once nothing relies on it.",
                pointer,
                key=True,
                marks=False,
            )
        else:
            candidates = [
                f"{guess}:{name}"
                for guess in ctx.catalog.suggest_service(prefix)
                if self.keys.record(f"{guess}:{name}", state.services) is not None
            ]
            code = "INVALID_SERVICE"
            message = (
                f"{quote(prefix)} is not an AWS service prefix, so no request has the key "
                f"{quote(key)} and {effect}.{did_you_mean(candidates)}"
            )
        fix = None
        if len(candidates) == 1:
            fix = rename(ctx, pointer, candidates[0], f"rename {key} to {candidates[0]}")
        return ctx.finding(
            Severity.ERROR,
            code,
            message,
            pointer,
            key=True,
            suggestion=candidates[0] if len(candidates) == 1 else None,
            fix=fix,
        )

    def empty(self, state: StatementState, entry: ConditionEntry) -> Iterator[Finding]:
        """`"key": []` under a qualifier or IfExists with a positive operator (grammar
        reports the other cases as EMPTY_ARRAY_CONDITION; every negated operator name, and
        no other, contains "Not")."""
        if "Not" in entry.operator:
            return
        node = self.ctx.policy.json.node(entry.pointer)
        if node is None or node.kind != "array" or node.items:
            return  # every item had the wrong type: reported by grammar
        qualifier, _, if_exists = split_operator(entry.operator)
        key = quote(entry.key)
        if qualifier == "ForAllValues":
            code = "EMPTY_ARRAY_CONDITION_FORALLVALUES"
            message = (
                f"ForAllValues with no values ([]) matches only requests without {key}. To "
                f'test that the key is absent, say so: "Null": {{{key}: "true"}}.'
            )
        elif if_exists:
            code = "EMPTY_ARRAY_CONDITION_IFEXISTS"
            message = (
                f"{entry.operator} with no values ([]) matches only requests without {key}. "
                f'To test that the key is absent, say so: "Null": {{{key}: "true"}}.'
            )
        elif qualifier == "ForAnyValue":
            code = "EMPTY_ARRAY_CONDITION_FORANYVALUE"
            message = (
                f"ForAnyValue with no values ([]) never matches, so "
                f"{state.statement.label} does not {verb(state.statement)} anything. Give "
                f"{key} values or remove it."
            )
            state.dead_reason = True
        else:
            return
        yield self.ctx.finding(Severity.SUGGESTION, code, message, entry.pointer)

    def unsupported(
        self,
        state: StatementState,
        op: Operator | None,
        entry: ConditionEntry,
        record: ConditionKey,
    ) -> Finding | None:
        """UNSUPPORTED_ACTION_FOR_CONDITION_KEY: a key none of an action entry's actions
        (nor their resource types) supports is absent from those requests."""
        statement = state.statement
        tag_key = is_per_action_global(entry.key)
        if (
            tag_key
            and statement.not_action is not None
            and (statement.is_allow or statement.is_deny)
        ):
            services = not_action_services(self.ctx.catalog, self.keys, state, entry.key)
            return not_action_tag_key(self.ctx, state, op, entry, services) if services else None
        if state.actions is None or not self.keys.per_action(entry.key, record):
            return None
        keys = self.keys
        # Access Analyzer skips action entries with wildcards (sagemaker:*FlowDefinitions)
        # for UNSUPPORTED_ACTION_FOR_CONDITION_KEY (IAM-REFERENCE.md 1.2), and so does this
        # one; its tag-key checks judge services, so a pattern none of whose actions
        # supports the tag key is reported there.
        unsupported = [
            located.value
            for located, expanded in state.actions
            if (tag_key or not has_wildcard(located.value))
            and not keys.entry_supports(located.value, expanded, entry.key)
        ]
        if not unsupported:
            return None
        if tag_key:
            if len(unsupported) == len(state.actions):
                state.never_present.add(entry.key.lower())
                state.dead_reason = state.dead_reason or absent(op, entry) is False
            return unsupported_tag_key(self.ctx, state, op, entry, unsupported)
        every = len(unsupported) == len(state.actions)
        if every:
            state.never_present.add(entry.key.lower())
        verdict = absent(op, entry)
        if verdict is False:
            effect = (
                f"for them the condition is never true, so the statement does not "
                f"{verb(state.statement)} them"
            )
            state.dead_reason = state.dead_reason or every
        elif verdict is True:
            effect = "for them the condition is always true and restricts nothing"
        else:
            effect = "for them the condition does not work as intended"
        if every and (missing := self._missing_action(entry, effect)) is not None:
            return missing
        which = "None of the actions of" if every else "These actions of"
        support = "supports" if every else "do not support"
        return self.ctx.finding(
            Severity.ERROR,
            "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
            f"{which} {state.statement.label} {support} {quote(entry.key)}: "
            f"{list_names(unsupported)}. The "
            f"Service Authorization Reference lists the key for none of them nor their "
            f"resource types, so their requests never carry it: {effect}. Move these actions "
            f"to a statement without this condition, or use a key they support.",
            entry.pointer,
            key=True,
            marks=False,
        )

    def _missing_action(self, entry: ConditionEntry, effect: str) -> Finding | None:
        """MISSING_ACTION_FOR_CONDITION_KEY: a key only one action of its service supports,
        and the statement does not list that action (Access Analyzer: "The {actionName}
        action must be in the action block to allow setting values for the condition key
        {keyName}", access-analyzer-reference-policy-checks.html)."""
        supporting = self.keys.supporting_actions(entry.key)
        if len(supporting) != 1:
            return None
        action = supporting[0]
        return self.ctx.finding(
            Severity.ERROR,
            "MISSING_ACTION_FOR_CONDITION_KEY",
            f"The {action} action must be in the action block to allow setting values for "
            f"the condition key {quote(entry.key)}: no other action supports it, so the "
            f"requests of these actions never carry it and {effect}. Add {action} to the "
            f"action block, or move the condition to a statement with {action}.",
            entry.pointer,
            key=True,
            marks=False,
        )
