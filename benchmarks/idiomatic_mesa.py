"""Baseline 1: the Deffuant-Weisbuch exchange written the way Mesa's own examples write models.

One ``Agent`` subclass holding its own state as plain Python values, one method per
interaction, and a ``Model.step`` that loops in Python over random pairs drawn with
``self.random`` (Mesa's ``random.Random``). This is deliberately *not* part of the govsim
package: it exists only so ``benchmarks/scaling.py`` can time govsim's array version against
the usual way of writing the same update, in the same run.

The update is govsim's :func:`govsim.deliberation.exchange`: for a pair (a, b) at distance d,
a moves mu (x_b - x_a) if d < eps_a, and b moves mu (x_a - x_b) if d < eps_b.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import mesa


class Deliberator(mesa.Agent):
    """A stakeholder with a view (one float per policy dimension) and a confidence radius."""

    def __init__(self, model: DeliberationModel, position: Sequence[float], confidence: float) -> None:
        super().__init__(model)
        self.position = [float(v) for v in position]
        self.confidence = float(confidence)

    def talk_with(self, other: Deliberator) -> None:
        """Bounded-confidence exchange with ``other``; each side is persuaded within its radius."""
        mu = self.model.mu
        diff = [b - a for a, b in zip(self.position, other.position, strict=True)]
        distance = math.hypot(*diff)
        if distance < self.confidence:
            self.position = [a + mu * d for a, d in zip(self.position, diff, strict=True)]
        if distance < other.confidence:
            other.position = [b - mu * d for b, d in zip(other.position, diff, strict=True)]


class DeliberationModel(mesa.Model):
    """Every agent meets one random partner per step (a random perfect matching)."""

    def __init__(
        self,
        positions: Sequence[Sequence[float]],
        confidence: Sequence[float],
        mu: float = 0.3,
        rng: int | None = None,
    ) -> None:
        super().__init__(rng=rng)
        self.mu = mu
        for position, radius in zip(positions, confidence, strict=True):
            Deliberator(self, position, radius)

    def step(self) -> None:
        agents = list(self.agents)
        self.random.shuffle(agents)
        half = len(agents) // 2
        for a, b in zip(agents[:half], agents[half : 2 * half], strict=True):
            a.talk_with(b)

    def positions(self) -> list[list[float]]:
        return [agent.position for agent in self.agents]
