"""The guide's policy examples as parameterised templates, and the examples as printed.

    t = template("run-document-on-instances")
    t.render_text({"region": "eu-west-1", "instance_ids": "i-0123456789abcdef0"})

One template per example of the Systems Manager User Guide chapter in ../shared/seed/:
deleting documents by name prefix, the console's minimum permissions, and the three
customer managed policy examples.  A template renders what its example *means* to do,
correctly (the printed ones are not all correct; `differs_from_printed` says how and why
the template differs), and every rendering validates without an error finding.

The printed text of each example is kept verbatim in data/guide_examples.json
(`printed_examples()`), for the validator to explain.  The parameters (kinds of value, their
checks, the shared Region and account parameters) are in library/template_parameters.py and
re-exported here.  Core module: no textual here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from ssm_tui._data import load_data
from ssm_tui.iam.catalog import get_catalog
from ssm_tui.library.template_parameters import (
    MAX_INSTANCE_IDS,
    ParameterKind,
    TemplateParameter,
    TemplateParameterError,
    account_parameter,
    region_parameter,
    split_list,
)
from ssm_tui.policy.edit import NEW_POLICY_VERSION
from ssm_tui.policy.format import minify as _minify
from ssm_tui.policy.format import pretty

__all__ = [
    "MAX_INSTANCE_IDS",
    "ParameterKind",
    "Template",
    "TemplateParameter",
    "TemplateParameterError",
    "printed",
    "printed_examples",
    "printed_section",
    "template",
    "templates",
]

VERSION = NEW_POLICY_VERSION  # the current policy language version

# --- templates ----------------------------------------------------------------------------
Builder = Callable[[dict[str, str]], dict[str, Any]]


class Template(BaseModel):
    """A guide example as a policy with parameters."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    guide_section: str
    purpose: str
    differs_from_printed: str | None = None
    printed_example: str | None = None
    parameters: list[TemplateParameter]
    _build: Builder | None = PrivateAttr(default=None)

    def parameter(self, name: str) -> TemplateParameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def defaults(self) -> dict[str, str]:
        return {p.name: p.default for p in self.parameters}

    def values(self, params: Mapping[str, str] | None = None) -> dict[str, str]:
        """Every parameter's value, validated and normalised: those given, defaults for the
        rest.  Raises TemplateParameterError for a bad value or an unknown parameter."""
        given = dict(params or {})
        for name in given:
            if self.parameter(name) is None:
                known = ", ".join(p.name for p in self.parameters)
                raise TemplateParameterError(
                    name,
                    f"one of the parameters of {self.name}: {known}",
                    f"{self.name} has no parameter {name!r}",
                )
        return {p.name: p.validate_value(given.get(p.name, p.default)) for p in self.parameters}

    def render(self, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The policy (a JSON value) for these parameters (defaults for those not given)."""
        assert self._build is not None, "templates are built by this module"
        return self._build(self.values(params))

    def render_text(self, params: Mapping[str, str] | None = None, *, minify: bool = False) -> str:
        """The policy as text: pretty printed (2-space indent) or minified."""
        policy = self.render(params)
        return _minify(policy) if minify else pretty(policy)


def _template(build: Builder, **fields: Any) -> Template:
    made = Template(**fields)
    made._build = build
    return made


# --- ARNs ---------------------------------------------------------------------------------
def _partition(region: str) -> str:
    """The partition of a Region (aws, aws-cn, aws-us-gov, ...), for its ARNs."""
    for partition in get_catalog().partitions.values():
        if region in partition.regions:
            return partition.partition
    return "aws"


def _ssm_arn(v: dict[str, str], resource: str) -> str:
    return f"arn:{_partition(v['region'])}:ssm:{v['region']}:{v['account']}:{resource}"


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": list(statements)}


def _in_region(region: str) -> dict[str, Any]:
    return {"StringEquals": {"aws:RequestedRegion": region}}


# --- the templates ------------------------------------------------------------------------
_INTRO = "Using Identity-based Policies (IAM Policies) for AWS Systems Manager"
_CONSOLE = "Permissions Required to Use the AWS Systems Manager Console"
_EXAMPLE_1 = "Example 1: Allow a User to Perform Systems Manager Operations in a Single Region"
_EXAMPLE_2 = "Example 2: Allow a User to List Documents for a Single Region"
_EXAMPLE_3 = (
    "Example 3: Allow a User to Use a Specific SSM Document to Run Commands on Specific Instances"
)


def _delete_documents(v: dict[str, str]) -> dict[str, Any]:
    return _policy(
        {
            "Effect": "Allow",
            "Action": ["ssm:DeleteDocument"],
            "Resource": [_ssm_arn(v, f"document/{v['prefix']}*")],
        }
    )


def _console(v: dict[str, str]) -> dict[str, Any]:
    return _policy(
        {"Sid": "SystemsManager", "Effect": "Allow", "Action": ["ssm:*"], "Resource": "*"},
        {
            "Sid": "ListInstancesAndRoles",
            "Effect": "Allow",
            "Action": ["ec2:DescribeInstances", "iam:ListRoles"],
            "Resource": "*",
        },
        {
            "Sid": "PassRolesToSystemsManager",
            "Effect": "Allow",
            "Action": ["iam:PassRole"],
            "Resource": [f"arn:aws:iam::{v['account']}:role/{v['role_prefix']}*"],
            "Condition": {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}},
        },
    )


def _one_region(v: dict[str, str]) -> dict[str, Any]:
    return _policy(
        {
            "Sid": "SystemsManagerInOneRegion",
            "Effect": "Allow",
            "Action": ["ssm:*"],
            "Resource": "*",
            "Condition": _in_region(v["region"]),
        }
    )


def _list_documents(v: dict[str, str]) -> dict[str, Any]:
    return _policy(
        {
            "Sid": "ListDocumentsInOneRegion",
            "Effect": "Allow",
            "Action": ["ssm:ListDocuments"],
            "Resource": "*",
            "Condition": _in_region(v["region"]),
        }
    )


def _run_document(v: dict[str, str]) -> dict[str, Any]:
    partition = _partition(v["region"])
    instances = [
        f"arn:{partition}:ec2:{v['region']}:{v['account']}:instance/{instance}"
        for instance in split_list(v["instance_ids"])
    ]
    executions = _ssm_arn(v, "automation-execution/*")
    return _policy(
        {
            "Sid": "ViewDocumentsAndInstances",
            "Action": [
                "ssm:ListDocuments",
                "ssm:ListDocumentVersions",
                "ssm:DescribeDocument",
                "ssm:GetDocument",
                "ssm:DescribeInstanceInformation",
                "ssm:DescribeDocumentParameters",
                "ssm:DescribeInstanceProperties",
            ],
            "Effect": "Allow",
            "Resource": "*",
        },
        {
            "Sid": "SendTheDocumentToTheInstances",
            "Action": "ssm:SendCommand",
            "Effect": "Allow",
            "Resource": [*instances, _ssm_arn(v, f"document/{v['document']}")],
        },
        {
            "Sid": "ViewAndCancelCommands",
            "Action": ["ssm:CancelCommand", "ssm:ListCommands", "ssm:ListCommandInvocations"],
            "Effect": "Allow",
            "Resource": "*",
        },
        {
            "Sid": "ViewInstanceStatus",
            "Action": "ec2:DescribeInstanceStatus",
            "Effect": "Allow",
            "Resource": "*",
        },
        {
            "Sid": "StartTheRunbook",
            "Action": "ssm:StartAutomationExecution",
            "Effect": "Allow",
            "Resource": [
                _ssm_arn(v, f"automation-definition/{v['runbook']}:*"),
                _ssm_arn(v, f"document/{v['runbook']}"),
                executions,
            ],
        },
        {
            "Sid": "ListAutomationExecutions",
            "Action": "ssm:DescribeAutomationExecutions",
            "Effect": "Allow",
            "Resource": ["*"],
        },
        {
            "Sid": "StopAndViewAutomationExecutions",
            "Action": ["ssm:StopAutomationExecution", "ssm:GetAutomationExecution"],
            "Effect": "Allow",
            "Resource": [executions],
        },
    )


_TEMPLATES: tuple[Template, ...] = (
    _template(
        _delete_documents,
        name="delete-documents-by-prefix",
        title="Delete documents whose names begin with a prefix",
        guide_section=_INTRO,
        purpose=(
            "Lets the user delete the Systems Manager documents (SSM documents) of one account "
            "and Region whose names begin with a prefix, and no others: ssm:DeleteDocument "
            "takes document ARNs, so the prefix followed by * in the document ARN limits it."
        ),
        differs_from_printed=(
            "Not at all: with its default parameters the template renders the printed policy "
            "(the same elements and values; only the layout differs), which is correct as "
            "printed. The one addition is that the ARN's partition follows the Region "
            "(arn:aws-cn:... for a China Region, for example)."
        ),
        printed_example="delete-documents-by-prefix",
        parameters=[
            region_parameter(what="the documents"),
            account_parameter("123456789012", "the documents (the guide's is fictitious)"),
            TemplateParameter(
                name="prefix",
                label="Document name prefix",
                description=(
                    "The documents the user may delete are those whose names begin with "
                    "this (the template adds the *)."
                ),
                kind="document_prefix",
                default="MyDocument-",
            ),
        ],
    ),
    _template(
        _console,
        name="console-minimum",
        title="Use the Systems Manager console",
        guide_section=_CONSOLE,
        purpose=(
            "The minimum permissions the guide gives for using the Systems Manager console "
            "in full: every Systems Manager action (ssm:*) on every resource, "
            "ec2:DescribeInstances and iam:ListRoles for the console's lists of instances "
            "and roles, and iam:PassRole to give Systems Manager a service role (an "
            "Automation or maintenance window role, for example). Full use of the console "
            "is full use of Systems Manager, so the validator's security warnings about "
            "ssm:* on every resource (SSM_SERVICE_WILDCARD; SendCommand and StartSession on "
            "every node; every parameter read and written; document sharing; service "
            "settings) come with what this policy is for, and no narrower policy can avoid "
            "them: give it to Systems Manager administrators only. For anyone else, grant "
            "the actions they need (see the other templates) and, as the guide advises, "
            "attach the AmazonSSMReadOnlyAccess managed policy so the console still works. "
            "Users of the AWS CLI or the API alone need none of this."
        ),
        differs_from_printed=(
            '1. iam:PassRole is not allowed on every role ("*"), which would let the user '
            "hand any role, an administrator's included, to any service, and with ssm:* "
            "start an Automation runbook that acts with it (the validator's "
            "PASS_ROLE_WITH_STAR_IN_RESOURCE and SSM_AUTOMATION_WITH_PASS_ROLE). The "
            "template allows it on the roles of your account whose names begin with the "
            "role name prefix, and only to pass them to Systems Manager (condition "
            "iam:PassedToService = ssm.amazonaws.com). Name the service roles for Systems "
            "Manager with that prefix, or change it; passing a role to any other service "
            "needs a statement of its own. "
            '2. "ec2:describeInstances" is written "ec2:DescribeInstances": actions are '
            "case-insensitive, so this changes nothing but the documented form. "
            "3. The one statement is split into three, each with a Sid saying what it is "
            "for. The role ARN uses the aws partition; in another partition (aws-cn, "
            "aws-us-gov) change arn:aws: accordingly."
        ),
        printed_example="console-minimum",
        parameters=[
            account_parameter("123456789012", "the roles passed to Systems Manager"),
            TemplateParameter(
                name="role_prefix",
                label="Role name prefix",
                description=(
                    "The user may pass to Systems Manager the roles whose names begin with "
                    "this (the template adds the *). The guide passes every role; this "
                    "default is a placeholder for your naming convention."
                ),
                kind="role_prefix",
                default="SSM-",
            ),
        ],
    ),
    _template(
        _one_region,
        name="ssm-one-region",
        title="Perform Systems Manager operations in one Region",
        guide_section=_EXAMPLE_1,
        purpose=(
            "Every Systems Manager operation, in one Region only: ssm:* on every resource, "
            "with the aws:RequestedRegion condition confining each request to the Region. "
            "Because the example means every operation, the validator's security warnings "
            "about ssm:* on every resource (SSM_SERVICE_WILDCARD; SendCommand and "
            "StartSession on every node; every parameter read and written; document "
            "sharing; service settings) come with it, within that Region; when the user "
            "needs less, list those actions instead."
        ),
        differs_from_printed=(
            'The printed Resource "arn:aws::aws:ssm:us-west-2:111222333444:*" is malformed '
            '(the service field is empty and "aws" stands where the service belongs), so '
            "it matches nothing and the policy grants nothing. Corrected to "
            "arn:aws:ssm:us-west-2:111222333444:* it would still not do what the example "
            "says: many Systems Manager actions (ssm:ListDocuments, "
            "ssm:DescribeInstanceInformation, ssm:ListCommands and others) support no "
            'resource-level permissions and are granted only with "Resource": "*", and '
            "ssm:SendCommand on an EC2 instance is also checked against the instance's ec2 "
            "ARN, which no ssm ARN matches. A Region in an ARN cannot confine such actions. "
            'The template therefore allows ssm:* on "*" and confines it to the Region with '
            "the global condition key aws:RequestedRegion (StringEquals), which every "
            'request carries. The printed account ID has no place left: Resource "*" '
            "names no account (documents other accounts share with the user can be used "
            "too)."
        ),
        printed_example="ssm-one-region",
        parameters=[region_parameter(what="the requests the user may make")],
    ),
    _template(
        _list_documents,
        name="list-documents",
        title="List documents in one Region",
        guide_section=_EXAMPLE_2,
        purpose=(
            "Lets the user list the Systems Manager documents (ssm:ListDocuments) in one "
            "Region, and nothing else: the names and summaries the list returns, not the "
            "documents' content."
        ),
        differs_from_printed=(
            "The printed policy grants nothing: ssm:ListDocuments supports no resource-level "
            "permissions, so the document ARN in its Resource (document/Update*) never "
            'matches, and only "Resource": "*" grants it. IAM cannot limit a list to the '
            "documents whose names begin with a prefix, so the template has no prefix "
            'parameter: it allows ssm:ListDocuments on "*", the user sees every document '
            "name, and the caller filters the list by name. The single Region the example "
            "names is kept with the aws:RequestedRegion condition key; the account ID goes "
            "with the ARN. To limit what the user may read or change to documents with the "
            "prefix, grant those actions (ssm:DescribeDocument, ssm:GetDocument, ...), which "
            "do take document ARNs, on arn:aws:ssm:<region>:<account>:document/Update*."
        ),
        printed_example="list-documents",
        parameters=[region_parameter(what="the documents listed")],
    ),
    _template(
        _run_document,
        name="run-document-on-instances",
        title="Run one document on specific instances",
        guide_section=_EXAMPLE_3,
        purpose=(
            "Lets the user send commands (Run Command) with one SSM document to the listed "
            "EC2 instances only; list documents and their versions, view documents and "
            "their parameters, and see instances and their status; view and cancel "
            "commands after they are sent; start one Automation runbook and stop and view "
            "Automation executions."
        ),
        differs_from_printed=(
            '1. "ssm:ListDocumentsVersions" is not an action: the template has '
            'ssm:ListDocumentVersions. 2. "ssm:DescribeAutomationExecutions " ends with a '
            "space, so it matches no action; the space is removed. 3. The automation ARNs "
            '"arn:aws:ssm:::automation-definition/" and "arn:aws:ssm:::automation-execution/" '
            "lack the Region, the account and the resource name, so they match nothing: "
            "ssm:StartAutomationExecution is allowed on the runbook (automation-definition/"
            "<runbook>:*, every version, and its document ARN) and on automation-execution/*, "
            "and ssm:StopAutomationExecution and ssm:GetAutomationExecution on "
            "automation-execution/*, all in the Region and account. The runbook name is a "
            "parameter; its default, SSM-runbook-name, is a placeholder like the guide's "
            "SSM-document-name. 4. The printed instance and document ARNs use us-east-2, "
            "although the guide says its examples use us-west-2, and * for the account: the "
            "template uses one Region parameter (default us-west-2) and your account ID in "
            "every ARN; * would also match a document of the same name that any other "
            "account shares. 5. The printed instance IDs (i-02573cafcfEXAMPLE, "
            "i-0471e04240EXAMPLE, i-07782c72faEXAMPLE) are not valid instance IDs, which are "
            "i- followed by 8 or 17 lower-case hexadecimal digits; the defaults keep their "
            "first ten digits and put 0000000 for EXAMPLE. Replace them with your "
            "instances' IDs. 6. Each statement has a Sid saying what it is for."
        ),
        printed_example="run-document-on-instances",
        parameters=[
            region_parameter(what="the instances, the document and the runbook"),
            account_parameter(
                "111222333444",
                "the instances, the document and the runbook (the guide's is fictitious)",
            ),
            TemplateParameter(
                name="document",
                label="Document name",
                description="The SSM document (of type Command) the user may send.",
                kind="document_name",
                default="SSM-document-name",
            ),
            TemplateParameter(
                name="instance_ids",
                label="Instance IDs",
                description=(
                    "The EC2 instances the user may send the document to, separated by "
                    "commas or spaces. The defaults are placeholders in the valid form."
                ),
                kind="instance_ids",
                default="i-02573cafcf0000000, i-0471e042400000000, i-07782c72fa0000000",
            ),
            TemplateParameter(
                name="runbook",
                label="Automation runbook name",
                description=(
                    "The Automation runbook (an SSM document of type Automation) the user "
                    "may start."
                ),
                kind="document_name",
                default="SSM-runbook-name",
            ),
        ],
    ),
)
_BY_NAME = {t.name: t for t in _TEMPLATES}


def templates() -> list[Template]:
    """Every template, in the order the guide prints its examples."""
    return list(_TEMPLATES)


def template(name: str) -> Template | None:
    return _BY_NAME.get(name)


# --- the examples as printed --------------------------------------------------------------
def _examples() -> dict[str, dict[str, str]]:
    examples: dict[str, dict[str, str]] = load_data("guide_examples.json")["examples"]
    return examples


def printed_examples() -> dict[str, str]:
    """The guide's printed policies, verbatim (broken ones included), by name."""
    return {name: entry["text"] for name, entry in _examples().items()}


def printed(name: str) -> str | None:
    """One printed policy, verbatim, or None."""
    entry = _examples().get(name)
    return entry["text"] if entry is not None else None


def printed_section(name: str) -> str | None:
    """The title of the guide section a printed policy comes from, or None."""
    entry = _examples().get(name)
    return entry["section"] if entry is not None else None
