"""Effective permissions of one identity policy, and the difference between two policies.

Which concrete catalogue actions a policy allows, on which of its Resource entries, under
conditions or not, grouped by service and access level; which its Deny statements cover.
Answers the managed policy browser's "what does this grant?" and "what did this version
add?" without AWS.  Per policy only: no SCPs, boundaries or resource policies, and
conditions are never evaluated (a conditional grant is marked, never dropped; a Deny is
flagged on the actions it may remove, never subtracted).

Approximations (documented in the report fields, not hidden):
- `NotResource`: an action is granted unless every ARN format of every resource type it
  takes is wholly covered by some entry (`arn:aws:iam::*:role/*` covers IAM roles;
  `role/admin-*` does not).  The partition field is not compared, as a policy lives in one
  partition.  Actions without resource types are granted unless an entry is `"*"`.
- Access levels: the catalogue writes subcategories with their parent ("Tagging, Write",
  "Permissions management, Write"); we group them under the subcategory, as the IAM
  console's policy summary does.
- A statement that cannot be evaluated (a type error, no Effect, both Action and NotAction:
  ssm_tui.policy.evaluable, which the simulator asks too) grants nothing here and says why.

The work is done in the modules of ssm_tui.access: `resources` (entries against the ARN
templates of the catalogue's resource types), `scope` (what one statement's Action and
Resource elements cover), `grant` (one statement's grant), `levels` (access levels),
`effective` (the grants merged per action) and `diff`.  This module is their public face.
"""

from ssm_tui.access.diff import PermissionDiff, ScopeChange, diff_permissions
from ssm_tui.access.effective import (
    ActionGrant,
    EffectivePermissions,
    GrantedAction,
    PolicyInput,
    effective_permissions,
)
from ssm_tui.access.grant import StatementGrant
from ssm_tui.access.levels import UNKNOWN_LEVEL, access_level_group

__all__ = [
    "UNKNOWN_LEVEL",
    "ActionGrant",
    "EffectivePermissions",
    "GrantedAction",
    "PermissionDiff",
    "PolicyInput",
    "ScopeChange",
    "StatementGrant",
    "access_level_group",
    "diff_permissions",
    "effective_permissions",
]
