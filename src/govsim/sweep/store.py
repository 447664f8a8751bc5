"""The results directory: a manifest and Parquet parts that are either complete or absent.

::

    DIR/manifest.json         the experiment, its digest, versions, git commit, times, counts
    DIR/runs/part-000001.parquet     one row per run of one finished chunk
    DIR/rounds/part-000001.parquet   its per-round series (when the experiment keeps them)

Every file is written through :mod:`govsim.safefiles`: to a temporary name govsim recognises
as its own, created exclusively without following links, then renamed into place
(``os.replace`` is atomic), so a crash at any moment leaves only whole parts and temporary
files that the next sweep removes. ``runs/``, ``rounds/`` and ``plots/`` must be real folders
holding only govsim's files; a link or a stranger's file there is refused, never followed or
deleted. A run may appear in several parts (failed, then retried on resume); the latest row
wins. Nothing is pickled to disk.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import re
import stat
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from govsim import safefiles
from govsim.locks import LOCK, SweepLock
from govsim.plain import plain
from govsim.reading import FileError, read_json
from govsim.sweep.experiment import Experiment
from govsim.sweep.runner import FAILED, ID_COLUMNS, OK, TAIL_COLUMNS, ChunkResult

FORMAT = "govsim-sweep/1"
MANIFEST = "manifest.json"
TABLES = ("runs", "rounds")
OURS = (MANIFEST, *TABLES, "plots", LOCK)
PART = re.compile(r"part-\d{6}\.parquet")
PLOT = re.compile(r"[A-Za-z0-9_.-]+\.png")  # what govsim report writes: FACTOR.png, heatmap_X_Y.png
OWN_FILES = {"runs": PART, "rounds": PART, "plots": PLOT}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def git_commit() -> str | None:
    """The commit of the govsim source tree, when it is a git checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", str(Path(__file__).parent), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


