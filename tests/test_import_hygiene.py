"""The core never imports textual (ARCHITECTURE.md: core knows no screen)."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = (
    "ssm_tui",
    "ssm_tui.iam.catalog",
    "ssm_tui.policy.source",
    "ssm_tui.policy.model",
    "ssm_tui.iam.arn",
    "ssm_tui.policy.format",
    "ssm_tui.checks",
    "ssm_tui.checks.fixes",
    "ssm_tui.checks.rules",
    "ssm_tui.report",
    "ssm_tui.account",
    "ssm_tui.export.files",
    "ssm_tui.export.clipboard",
    "ssm_tui.paths",
    "ssm_tui.settings",
    "ssm_tui.drafts",
    "ssm_tui.library.managed",
    "ssm_tui.library.templates",
    "ssm_tui.access.permissions",
    "ssm_tui.cli.library",
    "ssm_tui.access.simulate",
    "ssm_tui.cli.simulate",
    "ssm_tui.export.formats",
    "ssm_tui.cli.export",
    "ssm_tui.cli",
)


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "from ssm_tui.checks import validate\n"
        "validate('{\"Statement\": []}')\n"
        "from ssm_tui.cli import main\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
