"""Street assets made by the project: a car with wheels and windows, a bicycle, and a
road sign on a pole.

Sizes are those of common examples: a compact car 4.2 x 1.8 m, 1.45 m tall, wheels of
0.63 m diameter; an adult bicycle with 700c wheels (0.67 m across the tyre), 1.05 m
wheelbase; a sign plate of 0.6-0.75 m on a 2.2 m pole (plates hang above head height).
Windows are their own dark, smooth material (glass reflects; the cabin's paint does not),
tyres rough black rubber, rims and poles metallic. Every shape is z up, resting on z = 0,
facing -y, and well under 5,000 triangles.
"""

from __future__ import annotations

import numpy as np
import trimesh

from synthlab.generators.scene.asset_parts import box, cylinder, torus, tube
from synthlab.generators.scene.assets import Keypoint3D, Part, Shape

__all__ = ["bicycle", "car", "sign"]

RUBBER = (20, 20, 22)
GLASS = (28, 34, 42)
CHROME = (180, 182, 188)
LAMP = (235, 230, 205)
TAIL = (170, 20, 20)


def _hull(points: list[tuple[float, float, float]]) -> trimesh.Trimesh:
    mesh: trimesh.Trimesh = trimesh.convex.convex_hull(np.asarray(points, float))
    return mesh


def _window(corners: list[tuple[float, float, float]], outward: np.ndarray) -> trimesh.Trimesh:
    """A thin slab on a cabin face: the four corners pushed 6 mm out, given 4 mm depth, so
    glass sits proud of the paint and never z-fights with it."""
    base = np.asarray(corners, float) + outward * 0.006
    return _hull([*map(tuple, base), *map(tuple, base + outward * 0.004)])