class Store:
    """Read and write one results directory."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.next_part = 1

    @property
    def manifest_path(self) -> Path:
        """Where the manifest (the experiment and progress counts) is stored."""
        return self.path / MANIFEST

    def manifest(self) -> dict[str, Any] | None:
        """The stored manifest, or None before the first write; ``FileError`` if it is not govsim's."""
        if not self.manifest_path.is_file():
            return None
        manifest = read_json(self.manifest_path)
        if not isinstance(manifest, dict) or not isinstance(manifest.get("experiment"), dict):
            raise FileError(f"{self.manifest_path}: not a govsim results manifest (no experiment table)")
        return manifest

    def experiment(self) -> Experiment:
        """The experiment stored in the manifest (to resume without the TOML file)."""
        manifest = self.manifest()
        if manifest is None:
            raise ValueError(f"{self.path} holds no {MANIFEST}: not a govsim results directory")
        try:  # stored=True: readable without its protocols' classes or its scenario file
            return Experiment.from_dict(manifest["experiment"], stored=True)
        except ValueError as exc:
            raise FileError(f"{self.manifest_path}: {exc}") from None

    def check(self, experiment: Experiment, *, overwrite: bool = False) -> None:
        """Refuse a directory that holds other files or another experiment (unless ``overwrite``)."""
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"--out {self.path} is a file, not a directory")
        manifest = self.manifest()
        if manifest is None:
            others = (
                sorted(
                    p.name
                    for p in self.path.iterdir()
                    if p.name not in OURS and not safefiles.is_temporary(p.name)
                )
                if self.path.exists()
                else []
            )
            if others:
                raise ValueError(
                    f"{self.path} is not empty and holds no {MANIFEST} (found {others[0]!r}); choose a new or empty directory"
                )
        elif manifest.get("digest") != experiment.digest() and not overwrite and not self.extends(experiment):
            name = manifest["experiment"].get("name") or "another experiment"
            raise ValueError(
                f"{self.path} holds results of a different experiment ({name!r}); "
                "choose another --out or pass --overwrite to replace them"
            )
        self._check_own_folders()

    def _check_own_folders(self) -> None:
        """``runs/``, ``rounds/``, ``plots/``: absent, or real folders holding only govsim's files."""
        for sub, pattern in OWN_FILES.items():
            folder = self.path / sub
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                raise ValueError(
                    f"{folder} is a symbolic link or a file; govsim writes only into its own folders"
                )
            foreign = safefiles.foreign_entries(folder, pattern) if folder.is_dir() else []
            if foreign:
                raise ValueError(f"{folder} holds {foreign[0]!r}, which govsim did not write; move it away")

    def extends(self, experiment: Experiment) -> bool:
        """Whether ``experiment`` is the stored one with more replicates (stored runs keep their seeds)."""
        manifest = self.manifest()
        try:
            stored = manifest["experiment"]["replicates"]
            same = dataclasses.replace(experiment, replicates=stored).digest() == manifest["digest"]
        except (KeyError, TypeError, ValueError):
            return False
        return same and experiment.replicates > stored

    def lock(self) -> SweepLock:
        """The directory's lock (``with store.lock():``), created with the directory itself."""
        safefiles.real_folder(self.path, parents=True)
        return SweepLock(self.path)

    def check_writable(self) -> None:
        """Fail now, not after the runs, when the directory or its tables cannot be written."""
        for folder in (self.path, *(self.path / t for t in TABLES)):
            safefiles.check_writable(folder)

    def open(
        self, experiment: Experiment, points: list[dict[str, Any]], total: int, *, overwrite: bool
    ) -> None:
        """Create or reopen the directory for ``experiment`` (call :meth:`check` first)."""
        manifest = self.manifest()
        if manifest is not None and overwrite:
            self.clear()
            manifest = None
        if manifest is not None and manifest.get("points") != plain(points):
            raise ValueError(
                f"{self.path}: the design points differ from the stored ones (a changed scipy?); use --overwrite"
            )
        if manifest is not None and manifest.get("digest") != experiment.digest():  # more replicates
            manifest.update(experiment=experiment.to_dict(), digest=experiment.digest(), runs_planned=total)
        safefiles.clean_temporaries(self.path)
        for sub in TABLES:
            safefiles.real_folder(self.path / sub)
            safefiles.clean_temporaries(self.path / sub)
        complete = {_part_number(p) for p in self._parts("runs")}
        for orphan in self._parts("rounds"):  # its chunk's runs part never landed
            if _part_number(orphan) not in complete:
                orphan.unlink()
        self.next_part = 1 + max(complete, default=0)
        if manifest is None:
            manifest = {
                "format": FORMAT,
                "experiment": experiment.to_dict(),
                "digest": experiment.digest(),
                "runs_planned": total,
                "points": plain(points),
                "versions": {
                    "govsim": _version("govsim"),
                    "mesa": _version("mesa"),
                    "numpy": _version("numpy"),
                    "scipy": _version("scipy"),
                    "python": platform.python_version(),
                },
                "git_commit": git_commit(),
                "created": _now(),
            }
        manifest["updated"] = _now()
        self._write_manifest(manifest)

    def clear(self) -> None:
        """Remove what a sweep wrote here: only govsim's own files, never through a link.

        Raises
        ------
        ValueError
            ``runs/``, ``rounds/`` or ``plots/`` is a link or holds a file govsim did not write.
        PermissionError
            One of the files (or the manifest) was made read-only (see
            :func:`govsim.safefiles.refuse_read_only`); nothing is deleted then.
        """
        self._check_own_folders()  # all three before deleting anything
        safefiles.refuse_read_only(self.manifest_path)
        for sub in OWN_FILES:
            if (self.path / sub).is_dir():
                for entry in sorted(os.scandir(self.path / sub), key=lambda e: e.name):
                    safefiles.refuse_read_only(entry.path)
        for sub, pattern in OWN_FILES.items():
            safefiles.remove_owned(self.path / sub, pattern)
        self.manifest_path.unlink(missing_ok=True)

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, default=str).encode()
        safefiles.write_bytes(self.manifest_path, text)

    def update(self, counts: dict[str, int]) -> None:
        """Record the progress ``counts`` in the manifest, with the time."""
        manifest = self.manifest() or {}
        manifest.update(updated=_now(), counts=counts)
        self._write_manifest(manifest)

    def write(self, chunk: ChunkResult) -> int:
        """Store one finished chunk; the runs part is written last and marks the chunk complete."""
        number = self.next_part
        self.next_part += 1
        name = f"part-{number:06d}.parquet"
        if chunk.rounds is not None and len(chunk.rounds):
            table = pa.Table.from_pandas(chunk.rounds, preserve_index=False)
            safefiles.write_atomic(self.path / "rounds" / name, lambda h: pq.write_table(table, h))
        columns = list(dict.fromkeys(key for row in chunk.runs for key in row))
        runs = pa.Table.from_pylist([{key: row.get(key) for key in columns} for row in chunk.runs])
        safefiles.write_atomic(self.path / "runs" / name, lambda h: pq.write_table(runs, h))
        return number

    def _parts(self, table: str) -> list[Path]:
        """The table's part files; anything else under a part's name (a link, a FIFO, a device,
        a folder) is refused with its kind before it is opened."""
        folder = self.path / table
        parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
        for part in parts:
            mode = os.lstat(part).st_mode
            if not stat.S_ISREG(mode):
                kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
                raise ValueError(
                    f"{part} is {kind}, not a results part (parts are plain files govsim wrote; remove it)"
                )
        return parts

    def _runs_table(self) -> pa.Table:
        """Every stored row as one Arrow table, in the order written, with its part number.

        Parts are joined in Arrow, where an integer column with gaps (the metrics of a failed
        run) stays integer; pandas sees it as int64 again once the gaps are retried away.
        """
        tables = []
        for path in self._parts("runs"):
            table = _current_names(read_part(path))
            tables.append(
                table.append_column("part", pa.array([_part_number(path)] * len(table), pa.int64()))
            )
        if not tables:
            return pa.table({c: pa.array([], pa.string()) for c in ID_COLUMNS})
        return pa.concat_tables(tables, promote_options="default")

    def raw_runs(self) -> pd.DataFrame:
        """Every stored row, in the order written, with the part number it came from."""
        return self._runs_table().to_pandas()

    def done(self) -> set[str]:
        """Run ids stored with status ok (what a resume skips)."""
        runs = [read_part(p, columns=["run_id", "status"]).to_pandas() for p in self._parts("runs")]
        if not runs:
            return set()
        table = pd.concat(runs)
        return set(table.loc[table["status"] == OK, "run_id"])

    def runs(self) -> pd.DataFrame:
        """The runs table: the latest row of every run, sorted by run id."""
        table = self._runs_table()
        ids = table.column("run_id").to_pandas()
        latest = ids.drop_duplicates(keep="last").sort_values(kind="stable")
        frame = table.take(pa.array(latest.index.to_numpy())).to_pandas()
        frame = frame.drop(columns="part", errors="ignore")
        middle = [c for c in frame.columns if c not in ID_COLUMNS + TAIL_COLUMNS]
        ordered = [c for c in ID_COLUMNS if c in frame] + middle + [c for c in TAIL_COLUMNS if c in frame]
        return frame[ordered].reset_index(drop=True)

    def rounds(self) -> pd.DataFrame:
        """The per-round table of the runs that finished (empty when the experiment kept none)."""
        complete = {_part_number(p) for p in self._parts("runs")}
        frames = [
            _current_names(read_part(p)).to_pandas()
            for p in self._parts("rounds")
            if _part_number(p) in complete
        ]
        if not frames:
            return pd.DataFrame(columns=["run_id", "step"])
        rounds = pd.concat(frames, ignore_index=True)
        return rounds.sort_values(["run_id", "step"], kind="stable").reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """Runs stored ok and failed (zero for a directory with no part yet)."""
        runs = self.runs()
        if "status" not in runs.columns:
            return {"ok": 0, "failed": 0}
        return {"ok": int((runs["status"] == OK).sum()), "failed": int((runs["status"] == FAILED).sum())}


