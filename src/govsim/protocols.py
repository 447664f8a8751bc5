"""Decision rules. Each protocol is one small class with a name, a few declared traits and a
``decide`` method, registered by name so the CLI, widgets and sweeps find it.

To add your own::

    @register
    class Unanimity(Protocol):
        name = "unanimity"
        label = "Everyone must agree"

        def decide(self, table, y):
            objecting = table.attending & (table.gains(y) < 0)
            return Decision(not objecting.any() and table.attending.any(), objecting, table.attending)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from govsim.groups import Group
from govsim.metrics import utility, weighted_mean, weighted_median
from govsim.params import Parameters, check_names

GOVERNMENT = Group.GOVERNMENT.code


@dataclass
class Table:
    """What a protocol sees in one round of one forum (arrays are the model's, one row each)."""

    positions: np.ndarray
    salience: np.ndarray
    tolerance: np.ndarray
    capability: np.ndarray
    group: np.ndarray
    members: np.ndarray  # bool: stakeholders of this forum
    attending: np.ndarray  # bool: at the table this round
    status_quo: np.ndarray
    initial_draft: np.ndarray | None
    round: int  # 1 for the first round of the issue
    params: Parameters

    def gains(self, y: np.ndarray) -> np.ndarray:
        """u_i(y) - u_i(q) for every stakeholder."""
        return utility(self.positions, self.salience, y) - utility(
            self.positions, self.salience, self.status_quo
        )

    def objecting(self, y: np.ndarray) -> np.ndarray:
        """Attendees for whom y is worse than the status quo by more than their tolerance theta."""
        return self.attending & (self.gains(y) < -self.tolerance)

    @property
    def governments(self) -> np.ndarray:
        return self.members & (self.group == GOVERNMENT)


@dataclass
class Decision:
    """Outcome of one decision: adopted or not, who objected, and whose view counted."""

    adopted: bool
    objecting: np.ndarray
    deciding: np.ndarray

    @property
    def objecting_share(self) -> float:
        n = int(self.deciding.sum())
        return float(self.objecting.sum() / n) if n else float("nan")


class Protocol:
    """Base class: bottom-up drafting and revision toward objectors; subclasses set ``decide``."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    governments_only: ClassVar[bool] = False  # only governments sit at the table
    lobbied: ClassVar[bool] = False  # absent non-governments lobby governments

    def draft(self, table: Table) -> np.ndarray:
        """First text: (1 - b) * initiating draft + b * compromise, b = ``draft_blend``.

        The compromise is the voice-weighted mean of attendees (Stokman & Van Oosten 1994),
        voice = (1 - v) + v * capability with v = ``capability_voice``.
        """
        compromise = self.compromise(table)
        if table.initial_draft is None:
            return compromise
        b = table.params.draft_blend
        return (1 - b) * table.initial_draft + b * compromise

    def compromise(self, table: Table) -> np.ndarray:
        who = table.attending if table.attending.any() else table.members
        v = table.params.capability_voice
        return weighted_mean(table.positions[who], (1 - v) + v * table.capability[who])

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        raise NotImplementedError

    def revise(self, table: Table, y: np.ndarray, decision: Decision) -> np.ndarray:
        """Objections are addressed, not counted (RFC 7282 s.3): y <- y + alpha (mean objector - y)."""
        if not decision.objecting.any():
            return y
        target = table.positions[decision.objecting].mean(axis=0)
        return y + table.params.revision_step * (target - y)

    def forums(
        self, regions: tuple[str, ...], defaults: tuple[str, ...]
    ) -> list[tuple[str, int | None, Protocol]]:
        """Where negotiation happens: one forum for everyone, or (``regional``) one per region."""
        return [("all", None, self)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


PROTOCOLS: dict[str, type[Protocol]] = {}


def register(cls: type[Protocol]) -> type[Protocol]:
    """Class decorator: make ``cls`` available by ``cls.name`` everywhere protocols are chosen."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} needs a class attribute 'name' to be registered")
    PROTOCOLS[cls.name] = cls
    return cls


def protocol_names() -> list[str]:
    return list(PROTOCOLS)


def get_protocol(protocol: str | Protocol) -> Protocol:
    """A protocol instance from its registered name (or the instance itself)."""
    if isinstance(protocol, Protocol):
        return protocol
    check_names([protocol], protocol_names(), "protocol")
    return PROTOCOLS[protocol]()


def _vote(table: Table, y: np.ndarray, voters: np.ndarray, threshold: float) -> Decision:
    """Governments vote: support means u(y) >= u(q); adopt when the supporting share >= threshold."""
    support = voters & (table.gains(y) >= -1e-12)
    n = int(voters.sum())
    adopted = n > 0 and support.sum() / n >= threshold - 1e-12
    return Decision(bool(adopted), voters & ~support, voters)