def car() -> Shape:
    """A compact hatchback: a body with a sloping bonnet, a cabin narrowing to the roof,
    windscreen, rear and side windows, wheels with rims, lamps."""
    length, width = 4.2, 1.8
    half_l, half_w = length / 2, width / 2
    parts: list[Part] = []
    # body: a hull from the sill up to the waist line, bonnet sloping down to the front
    sill, waist = 0.3, 0.95
    body = [
        (x, y, z)
        for x in (-half_w, half_w)
        for y, z in (
            (-half_l, sill + 0.1),
            (-half_l + 0.1, sill),
            (half_l - 0.1, sill),
            (half_l, sill + 0.1),
            (-half_l, 0.78),
            (-half_l + 0.9, waist),
            (half_l, waist - 0.05),
        )
    ]
    parts.append(Part(_hull(body)))
    # cabin: from the windscreen base to the roof, narrower at the top (tumblehome)
    roof = 1.45
    front_base, front_top, rear_top, rear_base = -0.95, -0.2, 1.5, 1.95
    cabin = [(sx * half_w * 0.96, front_base, waist) for sx in (-1, 1)]
    cabin += [(sx * half_w * 0.96, rear_base, waist - 0.05) for sx in (-1, 1)]
    cabin += [(sx * half_w * 0.8, front_top, roof) for sx in (-1, 1)]
    cabin += [(sx * half_w * 0.8, rear_top, roof) for sx in (-1, 1)]
    parts.append(Part(_hull(cabin)))

    # windows on the cabin's faces, inset from its edges
    def inset(
        points: list[tuple[float, float, float]], by: float
    ) -> list[tuple[float, float, float]]:
        centre = np.mean(np.asarray(points), axis=0)
        return [tuple(centre + (np.asarray(p) - centre) * (1 - by)) for p in points]

    wind_normal = np.array([0.0, -(roof - waist), -(front_top - front_base)])
    screen = [
        (-half_w * 0.96, front_base, waist),
        (half_w * 0.96, front_base, waist),
        (half_w * 0.8, front_top, roof),
        (-half_w * 0.8, front_top, roof),
    ]
    parts.append(
        Part(
            _window(inset(screen, 0.1), wind_normal / np.linalg.norm(wind_normal)), GLASS, 0.0, 0.05
        )
    )
    rear_normal = np.array([0.0, (roof - waist), (rear_base - rear_top)])
    back = [
        (-half_w * 0.96, rear_base, waist - 0.05),
        (half_w * 0.96, rear_base, waist - 0.05),
        (half_w * 0.8, rear_top, roof),
        (-half_w * 0.8, rear_top, roof),
    ]
    parts.append(
        Part(
            _window(inset(back, 0.15), rear_normal / np.linalg.norm(rear_normal)), GLASS, 0.0, 0.05
        )
    )
    for sx in (-1, 1):
        # the side face leans in: its normal from the waist edge to the roof edge
        lean = np.array([sx * (roof - waist), 0.0, half_w * 0.16])
        lean /= np.linalg.norm(lean)
        for y0, y1 in ((front_base + 0.25, 0.5), (0.6, rear_base - 0.3)):
            low_x, top_x = sx * half_w * 0.96, sx * half_w * 0.8
            side = [
                (low_x, y0, waist + 0.05),
                (low_x, y1, waist + 0.05),
                (top_x, min(y1, rear_top), roof - 0.06),
                (top_x, max(y0, front_top), roof - 0.06),
            ]
            parts.append(Part(_window(inset(side, 0.06), lean), GLASS, 0.0, 0.05))
    # wheels: tyres, rims
    wheels = []
    radius = 0.315
    for y, fy in ((-1.35, "front"), (1.3, "rear")):
        for x, fx in ((-0.78, "left"), (0.78, "right")):
            parts.append(
                Part(
                    cylinder(radius, 0.2, (x, y, radius), axis="x", sections=20), RUBBER, 0.0, 0.95
                )
            )
            rim_x = x + np.sign(x) * 0.101
            parts.append(
                Part(
                    cylinder(radius * 0.6, 0.004, (rim_x, y, radius), axis="x", sections=16),
                    CHROME,
                    1.0,
                    0.25,
                )
            )
            wheels.append(Keypoint3D(f"wheel_{fy}_{fx}", (rim_x, y, radius)))
    # lamps: head lamps at the front, tail lamps at the back
    for sx in (-1, 1):
        parts.append(
            Part(box((0.3, 0.03, 0.12), (sx * 0.6, -half_l - 0.005, 0.72)), LAMP, 0.0, 0.1)
        )
        parts.append(
            Part(box((0.25, 0.03, 0.12), (sx * 0.65, half_l + 0.005, 0.82)), TAIL, 0.0, 0.2)
        )
    points = [
        Keypoint3D("front_center", (0.0, -half_l, 0.6)),
        Keypoint3D("rear_center", (0.0, half_l, 0.6)),
        Keypoint3D("roof_center", (0.0, (front_top + rear_top) / 2, roof)),
        *wheels,
    ]
    return Shape.of("car", parts, points)


