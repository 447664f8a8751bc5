"""``python -m govsim`` is the ``govsim`` command."""

import sys

from govsim.cli import main

sys.exit(main())
