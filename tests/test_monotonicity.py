"""Stricter rules never make agreement easier (Tsebelis 2002, Veto Players): means over seeds."""

from itertools import pairwise

import numpy as np

from govsim import GovernanceModel

SEEDS = range(20)


def adoption(scenario, protocol, **settings):
    return np.mean(
        [
            GovernanceModel(scenario, protocol=protocol, rng=s, **settings).run().summary()["adoption_rate"]
            for s in SEEDS
        ]
    )


def test_stricter_majority_threshold_never_raises_adoption():
    rates = [
        adoption("wcit_2012", "top_down", majority_threshold=t, consensus_rounds=0, max_rounds=4)
        for t in (0.5, 0.6, 0.7, 0.9)
    ]
    assert all(a >= b for a, b in pairwise(rates)), rates
    assert rates[0] > rates[-1]  # the threshold binds somewhere in this range


def test_larger_rho_never_lowers_adoption():
    rates = [adoption("classroom", "bottom_up", rho=r, max_rounds=8) for r in (0.0, 0.05, 0.1, 0.2, 0.3)]
    assert all(a <= b for a, b in pairwise(rates)), rates
    assert rates[-1] > rates[0]
