"""What IAM means, written once: the action catalogue, ARNs, wildcards and policy variables,
condition operators and keys, and the formats of the values policies hold.

Every engine (validator, simulator, effective permissions), the templates and the TUI ask
this package; none keeps its own copy.  It knows nothing of policy documents or screens.
"""
