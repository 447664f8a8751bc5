"""Role cards: what each team reads before the first caucus of a role-play.

A card has two halves. The briefing (interests, red lines, resources, likely allies, the
situation) is data in ``govsim/data/roles``: ``defaults.toml`` holds one briefing per group and
``<scenario>.toml`` replaces fields for one scenario. The numbers half (how many members, where
they start, what they care about, capability, capacity, tolerance, whether they have a seat) is
generated here from the scenario's group profile and protocol, so it always says what the model
does. Each card ends with what every move means for this group under these rules, in one
sentence each.

    from govsim.roleplay.cards import role_card, cards_html
    role_card("wcit_2012", "civil_society").numbers
    Path("cards.html").write_text(cards_html("wcit_2012"))  # printable: one card per page

Every string reaching HTML goes through :func:`esc`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from govsim.actors import Actor
from govsim.dimensions import DIMENSION_ENDS
from govsim.escape import html_text as esc
from govsim.groups import GROUP_NAMES, Group
from govsim.i18n import N_, _, data_file, decimal, fresh, join_and, join_numbers, name, number, percent, text
from govsim.population import GroupProfile
from govsim.protocols import get_protocol, votes_words
from govsim.reading import read_toml
from govsim.roleplay.page import page_html
from govsim.roleplay.plan import SessionPlan, adoption_rule
from govsim.scenarios import Scenario, load_scenario

ROLES = resources.files("govsim") / "data" / "roles"
FIELDS = ("title", "situation", "interests", "red_lines", "resources", "allies")
LISTS = ("interests", "red_lines", "resources")
# What 0 and 1 mean on the bundled dimensions: the plots' words, from their one home.
ENDS = DIMENSION_ENDS


@dataclass(frozen=True)
class RoleCard:
    """One team's card: the briefing (from data) and the numbers (from the scenario)."""

    scenario: str
    group: str
    title: str
    situation: str
    interests: tuple[str, ...]
    red_lines: tuple[str, ...]
    resources: tuple[str, ...]
    allies: str
    numbers: tuple[str, ...]
    moves: tuple[tuple[str, str], ...]  # (move, what it does for this group under these rules)

    def html(self) -> str:
        """The card as an HTML fragment (escaped), styled by :data:`govsim.roleplay.page.CARD_CSS`."""
        parts = [
            f"<section class='govsim-card' data-group='{esc(self.group)}'>",
            f"<h2>{esc(self.title)}</h2>",
            f"<p class='govsim-card-situation'>{esc(self.situation)}</p>" if self.situation else "",
        ]
        for heading, items in (
            (_("Interests"), self.interests),
            (_("Red lines"), self.red_lines),
            (_("Resources"), self.resources),
        ):
            parts.append(f"<h3>{esc(heading)}</h3><ul>{''.join(f'<li>{esc(i)}</li>' for i in items)}</ul>")
        parts.append(f"<h3>{esc(_('Likely allies'))}</h3><p>{esc(self.allies)}</p>")
        numbers = "".join(f"<li>{esc(n)}</li>" for n in self.numbers)
        parts.append(f"<h3>{esc(_('Your numbers in the model'))}</h3><ul>{numbers}</ul>")
        rows = "".join(f"<tr><th>{esc(move_name(m))}</th><td>{esc(t)}</td></tr>" for m, t in self.moves)
        parts.append(f"<h3>{esc(_('Your moves'))}</h3><table class='govsim-card-moves'>{rows}</table>")
        parts.append("</section>")
        return "".join(parts)


# ---------------------------------------------------------------- briefings (data)
@cache
def _briefings(name: str) -> dict[str, dict[str, Any]]:
    path = ROLES / f"{name}.toml"
    if not path.is_file():
        return {}
    data = read_toml(path, f"roles/{name}.toml")
    for group, fields in data.items():
        where = f"roles/{name}.toml: [{group}]"
        if group not in GROUP_NAMES or not isinstance(fields, dict):
            raise ValueError(f"{where} is not a group table (allowed: {', '.join(GROUP_NAMES)})")
        for key, value in fields.items():
            if key not in FIELDS:
                raise ValueError(f"{where}.{key} is not a card field (allowed: {', '.join(FIELDS)})")
            ok = (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
                if key in LISTS
                else isinstance(value, str)
            )
            if not ok:
                kind = "a list of strings" if key in LISTS else "a string"
                raise ValueError(f"{where}.{key}={value!r} must be {kind}")
    return data


