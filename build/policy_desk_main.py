"""Entry point of the frozen application: the same command line as ``policy-desk``.

Without arguments it starts the desktop application; ``gui --smoke``, ``search``, ``match`` and
the other sub-commands work as in a checkout.
"""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
