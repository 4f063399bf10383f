"""Condition keys and policy variables on AWS's own managed policies (../shared/corpus): AWS
accepted every one, so an error about a key or a variable is ours, except for the defects
below, each a policy that contradicts the Service Authorization Reference as the catalogue
has it today, with the reason."""

from __future__ import annotations

from pathlib import Path

from ssm_tui.checks import validate

CODES = frozenset(
    {
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        "INVALID_SERVICE_CONDITION_KEY",
        "INVALID_GLOBAL_CONDITION_KEY",
        "MISSING_QUALIFIER",
        "MISSING_TAG_KEY_IN_CONDITION",
        "INVALID_CONDITION_KEY_FORMAT",
        "UNKNOWN_POLICY_VARIABLE",
    }
)

_NOT_LISTED = "the Service Authorization Reference lists the key for none of these actions"

# (policy, code, condition key) -> why AWS's policy is wrong against the reference today.
DEFECTS: dict[tuple[str, str, str], str] = {
    ("AWSAuditManagerAdministratorAccess", "MISSING_QUALIFIER", "events:detail-type"): (
        "events:detail-type is ArrayOfString; StringEquals without ForAnyValue/ForAllValues"
    ),
    ("CloudTrailEventContext", "MISSING_QUALIFIER", "events:detail-type"): (
        "events:detail-type is ArrayOfString; StringEquals without ForAnyValue/ForAllValues"
    ),
    ("SageMakerStudioProjectProvisioningRolePolicy", "MISSING_QUALIFIER", "events:detail-type"): (
        "events:detail-type is ArrayOfString; StringEquals without ForAnyValue/ForAllValues"
    ),
    (
        "AWSSSOServiceRolePolicy",
        "INVALID_GLOBAL_CONDITION_KEY",
        "aws:PrincipalOrgMasterAccountId",
    ): "not among the documented AWS global condition keys",
    (
        "AmazonDataZoneGlueManageAccessRolePolicy",
        "INVALID_SERVICE_CONDITION_KEY",
        "lakeformation:GlueARN",
    ): "Lake Formation lists only lakeformation:EnabledOnlyForMetaDataAccess",
    **{
        (policy, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY", key): _NOT_LISTED
        for policy, key in (
            ("AWSDeadlineCloud-UserAccessFarms", "deadline:FarmMembershipLevels"),
            ("AWSDeadlineCloud-UserAccessFleets", "deadline:FleetMembershipLevels"),
            ("AWSLakeFormationCrossAccountManager", "ram:ResourceShareName"),
            ("AmazonSecurityLakeAdministrator", "ram:ResourceShareName"),
            ("AWSMarketplaceManageSubscriptions", "aws-marketplace:PartyType"),
            ("AWSVendorInsightsAssessorFullAccess", "aws-marketplace:AgreementType"),
            ("AWSVendorInsightsVendorFullAccess", "aws-marketplace:AgreementType"),
            ("AmazonTimestreamConsoleFullAccess", "aws-marketplace:ProductId"),
            ("AmazonTimestreamInfluxDBFullAccess", "aws-marketplace:ProductId"),
            ("AnthropicFullAccess", "aws-marketplace:ProductId"),
            ("ROSAManageSubscription", "aws-marketplace:ProductId"),
            # EC2 Describe* actions take no resource, so no resource tag
            ("AWSServiceRoleForAmazonEKSNodegroup", "ec2:ResourceTag/eks"),
            ("AWSServiceRoleForAmazonEKSNodegroup", "ec2:ResourceTag/eks:nodegroup-name"),
            ("KafkaConnectServiceRolePolicy", "ec2:ResourceTag/AmazonMSKConnectManaged"),
            ("AmazonSageMakerGroundTruthExecution", "ec2:VpceServiceName"),
            ("SageMakerStudioProjectUserRolePolicy", "ec2:Vpc"),
            ("AmazonCodeGuruReviewerFullAccess", "codestar-connections:ProviderAction"),
            ("AmazonNimbleStudio-StudioUser", "nimble:ownedBy"),
            ("DBModProvisioningAndMigration", "dms:task-tag/Project"),
            (
                "DynamoDBGlobalTableSettingsManagementServiceRolePolicy",
                "application-autoscaling:service-namespace",
            ),
            ("SageMakerStudioProjectUserRolePermissionsBoundary", "redshift-data:glue-catalog-arn"),
            ("SageMakerStudioProjectUserRolePolicy", "redshift-data:glue-catalog-arn"),
            ("SageMakerStudioProjectUserRolePolicy", "glue:LakeFormationPermissions"),
        )
    },
}


def _key(pointer: str) -> str:
    return pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")


def test_no_condition_key_or_variable_error_on_aws_managed_policies(corpus_dir: Path) -> None:
    found: set[tuple[str, str, str]] = set()
    unexplained = []
    for path in sorted((corpus_dir / "aws-managed").glob("*.json")):
        for finding in validate(path.read_text()).findings:
            in_condition = "/Condition/" in finding.pointer
            if finding.severity != "error" or not (
                finding.code in CODES or (finding.code == "INVALID_SERVICE" and in_condition)
            ):
                continue
            where = (path.stem, finding.code, _key(finding.pointer))
            found.add(where)
            if where not in DEFECTS:
                unexplained.append((*where, finding.message))
    assert unexplained == []
    assert set(DEFECTS) - found == set(), "defects no longer reported: update the list"