def briefing(scenario: str, group: str) -> dict[str, Any]:
    """The briefing fields of ``group`` in ``scenario``: the defaults, replaced by the scenario's,
    in the current language (from ``data/lang/<lang>/roles/``, :func:`govsim.i18n.data_file`)."""
    merged: dict[str, Any] = {}
    for file in ("defaults", scenario):
        english = _briefings(file).get(group, {})
        where = f"roles/{file}.toml: [{group}]"
        translated = fresh(data_file(f"roles/{file}.toml").get(group), english, where)
        for key, value in english.items():
            merged[key] = text(value, translated.get(key), f"{where}.{key}")
    missing = [f for f in FIELDS if f not in merged and f != "situation"]
    if missing:
        raise ValueError(f"roles: the card of {group!r} has no {missing[0]!r} (add it to defaults.toml)")
    return merged


# ---------------------------------------------------------------- numbers (generated)
@dataclass(frozen=True)
class Members:
    """A group's stakeholders in a scenario: ``drawn`` from its profile, plus its named ``actors``
    (whose missing traits take the profile's mean)."""

    drawn: int
    profile: GroupProfile
    actors: tuple[Actor, ...]

    @property
    def count(self) -> int:
        """The group's stakeholders: drawn members plus named actors."""
        return self.drawn + len(self.actors)

    def mean(self, trait: str) -> float:
        """Head-weighted mean of a scalar trait over drawn members (profile mean) and actors."""
        base = getattr(self.profile, trait)
        values = [base] * self.drawn + [
            base if getattr(a, trait) is None else getattr(a, trait) for a in self.actors
        ]
        return float(np.mean(values))

    def salience_shares(self) -> np.ndarray:
        """(K,) how the group's attention splits over the dimensions, summing to 1: each
        member's salience made into shares (equal shares for a member who cares about none),
        averaged over members, one head one weight."""
        rows = [np.asarray(self.profile.salience, dtype=float)] * self.drawn + [
            np.asarray(a.salience, dtype=float) for a in self.actors
        ]
        shares = [r / r.sum() if r.sum() > 0 else np.full(len(r), 1 / len(r)) for r in rows]
        return np.mean(shares, axis=0)


def members(setup: Scenario, group: Group) -> Members | None:
    """``group``'s stakeholders in ``setup``, or None when it has none."""
    spec = next((s for s in setup.groups if s.group is group), None)
    actors = tuple(a for a in setup.actors if a.group is group)
    if spec is None or spec.count + len(actors) == 0:
        return None
    return Members(spec.count, spec.profile, actors)


def _where(setup: Scenario, point: tuple[float, ...]) -> str:
    """A point in [0, 1] said in the scenario's own units, with what the ends mean."""
    parts = []
    for d, v, scale in zip(setup.dimensions, setup.in_file_units(point), _scales(setup), strict=True):
        if d in ENDS:
            low, high = (name(e) for e in ENDS[d])
            ends = f"{number(scale.low)} = {low}, {number(scale.high)} = {high}"
        else:
            ends = _("on a {scale} scale").format(scale=f"{number(scale.low)}-{number(scale.high)}")
        parts.append(f"{name(d)} {decimal(v)} ({ends})")
    return join_and(parts)


def _scales(setup: Scenario) -> tuple[Any, ...]:
    from govsim.actors import Scale

    return setup.scales or (Scale(),) * setup.k


