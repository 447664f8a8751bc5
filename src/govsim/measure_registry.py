"""The machinery behind :mod:`govsim.measures`: the :class:`Measure` record, the registry, the
``measure`` decorator and everything derived from the registered measures (outcomes columns,
issue records, run summaries, labels, bounds).

Import from :mod:`govsim.measures`, which also defines the built-in measures; this module alone
holds no measure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govsim.groups import GROUP_NAMES, GROUP_ORDER
from govsim.registry import registry
from govsim.settings import setting_names

if TYPE_CHECKING:
    from govsim.outcomes import IssueContext

SUMMARIES = ("mean", "median", "min", "max")
#: Former names of built-in columns and summary keys -> their names now. Stored tables (sweep
#: results written by an older govsim) are read through :func:`renamed`, so a resumed or
#: reported experiment keeps its numbers. ``fragmentation`` was the capability-weighted share of
#: non-compliers; an Internet-governance room hears "splinternet", a claim the model never makes
#: (issue 22.6), so the measure is named for what it counts.
RENAMED: dict[str, str] = {"fragmentation": "noncompliance"}
LEADING = ("issue", "name")  # the outcomes table's first columns: which issue the row is
RESERVED = frozenset(
    {
        *LEADING,
        "regional_outcomes",
        "scenario",
        "protocol",
        "stakeholders",
        "n_issues",
        "seed",
        "move",
        "step",
        "round",
        "run_id",
        "point_id",
        "replicate",
        "sample",
        "spawn_key",
        "status",
        "error",
        "wall_time",
    }
)
Bounds = tuple[float | None, float | None]


@dataclass(frozen=True)
class Measure:
    """One registered per-issue measure (made by :func:`measure`; read, never built by hand).

    ``column`` names its outcomes column (``column_<group>`` per group, ``column_<dimension>``
    per dimension); ``summary`` is how a run summarises it over issues (NaN-skipping), under
    ``summary_name`` (default ``<summary>_<column>``); ``bounds`` is the range every value lies
    in (``None`` for an open end), which confidence intervals respect.
    """

    column: str
    func: Callable[[IssueContext], Any]
    label: str
    unit: str = ""
    summary: str | None = "mean"
    summary_name: str | None = None
    bounds: Bounds | None = None
    per_group: bool = False
    per_dimension: bool = False
    headline: bool = True
    builtin: bool = False

    @property
    def summary_base(self) -> str | None:
        if self.summary is None:
            return None
        return self.summary_name or f"{self.summary}_{self.column}"

    def _suffixes(self, dimensions: Iterable[str]) -> tuple[str, ...]:
        if self.per_group:
            return GROUP_NAMES
        return tuple(dimensions) if self.per_dimension else ()

    def columns(self, dimensions: Iterable[str]) -> list[str]:
        """Its columns in the outcomes table."""
        suffixes = self._suffixes(dimensions)
        return [f"{self.column}_{s}" for s in suffixes] if suffixes else [self.column]

    def summaries(self, dimensions: Iterable[str]) -> list[tuple[str, str]]:
        """(summary key, outcomes column) pairs; empty when the measure is not summarised."""
        base = self.summary_base
        if base is None:
            return []
        suffixes = self._suffixes(dimensions)
        if not suffixes:
            return [(base, self.column)]
        return [(f"{base}_{s}", f"{self.column}_{s}") for s in suffixes]

    def labels(self, dimensions: Iterable[str] = ()) -> dict[str, str]:
        """Axis label ``"<label> (<unit>)"`` of each column and summary key."""
        unit = f" ({self.unit})" if self.unit else ""
        out: dict[str, str] = {}
        if self.per_group:
            for g in GROUP_ORDER:
                text = f"{g.label} {self.label}{unit}"
                out[f"{self.column}_{g.value}"] = text
                if self.summary_base:
                    out[f"{self.summary_base}_{g.value}"] = text
            return out
        out[self.column] = f"{self.label}{unit}"
        for key, column in self.summaries(dimensions):
            out[key] = f"{self.label}{unit}" if column == self.column else f"{self.label}, {column}{unit}"
        return out

    def record(self, ctx: IssueContext) -> dict[str, Any]:
        """Its values for one closed issue: the columns, plus ``<column>`` as a list (per
        dimension) or ``<column>_by_group`` as {group: value} for groups present (per group)."""
        value = self.func(ctx)
        if not (self.per_group or self.per_dimension):
            return {self.column: value.item() if isinstance(value, np.generic) else value}
        suffixes = self._suffixes(ctx.dimensions)
        values = [float(v) for v in np.asarray(value, dtype=float).ravel()]
        if len(values) != len(suffixes):
            raise ValueError(
                f"measure {self.column!r} returned {len(values)} values; it needs one per "
                f"{'group' if self.per_group else 'dimension'} ({len(suffixes)})"
            )
        out: dict[str, Any] = {f"{self.column}_{s}": v for s, v in zip(suffixes, values, strict=True)}
        if self.per_group:
            out[f"{self.column}_by_group"] = {
                s: v for s, v in zip(suffixes, values, strict=True) if not np.isnan(v)
            }
        else:
            out[self.column] = values
        return out


# ----------------------------------------------------------------------------- the registry
_REGISTRY: dict[str, Measure] = registry("measures")
_BUILTIN_DONE = False


def seal_builtins() -> None:
    """Mark every measure registered so far as built in (called once, by :mod:`govsim.measures`)."""
    global _BUILTIN_DONE
    _BUILTIN_DONE = True


def _check(m: Measure) -> None:
    where = f"measure {m.column!r}"
    if not isinstance(m.column, str) or not m.column.isidentifier():
        raise ValueError(
            f"measure column={m.column!r} must be a name like 'loser_share' (letters, digits, _)"
        )
    if not callable(m.func):
        raise TypeError(f"{where}: {m.func!r} is not a function of the issue context")
    if m.summary not in (*SUMMARIES, None):
        raise ValueError(
            f"{where}: summary={m.summary!r} is not known (allowed: {', '.join(SUMMARIES)}, None)"
        )
    if m.per_group and m.per_dimension:
        raise ValueError(f"{where}: per_group and per_dimension cannot both be true")
    if m.bounds is not None:
        ok = isinstance(m.bounds, tuple | list) and len(m.bounds) == 2
        lo, hi = m.bounds if ok else (None, None)
        ok = ok and all(b is None or (isinstance(b, int | float) and np.isfinite(b)) for b in (lo, hi))
        if not ok or (lo is not None and hi is not None and not lo < hi):
            raise ValueError(f"{where}: bounds={m.bounds!r} must be (low, high) with low < high (None: open)")


def _names(m: Measure) -> set[str]:
    """Every column and summary key ``m`` can produce (per-dimension ones by prefix only)."""
    names = set(m.columns(())) | {key for key, _ in m.summaries(())}
    if m.per_group:
        names.add(f"{m.column}_by_group")
    return names


def register_measure(m: Measure) -> Measure:
    """Add ``m`` to the registry; replaces a user measure of the same column, refuses a clash
    with a built-in measure or any other measure's names (``ValueError``)."""
    _check(m)
    current = _REGISTRY
    old = current.get(m.column)
    if old is not None and old.builtin and not m.builtin:
        raise ValueError(
            f"measure {m.column!r} is built in and cannot be replaced; choose another column name "
            f"(built-in: {', '.join(k for k, v in current.items() if v.builtin)})"
        )
    taken = RESERVED | set(setting_names())  # a measure may not shadow a setting column
    for other in current.values():
        if other.column != m.column:
            taken |= _names(other)
    clash = sorted(_names(m) & taken)
    if clash:
        raise ValueError(
            f"measure {m.column!r}: the name {clash[0]!r} is already used; choose another column name"
        )
    _REGISTRY[m.column] = m
    return m


