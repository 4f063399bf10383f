"""Security warnings: Access Analyzer's PassRole/CreateServiceLinkedRole families,
NotAction/NotResource with Allow, and Systems Manager risk."""
