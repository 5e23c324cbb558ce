"""``python -m desktop`` starts the application (or runs a sub-command, like policy-desk)."""

import sys

from desktop.cli import main

sys.exit(main())
