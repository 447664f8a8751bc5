"""The stakeholder agent: a thin, readable view onto one row of the model's arrays.

The model moves everyone at once with array operations; an agent lets a learner inspect
one stakeholder (``agent.position``, ``agent.group``) the way Mesa examples do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from govsim.groups import GROUP_ORDER, Group

if TYPE_CHECKING:
    from govsim.model import GovernanceModel


class Stakeholder(mesa.Agent):
    """One government, business, civil-society organisation or technical body."""

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, row: int) -> None:
        super().__init__(model)
        self.row = int(row)

    def _read(self, name: str) -> np.ndarray:
        view = getattr(self.model, name)[self.row]
        if isinstance(view, np.ndarray):
            view = view.view()
            view.flags.writeable = False
        return view

    @property
    def group(self) -> Group:
        """The stakeholder's group (government, business, civil society or technical community)."""
        return GROUP_ORDER[int(self.model.group[self.row])]

    @property
    def region(self) -> str:
        """The name of the stakeholder's region, as the scenario lists it."""
        return self.model.setup.regions[int(self.model.region[self.row])]

    @property
    def position(self) -> np.ndarray:
        """Current view on each policy dimension, in [0, 1] (read-only)."""
        return self._read("positions")

    @property
    def salience(self) -> np.ndarray:
        """How much it cares about each policy dimension, each in [0, 1], shape (K,) (read-only)."""
        return self._read("salience")

    @property
    def capability(self) -> float:
        """Resources and influence, as a share of the strongest, in (0, 1]."""
        return float(self.model.capability[self.row])

    @property
    def confidence(self) -> float:
        """Bounded-confidence radius (eps): how far a view may lie from its own and still persuade."""
        return float(self.model.confidence[self.row])

    @property
    def tolerance(self) -> float:
        """How much worse than the status quo (in utility) it accepts before objecting (theta)."""
        return float(self.model.tolerance[self.row])

    @property
    def capacity(self) -> float:
        """Probability of attending a round it may attend (travel, staff, money)."""
        return float(self.model.capacity[self.row])

    @property
    def stubbornness(self) -> float:
        """Share of the way back to its initial view each round (Friedkin-Johnsen lambda)."""
        return float(self.model.stubbornness[self.row])

    @property
    def attending(self) -> bool:
        """At the table in the latest round."""
        return bool(self.model.attending[self.row])

    def utility(self, y: np.ndarray) -> float:
        """u(y) = -sum_k s_k |p_k - y_k| for this stakeholder."""
        return float(-np.sum(self.salience * np.abs(self.position - np.asarray(y))))

    def __repr__(self) -> str:
        pos = ", ".join(f"{v:.2f}" for v in self.position)
        return f"Stakeholder({self.unique_id}, {self.group.value}, {self.region}, position=({pos}))"
