"""What presentation reads from a running model: frozen views holding copies.

Plots, dashboards and the role-play ask :class:`govsim.model.GovernanceModel` through
``current_issue``, ``texts_on_table()``, ``gains_if_adopted()``, ``snapshot()`` and
``closed_issues``; each returns one of these records. Changing a view never changes the model.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from govsim.groups import GROUP_NAMES, N_GROUPS
from govsim.metrics import gain, group_means

if TYPE_CHECKING:
    from govsim.forums import Forum
    from govsim.scenarios import Issue


def frozen_copy(array: np.ndarray | None) -> np.ndarray | None:
    """A read-only copy of ``array`` (None stays None)."""
    if array is None:
        return None
    out = np.array(array, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class IssueView:
    """The agenda issue under negotiation.

    Attributes
    ----------
    index : agenda index, from 0
    name : the issue's name
    round : rounds played on this issue so far (0 before its first round)
    status_quo : (K,) point in [0, 1]
    initial_draft : (K,) point in [0, 1], or None when nobody tables a draft
    proposals : forum name -> (K,) text that forum decided on in its latest round (forums that
        have closed on this issue keep their last); empty before the issue's first round
    """

    index: int
    name: str
    round: int
    status_quo: np.ndarray
    initial_draft: np.ndarray | None
    proposals: dict[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class TableText:
    """A text on a table: the forum's name ("all" for one table), the (K,) text and the (n,)
    bool mask of the stakeholders it would bind."""

    forum: str
    text: np.ndarray
    members: np.ndarray


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The model after its latest round.

    Attributes
    ----------
    issue : agenda index of the issue the latest round belonged to (None before any round)
    round : that round's number within its issue (0 before any round)
    positions : (n, K) positions in [0, 1]
    group : (n,) int group codes
    attending : (n,) bool, at a table in the latest round
    objecting : (n,) bool, objected in the latest round's decision
    texts : the texts on the table now, for the next round (see ``texts_on_table``)
    """

    issue: int | None
    round: int
    positions: np.ndarray
    group: np.ndarray
    attending: np.ndarray
    objecting: np.ndarray
    texts: tuple[TableText, ...]


@dataclass(frozen=True, eq=False)
class IssueResult:
    """A closed agenda issue.

    Attributes
    ----------
    index : agenda index
    name : the issue's name
    adopted : every forum adopted a text
    rounds : rounds the longest forum took
    outcome : (K,) mean over stakeholders of the text each is bound by (the status quo where
        its forum adopted nothing)
    regional_outcomes : forum name -> (K,) the text that forum ended with
    record : the issue's full outcome record (every column of ``model.outcomes`` for this
        issue, plus ``gain_by_group``, ``regional_outcomes`` and ``stopped``), as plain values
    stopped : why the issue ended unadopted before ``max_rounds`` (a stalemate the protocol
        names, see :meth:`govsim.protocols.Protocol.stalemate`), or ""
    """

    index: int
    name: str
    adopted: bool
    rounds: int
    outcome: np.ndarray
    regional_outcomes: dict[str, np.ndarray]
    record: dict[str, Any]
    stopped: str = ""


# ---------------------------------------------------------------- built from the model's state
def issue_view(index: int, issue: Issue, forums: list[Forum], played: int) -> IssueView:
    """The view of agenda issue ``index`` with its open ``forums`` after ``played`` rounds."""
    return IssueView(
        index=index,
        name=issue.name,
        round=played,
        status_quo=frozen_copy(np.asarray(issue.status_quo, dtype=float)),
        initial_draft=None if issue.draft is None else frozen_copy(np.asarray(issue.draft, dtype=float)),
        proposals={f.name: frozen_copy(f.proposal) for f in forums if f.proposal is not None},
    )


def table_texts(forums: list[Forum], issue: Issue | None, n: int) -> list[TableText]:
    """Each open forum's next text; with none yet, ``issue``'s initiating draft for all ``n``."""
    texts = [
        TableText(f.name, frozen_copy(f.draft), frozen_copy(f.members))
        for f in forums
        if f.open and f.draft is not None
    ]
    if texts or issue is None or issue.draft is None:
        return texts
    everyone = frozen_copy(np.ones(n, dtype=bool))
    return [TableText("all", frozen_copy(np.asarray(issue.draft, dtype=float)), everyone)]


def group_gains(
    texts: list[TableText], positions: np.ndarray, salience: np.ndarray, group: np.ndarray, q: np.ndarray
) -> dict[str, float]:
    """Mean gain per group name if each stakeholder were bound by its table's text (else ``q``)."""
    outcome = np.tile(q, (len(group), 1))
    for t in texts:
        outcome[t.members] = t.text
    means = group_means(gain(positions, salience, outcome, q), group, N_GROUPS)
    return {name: float(v) for name, v in zip(GROUP_NAMES, means, strict=True)}


def issue_result(record: dict[str, Any]) -> IssueResult:
    """An :class:`IssueResult` from a closed issue's outcome record (copied)."""
    return IssueResult(
        index=int(record["issue"]),
        name=record["name"],
        adopted=bool(record["adopted"]),
        rounds=int(record["rounds"]),
        outcome=frozen_copy(np.asarray(record["outcome"], dtype=float)),
        regional_outcomes={
            k: frozen_copy(np.asarray(v, dtype=float)) for k, v in record["regional_outcomes"].items()
        },
        record=copy.deepcopy(record),
        stopped=str(record.get("stopped", "")),
    )
