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
        return GROUP_ORDER[int(self.model.group[self.row])]

    @property
    def region(self) -> str:
        return self.model.setup.regions[int(self.model.region[self.row])]

    @property
    def position(self) -> np.ndarray:
        """Current view on each policy dimension, in [0, 1] (read-only)."""
        return self._read("positions")

    @property
    def salience(self) -> np.ndarray:
        return self._read("salience")

    @property
    def capability(self) -> float:
        return float(self.model.capability[self.row])

    @property
    def confidence(self) -> float:
        return float(self.model.confidence[self.row])

    @property
    def tolerance(self) -> float:
        return float(self.model.tolerance[self.row])

    @property
    def capacity(self) -> float:
        return float(self.model.capacity[self.row])

    @property
    def stubbornness(self) -> float:
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
