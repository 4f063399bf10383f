"""ssm-tui: a terminal workbench for AWS Systems Manager IAM policies."""

__version__ = "0.1.0"
