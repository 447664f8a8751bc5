"""Dollar signs in handout prose: only real maths is typeset (pandoc's ``tex_math_dollars``
rule: no space after the opening ``$``, none before the closing one, no digit after it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.escape import html_text
from govsim.handouts.html import inline

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
amounts = st.builds(
    lambda whole, cents, prefix: f"{prefix}${whole:,}{cents}",
    st.integers(0, 10**9),
    st.sampled_from(["", ".50", ".05"]),
    st.sampled_from(["", "US", "A", "("]),
)
joins = st.sampled_from([" ", ", ", " - ", "-", " and ", "; ", " or ", ")", "/"])


@given(st.lists(st.tuples(st.one_of(words, amounts), joins), min_size=1, max_size=8))
def test_prose_with_prices_is_unchanged(parts):
    text = "".join(p + j for p, j in parts).strip()
    assert inline(text) == html_text(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("costs $5 and $10", "costs $5 and $10"),  # the reported case (was "costs 5and10")
        ("from $20,000 to $30,000", "from $20,000 to $30,000"),
        ("$5-$10 a month", "$5-$10 a month"),
        ("error $1/\\sqrt n$ shrinks", "error 1/√n shrinks"),
        ("with $n$ runs and $k = 2$", "with n runs and k=2"),
        ("a $ sign and $x$", "a $ sign and x"),
        ("not maths: $ x$ or $x $", "not maths: $ x$ or $x $"),
        ("escaped \\$x$ stays", "escaped $x$ stays"),
    ],
)
def test_only_real_maths_is_typeset(text, shown):
    assert inline(text) == html_text(shown)
