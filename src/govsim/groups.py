"""The four stakeholder groups of Internet governance (WSIS Tunis Agenda 2005, NETmundial 2014)."""

from __future__ import annotations

from enum import Enum

from govsim.i18n import N_, _
from govsim.values import member


class Group(Enum):
    """A stakeholder group; ``value`` is the name used in files, tables and the CLI."""

    GOVERNMENT = "government"
    BUSINESS = "business"
    CIVIL_SOCIETY = "civil_society"
    TECHNICAL = "technical"

    @property
    def code(self) -> int:
        """Row index of the group in per-group arrays (the order of the enum)."""
        return GROUP_ORDER.index(self)

    @property
    def label(self) -> str:
        """The group's name for people, in the current language (:mod:`govsim.i18n`)."""
        return _(GROUP_LABELS[self.value])

    @classmethod
    def parse(cls, name: str | Group) -> Group:
        """``Group`` from its name (``"civil_society"``) or itself; one-line error otherwise."""
        return member(cls, name, f"unknown group {name!r}")


GROUP_LABELS = {
    "government": N_("Government"),
    "business": N_("Business"),
    "civil_society": N_("Civil society"),
    "technical": N_("Technical"),
}
GROUP_ORDER: tuple[Group, ...] = tuple(Group)
GROUP_NAMES: tuple[str, ...] = tuple(g.value for g in GROUP_ORDER)
N_GROUPS = len(GROUP_ORDER)
GOVERNMENT: int = Group.GOVERNMENT.code  # the government group's code in (n,) group arrays
