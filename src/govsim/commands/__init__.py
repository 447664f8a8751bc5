"""Subcommands of the ``govsim`` command line (see :mod:`govsim.cli`)."""
