"""What a closed issue left behind: the texts that bind each stakeholder, their gains and who
complies, computed once from the population and the forums.

:class:`IssueContext` is what every measure (see :mod:`govsim.measures`) reads. Its derived
arrays are computed on first use and kept, so twenty measures cost one gain computation.

Definitions (see the README's REFERENCES): each stakeholder is bound by its own forum's text,
or by the status quo where its forum adopted nothing; its gain is u_i(y) - u_i(q) (Bueno de
Mesquita; Stokman); it complies when u_i(y) - u_i(q) >= -(theta_i + voice_bonus * heard_i)
(Tyler 1990), heard meaning it attended or watched the talks on this issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from govsim.groups import N_GROUPS
from govsim.metrics import gain, group_means

if TYPE_CHECKING:
    from govsim.params import Parameters
    from govsim.population import Population
    from govsim.scenarios import Issue


@dataclass(frozen=True)
class IssueContext:
    """One closed issue, as the measures see it.

    Attributes
    ----------
    index : position of the issue on the agenda (0-based).
    issue : the agenda item (its ``name``, ``status_quo`` (K,) and ``draft``).
    forums : the tables it was negotiated at (``members``, ``adopted``, ``proposal`` (K,),
        ``rounds``, ``heard`` (n,), ``last`` decision with ``objecting``/``deciding`` (n,)).
    population : the stakeholders' drawn traits (``group`` (n,), ``salience`` (n, K),
        ``tolerance`` (n,), ``capability`` (n,), ...); ``capability`` below is the one on
        this issue.
    positions : (n, K) where everyone stands when the issue closes.
    params : the process parameters of the run.
    participation : (G,) each group's mean share of members attending, over the issue's rounds.
    dimensions : names of the K policy dimensions.
    """

    index: int
    issue: Issue
    forums: tuple[Any, ...]
    population: Population
    positions: np.ndarray
    params: Parameters
    participation: np.ndarray
    dimensions: tuple[str, ...]

    @property
    def group(self) -> np.ndarray:
        """(n,) int group codes (see :class:`govsim.groups.Group`)."""
        return self.population.group

    @cached_property
    def capability(self) -> np.ndarray:
        """(n,) the real capability on this issue (``population.capability`` unless a table gives
        power by issue; :meth:`govsim.population.Population.capability_on`)."""
        return self.population.capability_on(self.issue.decides)

    @cached_property
    def status_quo(self) -> np.ndarray:
        """(K,) the status quo q of the issue."""
        return np.asarray(self.issue.status_quo, dtype=float)

    @cached_property
    def _binding(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, list[float]]]:
        q = self.status_quo
        n = len(self.group)
        outcome = np.tile(q, (n, 1))
        bound = np.zeros(n, dtype=bool)
        heard = np.zeros(n, dtype=bool)
        finals = {}
        for f in self.forums:
            y = f.proposal if f.adopted else q
            outcome[f.members] = y
            bound |= f.members & f.adopted
            heard |= f.heard & f.members
            finals[f.name] = [float(v) for v in y]
        return outcome, bound, heard, finals

    @property
    def outcome(self) -> np.ndarray:
        """(n, K) the text each stakeholder is bound by (its forum's, or q where none was adopted)."""
        return self._binding[0]

    @property
    def bound(self) -> np.ndarray:
        """(n,) bool: members of a forum that adopted a text."""
        return self._binding[1]

    @property
    def heard(self) -> np.ndarray:
        """(n,) bool: attended or watched the talks of their forum on this issue."""
        return self._binding[2]

    @property
    def forum_outcomes(self) -> dict[str, list[float]]:
        """Forum name -> the text it ended with (q where it adopted nothing), in [0, 1]^K."""
        return self._binding[3]

    @cached_property
    def gains(self) -> np.ndarray:
        """(n,) u_i(y) - u_i(q) in utility units, y each stakeholder's binding text."""
        return gain(self.positions, self.population.salience, self.outcome, self.status_quo)

    @cached_property
    def complies(self) -> np.ndarray:
        """(n,) bool: gain >= -(tolerance + voice_bonus * heard)."""
        tolerance = self.population.tolerance
        return self.gains >= -(tolerance + self.params.voice_bonus * self.heard)

    @cached_property
    def group_gains(self) -> np.ndarray:
        """(G,) each group's mean gain; NaN for a group with no members."""
        return group_means(self.gains, self.group, N_GROUPS)

    @property
    def groups_present(self) -> np.ndarray:
        """(G,) bool: groups with at least one member."""
        return ~np.isnan(self.group_gains)
