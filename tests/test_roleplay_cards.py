"""Role cards: every bundled scenario has one per group, the numbers follow the profile (so they
cannot drift), the briefings are even-handed, hostile text is escaped, bad data is one line."""

import re

import pytest

from govsim.groups import GROUP_NAMES
from govsim.roleplay import Move
from govsim.roleplay.cards import (
    _briefings,
    briefing,
    cards_html,
    move_effects,
    numbers,
    role_card,
    role_cards,
)
from govsim.scenarios import load_scenario, scenario_names


@pytest.mark.parametrize("scenario", scenario_names())
def test_every_scenario_has_a_complete_card_per_group(scenario):
    setup = load_scenario(scenario)
    cards = role_cards(scenario)
    playing = {s.group.value for s in setup.groups if s.count} | {a.group.value for a in setup.actors}
    assert [c.group for c in cards] == [g for g in GROUP_NAMES if g in playing]
    for card in cards:
        assert card.interests and card.red_lines and card.resources and card.allies and card.numbers
        assert [m for m, _ in card.moves] == [m.value for m in Move]
    page = cards_html(scenario)
    assert page.count("class='govsim-card'") == len(cards) and "page-break-after" in page
    assert "<script" not in page


def test_the_numbers_are_generated_from_the_profile():
    setup = load_scenario("classroom").with_profile("civil_society", capacity=0.3, tolerance=0.12)
    card = role_card(setup, "civil_society")
    text = " ".join(card.numbers)
    assert "Capacity 0.30" in text and "Tolerance 0.12" in text and "about 30% of your members" in text
    assert "You play 10 stakeholders" in text
    wcit = " ".join(role_card("wcit_2012", "government").numbers)
    assert (
        "60% start around internet_in_itrs 0.75" in wcit and "40% start around internet_in_itrs 0.25" in wcit
    )
    assert "security first" not in wcit  # the treaty's reach, not a value (issue 22.1)


def test_seats_and_moves_follow_the_protocol():
    """Under top-down rules a non-government group has no seat: the card says what object means then."""
    top = role_card("classroom", "business", "top_down")
    bottom = role_card("classroom", "business", "bottom_up")
    assert any("no seat" in n for n in top.numbers) and "equal voice" in " ".join(bottom.numbers)
    assert top.numbers[-1].startswith("Only governments sit and vote")
    assert bottom.numbers[-1].startswith("Every group sits at the table")
    assert "no objection of yours is counted" in dict(top.moves)["object"]
    assert "tolerance 0" in dict(bottom.moves)["object"]
    assert "nothing is tabled" in dict(top.moves)["amend"] and "weighed by" in dict(bottom.moves)["amend"]
    assert "no seat" not in " ".join(role_card("classroom", "government", "top_down").numbers)


def test_briefings_are_even_handed():
    """Every group gets the same kinds of lines, as many of each, in every scenario."""
    for scenario in scenario_names():
        cards = role_cards(scenario)
        for field in ("interests", "red_lines", "resources"):
            assert len({len(getattr(c, field)) for c in cards}) == 1, (scenario, field)
        assert len({bool(c.situation) for c in cards}) == 1, scenario
    assert set(_briefings("defaults")) == set(GROUP_NAMES)


def test_hostile_briefing_text_is_escaped(tmp_path, monkeypatch):
    import govsim.roleplay.cards as cards

    (tmp_path / "defaults.toml").write_text((cards.ROLES / "defaults.toml").read_text())
    (tmp_path / "classroom.toml").write_text('[business]\nsituation = "<script>alert(1)</script> & co"\n')
    monkeypatch.setattr(cards, "ROLES", tmp_path)
    cards._briefings.cache_clear()
    try:
        page = cards_html("classroom")
        assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    finally:
        cards._briefings.cache_clear()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[press]\ntitle = "x"\n', "[press] is not a group table"),
        ('[business]\nmotto = "x"\n', "[business].motto is not a card field"),
        ("[business]\ninterests = 'one'\n", "[business].interests='one' must be a list of strings"),
    ],
)
def test_bad_role_data_is_one_line(tmp_path, monkeypatch, text, message):
    import govsim.roleplay.cards as cards

    (tmp_path / "defaults.toml").write_text((cards.ROLES / "defaults.toml").read_text())
    (tmp_path / "classroom.toml").write_text(text)
    monkeypatch.setattr(cards, "ROLES", tmp_path)
    cards._briefings.cache_clear()
    try:
        with pytest.raises(ValueError, match=re.escape(message)):
            briefing("classroom", "business")
    finally:
        cards._briefings.cache_clear()


def test_actor_tables_name_their_members_with_the_published_numbers():
    """Bueno de Mesquita (1994), EU emission standards: ten member states, positions 0-10,
    capabilities 0.03-0.16 (see the shared references); only governments play."""
    cards = role_cards("eu_emissions_1994")
    assert [c.group for c in cards] == ["government"] and cards[0].title == "Member states"
    text = " ".join(cards[0].numbers)
    assert "You play 10 stakeholders" in text and "Germany at 4" in text and "France at 10" in text
    assert "Capability 0.03 to 0.16" in text and "car" in " ".join(cards[0].interests)
    wcit = role_card("wcit_2012_actors", "business", "top_down")
    assert "ETNO at 7 (capability 0.5, salience 0.9)" in " ".join(wcit.numbers)
    assert any("no seat" in n for n in wcit.numbers)
    eu = " ".join(cards[0].numbers)
    assert "Germany at 4 (capability 0.16, salience 0.8)" in eu and "What you care about" not in eu
    assert "weighs each member by capability" in cards[0].numbers[-1]