_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
    stat.S_IFSOCK: "a socket",
}


def read_part(path: Path, columns: list[str] | None = None) -> pa.Table:
    """One stored part as an Arrow table.

    Raises
    ------
    ValueError
        The part is not a Parquet file govsim can read (damaged, or put there by hand): its
        path, what Arrow said, and what to do.
    """
    try:
        return pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError) as exc:
        said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ValueError(
            f"{path} is not a results part govsim can read ({said}); move it out of {path.parent} "
            "and run the same command again to recompute its runs"
        ) from None


def _part_number(path: Path) -> int:
    return int(path.stem.split("-")[1])


def load_runs(path: str | Path) -> pd.DataFrame:
    """The runs table of a results directory as a pandas DataFrame (one row per run)."""
    store = Store(path)
    if store.manifest() is None:
        raise ValueError(f"{path} holds no {MANIFEST}: not a govsim results directory")
    return store.runs()


def load_rounds(path: str | Path) -> pd.DataFrame:
    """The per-round table of a results directory (run_id, step, then the model's round columns)."""
    store = Store(path)
    if store.manifest() is None:
        raise ValueError(f"{path} holds no {MANIFEST}: not a govsim results directory")
    return store.rounds()


def _current_names(table: pa.Table) -> pa.Table:
    """A stored part with its columns under today's names (a part written before a measure was
    renamed, :data:`govsim.measure_registry.RENAMED`, joins newer parts column for column)."""
    from govsim.measure_registry import renamed

    names = renamed(table.column_names)
    return table.rename_columns([names.get(c, c) for c in table.column_names]) if names else table
