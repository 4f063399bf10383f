"""`python -m ssm_tui` does what the `ssm-tui` command does."""

import sys

from ssm_tui.cli import main

sys.exit(main())
