"""``python -m neuronsim``: the command line (see neuronsim/cli.py)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
