"""``govsim run``'s text: counts printed as counts, long issue names wrapped (never cut)."""

from __future__ import annotations

from govsim.commands.run import NAME_WIDTH, _text


def _result(names: list[str], adopted: list[bool]) -> dict:
    gains = {"government": 0.1, "business": -0.02, "civil_society": None, "technical": 0.0}
    issues = [
        {"name": n, "adopted": a, "rounds": 3, "compliance": 0.9 if a else None, "gain_by_group": gains}
        for n, a in zip(names, adopted, strict=True)
    ]
    return {
        "scenario": "classroom",
        "protocol": "bottom_up",
        "seed": 0,
        "stakeholders": 40,
        "adoption_rate": sum(adopted) / len(adopted),
        "n_issues": len(names),
        "mean_rounds": 3.0,
        "mean_compliance": 0.9,
        "mean_government_compliance": 0.8,
        "noncompliance": 0.1,
        "mean_min_group_gain": -0.02,
        "issues": issues,
    }


def test_adoption_is_a_count_of_issues():
    text = _text(_result(["a", "b", "c", "d", "e"], [True, False, False, False, False]))
    assert "adopted 1 of 5 issues," in text
    assert "adopted 1 of 1 issue," in _text(_result(["a"], [True]))


def test_long_issue_names_wrap_and_keep_every_word():
    long = "Cross-border data flows and the localisation of personal data by intermediaries"
    text = _text(_result([long, "short"], [True, False]))
    rows = text.splitlines()
    first = next(i for i, row in enumerate(rows) if row.strip().startswith("Cross-border"))
    assert rows[first][2 + NAME_WIDTH :].split()[:2] == ["yes", "3"], "numbers stay on the first line"
    continued = [row.strip() for row in rows[first + 1 :] if row.startswith("    ") and row.strip()]
    assert " ".join([rows[first][: 2 + NAME_WIDTH].strip(), *continued]) == long
    assert all(len(part) <= NAME_WIDTH for part in continued)
