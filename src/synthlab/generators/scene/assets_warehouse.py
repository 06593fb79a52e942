"""Warehouse assets made by the project: a counterbalance forklift, a bay of pallet racking
(bare or loaded), a stack of cartons and a stretch-wrapped pallet load.

Sizes follow common catalogue figures: a 1.5-2.5 t counterbalance truck is about 1.1 m
wide, 2.3 m long without forks, with an overhead guard near 2.1 m and forks of 1.0-1.2 m;
selective pallet racking bays are 2.7 m between uprights, 0.9-1.1 m deep, with beams every
1.2-1.5 m. Parts that a detector sees as different materials get their own finish (steel
forks and mast metallic, tyres rough black rubber); the class material paints the body.
Every shape is z up, resting on z = 0, facing -y, and well under 5,000 triangles.
"""

from __future__ import annotations

import itertools

import numpy as np

from synthlab.generators.scene.asset_parts import box, cylinder, rounded_block, torus, tube
from synthlab.generators.scene.assets import Keypoint3D, Part, Shape

__all__ = ["box_stack", "forklift", "racking", "racking_loaded", "wrapped_pallet"]

RUBBER = (22, 22, 24)
STEEL = (120, 124, 130)
DARK_STEEL = (58, 60, 64)
BEAM_ORANGE = (222, 104, 24)  # the usual colour of pallet-rack beams
CARDBOARD = ((176, 136, 92), (190, 150, 104), (164, 126, 84))
WOOD = (168, 128, 84)


def _steel(mesh, color=STEEL, roughness=0.35):  # type: ignore[no-untyped-def]
    return Part(mesh, color, metallic=0.9, roughness=roughness)


def _rubber(mesh):  # type: ignore[no-untyped-def]
    return Part(mesh, RUBBER, metallic=0.0, roughness=0.95)


def forklift() -> Shape:
    """A counterbalance forklift, forks to the front (-y), mast lowered."""
    parts: list[Part] = []
    # painted body: chassis, counterweight (rounded rear), engine cover, seat
    parts.append(Part(box((1.08, 1.5, 0.55), (0, 0.15, 0.5))))
    parts.append(Part(cylinder(0.35, 1.08, (0, 0.85, 0.72), axis="x", sections=16)))
    parts.append(Part(box((1.08, 0.4, 0.7), (0, 0.75, 0.72))))
    parts.append(Part(box((0.9, 0.7, 0.18), (0, 0.35, 0.86))))  # engine cover
    parts.append(Part(box((0.5, 0.45, 0.12), (0, 0.4, 1.0)), (30, 30, 32), roughness=0.7))
    parts.append(Part(box((0.5, 0.1, 0.5), (0, 0.62, 1.25)), (30, 30, 32), roughness=0.7))
    # dashboard and steering wheel
    parts.append(Part(box((0.9, 0.25, 0.35), (0, -0.38, 0.95))))
    parts.append(
        Part(
            torus(0.16, 0.015, (0, -0.2, 1.25), axis="y", sections=(16, 4)),
            (25, 25, 25),
            roughness=0.6,
        )
    )
    # overhead guard: four posts and a roof grid, painted dark
    posts = [(-0.5, -0.3), (0.5, -0.3), (-0.5, 0.85), (0.5, 0.85)]
    for x, y in posts:
        parts.append(_steel(tube((x, y, 0.75), (x * 0.95, y, 2.1), 0.035), DARK_STEEL, 0.6))
    for y in (-0.3, 0.85):
        parts.append(_steel(box((1.0, 0.06, 0.06), (0, y, 2.12)), DARK_STEEL, 0.6))
    for x in np.linspace(-0.45, 0.45, 5):
        parts.append(_steel(box((0.05, 1.21, 0.05), (float(x), 0.275, 2.14)), DARK_STEEL, 0.6))
    # mast: two channels, cross ties, lift cylinder
    for x in (-0.38, 0.38):
        parts.append(_steel(box((0.1, 0.14, 2.2), (x, -0.72, 1.15))))
    for z in (0.35, 1.2, 2.2):
        parts.append(_steel(box((0.86, 0.08, 0.1), (0, -0.72, z))))
    parts.append(_steel(cylinder(0.05, 1.6, (0, -0.64, 0.95), sections=12), (150, 152, 158), 0.2))
    # carriage and forks (the part a detector must not miss: thin, long, metal)
    parts.append(_steel(box((0.95, 0.05, 0.5), (0, -0.82, 0.35)), DARK_STEEL, 0.45))
    fork_length = 1.15
    for x in (-0.3, 0.3):
        parts.append(_steel(box((0.12, 0.045, 0.55), (x, -0.87, 0.3)), DARK_STEEL, 0.45))
        parts.append(
            _steel(
                box((0.12, fork_length, 0.045), (x, -0.87 - fork_length / 2, 0.05)),
                DARK_STEEL,
                0.45,
            )
        )
    # wheels: big drive wheels at the front, smaller steer wheels at the rear
    wheels = []
    for y, radius, name in ((-0.48, 0.31, "front"), (0.95, 0.24, "rear")):
        for x, side in ((-0.47, "left"), (0.47, "right")):
            parts.append(_rubber(cylinder(radius, 0.22, (x, y, radius), axis="x", sections=20)))
            hub_x = x + np.sign(x) * 0.112
            parts.append(
                _steel(
                    cylinder(radius * 0.55, 0.01, (hub_x, y, radius), axis="x", sections=12),
                    (190, 190, 190),
                    0.4,
                )
            )
            wheels.append(Keypoint3D(f"wheel_{name}_{side}", (x * 1.25, y, radius)))
    tip_y = -0.87 - fork_length
    points = [
        Keypoint3D("fork_tip_left", (-0.3, tip_y, 0.05)),
        Keypoint3D("fork_tip_right", (0.3, tip_y, 0.05)),
        Keypoint3D("mast_top", (0.0, -0.72, 2.25)),
        Keypoint3D("guard_top", (0.0, 0.275, 2.165)),
        *wheels,
    ]
    return Shape.of("forklift", parts, points)


