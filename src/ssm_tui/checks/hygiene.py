"""Suggestions that keep a policy tidy: redundant actions, resources and statements, Sids."""
