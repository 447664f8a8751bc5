"""Shared test settings: hypothesis without wall-clock deadlines (this machine is shared and noisy)."""

import os

import matplotlib
from hypothesis import settings

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("govsim", deadline=None, max_examples=40, derandomize=True)
settings.load_profile("govsim")