def measure(
    func: Callable[[IssueContext], Any] | None = None,
    *,
    column: str | None = None,
    label: str | None = None,
    unit: str = "",
    summary: str | None = "mean",
    summary_name: str | None = None,
    bounds: Bounds | None = None,
    per_group: bool = False,
    per_dimension: bool = False,
    headline: bool = True,
) -> Any:
    """Decorator: register ``func(ctx) -> value`` as a per-issue measure; returns ``func``.

    Parameters
    ----------
    column : outcomes column name (default: the function's name).
    label : words for plot axes and tables (default: from the column name).
    unit : unit shown after the label, e.g. ``"share"``, ``"utility"``, ``"rounds"``.
    summary : how a run summarises the measure over issues: ``"mean"`` (default), ``"median"``,
        ``"min"``, ``"max"``, or None (no summary key). NaN issues are skipped.
    summary_name : the key in ``model.summary()`` (default ``"<summary>_<column>"``).
    bounds : (low, high) every value lies in, e.g. ``(0, 1)`` for a share; None for an open
        end. Confidence intervals of the measure stay inside it.
    per_group : ``func`` returns one value per group (in :data:`govsim.groups.GROUP_NAMES`
        order); columns ``<column>_<group>``.
    per_dimension : ``func`` returns one value per policy dimension; columns ``<column>_<dim>``.
    headline : list the measure in each issue of ``govsim run``'s output.

    Raises
    ------
    ValueError
        The column or a summary name is used by a built-in measure (or another measure, or a
        setting), or an option is invalid.
    """

    def wrap(f: Callable[[IssueContext], Any]) -> Callable[[IssueContext], Any]:
        name = column or f.__name__
        register_measure(
            Measure(
                column=name,
                func=f,
                label=label or name.replace("_", " ").capitalize(),
                unit=unit,
                summary=summary,
                summary_name=summary_name,
                bounds=None if bounds is None else tuple(bounds),
                per_group=per_group,
                per_dimension=per_dimension,
                headline=headline,
                builtin=not _BUILTIN_DONE,
            )
        )
        return f

    return wrap if func is None else wrap(func)


def registered() -> tuple[Measure, ...]:
    """Every registered measure, built-in ones first, in registration order."""
    return tuple(_REGISTRY.values())


