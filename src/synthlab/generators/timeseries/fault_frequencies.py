"""Characteristic frequencies of machine faults (pure Python: the params validation and the
Nyquist check use them before numpy is imported).

Rolling-element bearing kinematics (no slip), as in Randall & Antoni (2011), "Rolling element
bearing diagnostics - A tutorial", Mechanical Systems and Signal Processing 25(2), eq. (1)-(4),
with shaft frequency fr, n rolling elements, ball diameter d, pitch diameter D and contact
angle phi:

    BPFO = n fr / 2 (1 - d/D cos phi)          ball pass, outer race
    BPFI = n fr / 2 (1 + d/D cos phi)          ball pass, inner race
    FTF  =   fr / 2 (1 - d/D cos phi)          cage (fundamental train)
    BSF  = D fr / (2 d) (1 - (d/D cos phi)^2)  ball spin

A ball defect strikes both races once per spin revolution, so its impacts come at 2 x BSF
(the figure the CWRU bearing data centre tabulates as "BSF" for its 6205-2RS: 4.7135 x shaft).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "BEARING_KINDS",
    "FAULT_KINDS",
    "bearing_frequencies",
    "fault_lines",
    "impact_rate",
]

BEARING_KINDS = ("bearing_outer", "bearing_inner", "bearing_ball", "bearing_cage")
FAULT_KINDS = (*BEARING_KINDS, "imbalance", "misalignment", "looseness", "gear_mesh", "cavitation")

# Relative amplitudes of the shaft orders of the periodic faults (order -> amplitude).
# Misalignment: 2x dominant with some 1x and 3x; looseness: many harmonics and half-harmonics
# falling off with order (both as described in ISO 13373-3 style vibration charts).
MISALIGNMENT_ORDERS = {1.0: 0.5, 2.0: 1.0, 3.0: 0.3}
LOOSENESS_ORDERS = {k / 2: (1.0 if k % 2 == 0 else 0.5) / math.ceil(k / 2) for k in range(1, 21)}


def bearing_frequencies(geometry: Any, shaft_hz: float) -> dict[str, float]:
    """BPFO, BPFI, FTF and BSF (Hz) of a bearing `geometry` (balls, ball_diameter_mm,
    pitch_diameter_mm, contact_angle_deg) turning at `shaft_hz`."""
    ratio = geometry.ball_diameter_mm / geometry.pitch_diameter_mm
    ratio *= math.cos(math.radians(geometry.contact_angle_deg))
    balls = geometry.balls
    return {
        "bpfo": balls * shaft_hz / 2 * (1 - ratio),
        "bpfi": balls * shaft_hz / 2 * (1 + ratio),
        "ftf": shaft_hz / 2 * (1 - ratio),
        "bsf": geometry.pitch_diameter_mm
        / (2 * geometry.ball_diameter_mm)
        * shaft_hz
        * (1 - ratio**2),
    }


def impact_rate(kind: str, geometry: Any, shaft_hz: float) -> float:
    """Impacts per second of a bearing defect."""
    lines = bearing_frequencies(geometry, shaft_hz)
    return {
        "bearing_outer": lines["bpfo"],
        "bearing_inner": lines["bpfi"],
        "bearing_ball": 2 * lines["bsf"],
        "bearing_cage": lines["ftf"],
    }[kind]


def fault_lines(
    kind: str,
    geometry: Any,
    shaft_hz: float,
    *,
    resonance_hz: float,
    teeth: int,
    band_hz: tuple[float, float] | None,
) -> dict[str, float]:
    """The spectral lines (Hz) a fault puts into the signal that must stay below Nyquist:
    its defining frequency and, for the resonance-exciting bearing faults, the resonance."""
    if kind in BEARING_KINDS:
        return {"defect": impact_rate(kind, geometry, shaft_hz), "resonance_hz": resonance_hz}
    if kind == "imbalance":
        return {"1x shaft": shaft_hz}
    if kind == "misalignment":
        return {"3x shaft": 3 * shaft_hz}
    if kind == "looseness":  # orders above Nyquist are left out; 1x must fit
        return {"1x shaft": shaft_hz}
    if kind == "gear_mesh":
        return {"gear mesh + shaft sideband": (teeth + 1) * shaft_hz}
    if kind == "cavitation" and band_hz is not None:
        return {"band_hz": band_hz[1]}
    return {}
