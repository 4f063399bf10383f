"""Getting policies out: files written atomically, output formats (JSON, AWS CLI, Terraform,
CloudFormation) and the clipboard."""
