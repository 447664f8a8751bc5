"""Decision rules. Each protocol is one small class with a name, a few declared traits and a
``decide`` method, registered by name so the CLI, widgets and sweeps find it.

The registry :data:`PROTOCOLS` holds decision rules only. Where the tables stand is a separate
choice, a seating layout (:mod:`govsim.forums`); the name ``regional`` selects the per-region
layout, whose tables each decide under their own rule. It is offered wherever protocols are
chosen (:func:`protocol_names`, :func:`get_protocol`) through :data:`SEATINGS`, which
:mod:`govsim.forums` fills, so this module does not import the layouts.

To add your own (one class in one file: nothing else to touch)::

    @register
    class Unanimity(Protocol):
        name = "unanimity"
        label = "Everyone must agree"

        def decide(self, table, y):
            objecting = table.attending & (table.gains(y) < 0)
            return Decision(not objecting.any() and table.attending.any(), objecting, table.attending)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from govsim.groups import GOVERNMENT, N_GROUPS
from govsim.i18n import N_, _, join_and, percent
from govsim.metrics import utility, weighted_mean, weighted_median
from govsim.params import Parameters, check_names
from govsim.registry import registry

if TYPE_CHECKING:
    from govsim.forums import Layout


@dataclass
class Table:
    """What a protocol sees in one round of one forum (arrays have one row per stakeholder).

    ``tolerance`` and ``capability`` are the values this round's decision uses: the
    stakeholders' own, or a declared one-round override (:class:`govsim.overrides.RoundOverrides`).

    Attributes
    ----------
    positions : (n, K) float array in [0, 1]
    salience : (n, K) float array, absolute, each in [0, 1] (a drawn population's rows sum to 1,
        a named actor's need not: :mod:`govsim.actors`)
    tolerance : (n,) float array, utility
    capability : (n,) float array in [0, 1]
    group : (n,) int array of group codes (:mod:`govsim.groups`)
    members : (n,) bool array, stakeholders of this forum
    attending : (n,) bool array, at this forum's table this round
    status_quo : (K,) float array
    initial_draft : (K,) float array or None
    round : int, 1 for the first round of the issue
    params : Parameters
    amendments : dict of group code -> (K,) text point tabled as an amendment this round
    decides : (d,) int array, the dimensions the issue decides (None: not said, all of them)
    """

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
    amendments: dict[int, np.ndarray] = field(default_factory=dict)
    decides: np.ndarray | None = None  # column indices of the dimensions the issue decides; None = all

    def gains(self, y: np.ndarray) -> np.ndarray:
        """u_i(y) - u_i(q) for every stakeholder, with its absolute salience (see ``utility``)."""
        return utility(self.positions, self.salience, y) - utility(
            self.positions, self.salience, self.status_quo
        )

    def objecting(self, y: np.ndarray) -> np.ndarray:
        """Attendees for whom y is worse than the status quo by more than their tolerance theta."""
        return self.attending & (self.gains(y) < -self.tolerance)

    @property
    def governments(self) -> np.ndarray:
        """(n,) bool: the governments among this forum's members, attending or not."""
        return self.members & (self.group == GOVERNMENT)


@dataclass
class Decision:
    """Outcome of one decision: adopted or not, who objected, and whose view counted.

    Attributes
    ----------
    adopted : bool
    objecting : (n,) bool, stakeholders who objected (a subset of ``deciding``)
    deciding : (n,) bool, stakeholders whose view counted (attendees, or voting governments)
    """

    adopted: bool
    objecting: np.ndarray
    deciding: np.ndarray

    @property
    def objecting_share(self) -> float:
        """The share of ``deciding`` that objected, in [0, 1]; NaN when nobody decided."""
        n = int(self.deciding.sum())
        return float(self.objecting.sum() / n) if n else float("nan")


class Protocol:
    """Base class of decision rules: bottom-up drafting and revision toward objectors;
    subclasses set ``name``, ``label`` and ``decide`` (and may override ``draft``/``revise``).

    Class attributes
    ----------------
    name : the registry name, used wherever protocols are chosen
    label : a short readable name for menus and plots
    governments_only : only governments get a seat at the table
    lobbied : non-governments present but without a seat lobby governments (top-down)
    reads : the names of the :class:`~govsim.params.Parameters` its drafting, deciding and
        revising read (with ``lobbying`` when ``lobbied``), or None when not declared. What
        the dashboard uses to disable a slider the chosen rule never reads
        (:func:`settings_unread`); :func:`govsim.testing.check_protocol` checks that changing
        any other rule setting (:func:`rule_settings`) leaves a run unchanged.

    A protocol must keep the promises of :func:`govsim.testing.check_protocol`.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    governments_only: ClassVar[bool] = False  # only governments sit at the table
    lobbied: ClassVar[bool] = False  # present non-governments without a seat lobby governments
    reads: ClassVar[frozenset[str] | None] = None  # the Parameters its rules read; None: not declared

    def draft(self, table: Table) -> np.ndarray:
        """First text: (1 - b) * initiating draft + b * compromise, b = ``draft_blend``
        (the compromise alone when the issue has no initiating draft)."""
        compromise = self.compromise(table)
        if table.initial_draft is None:
            return compromise
        b = table.params.draft_blend
        return (1 - b) * table.initial_draft + b * compromise

    def compromise(self, table: Table) -> np.ndarray:
        """The attendees' compromise, a (K,) point (Stokman & Van Oosten 1994).

        Per dimension k::

            y_k = sum_i w_ik p_ik / sum_i w_ik,   w_ik = voice_i x s_ik,
            voice_i = (1 - v) + v x capability_i,  v = ``capability_voice``,

        with s_ik the *absolute* salience (each in [0, 1]; an actor that does not care about
        k has no weight on it). With v = 1 this is the field's capability x salience weighted
        mean: 7.39 on Bueno de Mesquita's EU emission-standards table.
        """
        who = table.attending if table.attending.any() else table.members
        v = table.params.capability_voice
        voice = (1 - v) + v * table.capability[who]
        return weighted_mean(table.positions[who], voice[:, None] * table.salience[who])

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        """Adopt the (K,) text ``y`` at ``table`` or not; say who objected and who decided.

        Returns
        -------
        Decision with (n,) bool masks, ``objecting`` within ``deciding``
        """
        raise NotImplementedError

    def rule(self, params: Parameters) -> str:
        """How a text is adopted under these rules, said to a role-play room in plain words.

        The one home of that sentence: the role-play announcement and the role cards read it
        (:meth:`govsim.roleplay.plan.SessionPlan.announcement`, :mod:`govsim.roleplay.cards`).
        Built-in rules say it from ``params``; a registered rule that does not override this
        method is said by its label and its class docstring's first line.
        """
        doc = (type(self).__doc__ or "").strip().splitlines()
        summary = doc[0].rstrip(".") if doc else _("see its documentation")
        return _("The {rule} rule: {summary}.").format(rule=self.label or self.name, summary=summary)

    def stalemate(self, table: Table) -> str:
        """Why no text can pass at ``table`` whatever the chair tables, or ``""`` when one might.

        After ``stalemate_rounds`` rejected rounds in a row with a reason, the model closes the
        issue unadopted and names the reason, instead of revising to ``max_rounds``. The base
        rule cannot tell, and says ``""``.
        """
        return ""

    def revise(self, table: Table, y: np.ndarray, decision: Decision) -> np.ndarray:
        """Objections are addressed, not counted (RFC 7282 s.3): y <- y + alpha (target - y).

        ``target`` is the mean objector position, or with amendments the pooled mean of
        :func:`revision_target`; alpha = ``revision_step``. Without objectors or amendments
        the text stays as it is.
        """
        target = revision_target(table, decision)
        if target is None:
            return y
        return y + table.params.revision_step * (target - y)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def revision_target(table: Table, decision: Decision) -> np.ndarray | None:
    """Where the chair's revision moves the text: a (K,) point, or None when nothing pulls.

    Without amendments: the mean position of the objectors. With amendments (a point z_g
    tabled by group g, see :class:`govsim.overrides.RoundOverrides`), each attending member of
    an amending group speaks through its group's amendment instead of its own position,
    whether it objects or not::

        target = (sum_{i in O} p_i + sum_g n_g z_g) / (|O| + sum_g n_g)

    where O are the objectors outside amending groups and n_g the members of g at this
    forum's table this round. A group with nobody at the table (no seat, or absent) tables
    nothing. Example (alpha = 0.2): objectors at 0.0 and 0.2, a third stakeholder's group
    amends to 0.5, text at 1.0: target = (0.0 + 0.2 + 0.5) / 3 = 0.2333, revised text
    1.0 + 0.2 (0.2333 - 1.0) = 0.8467.
    """
    if not table.amendments:
        if not decision.objecting.any():
            return None
        return table.positions[decision.objecting].mean(axis=0)
    amending = np.isin(table.group, list(table.amendments))
    objectors = decision.objecting & ~amending
    total = table.positions[objectors].sum(axis=0)
    count = int(objectors.sum())
    for code, point in table.amendments.items():
        speakers = int(np.count_nonzero(table.attending & (table.group == code)))
        total = total + speakers * np.asarray(point, dtype=float)
        count += speakers
    return total / count if count else None


PROTOCOLS: dict[str, type[Protocol]] = registry("protocols")
"""Decision rules by name (built-in and registered ones)."""

BUILT_IN: frozenset[str] = frozenset()  # set once the built-in rules below are registered

SEATINGS: dict[str, Callable[[], Any]] = registry("seatings")
"""Names chosen like a protocol that select a seating layout with its own rules per table
(``regional``); filled by :mod:`govsim.forums`."""


def register(cls: type[Protocol]) -> type[Protocol]:
    """Class decorator: make ``cls`` available by ``cls.name`` everywhere protocols are chosen.

    Registering again under a name you registered before replaces the earlier class (so a
    notebook cell can be re-run after an edit). A built-in name (``top_down``, ``bottom_up``,
    ``consult_then_ratify``, ``chambers``, ``regional``) cannot be taken by another class.

    Raises
    ------
    TypeError
        ``cls`` is not a Protocol subclass.
    ValueError
        ``cls`` has no ``name``, or its name is a built-in one.
    """
    if not (isinstance(cls, type) and issubclass(cls, Protocol)):
        raise TypeError(f"register expects a Protocol subclass, not {cls!r}")
    if not cls.name:
        raise ValueError(f"{cls.__name__} needs a class attribute 'name' to be registered")
    if (cls.name in BUILT_IN or cls.name in SEATINGS) and PROTOCOLS.get(cls.name) is not cls:
        raise ValueError(
            f"protocol name {cls.name!r} is built in and cannot be replaced by {cls.__name__} "
            "(choose another name)"
        )
    PROTOCOLS[cls.name] = cls
    return cls


def protocol_names() -> list[str]:
    """Every name a protocol can be chosen by: built-in rules, ``regional``, then registered rules."""
    built = [name for name in PROTOCOLS if name in BUILT_IN]
    added = [name for name in PROTOCOLS if name not in BUILT_IN]
    return [*built, *SEATINGS, *added]


# The built-in rules (and the ``regional`` layout) in words, for what a room reads: a short
# name for a table column, and "... rules" for a sentence. The code name (``bottom_up``) is shown
# only where someone types it.
RULE_WORDS: dict[str, tuple[str, str]] = {
    "top_down": (N_("top-down (intergovernmental)"), N_("top-down (intergovernmental) rules")),
    "bottom_up": (N_("bottom-up (multistakeholder)"), N_("bottom-up (multistakeholder) rules")),
    "consult_then_ratify": (
        N_("consult, then a government vote"),
        N_("consult-then-ratify rules (consensus text, then a government vote)"),
    ),
    "chambers": (N_("chambers (one house per group)"), N_("chamber rules (one house per group)")),
    "regional": (N_("regional (one table per region)"), N_("regional rules (one table per region)")),
}


def rule_in_words(protocol: object, sentence: bool = False) -> str:
    """A rule's name in the current language (:mod:`govsim.i18n`): ``"bottom-up
    (multistakeholder)"``, or with ``sentence`` ``"bottom-up (multistakeholder) rules"``. A rule
    a learner registered is said by its label (or name) as given."""
    key = protocol if isinstance(protocol, str) else getattr(protocol, "name", str(protocol))
    if key in RULE_WORDS:
        return _(RULE_WORDS[key][sentence])
    cls = PROTOCOLS.get(key)
    label = (cls.label if cls is not None else "") or key
    return _("{rule} rules").format(rule=label) if sentence else label


def rule_settings() -> frozenset[str]:
    """The settings some registered rule declares it reads (the union of every ``reads``).

    The other settings (deliberation, attendance, the levers, group traits) matter under every
    rule; these matter only under the rules that read them."""
    return frozenset().union(*(cls.reads for cls in PROTOCOLS.values() if cls.reads is not None))


def settings_unread(protocol: str) -> dict[str, str]:
    """The rule settings the protocol named ``protocol`` never reads, each with a one-line reason.

    Derived from the rules' declared ``reads``: a rule that declares nothing (and a seating
    such as ``regional``, whose tables may each follow another rule) is taken to read
    everything, so nothing is said to be unread.

    Returns
    -------
    dict
        ``{setting: "Top-down (intergovernmental) rules do not use this setting: it changes
        nothing here (it matters under bottom-up (multistakeholder) rules)."}``, the rules in
        words (:func:`rule_in_words`) in the current language (empty when every setting may
        matter).

    Raises
    ------
    ValueError
        Unknown protocol name.
    """
    check_names([protocol], protocol_names(), "protocol")
    reads = PROTOCOLS[protocol].reads if protocol in PROTOCOLS else None
    if reads is None:
        return {}
    found = {}
    for setting in sorted(rule_settings() - reads):
        users = [n for n, cls in PROTOCOLS.items() if cls.reads is not None and setting in cls.reads]
        said = _(
            "{rules} do not use this setting: it changes nothing here (it matters under {users})."
        ).format(
            rules=rule_in_words(protocol, sentence=True),
            users=join_and([rule_in_words(user, sentence=True) for user in users]),
        )
        found[setting] = said[:1].upper() + said[1:]
    return found


def get_protocol(protocol: str | Protocol | Layout) -> Protocol | Layout:
    """A decision rule (or, for ``regional``, a seating layout) from its name, or the object itself.

    Raises
    ------
    ValueError
        Unknown name (one line, with the closest name and the allowed ones).
    """
    if isinstance(protocol, Protocol) or (SEATINGS and isinstance(protocol, _seating_types())):
        return protocol
    check_names([protocol], protocol_names(), "protocol")
    return SEATINGS[protocol]() if protocol in SEATINGS else PROTOCOLS[protocol]()


def _seating_types() -> tuple[type, ...]:
    return tuple(t for t in SEATINGS.values() if isinstance(t, type))


def passes(share: float, threshold: float) -> bool:
    """The adoption rule for a share of support: more than half, and at least ``threshold``.

    At ``threshold = 0.5`` this is a majority in the ordinary sense, more than half: a tie
    (1-1, 2-2) does not adopt. Above one half it reads "at least": 2/3 of the votes pass a
    two-thirds threshold, and 1.0 is unanimity.
    """
    return share > 0.5 + 1e-12 and share >= threshold - 1e-12


def _more_than_half(threshold: float) -> str:
    """The :func:`passes` rule for ``threshold`` in words."""
    return (
        _("more than half")
        if threshold <= 0.5 + 1e-12
        else _("at least {share}").format(share=percent(threshold))
    )


def _rough_consensus_words(params: Parameters) -> str:
    """The :func:`rough_consensus` rule in words."""
    return _(
        "no more than {share} of those present object and no group has most of its members present objecting"
    ).format(share=percent(params.rho))


def _vote_share(threshold: float, params: Parameters) -> str:
    """The share a government vote needs (:func:`vote`), in words: of the votes, or of the
    vote weight when votes are weighted by capability."""
    share = _more_than_half(threshold)
    return share if params.capability_vote == 0 else _("{share} of the vote weight").format(share=share)


def _weighing(params: Parameters) -> str:
    """What capability does in the chair's compromise (:meth:`Protocol.compromise`), or ''."""
    if params.capability_voice <= 0:
        return ""
    return " " + _("The chair's compromise weighs each member by capability.")


def vote_weights(table: Table) -> np.ndarray:
    """(n,) each government's weight in a vote and in the top-down median:
    w_i = (1 - v) + v x capability_i, v = ``capability_vote``.

    v = 0 is one state, one vote (the UN General Assembly, the ITU's treaty conferences);
    v = 1 weighs votes by capability, as weighted voting in the Council of the EU does and as
    Bueno de Mesquita's model takes the capability-weighted median (1994). The two differ
    wherever power and numbers part: on Copenhagen's ``Newtreaty`` the plain median of the
    eleven parties is 90, the capability-weighted one 50."""
    v = table.params.capability_vote
    return (1 - v) + v * table.capability


def vote(
    table: Table, y: np.ndarray, voters: np.ndarray, threshold: float, weighted: bool = True
) -> Decision:
    """The one vote count: every member in ``voters`` votes on the (K,) text ``y``, support
    meaning u(y) >= u(q) (no tolerance: a loss of more than 1e-12 in utility, which only
    absorbs rounding, is a vote against); adopted when the supporting share :func:`passes`
    ``threshold``. With ``weighted`` each vote counts its :func:`vote_weights` (one each when
    ``capability_vote`` is 0); without, one vote each whatever the parameters (the role-play's
    fallback votes, :mod:`govsim.roleplay.plan`). No voters (no weight): not adopted.

    Parameters
    ----------
    table : Table
    y : (K,) float array
        The text, in the model's [0, 1] units.
    voters : (n,) bool array
        Who votes.
    threshold : float
        The share needed (:func:`passes`: more than half, and at least ``threshold``).
    weighted : bool
        Weigh votes by :func:`vote_weights`.

    Returns
    -------
    Decision
        ``deciding`` is ``voters``; ``objecting`` the voters who lose with ``y``.
    """
    support = voters & (table.gains(y) >= -1e-12)
    if not weighted or table.params.capability_vote == 0:
        n = int(voters.sum())
        adopted = n > 0 and passes(support.sum() / n, threshold)
    else:
        weight = vote_weights(table)
        total = float(weight[voters].sum())
        adopted = total > 0 and passes(float(weight[support].sum()) / total, threshold)
    return Decision(bool(adopted), voters & ~support, voters)


def vote_stalemate(table: Table, voters: np.ndarray, threshold: float) -> str:
    """Why no text can win the government vote on an issue deciding one dimension, or ``""``.

    On dimension k, a text y below the status quo q is supported by the voters at p < q (for
    y close enough to q) and by those with salience 0 (indifferent); no other voter. So the
    largest support any text can get is the weight of one side plus the indifferent; when
    neither side :func:`passes` ``threshold``, the status quo is the voters' weighted median
    and beats every alternative (Black 1948): the vote cannot pass, however the text is
    revised. With more than one dimension decided no such test is made (``""``).
    """
    if table.decides is None or len(table.decides) != 1 or not voters.any():
        return ""
    k = int(table.decides[0])
    q = table.status_quo[k]
    p, indifferent = table.positions[voters, k], table.salience[voters, k] == 0
    w = vote_weights(table)[voters]
    total = float(w.sum())
    for side in (p < q - 1e-12, p > q + 1e-12):
        if passes(float(w[side | indifferent].sum()) / total, threshold):
            return ""
    return (
        "no text can pass the governments' vote: the status quo is their median on the issue, "
        "so every change loses (Black 1948)"
    )


def votes_words(params: Parameters) -> str:
    """Who counts in a government vote (:func:`vote_weights`), in words: the one home of that
    phrase (the protocols' rules and the role cards read it)."""
    v = params.capability_vote
    if v == 0:
        return _("one vote each")
    if v == 1:
        return _("votes weighted by capability")
    return _("votes weighted {share} by capability, {rest} equally").format(
        share=percent(v), rest=percent(1 - v)
    )


@register
class TopDown(Protocol):
    """Multilateral: governments draft the median text and vote; others lobby from outside.

    The chair seeks unanimity for ``consensus_rounds`` rounds, revising toward objectors,
    then calls a vote that needs more than half of the voting governments, or at least
    ``majority_threshold`` of them when that is above one half. The vote is a stylisation: in
    ``wcit_2012`` it stands for signature (the 2012 ITRs were opened for signature, not voted on;
    the one formal vote at WCIT-12, 77-33-8, was on a preamble amendment).
    """

    name = "top_down"
    label = "Top-down (intergovernmental vote)"
    governments_only = True
    lobbied = True
    reads = frozenset(
        {
            "consensus_rounds",
            "majority_threshold",
            "capability_vote",
            "revision_step",
            "lobbying",
            "agenda_setter",
        }
    )

    def draft(self, table: Table) -> np.ndarray:
        """The governments' median text (:meth:`median_text`), or with an agenda setter
        (``agenda_setter`` = a > 0) and a tabled draft d: (1 - a) x median + a x d.

        a = 1 is a bill tabled by someone who does not vote on it (an executive sending a bill
        to a legislature; Romer & Rosenthal 1978's agenda setter): the voters can only pass it,
        or reject it and see it revised toward the objectors. Issues without a draft keep the median.
        """
        median = self.median_text(table)
        a = table.params.agenda_setter
        if a <= 0 or table.initial_draft is None:
            return median
        return (1 - a) * median + a * table.initial_draft

    def median_text(self, table: Table) -> np.ndarray:
        """Per-dimension median of the attending governments that care about the dimension
        (salience > 0), each weighted as it votes (:func:`vote_weights`: one vote each by
        default, by capability at ``capability_vote = 1``); with an even split, the midpoint of
        the two middle positions, so the text does not depend on which end of the axis is 0.

        In one dimension the median beats every alternative in a pairwise majority vote (Black
        1948). That guarantee is one-dimensional: with two or more dimensions a majority
        often prefers some other point to the per-dimension median.
        """
        voters = table.attending & (table.group == GOVERNMENT)
        who = voters if voters.any() else table.governments
        cares = (table.salience[who] > 0).astype(float)
        if table.params.capability_vote == 0:
            return weighted_median(table.positions[who], cares)
        return weighted_median(table.positions[who], cares * vote_weights(table)[who][:, None])

    def rule(self, params: Parameters) -> str:
        """Only governments vote: unanimity for ``consensus_rounds`` rounds, then ``majority_threshold``."""
        later = _vote_share(params.majority_threshold, params)
        first = params.consensus_rounds
        if first <= 0:
            need = _("the text needs {later} of the governments present").format(later=later)
        elif first == 1:
            need = _("for the first round the text needs every government present, then {later}").format(
                later=later
            )
        else:
            need = _(
                "for the first {rounds} rounds the text needs every government present, then {later}"
            ).format(rounds=first, later=later)
        tabled = ""
        if params.agenda_setter >= 1:
            tabled = " " + _(
                "The first text is the bill an agenda setter tabled, not the governments' median."
            )
        elif params.agenda_setter > 0:
            tabled = " " + _(
                "The first text is {share} the tabled bill, the rest the governments' median."
            ).format(share=percent(params.agenda_setter))
        return (
            _(
                "Only governments sit and vote, {votes}: {need}. A government votes for a text that "
                "leaves it no worse off than today."
            ).format(votes=votes_words(params), need=need)
            + tabled
        )

    def stalemate(self, table: Table) -> str:
        """After the unanimity rounds: the vote of all member governments cannot pass
        (:func:`vote_stalemate`). Tested on every government with a vote, not on those who
        happened to attend, so the verdict does not depend on attendance."""
        if table.round <= table.params.consensus_rounds:
            return ""
        return vote_stalemate(table, table.governments, table.params.majority_threshold)

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        """The attending governments vote on ``y``: every one must support it for the first
        ``consensus_rounds`` rounds, then a share that :func:`passes` ``majority_threshold``."""
        voters = table.attending & (table.group == GOVERNMENT)
        unanimity = table.round <= table.params.consensus_rounds
        return vote(table, y, voters, 1.0 if unanimity else table.params.majority_threshold)


def rough_consensus(table: Table, y: np.ndarray) -> Decision:
    """Rough consensus after RFC 7282: adopt when the objecting share <= rho and no group has a
    majority of its attending members objecting (one whole constituency blocks even at 95% support).

    The group block is the model's proxy for an objection nobody has addressed (RFC 7282 s.3),
    not RFC 7282's rule: the RFC speaks of individuals' objections in a working group and has no
    constituencies, so it gives no group a veto. The model cannot tell an answered objection from
    an open one."""
    objecting = table.objecting(y)
    n = int(table.attending.sum())
    if n == 0:
        return Decision(False, objecting, table.attending)
    per_group_att = np.bincount(table.group[table.attending], minlength=N_GROUPS)
    per_group_obj = np.bincount(table.group[objecting], minlength=N_GROUPS)
    blocked = np.any(per_group_obj * 2 > per_group_att)
    adopted = objecting.sum() / n <= table.params.rho + 1e-12 and not blocked
    return Decision(bool(adopted), objecting, table.attending)


@register
class BottomUp(Protocol):
    """Multistakeholder: open participation, a tabled draft revised toward objectors,
    adopted by rough consensus (RFC 7282)."""

    name = "bottom_up"
    label = "Bottom-up (rough consensus)"
    reads = frozenset({"draft_blend", "capability_voice", "revision_step", "rho"})

    def rule(self, params: Parameters) -> str:
        """Every group sits; adoption by :func:`rough_consensus`, in words (see :meth:`Protocol.rule`)."""
        return _(
            "Every group sits at the table. A text is adopted when {rule}; otherwise the chair "
            "moves the text toward the objectors."
        ).format(rule=_rough_consensus_words(params)) + _weighing(params)

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        """Adopt ``y`` by :func:`rough_consensus` of the attendees."""
        return rough_consensus(table, y)


@register
class ConsultThenRatify(Protocol):
    """Hybrid: rough consensus writes the text, then all governments vote on it (a
    ``majority_threshold`` vote); a failed vote returns the text to the table.

    A stylized hybrid, not a model of a real event. It stands in for the IANA stewardship
    transition's final check, which was different: one government (the US NTIA) reviewed the
    community's proposal against criteria it had set in 2014; no intergovernmental vote took place,
    and other governments took part inside the community process through ICANN's Governmental
    Advisory Committee (GAC). The registered name stays ``consult_then_ratify``."""

    name = "consult_then_ratify"
    label = "Consult, then a government vote"
    reads = frozenset(
        {"draft_blend", "capability_voice", "revision_step", "rho", "majority_threshold", "capability_vote"}
    )

    def rule(self, params: Parameters) -> str:
        """Rough consensus, then the government vote, in words (see :meth:`Protocol.rule`); it
        says that the real IANA transition had a review by one government instead."""
        return _(
            "Every group sits at the table and the text must first pass by rough consensus "
            "({rule}); then all governments vote on it, {votes} (in the real IANA transition one "
            "government, the US NTIA, reviewed it instead), and {share} must be no worse off than "
            "today, or it returns to the table."
        ).format(
            rule=_rough_consensus_words(params),
            votes=votes_words(params),
            share=_vote_share(params.majority_threshold, params),
        ) + _weighing(params)

    def stalemate(self, table: Table) -> str:
        """The ratifying vote of all governments cannot pass (:func:`vote_stalemate`)."""
        return vote_stalemate(table, table.governments, table.params.majority_threshold)

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        """Adopt ``y`` when it passes :func:`rough_consensus` of the attendees and then the vote
        of all member governments (``majority_threshold``); otherwise the failing step's
        :class:`Decision` (its objectors pull the revision)."""
        consulted = rough_consensus(table, y)
        if not consulted.adopted:
            return consulted
        return vote(table, y, table.governments, table.params.majority_threshold)


@register
class Chambers(Protocol):
    """Stakeholder houses: each of the four groups is a chamber of equal weight.

    Not ICANN's GNSO, whose Council has two houses (contracted and non-contracted parties) and in
    which governments have no house (they advise ICANN through the GAC).

    Adopt when the mean of chamber support shares :func:`passes` ``chamber_threshold`` (more
    than half at 0.5, at least the threshold above it) and at least
    ``min_chambers`` chambers (or all present, if fewer) have a majority in favour.
    """

    name = "chambers"
    label = "Chambers (one house per group)"
    reads = frozenset(
        {"draft_blend", "capability_voice", "revision_step", "chamber_threshold", "min_chambers"}
    )

    def rule(self, params: Parameters) -> str:
        """The chamber rule in words (see :meth:`Protocol.rule`)."""
        need = params.min_chambers
        said = (
            _(
                "Every group sits at the table as a chamber of equal weight. A text is adopted when, "
                "averaged over the chambers present, {share} of members do not object, and at least "
                "1 chamber (or all present, if fewer) has a majority not objecting; otherwise the "
                "chair moves the text toward the objectors."
            )
            if need == 1
            else _(
                "Every group sits at the table as a chamber of equal weight. A text is adopted when, "
                "averaged over the chambers present, {share} of members do not object, and at least "
                "{need} chambers (or all present, if fewer) have a majority not objecting; otherwise "
                "the chair moves the text toward the objectors."
            )
        )
        return said.format(share=_more_than_half(params.chamber_threshold), need=need) + _weighing(params)

    def decide(self, table: Table, y: np.ndarray) -> Decision:
        """Adopt ``y`` by the chamber rule of the class docstring; every attendee decides, and
        nobody present means not adopted."""
        objecting = table.objecting(y)
        att = np.bincount(table.group[table.attending], minlength=N_GROUPS)
        favour = np.bincount(table.group[table.attending & ~objecting], minlength=N_GROUPS)
        present = att > 0
        if not present.any():
            return Decision(False, objecting, table.attending)
        share = favour[present] / att[present]
        need = min(table.params.min_chambers, int(present.sum()))
        adopted = passes(share.mean(), table.params.chamber_threshold) and np.sum(share > 0.5) >= need
        return Decision(bool(adopted), objecting, table.attending)


# The decision rules govsim defines: register() will not let another class take their names.
BUILT_IN = frozenset(PROTOCOLS)