def _positions(setup: Scenario, m: Members) -> list[str]:
    lines = []
    modes = m.profile.position
    total = sum(mode.weight for mode in modes)
    if m.drawn and len(modes) == 1:
        lines.append(_("Your members start around {where}.").format(where=_where(setup, modes[0].mean)))
    elif m.drawn:
        split = "; ".join(
            _("{share} start around {where}").format(
                share=percent(mode.weight / total), where=_where(setup, mode.mean)
            )
            for mode in modes
        )
        lines.append(_("Your members are split: {split}.").format(split=split))
    if m.actors:
        named = "; ".join(
            _("{actor} at {position} (capability {capability}, salience {salience})").format(
                actor=name(a.name),
                position=join_numbers(_num(v) for v in setup.in_file_units(a.position)),
                capability=join_numbers(_num(v) for v in a.issue_capability or (a.capability,)),
                salience=join_numbers(_num(v) for v in a.salience),
            )
            for a in m.actors
        )
        units = join_numbers(
            f"{name(d)} ({number(scale.low)}-{number(scale.high)})"
            for d, scale in zip(setup.dimensions, _scales(setup), strict=True)
        )
        lines.append(
            _("Named members and where they start, on {units}: {named}.").format(units=units, named=named)
        )
    return lines


def _num(value: float) -> str:
    """A number as a card prints it: at most three decimals, no trailing zeros (in the locale)."""
    return number(value)


def _issues(setup: Scenario) -> str:
    """Where each planned issue's text starts, in the scenario's own units (the dimensions the
    issue decides)."""
    said = []
    for n, issue in enumerate(setup.agenda, start=1):
        on = issue.decides or (True,) * setup.k

        def point(p: tuple[float, ...], on: tuple[bool, ...] = on) -> str:
            units = setup.in_file_units(p)
            return join_numbers(
                f"{name(d)} {_num(v)}" for d, v, k in zip(setup.dimensions, units, on, strict=True) if k
            )

        where = _("status quo {point}").format(point=point(issue.status_quo))
        if issue.draft is not None:
            where += "; " + _("draft {point}").format(point=point(issue.draft))
        said.append(_("{number}. {issue}: {where}.").format(number=n, issue=name(issue.name), where=where))
    return _("The issues: {issues}").format(issues=" ".join(said))


def _capability(setup: Scenario, m: Members) -> str:
    caps = [m.profile.capability] * m.drawn + [a.capability for a in m.actors]
    others = [x.mean("capability") for g in Group if (x := members(setup, g)) is not None]
    said = (
        decimal(caps[0])
        if max(caps) - min(caps) < 1e-9
        else _("{low} to {high}").format(low=decimal(min(caps)), high=decimal(max(caps)))
    )
    return _("Capability {value} on a 0-1 scale ({rank})").format(
        value=said, rank=_rank(m.mean("capability"), others)
    )


def _rank(value: float, values: list[float]) -> str:
    higher = sum(v > value + 1e-12 for v in values)
    if len(values) == 1:
        return _("the only group")
    if higher == 0:
        return _("the highest of the groups")
    if higher == len(values) - 1:
        return _("the lowest of the groups")
    return _("number {rank} of {count} groups").format(rank=higher + 1, count=len(values))


