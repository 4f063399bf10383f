"""What a policy grants: the request simulator, effective permissions and their diff."""
