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

    Returns
    -------
    out : pathlib.Path
        The folder, ready to write into.
    previous : list of str
        The file names the marker of a previous ``govsim handouts`` run lists (empty for a new
        or empty folder).

    Raises
    ------
    ValueError
        One line naming the folder (``outdir=...``): it is a symbolic link or a file, a
        non-empty folder without the marker of govsim handouts, or it holds a symbolic link or
        a file edited since govsim wrote it (:func:`govsim.safefiles.claim_folder`).
    """
    return safefiles.claim_folder(outdir, KIND)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (:func:`govsim.safefiles.write_bytes`).

    Raises
    ------
    ValueError
        ``path`` or its folder is a symbolic link, or ``path`` is a folder.
    OSError
        The folder is not writable.
    """
    safefiles.write_bytes(path, data)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8, whole or not at all (:func:`write_bytes`).

    Raises
    ------
    ValueError
        ``path`` or its folder is a symbolic link, or ``path`` is a folder.
    OSError
        The folder is not writable.
    """
    write_bytes(path, text.encode("utf-8"))


def finish(out: Path, written: list[str], previous: list[str]) -> None:
    """Remove the files of a previous run that this run did not write, then write the marker.

    Parameters
    ----------
    out : pathlib.Path
        The folder :func:`prepare` returned.
    written : list of str
        The file names this run wrote; the marker (:data:`MARKER`) lists them with each
        file's SHA-256, so the next :func:`prepare` refuses a file edited since.
    previous : list of str
        The file names :func:`prepare` found in the old marker; those not in ``written`` are
        removed (regular files only: a link or folder of that name is left alone).
    """
    safefiles.record_folder(out, KIND, written, previous)
