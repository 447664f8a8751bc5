"""Every number the course states out of seeded runs holds on seeds it was not computed from.

Where numbers are stated: ``stated(FACTS["NAME"], "text")`` in the notebooks' code cells (next
to the prose that states them, ``tests/test_notebooks.py``), and ``text<!-- fact:NAME -->`` in
``docs/facilitator.md`` and ``README.md``. For each, the fact (:mod:`govsim.handouts.facts`) is
computed over seeds 0-199 and must

1. have a 95% interval inside the interval the text denotes (``"0.34"``: [0.335, 0.345]; a range
   ``"0.6-0.8"`` stands for itself), and
2. lie inside it on the held-out seeds 1000-1199 too.

Issue 21 item 8 lists the cases that failed before: "civil society gains more bottom-up in 95%
of single runs" (82% on 200 other seeds in the review, 84% here on 1000-1199), and "from lobbying
0.8 upward" (a value of seeds 0-9; 0.70 on 200 other seeds). Both are the known-failure tests
below, next to rule tests on facts built by hand.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from govsim.course import StaleProse, stated, written_interval
from govsim.handouts.facts import COMPUTED, FACTS, HELD_OUT, Fact, problems, tagged

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [ROOT / "docs" / "facilitator.md", ROOT / "README.md"]


def _notebook_claims(path: Path) -> list[tuple[str, str]]:
    """``(fact name, text)`` of every ``stated(FACTS["NAME"], "text")`` call in a notebook."""
    found = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(
            "# " + x if x.lstrip().startswith(("%", "!")) else x for x in cell.source.splitlines()
        )
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func).endswith("stated")
                and len(node.args) == 2
            ):
                fact, text = node.args
                if (
                    isinstance(fact, ast.Subscript)
                    and ast.unparse(fact.value) == "FACTS"
                    and isinstance(fact.slice, ast.Constant)
                    and isinstance(text, ast.Constant)
                ):
                    found.append((fact.slice.value, text.value))
    return found


def claims() -> list[tuple[str, str, str]]:
    """``(where, fact name, text)`` for every stated fact in the notebooks, the guide and the README."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        found += [(path.name, name, text) for name, text in _notebook_claims(path)]
    for path in TEXTS:
        found += [(path.name, name, text) for text, name in tagged(path.read_text(encoding="utf-8"))]
    return sorted(set(found))


CLAIMS = claims()


def test_the_claims_are_found_where_they_are_stated():
    where = {w for w, _, _ in CLAIMS}
    assert {
        "facilitator.md",
        "README.md",
        "02_top_down_vs_bottom_up.ipynb",
        "04_inclusion_and_capacity.ipynb",
    } <= where
    assert len(CLAIMS) >= 40
    unknown = sorted({n for _, n, _ in CLAIMS if n not in FACTS})
    assert not unknown, f"stated facts that are not registered in govsim.handouts.facts: {unknown}"
    for _, _, text in CLAIMS:
        written_interval(text)  # every text is a number or range the rule can read


def test_a_number_stated_twice_is_stated_alike():
    """The notebooks and the guide take the same figure from the same fact; where both state
    it, they state the same interval (or nested ones)."""
    by_fact: dict[str, set[str]] = {}
    for _, name, text in CLAIMS:
        by_fact.setdefault(name, set()).add(text)
    for name, texts in by_fact.items():
        spans = sorted(written_interval(t) for t in texts)
        widest = max(spans, key=lambda s: s[1] - s[0])
        assert all(widest[0] - 1e-9 <= lo and hi <= widest[1] + 1e-9 for lo, hi in spans), (name, texts)


@pytest.mark.slow
@pytest.mark.parametrize(("where", "name", "text"), CLAIMS, ids=[f"{w}:{n}:{t}" for w, n, t in CLAIMS])
def test_every_stated_number_holds_on_its_seeds_and_on_held_out_seeds(where, name, text):
    found = problems(FACTS[name], text, held_out=True)
    assert not found, f"{where}: " + "\n".join(found)


# --- the rule itself, on facts built by hand ---------------------------------------------------


def _noisy(mean_below: float, mean_above: float, sd: float) -> Fact:
    """A mean over seeds: per-seed values drawn around ``mean_below`` for seeds below 1000 and
    around ``mean_above`` from seed 1000 on (each seed its own generator)."""

    def table(seeds):
        values = [
            (mean_below if s < 1000 else mean_above) + sd * np.random.default_rng(s).standard_normal()
            for s in seeds
        ]
        return pd.DataFrame({"x": values}, index=list(seeds))

    return Fact("made_up", "built by hand", table)