def numbers(setup: Scenario, group: str, protocol: str) -> tuple[str, ...]:
    """Plain sentences about ``group``'s stakeholders in ``setup`` under ``protocol``: generated
    from its profile and named actors, so they are what the model uses."""
    g = Group.parse(group)
    m = members(setup, g)
    if m is None:
        raise ValueError(f"group={g.value!r} has no stakeholders in scenario {setup.name!r}")
    p = setup.params
    proto = get_protocol(protocol)
    governments_only = getattr(proto, "governments_only", False)
    lobbied = getattr(proto, "lobbied", False)
    played = (
        _("You play 1 stakeholder; the simulation plays everyone else.")
        if m.count == 1
        else _("You play {count} stakeholders; the simulation plays everyone else.").format(count=m.count)
    )
    lines = [played, *_positions(setup, m)]
    if setup.k > 1:
        share = m.salience_shares()
        cares = ", ".join(f"{name(d)} {percent(w)}" for d, w in zip(setup.dimensions, share, strict=True))
        lines.append(_("What you care about: {shares}.").format(shares=cares))
    v = p.capability_voice
    if governments_only and g is Group.GOVERNMENT and p.capability_vote == 0:
        use = _(
            "one state, one vote: it adds no votes, but the higher it is, the less the corridor "
            "lobbyists move you"
        )
    elif governments_only and g is Group.GOVERNMENT:
        use = _(
            "governments vote with {votes}: the higher it is, the more your vote weighs in the vote "
            "and in the median text, and the less the corridor lobbyists move you"
        ).format(votes=votes_words(p))
    elif lobbied and g is not Group.GOVERNMENT:
        use = _("it sets how hard you pull governments when you lobby from the corridors")
    elif v > 0:
        use = _("it weighs your view when the chair drafts a compromise text (capability voice {v})").format(
            v=number(v)
        )
    else:
        use = _("under these rules it has no effect: every member at the table has an equal voice")
    lines.append(_("{capability}: {use}.").format(capability=_capability(setup, m), use=use))
    capacity, tolerance = m.mean("capacity"), m.mean("tolerance")
    attend = capacity + p.support * (1 - capacity)
    support = (
        _(" (with this scenario's travel support {support})").format(support=number(p.support))
        if p.support > 0
        else ""
    )
    if m.count == 1:
        said = _(
            "Capacity {capacity}: in an ordinary round there is about a {attend} chance your member "
            "can afford to attend{support}."
        )
    else:
        said = _(
            "Capacity {capacity}: in an ordinary round about {attend} of your members can afford to "
            "attend{support}."
        )
    lines.append(said.format(capacity=decimal(capacity), attend=percent(attend), support=support))
    lines.append(
        _(
            "Tolerance {tolerance}: your members object only to a text that leaves them clearly worse "
            "off than today (by more than {tolerance} on the 0-1 scale, weighted by what they care "
            "about). Smaller means quicker to object."
        ).format(tolerance=decimal(tolerance))
    )
    if getattr(proto, "tables", None) is not None:  # a seating layout: a table per region
        lines.append(
            _(
                "Under these rules each region negotiates at its own table under its own rules: your "
                "members sit where their region's rules give them a seat."
            )
        )
    elif governments_only and g is not Group.GOVERNMENT:
        lines.append(
            _(
                "Under these rules only governments sit at the table: you have no seat and no vote; "
                "present members lobby governments from the corridors (lobbying strength {lobbying})."
            ).format(lobbying=number(p.lobbying))
        )
    elif governments_only:
        lines.append(
            _("Under these rules only governments sit at the table and vote; other groups lobby you.")
        )
    elif p.openness < 1 and g is not Group.GOVERNMENT:
        lines.append(
            _(
                "Accreditation: only the best-resourced {share} of non-government stakeholders may "
                "take a seat at all."
            ).format(share=percent(p.openness))
        )
    lines.append(_issues(setup))
    lines.append(adoption_rule(proto, setup))
    return tuple(lines)


# A move as a card names it (the move's value is its name in the session store and the CLI).
MOVE_NAMES = {
    "simulated": N_("simulated"),
    "hold": N_("hold"),
    "concede": N_("concede"),
    "object": N_("object"),
    "lobby": N_("lobby"),
    "stay_away": N_("stay away"),
    "amend": N_("amend"),
}


def move_name(move: str) -> str:
    """A move's name in the current language (``stay_away`` -> "stay away", "rester à l'écart")."""
    return _(MOVE_NAMES[move])


