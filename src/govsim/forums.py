"""Where negotiation happens: forums (tables) and the seating layouts that set them up.

A :class:`Forum` is one negotiating table for the issue under negotiation: who belongs to it,
who may sit at it, the decision rule it uses, the text on the table and its decision history.
A *layout* says which forums an issue opens:

- ``one_table`` (:class:`OneTable`): one forum for everyone under one decision rule;
- ``per_region`` (:class:`Regional`): one forum per region, each under its own rule ("not
  one-size-fits-all"); chosen by the protocol name ``regional`` everywhere protocols are
  chosen (CLI, dashboard, sweeps, scenario files).

Layouts are registered in :data:`LAYOUTS`; decision rules live in :mod:`govsim.protocols`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

import numpy as np

from govsim.groups import GOVERNMENT
from govsim.params import check_names
from govsim.protocols import SEATINGS, Decision, Protocol, get_protocol
from govsim.registry import registry


@dataclass
class Forum:
    """One negotiating table for the current issue (the whole population, or one region).

    Attributes
    ----------
    name : "all" for one table, else the region's name
    members : (n,) bool, the stakeholders this forum's text binds
    seats : (n,) bool, members who may sit at the table
    protocol : the decision rule of this table
    draft : (K,) text on the table for the next decision, or None before the first round
    proposal : (K,) text decided on in the latest round, or None
    rounds : rounds played
    open : still negotiating
    adopted : closed with a text adopted
    last : the latest :class:`~govsim.protocols.Decision`, or None
    heard : (n,) bool, members who attended or watched at least one round of this issue
    stalled : rejected rounds in a row in which the protocol said no text could pass
    stopped : why the forum closed before ``max_rounds`` without a text ("" otherwise)
    """

    name: str
    members: np.ndarray
    seats: np.ndarray  # members who may sit at the table
    protocol: Protocol
    draft: np.ndarray | None = None  # the text on the table for the next decision
    proposal: np.ndarray | None = None  # the text decided on in the latest round
    rounds: int = 0
    open: bool = True
    adopted: bool = False
    last: Decision | None = None
    heard: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    stalled: int = 0
    stopped: str = ""


def admitted(group: np.ndarray, capability: np.ndarray, openness: float) -> np.ndarray:
    """Who may attend at all: every government, and the best-resourced ``openness`` share of
    the non-government stakeholders (accreditation that favours the well-funded).

    Parameters
    ----------
    group : (n,) int group codes
    capability : (n,) float in [0, 1]
    openness : share in [0, 1] of non-governments admitted, best-resourced first

    Returns
    -------
    (n,) bool
    """
    ok = group == GOVERNMENT
    others = np.flatnonzero(~ok)
    keep = int(np.ceil(openness * len(others) - 1e-9))
    ranked = others[np.argsort(-capability[others], kind="stable")]
    ok[ranked[:keep]] = True
    return ok


class TableSpec(NamedTuple):
    """One table a layout opens: its name, its region's index (None: everyone) and its rule."""

    name: str
    region: int | None
    protocol: Protocol


class Layout:
    """Base class of seating layouts: which tables an issue opens, and under which rules."""

    key: ClassVar[str] = ""  # the layout's name in LAYOUTS
    label: ClassVar[str] = ""

    def tables(self, regions: tuple[str, ...], defaults: tuple[str, ...]) -> list[TableSpec]:
        """The tables for a scenario with these ``regions`` (their default rules: ``defaults``)."""
        raise NotImplementedError


LAYOUTS: dict[str, type[Layout]] = registry("layouts")


def register_layout(cls: type[Layout]) -> type[Layout]:
    """Class decorator: add a layout to :data:`LAYOUTS` under ``cls.key``."""
    if not cls.key:
        raise ValueError(f"{cls.__name__} needs a class attribute 'key' to be registered")
    LAYOUTS[cls.key] = cls
    return cls


@register_layout
class OneTable(Layout):
    """Everyone negotiates at one table under one decision rule."""

    key = "one_table"
    label = "One table for everyone"

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol

    def tables(self, regions: tuple[str, ...], defaults: tuple[str, ...]) -> list[TableSpec]:
        return [TableSpec("all", None, self.protocol)]

    def __repr__(self) -> str:
        return f"OneTable({self.protocol!r})"


@register_layout
class Regional(Layout):
    """ "Not one-size-fits-all": each region negotiates at its own table under its own rule.

    ``mapping`` names a decision rule per region; regions left out use the scenario's choice
    (``Scenario.regional_protocols``). The result is one outcome per region; their spread is
    the cross-region divergence. Chosen by the protocol name ``regional``.

    Raises
    ------
    ValueError
        A rule in ``mapping`` is unknown or is ``regional`` itself; or (when the tables are
        set) a region in ``mapping`` is not one of the scenario's.
    """

    key = "per_region"
    name = "regional"  # the name it is chosen by, wherever protocols are chosen
    label = "Regional (each region its own rules)"

    def __init__(self, mapping: dict[str, str] | None = None) -> None:
        self.mapping = dict(mapping or {})
        for region, proto in self.mapping.items():
            if proto == self.name:
                raise ValueError(f"regional protocol for region {region!r} cannot itself be 'regional'")
            get_protocol(proto)

    def tables(self, regions: tuple[str, ...], defaults: tuple[str, ...]) -> list[TableSpec]:
        check_names(self.mapping, list(regions), "region")
        return [
            TableSpec(region, r, rule(self.mapping.get(region, default)))
            for r, (region, default) in enumerate(zip(regions, defaults, strict=True))
        ]

    def __repr__(self) -> str:
        return f"Regional({self.mapping!r})"


SEATINGS[Regional.name] = Regional


def rule(name: str) -> Protocol:
    """The decision rule registered as ``name`` (a layout name is refused: tables need a rule)."""
    chosen = get_protocol(name)
    if not isinstance(chosen, Protocol):
        raise ValueError(f"{name!r} is a seating layout, not a decision rule a table can use")
    return chosen


def layout_for(chosen: Protocol | Layout) -> Layout:
    """The layout a protocol choice stands for: a decision rule sits at one table."""
    return chosen if isinstance(chosen, Layout) else OneTable(chosen)


def seat(
    layout: Layout,
    group: np.ndarray,
    region: np.ndarray,
    may_attend: np.ndarray,
    regions: tuple[str, ...],
    defaults: tuple[str, ...],
) -> list[Forum]:
    """Open the forums of one issue: members by region, seats for the admitted (governments
    only, where the table's rule says so).

    Parameters
    ----------
    group, region : (n,) int codes
    may_attend : (n,) bool, from :func:`admitted`
    regions, defaults : the scenario's region names and their default rule names
    """
    n = len(group)
    forums = []
    for spec in layout.tables(regions, defaults):
        members = np.ones(n, dtype=bool) if spec.region is None else region == spec.region
        seats = members & may_attend
        if spec.protocol.governments_only:
            seats &= group == GOVERNMENT
        forums.append(Forum(spec.name, members, seats, spec.protocol, heard=np.zeros(n, dtype=bool)))
    return forums
