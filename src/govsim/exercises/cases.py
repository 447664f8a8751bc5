"""Negotiating tables a rule question tries a learner's rule on: every small mix of present
supporters, present objectors, present members with a loss inside their tolerance (who do not
object) and absent members, in several group line-ups and for several ``rho``; then random
larger tables. The same descriptions drive the hypothesis strategies in the tests.

A table is described by its :class:`Seat` list and ``rho``; :func:`table_of` builds it on one
dimension (status quo 0, draft 1, tolerance 0.05): a supporter stands at 0.9 (gains 0.8), an
objector at 0.1 (loses 0.8), a member with a small loss at 0.49 (loses 0.02, inside the
tolerance, so does not object).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from govsim.groups import GROUP_NAMES
from govsim.params import Parameters
from govsim.protocols import Table
from govsim.teaching import hand_table

STANCES = {"supports": 0.9, "objects": 0.1, "small loss": 0.49}
RHOS = (0.1, 0.0, 0.2, 0.25, 1 / 3, 0.5)
DRAFT = np.array([1.0])


@dataclass(frozen=True)
class Seat:
    """One member of the forum: its group, its stance on the draft, and whether it attends."""

    group: str
    stance: str  # a key of STANCES
    present: bool = True


@dataclass(frozen=True)
class TableCase:
    """A table to decide on: its seats, ``rho``, and the draft ``y``."""

    seats: tuple[Seat, ...]
    rho: float = 0.1
    capability: tuple[float, ...] | None = None  # one per seat; None: the default, all equal

    @property
    def y(self) -> np.ndarray:
        """The draft on the table, shape (K,) (a fresh copy each time)."""
        return DRAFT.copy()

    def table(self) -> Table:
        """A fresh :class:`Table` (each caller gets its own copy)."""
        return table_of(self.seats, self.rho, self.capability)

    @property
    def description(self) -> str:
        """The table in words, as the question shows it to the learner."""
        text = describe(self.seats, self.rho)
        if self.capability is not None:
            shown = ", ".join(f"{s.stance} {c:g}" for s, c in zip(self.seats, self.capability, strict=True))
            text += f"; unequal capabilities ({shown})"
        return text


def table_of(seats: tuple[Seat, ...], rho: float = 0.1, capability: tuple[float, ...] | None = None) -> Table:
    """The table ``seats`` describe (see the module docstring); ``capability`` one per seat
    (default: :func:`govsim.teaching.hand_table`'s, all equal)."""
    positions = [STANCES[s.stance] for s in seats]
    return hand_table(
        positions,
        [s.group for s in seats],
        [0.0],
        tolerance=0.05,
        attending=[s.present for s in seats],
        capability=None if capability is None else list(capability),
        params=Parameters(rho=rho),
    )


def describe(seats: tuple[Seat, ...], rho: float = 0.1) -> str:
    """Words for a table: ``"3 present (1 government objecting, ...), 2 absent, rho = 0.1"``."""
    if not seats:
        return "a table with no members at all"
    present = [s for s in seats if s.present]
    parts = []
    for group in GROUP_NAMES:
        mine = [s for s in present if s.group == group]
        if mine:
            counts = [
                f"{sum(s.stance == k for s in mine)} {k}" for k in STANCES if any(s.stance == k for s in mine)
            ]
            parts.append(f"{len(mine)} {group.replace('_', ' ')} ({', '.join(counts)})")
    absent = [s for s in seats if not s.present]
    text = f"{len(present)} present" + (f": {'; '.join(parts)}" if parts else "")
    if absent:
        objecting = sum(s.stance == "objects" for s in absent)
        text += f"; {len(absent)} absent" + (f" ({objecting} of whom would object)" if objecting else "")
    return f"{text}; rho = {rho:.3g}"


def small_cases() -> list[TableCase]:
    """Every mix of up to six members (supporting, objecting, small loss, absent objector,
    absent supporter), groups dealt in turn from two line-ups; tables of three or four at each
    rho in :data:`RHOS`."""
    lineups = (GROUP_NAMES, ("civil_society", "civil_society", "government", "business"))
    found = [TableCase((), 0.1)]
    kinds = (
        ("supports", True),
        ("objects", True),
        ("small loss", True),
        ("objects", False),
        ("supports", False),
    )
    for n in range(1, 7):
        for counts in itertools.product(range(n + 1), repeat=len(kinds)):
            if sum(counts) != n:
                continue
            stances = [k for k, c in zip(kinds, counts, strict=True) for _ in range(c)]
            for lineup in lineups:
                seats = tuple(Seat(lineup[i % len(lineup)], s, p) for i, (s, p) in enumerate(stances))
                for rho in RHOS if n in (3, 4) else (0.1,):
                    found.append(TableCase(seats, rho))
    return found


def threshold_cases() -> list[TableCase]:
    """Tables exactly at the thresholds: a share of objectors equal to rho, two thirds exactly,
    a group with exactly half (not blocking) or just over half of its attendees objecting."""
    found = []
    for n, k in ((10, 1), (20, 2), (9, 3), (12, 4), (8, 2), (4, 1), (3, 1), (6, 2), (6, 3)):
        for rho in (0.1, k / n, 0.25, 1 / 3):
            seats = tuple(Seat(GROUP_NAMES[i % 4], "objects" if i < k else "supports") for i in range(n))
            found.append(TableCase(seats, rho))
            # the objectors all in one group: at, above and below that group's half
            one = tuple(
                Seat("civil_society" if i < 2 * k else "government", "objects" if i < k else "supports")
                for i in range(n)
            )
            found.append(TableCase(one, rho))
            more = tuple(
                Seat("civil_society" if i < 2 * k - 1 else "government", "objects" if i < k else "supports")
                for i in range(n)
            )
            found.append(TableCase(more, rho))
            absent = (*seats, *(Seat("technical", "supports", False) for _ in range(n)))
            found.append(TableCase(absent, rho))
    # large tables just below and at two thirds, where a rounded threshold (0.66, 0.666,
    # 0.6666, round(share, 2)) first decides otherwise: 33 of 50 support is 0.66
    for n, k in ((50, 17), (51, 17), (300, 100), (300, 101), (999, 333), (1000, 334), (5000, 1667)):
        seats = tuple(Seat(GROUP_NAMES[i % 4], "objects" if i < k else "supports") for i in range(n))
        found.append(TableCase(seats, 0.1))
    return found


def capability_cases() -> list[TableCase]:
    """Small tables whose members differ in capability, so a rule that weights by capability
    (or by anything but heads) decides one of them otherwise than a head count."""
    found = []
    for strong in ("supports", "objects"):
        weak = "objects" if strong == "supports" else "supports"
        for n_weak in (1, 2, 3):
            seats = (Seat("government", strong), *(Seat(GROUP_NAMES[1 + i % 3], weak) for i in range(n_weak)))
            found.append(TableCase(seats, 0.1, (1.0, *(0.2,) * n_weak)))
            found.append(TableCase(seats, 0.1, (0.2, *(1.0,) * n_weak)))
    return found


def random_cases(count: int = 300, seed: int = 7282) -> list[TableCase]:
    """``count`` random tables of 1-24 members, seeded (the same tables every time)."""
    rng = np.random.default_rng(seed)
    found = []
    for _ in range(count):
        n = int(rng.integers(1, 25))
        seats = tuple(
            Seat(
                GROUP_NAMES[int(rng.integers(4))],
                ("supports", "objects", "small loss")[int(rng.choice(3, p=[0.6, 0.3, 0.1]))],
                bool(rng.random() < 0.75),
            )
            for _ in range(n)
        )
        found.append(TableCase(seats, float(rng.choice(RHOS))))
    return found


def all_cases() -> list[TableCase]:
    """Every case a rule question tries, smallest tables first."""
    cases = [*small_cases(), *threshold_cases(), *capability_cases(), *random_cases()]
    return sorted(cases, key=lambda c: len(c.seats))
