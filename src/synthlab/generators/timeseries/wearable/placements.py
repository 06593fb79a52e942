"""Where the sensor sits on the body: which segment moves it, how far from that segment's
pivot (a fraction of the subject's height, from Winter's segment-length table), how much of
the trunk's bounce and of the heel strike reach it, and how the device's axes lie on it.

Frames: body x forward, y to the left, z up. A segment's own frame equals the body frame
when the segment is at rest (trunk upright, limbs hanging); its long axis points down (-z).
`mount` rows are the device's x, y and z axes written in the segment frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PLACEMENTS", "Placement"]

_DOWN, _UP = (0.0, 0.0, -1.0), (0.0, 0.0, 1.0)
_FORWARD, _BACK = (1.0, 0.0, 0.0), (-1.0, 0.0, 0.0)
_LEFT, _RIGHT = (0.0, 1.0, 0.0), (0.0, -1.0, 0.0)


@dataclass(frozen=True)
class Placement:
    segment: str  # trunk, thigh, shank, forearm or phone (the posture table's names)
    length: float  # pivot (shoulder, hip, knee) to sensor, fraction of height
    trunk_gain: float  # share of the trunk's linear acceleration reaching the sensor
    impact_gain: float  # share of the ankle's heel-strike peak reaching the sensor
    mount: tuple[tuple[float, float, float], ...]  # device x, y, z in the segment frame
    side: int = -1  # -1 right, +1 left: which leg's heel strike and swing phase it follows
    swing: float = 1.0  # share of the activity's arm or leg swing the segment makes
    gesture: float = 1.0  # scale of the activity's hand gestures (the dominant hand does more)

    @property
    def mount_matrix(self) -> np.ndarray:
        """Columns: the device axes in the segment frame (device -> segment rotation)."""
        return np.array(self.mount, dtype=float).T


# shoulder to wrist: upper arm 0.186 + forearm 0.146 of height; hip to mid-thigh: half of
# 0.245; knee to ankle: 0.246 (Winter 2009, segment lengths as fractions of height)
PLACEMENTS: dict[str, Placement] = {
    # belt clip in front, screen facing forward, top up (a phone's axes: x right of screen)
    "waist": Placement("trunk", 0.0, 1.0, 0.3, (_LEFT, _UP, _FORWARD)),
    # on the right hip (ActiGraph style): top up, face outward
    "hip": Placement("trunk", 0.0, 1.0, 0.3, (_FORWARD, _UP, _RIGHT)),
    # chest strap over the sternum: less vertical bounce, less impact than the pelvis
    "chest": Placement("trunk", 0.0, 0.85, 0.2, (_LEFT, _UP, _FORWARD)),
    # front trouser pocket, screen toward the thigh, top up
    "thigh": Placement("thigh", 0.12, 1.0, 0.45, (_RIGHT, _UP, _BACK)),
    "pocket": Placement("thigh", 0.12, 1.0, 0.45, (_RIGHT, _UP, _BACK)),
    # strap on the outside of the right ankle
    "ankle": Placement("shank", 0.246, 1.0, 1.0, (_FORWARD, _UP, _RIGHT)),
    # watch on the right (dominant) wrist: x toward the hand, face outward
    # (its larger gestures are an assumption, not a measured ratio)
    "wrist_dominant": Placement("forearm", 0.332, 0.7, 0.1, (_DOWN, _FORWARD, _RIGHT), gesture=1.5),
    # watch on the left (non-dominant) wrist, mirrored: its face points left
    "wrist_nondominant": Placement("forearm", 0.332, 0.7, 0.1, (_DOWN, _BACK, _LEFT), side=1),
    # held in front to read: the hand barely swings
    "phone_in_hand": Placement("phone", 0.332, 0.8, 0.1, (_RIGHT, _UP, _BACK), swing=0.12),
}
PLACEMENTS["wrist"] = PLACEMENTS["wrist_nondominant"]  # watches are mostly worn on the left