def user_measures() -> tuple[Measure, ...]:
    """The measures registered outside the package (what a sweep ships to its workers)."""
    return tuple(m for m in _REGISTRY.values() if not m.builtin)


def user_summaries(measures: Iterable[Measure], dimensions: Iterable[str]) -> list[tuple[str, str]]:
    """(summary key, label) of every summary the user measures among ``measures`` add to a run
    with these policy ``dimensions``, in order: what ``govsim run`` and the dashboard's status
    line list after govsim's own figures."""
    dims = tuple(dimensions)
    return [(key, m.labels(dims)[key]) for m in measures if not m.builtin for key, _ in m.summaries(dims)]


def install(measures: Iterable[Measure]) -> None:
    """Make ``measures`` this process's user measures, exactly: what a sweep's worker does with
    the measures its driver shipped (so a reused worker keeps none from an earlier sweep)."""
    shipped = {m.column: m for m in measures}
    for m in user_measures():
        if m.column not in shipped:
            del _REGISTRY[m.column]
    for m in shipped.values():
        if _REGISTRY.get(m.column) is not m:
            register_measure(m)


def unregister(column: str) -> None:
    """Remove a user measure (built-in ones stay)."""
    m = _REGISTRY.get(column)
    if m is None:
        raise ValueError(f"no measure {column!r} is registered (registered: {', '.join(_REGISTRY)})")
    if m.builtin:
        raise ValueError(f"measure {column!r} is built in and cannot be removed")
    del _REGISTRY[column]


# ----------------------------------------------------------------------------- derived views
def outcome_columns(dimensions: Iterable[str], measures: Iterable[Measure] | None = None) -> list[str]:
    """Columns of the outcomes table, one row per agenda issue."""
    dims = tuple(dimensions)
    return [*LEADING, *(c for m in measures or registered() for c in m.columns(dims))]


def issue_record(ctx: IssueContext, measures: Iterable[Measure] | None = None) -> dict[str, Any]:
    """Everything known about one closed issue: the leading columns, every measure's values,
    and ``regional_outcomes`` (forum name -> its final text)."""
    record: dict[str, Any] = {"issue": ctx.index, "name": ctx.issue.name}
    for m in measures or registered():
        record.update(m.record(ctx))
    record["regional_outcomes"] = ctx.forum_outcomes
    return record


def headline_keys(measures: Iterable[Measure] | None = None) -> list[str]:
    """The keys of an issue record that ``govsim run`` lists per issue."""
    keys = ["name"]
    for m in measures or registered():
        if m.headline:
            keys.append(f"{m.column}_by_group" if m.per_group else m.column)
    return [*keys, "regional_outcomes"]


_REDUCE: dict[str, Callable[[np.ndarray], Any]] = {
    "mean": np.mean,
    "median": np.median,
    "min": np.min,
    "max": np.max,
}


def run_summary(
    outcomes: pd.DataFrame, dimensions: Iterable[str], measures: Iterable[Measure] | None = None
) -> dict[str, float]:
    """Run-level summaries over issues, NaN-skipping (compliance counts adopted issues only)."""
    dims = tuple(dimensions)
    result: dict[str, Any] = {"n_issues": len(outcomes)}
    for m in measures or registered():
        for key, column in m.summaries(dims):
            values = outcomes[column].astype(float).to_numpy() if len(outcomes) else np.array([])
            values = values[~np.isnan(values)]
            result[key] = float(_REDUCE[m.summary](values)) if len(values) else float("nan")
    return result


def labels(dimensions: Iterable[str] = ()) -> dict[str, str]:
    """Axis label of every measure's columns and summary keys."""
    out: dict[str, str] = {}
    for m in registered():
        out.update(m.labels(dimensions))
    return out


def bounds_of(name: str) -> Bounds | None:
    """The declared range of a column or summary key (``"mean_compliance"`` -> (0, 1)); None
    when the name is no measure's or the measure declares no range."""
    for m in registered():
        if name in _names(m) or (name.startswith(f"{m.column}_") and m.per_dimension):
            return m.bounds
        base = m.summary_base
        if base and m.per_dimension and name.startswith(f"{base}_"):
            return m.bounds
    return None


def renamed(columns: Iterable[str]) -> dict[str, str]:
    """``{former name: name now}`` for the columns in ``columns`` that carry a former name
    (:data:`RENAMED`); pass it to ``DataFrame.rename(columns=...)``."""
    return {c: RENAMED[c] for c in columns if c in RENAMED}


def label_of(name: str) -> str:
    """Axis label of a column or summary key (``"mean_compliance"`` -> ``"Compliance (share)"``);
    an unknown name is shown with spaces for underscores."""
    return labels().get(name, name.replace("_", " "))


class MetricLabels(Mapping[str, str]):
    """Read-only ``{summary key or column: label}`` that follows the registry (for plots)."""

    def _table(self) -> dict[str, str]:
        return labels()

    def __getitem__(self, key: str) -> str:
        return self._table()[key]

    def __iter__(self):
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())
