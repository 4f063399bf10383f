"""The Textual face of ssm-tui.  Only this package imports textual."""