def _traits(governments_only: bool, lobbied: bool):
    """A rule that declares its traits and decides as bottom_up (not registered)."""
    from govsim.protocols import BottomUp

    return type("Declared", (BottomUp,), {"governments_only": governments_only, "lobbied": lobbied})()


@pytest.mark.parametrize(
    ("governments_only", "lobbied", "voice", "group", "capability", "lobby"),
    [
        (True, True, 1.0, "government", "one state, one vote", "corridor lobbyists move you less"),
        (True, True, 0.0, "business", "pull governments when you lobby", "lobby governments with"),
        (False, False, 1.0, "business", "capability voice 1", "in the chair's compromise"),
        (False, False, 0.0, "business", "it has no effect", "capability carries no weight"),
        (False, True, 0.0, "business", "pull governments when you lobby", "capability carries no weight"),
    ],
)
def test_the_card_says_what_capability_and_lobbying_do_from_the_declared_traits(
    governments_only, lobbied, voice, group, capability, lobby
):
    """Finding 4 (role-play review): what capability and the lobby move do is derived from the
    rule's declared traits (``governments_only``, ``lobbied``) and ``capability_voice``: only a
    lobbied rule runs corridor lobbying (GovernanceModel._deliberate), and a government's
    capability under a one-state-one-vote rule only weighs against its lobbyists
    (deliberation.lobby: w = c_l / (c_l + c_g))."""
    setup = load_scenario("classroom").with_settings({"capability_voice": voice})
    rule = _traits(governments_only, lobbied)
    card_numbers = numbers(setup, group, rule)
    line = next(n for n in card_numbers if n.startswith("Capability"))
    assert capability in line, line
    effects = dict(move_effects(setup, group, rule))
    assert lobby in effects["lobby"], effects["lobby"]
    if governments_only and group == "government":
        assert "not an extra veto" in effects["object"] and "tolerance 0" not in effects["object"]


def test_the_card_lists_where_each_planned_issue_starts():
    from govsim.roleplay.plan import SessionPlan

    card = role_card("classroom", "technical", "bottom_up", SessionPlan(issues=2, budget=3))
    issues = next(n for n in card.numbers if n.startswith("The issues:"))
    assert "1. Cross-border data flows: status quo openness 0.5, rights 0.45; draft openness 0.8" in issues
    assert "2. Encryption and lawful access" in issues and "3. " not in issues
    one = role_card("wcit_2012_actors", "technical")
    assert "You play 1 stakeholder;" in one.numbers[0]
    assert any("about a 70% chance your member can afford" in n for n in one.numbers)


def test_a_group_without_stakeholders_has_no_card():
    setup = load_scenario("classroom")
    from dataclasses import replace

    fewer = replace(setup, groups=setup.groups[:2])
    with pytest.raises(ValueError, match="group='technical' has no stakeholders"):
        role_card(fewer, "technical")


def test_the_axis_end_words_have_one_home():
    """Finding 2 (role-play review): the openness axis ends were "state control" in the plots and
    cards while a card said signing was not favouring state control. One home now
    (govsim.dimensions), read by the plots and the cards; the README says the same words, and no
    text names "state control" as an axis end."""
    from pathlib import Path

    import govsim.roleplay.cards as cards
    import govsim.screen.plotting as plotting
    from govsim.dimensions import DIMENSION_ENDS

    assert plotting.DIMENSION_ENDS is DIMENSION_ENDS and cards.ENDS is DIMENSION_ENDS
    root = Path(__file__).resolve().parents[1]
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    for dim in ("openness", "rights"):
        low, high = DIMENSION_ENDS[dim]
        assert f"0 = {low}, 1 = {high}" in readme, dim
    texts = [root / "README.md", *(root / "docs").glob("*.md"), *(root / "notebooks").glob("*.ipynb")]
    texts += [*(root / "src" / "govsim").rglob("*.py"), *(root / "src" / "govsim" / "data").rglob("*.toml")]
    for path in texts:
        text = path.read_text(encoding="utf-8")
        for wrong in ("0 = state control", "(state control)", '"state control"'):
            assert wrong not in text, (path.name, wrong)


def test_netmundial_dissenters_card_matches_their_objection():
    """The dissenting quarter of NETmundial's governments asked for a larger role for states and
    stronger language against mass surveillance (issue 22 review H1): the card says so and prints
    them above the draft on rights, not at "security first"."""
    card = role_card("netmundial_2014", "government")
    assert "mass surveillance" in card.situation and "more security language" not in card.situation
    dissent = next(n for n in card.numbers if "25% start around" in n).split("25% start around")[1]
    rights = float(dissent.split("rights ")[1].split()[0])
    assert rights > 0.8, dissent