def test_a_number_is_stated_no_more_precisely_than_its_interval():
    fact = _noisy(0.30, 0.30, 0.05)  # half-width of the 95% interval over 200 seeds: about 0.007
    low, high = fact.interval()
    assert 0.005 < (high - low) / 2 < 0.01
    assert problems(fact, "0.3") == []  # [0.25, 0.35]
    assert problems(fact, "0.30") and "95% interval" in problems(fact, "0.30")[0]  # [0.295, 0.305]
    assert problems(fact, "0.28-0.32") == []
    with pytest.raises(
        StaleProse, match="state it less precisely, give a range, or compute it over more seeds"
    ):
        stated(fact, "0.30")
    assert stated(fact, "0.3") == pytest.approx(fact.compute())


def test_a_number_from_favourable_seeds_fails_on_the_held_out_seeds():
    fact = _noisy(0.30, 0.40, 0.01)
    assert problems(fact, "0.30") == []
    found = problems(fact, "0.30", held_out=True)
    assert len(found) == 1 and "held-out seeds 1000-1199" in found[0]


def test_the_interval_of_other_statistics_is_a_fixed_bootstrap():
    """A statistic that is not a mean over seeds (here a share computed by ``statistic``): a
    percentile bootstrap over seeds, the same on every call, close to the normal approximation."""
    fact = replace(_noisy(0.5, 0.5, 0.5), statistic=lambda t: float((t["x"] > 0.5).mean()))
    first, again = fact.interval(), fact.interval()
    assert first == again
    share = fact.compute()
    half = 1.96 * np.sqrt(share * (1 - share) / len(COMPUTED))  # the normal approximation
    assert first[0] == pytest.approx(share - half, abs=0.01) and first[1] == pytest.approx(
        share + half, abs=0.01
    )


def test_an_assumption_has_no_interval_and_no_other_seeds():
    fact = FACTS["profile_civil_society_capacity"]
    assert not fact.seeded and fact.interval() == (0.45, 0.45)
    assert problems(fact, "45%", held_out=True) == [] and problems(fact, "0.5") == []
    assert problems(fact, "0.3")


def test_the_seed_ranges_are_disjoint_and_large_enough():
    assert not set(COMPUTED) & set(HELD_OUT)
    assert len(COMPUTED) >= 200 and len(HELD_OUT) >= 200


# --- the reviewed cases (issue 21 item 8) -----------------------------------------------------


@pytest.mark.slow
def test_the_reviewed_single_run_rate_fails_and_its_range_holds():
    """'95% of single runs (seeds 0-19)' (the guide and notebook 02 before issue 21)."""
    rate = FACTS["single_run_rate"]
    assert replace(rate, seeds=range(20)).compute() == 0.95  # the old figure, on its own seeds
    old = problems(rate, "95%", held_out=True)
    assert len(old) == 2, old  # neither the 200 computed seeds nor the held-out ones say 95%
    assert 0.75 < rate.compute(HELD_OUT) < 0.9
    assert problems(rate, "75-90%", held_out=True) == []


@pytest.mark.slow
def test_the_reviewed_lobbying_crossing_fails_and_about_07_holds():
    """'From lobbying 0.8 upward', a value of seeds 0-9 (notebook 04 and the guide before issue 21)."""
    crossing = FACTS["lobbying_crossing"]
    ten = replace(crossing, seeds=range(10))
    assert ten.compute() == 0.8  # the figure the texts stated
    assert problems(ten, "0.8"), "ten seeds do not pin the crossing to one step of the grid"
    assert problems(crossing, "0.80", held_out=True)
    assert problems(crossing, "0.7", held_out=True) == []


def test_readme_and_guide_tags_are_read_with_their_ranges():
    text = "with 30-50%<!-- fact:a --> of them, -0.02 to -0.01<!-- fact:b -->, 0.34<!-- fact:c -->."
    assert tagged(text) == [("30-50%", "a"), ("-0.02 to -0.01", "b"), ("0.34", "c")]
    assert re.search(r"30-50%<!-- fact:wcit_2012_top_down_gov_noncompliance -->", TEXTS[1].read_text())
