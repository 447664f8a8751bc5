"""``python -m govsim`` is the ``govsim`` command."""

import sys

from govsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
