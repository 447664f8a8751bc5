"""Writing the handouts folder safely: never through a symbolic link, never over a folder
that is not ours.

A folder is ours when it holds :data:`MARKER`, a small JSON file naming the generator and the
files it wrote; an empty or new folder becomes ours. Files are written by
:mod:`govsim.safefiles` (whole or not at all, never through a link), so a link planted where a
handout will go makes the command fail instead of writing elsewhere.
"""

from __future__ import annotations

import json
from pathlib import Path

from govsim import safefiles

MARKER = ".govsim-handouts.json"
GENERATOR = "govsim handouts"
ALLOWED = "allowed: a new folder, an empty one, or one written before by govsim handouts"


def prepare(outdir: str | Path) -> tuple[Path, list[str]]:
    """Check ``outdir`` and create it if missing; return it and the files a previous run wrote.

    Raises ``ValueError`` (one line) for a symbolic link, a file, or a non-empty folder that
    was not written by govsim handouts.
    """
    out = Path(outdir)
    if out.is_symlink():
        raise ValueError(f"outdir={str(out)!r} is a symbolic link ({ALLOWED}; never written through a link)")
    if out.exists() and not out.is_dir():
        raise ValueError(f"outdir={str(out)!r} is a file ({ALLOWED})")
    if not out.exists():
        out.mkdir(parents=True)
        return out, []
    marker = out / MARKER
    if not any(out.iterdir()):
        return out, []
    if marker.is_symlink() or not marker.is_file():
        raise ValueError(f"outdir={str(out)!r} is not empty and holds no {MARKER} ({ALLOWED})")
    try:
        previous = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"outdir={str(out)!r}: {MARKER} is damaged ({ALLOWED})") from None
    previous = previous if isinstance(previous, dict) else {}
    files = previous.get("files")
    if previous.get("generator") != GENERATOR or not isinstance(files, list):
        raise ValueError(f"outdir={str(out)!r}: {MARKER} was not written by {GENERATOR} ({ALLOWED})")
    return out, [f for f in files if isinstance(f, str) and "/" not in f and f not in (".", "..")]


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole, refusing a symbolic link there (``ValueError``)."""
    safefiles.write_bytes(path, data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def finish(out: Path, written: list[str], previous: list[str]) -> None:
    """Remove files of a previous run that this run did not write (regular files only), then
    write the marker listing this run's files."""
    for name in set(previous) - set(written):
        stale = out / name
        if stale.is_file() and not stale.is_symlink():
            stale.unlink()
    marker = {"generator": GENERATOR, "files": sorted(written)}
    write_text(out / MARKER, json.dumps(marker, indent=1) + "\n")