@register
class TopDown(Protocol):
    """Multilateral: governments draft the median text and vote; others lobby from outside.

    The chair seeks unanimity for ``consensus_rounds`` rounds, revising toward objectors,
    then calls a vote that needs ``majority_threshold`` of voting governments (WCIT-12).
    """

    name = "top_down"
    label = "Top-down (intergovernmental vote)"
    governments_only = True
    lobbied = True

    def draft(self, table: Table) -> np.ndarray:
        """Per-dimension median of attending governments: it beats every alternative in a
        pairwise majority vote in one dimension (Black 1948)."""
        voters = table.attending & (table.group == GOVERNMENT)
        who = voters if voters.any() else table.governments
        return weighted_median(table.positions[who])

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        voters = table.attending & (table.group == GOVERNMENT)
        unanimity = table.round <= table.params.consensus_rounds
        return _vote(table, y, voters, 1.0 if unanimity else table.params.majority_threshold)


def rough_consensus(table: Table, y: np.ndarray) -> Decision:
    """RFC 7282: adopt when the objecting share <= rho and no group has a majority of its
    attending members objecting (one whole constituency blocks even at 95% support)."""
    objecting = table.objecting(y)
    n = int(table.attending.sum())
    if n == 0:
        return Decision(False, objecting, table.attending)
    per_group_att = np.bincount(table.group[table.attending], minlength=4)
    per_group_obj = np.bincount(table.group[objecting], minlength=4)
    blocked = np.any(per_group_obj * 2 > per_group_att)
    adopted = objecting.sum() / n <= table.params.rho + 1e-12 and not blocked
    return Decision(bool(adopted), objecting, table.attending)


@register
class BottomUp(Protocol):
    """Multistakeholder: open participation, a tabled draft revised toward objectors,
    adopted by rough consensus (RFC 7282)."""

    name = "bottom_up"
    label = "Bottom-up (rough consensus)"

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        return rough_consensus(table, y)


@register
class ConsultThenRatify(Protocol):
    """Hybrid (NETmundial, IANA transition): rough consensus writes the text, then governments
    ratify it by a ``majority_threshold`` vote; a failed ratification returns it to the table."""

    name = "consult_then_ratify"
    label = "Consult, then governments ratify"

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        consulted = rough_consensus(table, y)
        if not consulted.adopted:
            return consulted
        return _vote(table, y, table.governments, table.params.majority_threshold)


@register
class Chambers(Protocol):
    """Stakeholder houses (as in ICANN's GNSO): each group is a chamber of equal weight.

    Adopt when the mean of chamber support shares >= ``chamber_threshold`` and at least
    ``min_chambers`` chambers (or all present, if fewer) have a majority in favour.
    """

    name = "chambers"
    label = "Chambers (one house per group)"

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        objecting = table.objecting(y)
        att = np.bincount(table.group[table.attending], minlength=4)
        favour = np.bincount(table.group[table.attending & ~objecting], minlength=4)
        present = att > 0
        if not present.any():
            return Decision(False, objecting, table.attending)
        share = favour[present] / att[present]
        need = min(table.params.min_chambers, int(present.sum()))
        adopted = share.mean() >= table.params.chamber_threshold - 1e-12 and np.sum(share > 0.5) >= need
        return Decision(bool(adopted), objecting, table.attending)


@register
class Regional(Protocol):
    """ "Not one-size-fits-all": each region negotiates under its own protocol.

    ``mapping`` names a protocol per region; regions left out use the scenario's choice.
    The result is one outcome per region; their spread is the cross-region divergence.
    """

    name = "regional"
    label = "Regional (each region its own rules)"

    def __init__(self, mapping: dict[str, str] | None = None) -> None:
        self.mapping = dict(mapping or {})
        for region, proto in self.mapping.items():
            if proto == self.name:
                raise ValueError(f"regional protocol for region {region!r} cannot itself be 'regional'")
            get_protocol(proto)

    def forums(
        self, regions: tuple[str, ...], defaults: tuple[str, ...]
    ) -> list[tuple[str, int | None, Protocol]]:
        check_names(self.mapping, list(regions), "region")
        return [
            (region, r, get_protocol(self.mapping.get(region, default)))
            for r, (region, default) in enumerate(zip(regions, defaults, strict=True))
        ]

    def decide(self, table: Table, y: np.ndarray) -> Decision:  # pragma: no cover - forums decide
        raise TypeError("the regional protocol decides through its regional forums")

    def __repr__(self) -> str:
        return f"Regional({self.mapping!r})"
