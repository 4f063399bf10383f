"""Condition blocks: operators, keys and values (IAM-REFERENCE.md 2.4-2.6)."""