def _rack_frame(width: float, depth: float, height: float, levels: tuple[float, ...]) -> list[Part]:
    """Uprights (class colour, painted), side bracing, orange beams and wire-mesh decks."""
    parts: list[Part] = []
    half_w, half_d = width / 2, depth / 2
    for x in (-half_w, half_w):
        for y in (-half_d, half_d):
            parts.append(Part(box((0.08, 0.08, height), (x, y, height / 2))))
        # zig-zag bracing between the front and back upright of each frame
        rungs = np.linspace(0.15, height - 0.15, 6)
        for k, (z0, z1) in enumerate(itertools.pairwise(rungs)):
            y0, y1 = (-half_d, half_d) if k % 2 == 0 else (half_d, -half_d)
            parts.append(Part(tube((x, y0, float(z0)), (x, y1, float(z1)), 0.018, sections=6)))
        parts.append(Part(box((0.05, depth, 0.05), (x, 0, 0.15))))
    for z in levels:
        for y in (-half_d, half_d):
            parts.append(Part(box((width, 0.05, 0.12), (0, y, z)), BEAM_ORANGE, 0.3, 0.45))
        # wire deck: a thin steel plate over the beams
        parts.append(
            _steel(box((width - 0.1, depth, 0.02), (0, 0, z + 0.07)), (150, 155, 160), 0.5)
        )
    return parts


def racking(loaded: bool = False) -> Shape:
    """One bay of selective pallet racking, 2.7 m wide, 1.0 m deep, 3.0 m tall, three
    shelves; `loaded` puts cartons and wrapped loads on the shelves (fixed arrangement)."""
    width, depth, height = 2.7, 1.0, 3.0
    levels = (0.15, 1.2, 2.25)
    parts = _rack_frame(width, depth, height, levels)
    if loaded:
        rng = np.random.default_rng(7)  # a fixed arrangement: the asset is one shape
        for z in levels:
            for x in (-0.7, 0.7):
                if rng.random() < 0.2:
                    continue  # an empty slot
                top = z + 0.08
                parts.append(Part(box((1.1, 0.8, 0.12), (x, 0, top + 0.06)), WOOD, 0.0, 0.9))
                tall = float(rng.uniform(0.5, 0.8))
                if rng.random() < 0.5:
                    wrap = rounded_block(
                        (1.1, 0.78, tall),
                        (x, 0, top + 0.12 + tall / 2),
                        0.35,
                        0.008,
                        int(rng.integers(1 << 30)),
                        subdivisions=2,
                    )
                    parts.append(Part(wrap, (205, 210, 214), 0.0, 0.25))
                else:
                    for cx in (-0.28, 0.28):
                        for cy in (-0.2, 0.2):
                            shade = CARDBOARD[int(rng.integers(3))]
                            parts.append(
                                Part(
                                    box((0.54, 0.38, tall), (x + cx, cy, top + 0.12 + tall / 2)),
                                    shade,
                                )
                            )
    # on the uprights' outer faces (front face at the front, back face at the back), 5 cm
    # below the top and 10 cm above the floor: points a camera can actually see
    corners = [
        Keypoint3D(f"top_{fy}_{fx}", (x * width / 2, y * (depth / 2 + 0.04), height - 0.05))
        for y, fy in ((-1, "front"), (1, "back"))
        for x, fx in ((-1, "left"), (1, "right"))
    ]
    base = [
        Keypoint3D(f"base_front_{fx}", (x * width / 2, -depth / 2 - 0.04, 0.1))
        for x, fx in ((-1, "left"), (1, "right"))
    ]
    return Shape.of("racking_loaded" if loaded else "racking", parts, corners + base)


