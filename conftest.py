"""Test-run settings for every collected path (tests/, notebooks/, exercises/).

Exercise checks cache seeded runs on disk; during tests they go to a throwaway folder, never
to the user's ~/.cache. Notebook kernels started by nbval inherit this environment.
"""

import os
import tempfile

if not os.environ.get("GOVSIM_CACHE_DIR"):  # made only when unset (setdefault would make it every run)
    os.environ["GOVSIM_CACHE_DIR"] = tempfile.mkdtemp(prefix="govsim-test-cache-")