def bicycle() -> Shape:
    """An upright diamond-frame bicycle, front wheel towards -y."""
    radius, tyre = 0.335, 0.018
    front, rear = (0.0, -0.52, radius), (0.0, 0.53, radius)
    parts: list[Part] = []
    for centre in (front, rear):
        parts.append(
            Part(torus(radius - tyre, tyre, centre, axis="x", sections=(28, 6)), RUBBER, 0.0, 0.9)
        )
        parts.append(
            Part(
                torus(radius - 2.5 * tyre, 0.008, centre, axis="x", sections=(28, 4)),
                CHROME,
                1.0,
                0.3,
            )
        )
        for k in range(4):  # spokes (a few, as thin rods: they show at this size)
            angle = np.pi * k / 4
            offset = np.array([0.0, np.cos(angle), np.sin(angle)]) * (radius - 3 * tyre)
            a, b = np.asarray(centre) + offset, np.asarray(centre) - offset
            parts.append(Part(tube(tuple(a), tuple(b), 0.003, sections=4), CHROME, 1.0, 0.3))
    # frame: bottom bracket, seat cluster, head tube; the class material paints it
    bracket = (0.0, 0.05, 0.3)
    seat = (0.0, 0.2, 0.86)
    head_top, head_low = (0.0, -0.38, 0.9), (0.0, -0.42, 0.72)
    frame = [
        (bracket, seat),
        (seat, head_top),
        (bracket, head_low),
        (head_low, head_top),
        (bracket, rear),
        (seat, rear),
        (head_low, front),
    ]
    for start, end in frame:
        parts.append(Part(tube(start, end, 0.018, sections=8)))
    for sx in (-1, 1):  # cranks and pedals
        pedal = (sx * 0.09, 0.05 + sx * 0.12, 0.3 - sx * 0.1)
        parts.append(Part(tube((sx * 0.04, 0.05, 0.3), pedal, 0.01, sections=4), CHROME, 1.0, 0.3))
        parts.append(
            Part(box((0.08, 0.06, 0.02), (sx * 0.13, pedal[1], pedal[2])), (30, 30, 30), 0.0, 0.8)
        )
    # stem, handlebar, grips, seat post and saddle
    bar = (0.0, -0.4, 1.0)
    parts.append(Part(tube(head_top, bar, 0.014, sections=6), CHROME, 1.0, 0.3))
    parts.append(
        Part(tube((-0.28, -0.4, 1.0), (0.28, -0.4, 1.0), 0.012, sections=6), CHROME, 1.0, 0.3)
    )
    for sx in (-1, 1):
        parts.append(
            Part(
                cylinder(0.017, 0.1, (sx * 0.25, -0.4, 1.0), axis="x", sections=8),
                (25, 25, 25),
                0.0,
                0.9,
            )
        )
    saddle_at = (0.0, 0.24, 0.96)
    parts.append(Part(tube(seat, saddle_at, 0.013, sections=6), CHROME, 1.0, 0.3))
    parts.append(
        Part(
            _hull(
                [
                    (-0.08, 0.33, 0.97),
                    (0.08, 0.33, 0.97),
                    (-0.02, 0.08, 0.97),
                    (0.02, 0.08, 0.97),
                    (-0.08, 0.33, 1.02),
                    (0.08, 0.33, 1.02),
                    (-0.02, 0.08, 1.01),
                    (0.02, 0.08, 1.01),
                ]
            ),
            (25, 25, 25),
            0.0,
            0.6,
        )
    )
    points = [
        Keypoint3D("wheel_front", front),
        Keypoint3D("wheel_rear", rear),
        Keypoint3D("handlebar", bar),
        Keypoint3D("saddle", (0.0, 0.2, 1.02)),
    ]
    return Shape.of("bicycle", parts, points)


def sign() -> Shape:
    """A round road sign (class material: the plate's face colour) with a white rim,
    on a galvanised pole, facing -y."""
    pole_h, plate_r, plate_z = 2.6, 0.32, 2.25
    parts = [
        Part(tube((0.0, 0.03, 0.0), (0.0, 0.03, pole_h), 0.03, sections=10), CHROME, 0.8, 0.45),
        Part(cylinder(plate_r, 0.012, (0.0, -0.012, plate_z), axis="y", sections=24)),
        Part(
            torus(plate_r, 0.012, (0.0, -0.012, plate_z), axis="y", sections=(24, 4)),
            (235, 235, 235),
            0.0,
            0.4,
        ),
        Part(box((0.08, 0.02, 0.5), (0.0, 0.01, plate_z)), CHROME, 0.8, 0.45),  # bracket
    ]
    points = [
        Keypoint3D("plate_center", (0.0, -0.018, plate_z)),
        Keypoint3D("plate_top", (0.0, -0.018, plate_z + plate_r)),
        Keypoint3D("pole_base", (0.0, 0.03, 0.0), depth=0.03),
    ]
    return Shape.of("sign", parts, points)