def move_effects(setup: Scenario, group: str, protocol: str) -> tuple[tuple[str, str], ...]:
    """What each move does for ``group`` under ``protocol``: (move value, one sentence in the
    current language)."""
    from govsim.roleplay.session import CONCEDE_SHARE, LOBBY_BOOST, Move

    g = Group.parse(group)
    proto = get_protocol(protocol)
    seated = not (getattr(proto, "governments_only", False) and g is not Group.GOVERNMENT)
    p = setup.params
    voted = getattr(proto, "governments_only", False)  # one state, one vote: no compromise text
    v = p.capability_voice
    boost = number(LOBBY_BOOST)
    if seated and voted:
        obj = _(
            "all your delegations attend and none is persuaded this round. In the vote each already "
            "votes no on any text that leaves it worse off, so this is about turning up and standing "
            "firm, not an extra veto."
        )
        lobby = (
            _(
                "all your delegations attend and your capability counts ×{boost} this round "
                "(capped at 1): corridor lobbyists move you less (it adds no votes)."
            ).format(boost=boost)
            if p.capability_vote == 0
            else _(
                "all your delegations attend and your capability counts ×{boost} this round "
                "(capped at 1): corridor lobbyists move you less and your vote weighs more this "
                "round ({votes})."
            ).format(boost=boost, votes=votes_words(p))
        )
    elif seated:
        obj = _(
            "all your members attend, none is persuaded this round, and they object to any text that "
            "leaves them worse off at all (tolerance 0)."
        )
        lobby = (
            _(
                "all your members attend and count ×{boost} (capability capped at 1) in the chair's "
                "compromise, which is drafted in an issue's first round; later rounds revise the text "
                "toward objectors and amendments, where capability carries no weight."
            ).format(boost=boost)
            if v > 0
            else _(
                "all your members attend; capability carries no weight at this table, so nothing else "
                "changes (object or amend do more)."
            )
        )
    if seated:
        away = _("none of your members attends: no voice at the table and no objections counted.")
    else:
        obj = _(
            "you have no seat, so no objection of yours is counted: your members only turn up in the "
            "corridors and lobby governments as usual."
        )
        lobby = _(
            "all your members turn up and lobby governments with capability ×{boost} this round."
        ).format(boost=boost)
        away = _("none of your members turns up: nobody lobbies governments for you this round.")
    effects = {
        Move.SIMULATED: _("the simulation plays your members as usual."),
        Move.HOLD: _("stand firm: none of your members is persuaded by anyone this round."),
        Move.CONCEDE: _(
            "your members move {share} of the way toward the text on the table "
            "(a lasting change of view that fades only slowly)."
        ).format(share=percent(CONCEDE_SHARE)),
        Move.OBJECT: obj,
        Move.LOBBY: lobby,
        Move.STAY_AWAY: away,
        Move.AMEND: (
            _(
                "table a text point: if the text is not adopted this round, the chair's revision moves "
                "toward it as toward objectors, weighed by how many of your members are at the table "
                "(they speak through it instead of through their own positions)."
            )
            if seated
            else _(
                "you have no seat, so nothing is tabled: under these rules only those at the table "
                "can amend (persuade a government instead)."
            )
        ),
    }
    return tuple((m.value, effects[m]) for m in Move)


# ---------------------------------------------------------------- cards
def role_card(
    scenario: str | Scenario, group: str, protocol: str | None = None, plan: SessionPlan | None = None
) -> RoleCard:
    """The card of ``group`` in ``scenario`` (protocol: the scenario's unless given)."""
    setup = (plan or SessionPlan()).scenario(load_scenario(scenario))
    g = Group.parse(group)
    if members(setup, g) is None:
        raise ValueError(f"group={g.value!r} has no stakeholders in scenario {setup.name!r}")
    protocol = protocol or setup.protocol
    brief = briefing(setup.name, g.value)
    return RoleCard(
        scenario=setup.name,
        group=g.value,
        title=brief["title"],
        situation=brief.get("situation", ""),
        interests=tuple(brief["interests"]),
        red_lines=tuple(brief["red_lines"]),
        resources=tuple(brief["resources"]),
        allies=brief["allies"],
        numbers=numbers(setup, g.value, protocol),
        moves=move_effects(setup, g.value, protocol),
    )


def role_cards(
    scenario: str | Scenario, protocol: str | None = None, teams: tuple[str, ...] | None = None
) -> list[RoleCard]:
    """One card per team (default: every group with stakeholders in the scenario)."""
    setup = load_scenario(scenario)
    groups = teams or tuple(g.value for g in Group if members(setup, g) is not None)
    return [role_card(setup, g, protocol) for g in groups]


def cards_html(
    scenario: str | Scenario, protocol: str | None = None, teams: tuple[str, ...] | None = None
) -> str:
    """Every team's card on its own printed page."""
    setup = load_scenario(scenario)
    cards = role_cards(setup, protocol, teams)
    header = f"<p class='govsim-card-scenario'>{esc(name(setup.title))}. {esc(_(setup.disclaimer))}</p>"
    title = _("Role cards: {scenario}").format(scenario=name(setup.title) if setup.title else setup.name)
    return page_html(title, "".join(header + c.html() for c in cards))
