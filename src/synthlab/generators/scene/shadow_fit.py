"""A directional light's shadow map fitted to what can cast a shadow.

pyrender gives a directional light an orthographic map twice the scene's diagonal wide and
ten diagonals deep. Our scenes stand on a 40 m floor, so that was 113 m over 2,048 texels
(5.5 cm a texel) and 570 m of depth, where the shader's depth bias of 0.0002 came to 11 cm
and its normal offset to 3-10 cm: shadow edges were blurred and stair-stepped over
centimetres, and anything within about 10 cm of the surface below it (a pallet's deck
boards, a forklift's forks, a foot) cast no shadow at all. A point's shadow depends only on
what lies on the ray from it towards the light, i.e. at the same light-space x and y; so a
map needs to cover only the casters' footprint seen from the light, and the shader treats
every point outside it as lit. Fitted, the bundled warehouse recipe's maps span 8-10 m
(texels of 1.5-1.9 cm, a bias of 2-6 mm), the tabletop's 1.2 m (2 mm texels).

What counts as a caster: everything except the ground, i.e. except fixtures (the floor,
lane lines, walls: never labelled objects) whose top is within GROUND_TOLERANCE of the
lowest fixture top. The floor shadows nothing when the light comes from above, and a mark a
few millimetres high casts a shadow a few millimetres long. Labelled objects and
distractors always count, however flat. The map's depth range covers every mesh (casters
and receivers alike), so no visible point falls beyond it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DIRECTIONAL_MAP_SIZE", "GROUND_TOLERANCE", "fitted_directional_view"]

# texels a side of a directional light's map: a fitted 10 m footprint (a warehouse scene
# with racking) comes to about 2 cm a texel, against 5.5 cm for pyrender's 2,048 over 113 m.
# The map's own draw grows with its size once casters fill it: 1,024 gave texels of 1 cm
# for about 6 ms more an image on llvmpipe, sharper than a sun's penumbra (about 1 cm per
# metre of height) needs.
DIRECTIONAL_MAP_SIZE = 512
GROUND_TOLERANCE = 0.01  # metres above the lowest top that still count as ground
MARGIN_TEXELS = 3  # kept round the casters: the shader's taps and its normal offset reach 2


def fitted_directional_view(
    light_pose: np.ndarray,
    corners: list[np.ndarray],
    fixtures: list[bool],
    size: int = DIRECTIONAL_MAP_SIZE,
) -> tuple[np.ndarray, np.ndarray] | None:
    """View and orthographic projection matrices (world -> light clip space) for a
    directional light with `light_pose` (it shines along its -z axis) over meshes given by
    their world bounding-box corners (an (8, 3) array each; world z is up), with whether
    each is a fixture (the only things that can be ground). None when the fit does not
    apply: the light does not come from above, or nothing stands above the ground (the
    caller then keeps pyrender's whole-scene map)."""
    if not corners:
        return None
    rotation = np.asarray(light_pose, float)[:3, :3]
    direction = -rotation[:, 2]
    if direction[2] >= -1e-6:  # level with or below the horizon: the ground may cast
        return None
    tops = [float(c[:, 2].max()) for c in corners]
    fixture_tops = [top for top, fixture in zip(tops, fixtures, strict=True) if fixture]
    ground = min(fixture_tops) + GROUND_TOLERANCE if fixture_tops else -np.inf
    casters = [
        c
        for c, top, fixture in zip(corners, tops, fixtures, strict=True)
        if not fixture or top > ground
    ]
    if not casters:
        return None
    to_light = rotation.T  # world -> light axes; the light's origin is the world's
    footprint = np.concatenate(casters) @ to_light.T
    low, high = footprint[:, :2].min(axis=0), footprint[:, :2].max(axis=0)
    centre = (low + high) / 2
    # square texels: the shader sizes its normal offset by a texel's width
    side = float(max(high - low)) * size / (size - 2 * MARGIN_TEXELS)
    side = max(side, 1e-3)
    half = side / 2
    distance = -(np.concatenate(corners) @ to_light.T)[:, 2]  # in front of the light: -z
    pad = side / size * MARGIN_TEXELS
    near, far = float(distance.min()) - pad, float(distance.max()) + pad
    view = np.eye(4)
    view[:3, :3] = to_light
    projection = np.array(
        [
            [1.0 / half, 0.0, 0.0, -centre[0] / half],
            [0.0, 1.0 / half, 0.0, -centre[1] / half],
            [0.0, 0.0, -2.0 / (far - near), -(far + near) / (far - near)],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    return view, projection
