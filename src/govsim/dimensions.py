"""What the ends of the bundled policy dimensions mean: the one home of these words.

The plots' axis labels (:func:`govsim.screen.plotting.dimension_label`), the replay and the role cards
(:mod:`govsim.roleplay.cards`) all read :data:`DIMENSION_ENDS`. This module imports nothing
heavy, so the role-play server and the CLI can use it without loading matplotlib.
"""

from __future__ import annotations

#: dimension name -> (what 0 means, what 1 means) on the scale govsim works in. A dimension
#: without an entry is said by its scale alone: ``emission_standards`` runs in the direction
#: published by Bueno de Mesquita (1994), which govsim does not label.
DIMENSION_ENDS: dict[str, tuple[str, str]] = {
    "openness": ("rules set and enforced by states", "open, permissionless coordination"),
    "rights": ("security first", "privacy and free expression first"),
    "internet_in_itrs": ("keep the Internet out of the treaty", "bring Internet governance into it"),
    # WCIT-12's second question of reach: the 2012 ITRs' Articles 5A (security and robustness of
    # networks) and 5B (unsolicited bulk electronic messages). A scope, not a value: 1 is not
    # "security before rights" (the same treaty's preamble commits states to human rights).
    "security_in_itrs": (
        "keep network security and spam out of the treaty",
        "treaty articles on network security and spam",
    ),
    "net_neutrality": (
        "operators free to manage and price traffic",
        "strict neutrality, exceptions only by decree",
    ),
    "public_interest": (
        "light, market-led rules (voluntary commitments)",
        "public-interest obligations (access funding, data protection)",
    ),
}
