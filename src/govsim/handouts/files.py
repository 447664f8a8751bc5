"""Writing the handouts folder safely: never through a symbolic link, never over a folder
that is not ours.

A folder is ours when it holds :data:`MARKER`, a small JSON file naming the generator and the
files it wrote; an empty or new folder becomes ours (:func:`govsim.safefiles.claim_folder`, the
mechanism ``govsim solutions`` uses too). Files are written by :mod:`govsim.safefiles` (whole or
not at all, never through a link), so a link planted where a handout will go makes the command
fail instead of writing elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from govsim import safefiles

KIND = "handouts"
MARKER = safefiles.marker_name(KIND)


def prepare(outdir: str | Path) -> tuple[Path, list[str]]:
    """Check ``outdir`` and create it if missing; return it and the files a previous run wrote.

    Raises ``ValueError`` (one line) for a symbolic link, a file, or a non-empty folder that
    was not written by govsim handouts.
    """
    return safefiles.claim_folder(outdir, KIND)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole, refusing a symbolic link there (``ValueError``)."""
    safefiles.write_bytes(path, data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def finish(out: Path, written: list[str], previous: list[str]) -> None:
    """Remove files of a previous run that this run did not write (regular files only), then
    write the marker listing this run's files."""
    safefiles.record_folder(out, KIND, written, previous)