def racking_loaded() -> Shape:
    return racking(loaded=True)


def box_stack() -> Shape:
    """Cartons stacked three high by hand: 2 x 2 at the bottom, slightly askew, fewer on
    top, each with a strip of tape. Cartons take the class material (cardboard colours)."""
    rng = np.random.default_rng(3)
    parts: list[Part] = []
    size = (0.5, 0.4, 0.35)
    layout = (
        ((-0.26, -0.21), (0.26, -0.21), (-0.26, 0.21), (0.26, 0.21)),
        ((-0.26, 0.0), (0.26, 0.0)),
        ((0.0, 0.05),),
    )
    for layer, spots in enumerate(layout):
        z = size[2] * (layer + 0.5)
        for x, y in spots:
            dx, dy = rng.uniform(-0.02, 0.02, 2)
            yaw = float(rng.uniform(-0.08, 0.08))
            carton = box((size[0] - 0.01, size[1] - 0.01, size[2] - 0.004), (0, 0, -0.002))
            tape = box((0.06, size[1] - 0.005, 0.003), (0, 0, size[2] / 2 - 0.0025))
            turn = np.eye(4)
            turn[:3, :3] = [
                [np.cos(yaw), -np.sin(yaw), 0],
                [np.sin(yaw), np.cos(yaw), 0],
                [0, 0, 1],
            ]
            turn[:3, 3] = (x + dx, y + dy, z)
            carton.apply_transform(turn)
            tape.apply_transform(turn)
            parts.append(Part(carton))
            parts.append(Part(tape, (200, 180, 140), 0.0, 0.35))
    height = size[2] * 3
    points = [Keypoint3D("top_center", (0.0, 0.05, height))] + [
        Keypoint3D(f"bottom_{fy}_{fx}", (x * 0.51, y * 0.41, 0.0))
        for y, fy in ((-1, "front"), (1, "back"))
        for x, fx in ((-1, "left"), (1, "right"))
    ]
    return Shape.of("box_stack", parts, points)


def wrapped_pallet() -> Shape:
    """A pallet load under stretch film: a rounded, slightly wrinkled block 1.2 x 0.8 m,
    1.1 m tall, on a wooden pallet. The film takes the class material (clear film reads
    as pale grey-blue and glossy; black film is common too)."""
    length, width = 1.2, 0.8
    parts: list[Part] = []
    for y in (-0.35, 0.0, 0.35):
        parts.append(Part(box((length, 0.1, 0.1), (0, y, 0.05)), WOOD, 0.0, 0.9))
    for x in np.linspace(-0.55, 0.55, 5):
        parts.append(Part(box((0.1, width, 0.022), (float(x), 0, 0.111)), WOOD, 0.0, 0.9))
    deck, tall = 0.122, 1.1
    parts.append(
        Part(rounded_block((length, width, tall), (0, 0, deck + tall / 2), 0.35, 0.012, seed=11))
    )
    top = deck + tall
    points = [
        Keypoint3D(f"deck_{fy}_{fx}", (x * length / 2, y * width / 2, deck))
        for y, fy in ((-1, "front"), (1, "back"))
        for x, fx in ((-1, "left"), (1, "right"))
    ] + [Keypoint3D("top_center", (0.0, 0.0, top))]
    return Shape.of("wrapped_pallet", parts, points)
