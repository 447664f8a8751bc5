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
}
