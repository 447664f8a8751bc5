"""The room server's runs (:meth:`govsim.room.serve.RoomServer.run`): participants who send the
same settings share one computation, at the same moment or later, and what is sent is what
:func:`govsim.room.explore.explore_json` gives (the same bytes, gzipped the same)."""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.room import explore
from govsim.room.serve import RoomServer


class Counting(ThreadPoolExecutor):
    """A worker pool that counts the runs it computes."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.jobs = 0
        self.lock = threading.Lock()

    def submit(self, fn, *args, **kwargs):
        with self.lock:
            self.jobs += 1
        return super().submit(lambda: (time.sleep(0.05), fn(*args, **kwargs))[1])


def a_server(workers) -> SimpleNamespace:
    return SimpleNamespace(runs=explore.RunCache(explore.CACHE_BYTES), running={}, workers=workers)


def test_the_same_settings_are_computed_once_for_every_participant():
    workers = Counting()
    server = a_server(workers)
    checked = explore.check_settings({"seed": 5, "rho": 0.3})
    other = explore.check_settings({"seed": 6, "rho": 0.3})

    async def room():
        together = await asyncio.gather(*[RoomServer.run(server, checked) for _ in range(8)])
        later = await RoomServer.run(server, dict(checked))
        different = await RoomServer.run(server, other)
        return together, later, different

    try:
        together, later, different = asyncio.run(room())
    finally:
        workers.shutdown()
    assert workers.jobs == 2  # one per distinct settings, though 10 asked
    assert all(run is together[0] for run in [*together, later]) and different is not later
    assert server.running == {}


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rho=st.sampled_from([0.05, 0.2, 0.5]))
def test_the_bytes_sent_are_the_run_and_its_gzip(seed, rho):
    sent = {"seed": seed, "rho": rho}
    run = explore.encoded_run(explore.check_settings(sent))
    assert run.json.decode() == explore.explore_json(sent)
    assert run.gzipped is not None and gzip.decompress(run.gzipped) == run.json
    assert len(run) == len(run.json) + len(run.gzipped)
    assert json.loads(run.json)["settings"]["seed"] == seed
