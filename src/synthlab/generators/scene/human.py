"""An articulated human: body segments on a kinematic skeleton, posed by named poses.

The body is built per instance (each person has its own stature, girth, pose and clothes),
from a handful of shared templates (a UV sphere stretched into capsules, an icosphere
scaled into ellipsoids, a box): about 3,950 triangles, in four colour groups (skin, upper
clothes, lower clothes, shoes), so a person costs four draw calls.

Frame: z up, the person faces -y, so the person's left is +x (COCO's "left" is the
person's own). The result rests on z = 0 and is centred on the z axis like every shape.

Proportions are fractions of stature H from Drillis & Contini (1966), as tabulated in
Winter, *Biomechanics and Motor Control of Human Movement* (4th ed., 2009, fig. 4.1):
ankle 0.039H, knee 0.285H, hip 0.530H, shoulder 0.818H, chin 0.870H, eye 0.936H above the
floor; upper arm 0.186H, forearm 0.146H, hand 0.108H, foot 0.152H long and 0.055H wide,
shoulders 0.259H and hips 0.191H wide. Stature is drawn per sex from ANSUR II (Gordon et
al. 2014, US Army): men 175.6 cm (s.d. 6.9), women 162.9 cm (s.d. 6.4); girth (widths and
limb radii together) varies with s.d. 8%, about the spread of ANSUR II's chest and waist
circumferences relative to their means. Eyes sit 63 mm apart (Dodgson 2004, mean adult
interpupillary distance). Limb radii are ours, rounded from mean limb circumferences.

Joint angles (degrees) stay inside normal ranges of motion (American Academy of
Orthopaedic Surgeons, *Joint Motion: Method of Measuring and Recording*, 1965): see LIMITS.
Walking and running follow the shape of normative sagittal gait curves (Winter 2009,
ch. 4; hip about +30 to -10 deg, knee peaking near 60 deg in swing when walking, hip
and knee ranges wider when running) as smooth functions of the gait phase; they are ours,
not fitted to a data set.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import trimesh

from synthlab.generators.scene.assets import Keypoint3D, Part, Shape
from synthlab.generators.scene.coco_person import COCO_KEYPOINTS, COCO_SKELETON

__all__ = [
    "COCO_KEYPOINTS",
    "COCO_SKELETON",
    "LIMITS",
    "POSES",
    "Body",
    "Posture",
    "draw_body",
    "draw_posture",
    "pose_body",
]

POSES = ("standing", "walking", "running", "crouching", "sitting", "reaching", "lying")
# what a person draws when the recipe names no pose: everything but lying on the floor
DEFAULT_POSES = ("standing", "walking", "running", "crouching", "sitting", "reaching")

# degrees; flexion brings a limb forward (knee and elbow: bends it), abduction sideways
LIMITS: dict[str, tuple[float, float]] = {
    "trunk_pitch": (-30.0, 90.0),  # forward lean of the trunk over the pelvis
    "neck_pitch": (-50.0, 60.0),  # chin down (positive) or head tipped back
    "head_yaw": (-70.0, 70.0),
    "shoulder_flex": (-50.0, 180.0),
    "shoulder_abd": (0.0, 180.0),
    "elbow": (0.0, 145.0),
    "hip_flex": (-30.0, 125.0),
    "hip_abd": (-15.0, 45.0),
    "knee": (0.0, 140.0),
}
SIDES = ("left", "right")

SKIN_TONES = ((241, 194, 167), (224, 172, 140), (198, 134, 98), (160, 102, 68), (111, 71, 47))
SHOE_COLORS = ((35, 32, 30), (60, 45, 35), (200, 200, 205))


@dataclass(frozen=True)
class Body:
    stature: float  # metres
    girth: float  # factor on widths and limb radii
    skin: tuple[int, int, int]
    lower: tuple[int, int, int]  # trousers; the upper clothes take the class material
    shoes: tuple[int, int, int]
    short_sleeves: bool


@dataclass(frozen=True)
class Posture:
    pose: str
    angles: dict[str, float]  # LIMITS' joints, per side as "left_knee" etc.; degrees
    lie: str | None = None  # lying: supine, prone, left or right side down
    phase: float | None = None  # walking and running: gait phase in [0, 1)

    def describe(self) -> dict[str, object]:
        out: dict[str, object] = {
            "pose": self.pose,
            "angles": {k: round(v, 3) for k, v in sorted(self.angles.items())},
        }
        if self.lie is not None:
            out["lie"] = self.lie
        if self.phase is not None:
            out["phase"] = round(self.phase, 4)
        return out


def draw_body(rng: np.random.Generator, lower: tuple[int, int, int]) -> Body:
    female = rng.random() < 0.5
    mean, sd = (1.629, 0.064) if female else (1.756, 0.069)
    stature = float(np.clip(rng.normal(mean, sd), mean - 3 * sd, mean + 3 * sd))
    girth = float(np.clip(rng.normal(1.0, 0.08), 0.8, 1.25))
    skin = SKIN_TONES[int(rng.integers(0, len(SKIN_TONES)))]
    shoes = SHOE_COLORS[int(rng.integers(0, len(SHOE_COLORS)))]
    return Body(stature, girth, skin, lower, shoes, bool(rng.random() < 0.35))


# -- poses ---------------------------------------------------------------------------------


def _gait(phase: float, running: bool) -> dict[str, float]:
    """Sagittal angles of both sides at gait phase `phase` (0 = left heel strike)."""
    angles = {}
    for side, shift in (("left", 0.0), ("right", 0.5)):
        p = (phase + shift) % 1.0
        if running:
            hip = 20 + 35 * math.cos(2 * math.pi * p)
            knee = 35 + 70 * math.exp(-(((p - 0.65) / 0.16) ** 2)) - 10 * math.cos(2 * math.pi * p)
        else:
            hip = 10 + 20 * math.cos(2 * math.pi * p)
            knee = (
                5
                + 13 * math.exp(-(((p - 0.15) / 0.07) ** 2))
                + 55 * math.exp(-(((p - 0.72) / 0.11) ** 2))
            )
        angles[f"{side}_hip_flex"] = hip
        angles[f"{side}_knee"] = max(knee, 0.0)
        # each arm swings with the opposite leg
        swing = 35.0 if running else 18.0
        angles[f"{side}_shoulder_flex"] = -swing * math.cos(2 * math.pi * p)
        angles[f"{side}_elbow"] = (85.0 if running else 20.0) + 10 * math.cos(2 * math.pi * p)
        angles[f"{side}_shoulder_abd"] = 8.0
        angles[f"{side}_hip_abd"] = 2.0
    angles["trunk_pitch"] = 10.0 if running else 3.0
    angles["neck_pitch"] = 0.0 if running else 5.0
    angles["head_yaw"] = 0.0
    return angles


def _both(joint: str, value: float) -> dict[str, float]:
    return {f"{side}_{joint}": value for side in SIDES}


# pose -> (mean angles, spread of each angle for the random variation), degrees
def _base(pose: str, rng: np.random.Generator) -> tuple[dict[str, float], dict[str, float]]:
    legs_still = {**_both("hip_flex", 0.0), **_both("hip_abd", 3.0), **_both("knee", 3.0)}
    arms_down = {
        **_both("shoulder_flex", 0.0),
        **_both("shoulder_abd", 6.0),
        **_both("elbow", 10.0),
    }
    head = {"trunk_pitch": 0.0, "neck_pitch": 5.0, "head_yaw": 0.0}
    if pose == "standing":
        mean = {**legs_still, **arms_down, **head}
        spread = {"shoulder_flex": 8, "shoulder_abd": 3, "elbow": 6, "hip_flex": 3, "hip_abd": 2,
                  "knee": 3, "trunk_pitch": 3, "neck_pitch": 6, "head_yaw": 20}  # fmt: skip
    elif pose == "crouching":
        mean = {**_both("hip_flex", 112.0), **_both("hip_abd", 15.0), **_both("knee", 122.0),
                **_both("shoulder_flex", 40.0), **_both("shoulder_abd", 12.0),
                **_both("elbow", 50.0), "trunk_pitch": 35.0, "neck_pitch": -25.0,
                "head_yaw": 0.0}  # fmt: skip
        spread = {"shoulder_flex": 15, "shoulder_abd": 5, "elbow": 20, "hip_flex": 7, "hip_abd": 5,
                  "knee": 7, "trunk_pitch": 8, "neck_pitch": 8, "head_yaw": 20}  # fmt: skip
    elif pose == "sitting":  # on the floor
        mean = {**_both("hip_flex", 90.0), **_both("hip_abd", 8.0), **_both("knee", 35.0),
                **_both("shoulder_flex", 20.0), **_both("shoulder_abd", 12.0),
                **_both("elbow", 20.0), "trunk_pitch": -5.0, "neck_pitch": 10.0,
                "head_yaw": 0.0}  # fmt: skip
        spread = {"shoulder_flex": 12, "shoulder_abd": 5, "elbow": 15, "hip_flex": 4, "hip_abd": 5,
                  "knee": 25, "trunk_pitch": 8, "neck_pitch": 8, "head_yaw": 25}  # fmt: skip
    elif pose == "reaching":
        mean = {**legs_still, **arms_down, **head, "trunk_pitch": -4.0, "neck_pitch": -25.0}
        reach = SIDES[int(rng.integers(0, 2))]
        for side in SIDES if rng.random() < 0.4 else (reach,):
            mean[f"{side}_shoulder_flex"] = 150.0
            mean[f"{side}_shoulder_abd"] = 15.0
            mean[f"{side}_elbow"] = 10.0
        spread = {"shoulder_flex": 12, "shoulder_abd": 6, "elbow": 8, "hip_flex": 3, "hip_abd": 2,
                  "knee": 3, "trunk_pitch": 4, "neck_pitch": 8, "head_yaw": 15}  # fmt: skip
    elif pose == "lying":  # on the floor, fallen: limbs anywhere in a wide range
        # spreads kept small for the joints that lift a limb off the floor
        mean = {**_both("hip_flex", 5.0), **_both("hip_abd", 8.0), **_both("knee", 12.0),
                **_both("shoulder_flex", 5.0), **_both("shoulder_abd", 35.0),
                **_both("elbow", 25.0), "trunk_pitch": 0.0, "neck_pitch": 0.0,
                "head_yaw": 0.0}  # fmt: skip
        spread = {"shoulder_flex": 10, "shoulder_abd": 25, "elbow": 20, "hip_flex": 6,
                  "hip_abd": 5, "knee": 12, "trunk_pitch": 6, "neck_pitch": 10,
                  "head_yaw": 35}  # fmt: skip
    else:
        raise ValueError(f"unknown pose {pose!r}; accepted: {', '.join(POSES)}")
    return mean, {joint: float(value) for joint, value in spread.items()}


def draw_posture(pose: str, rng: np.random.Generator, variation: float = 1.0) -> Posture:
    """Joint angles of `pose`: its mean angles plus Normal(0, spread * variation) per
    joint, each clipped to LIMITS. Walking and running draw a gait phase first."""
    phase = lie = None
    if pose in ("walking", "running"):
        phase = float(rng.random())
        mean = _gait(phase, pose == "running")
        spread = dict.fromkeys(("shoulder_flex", "shoulder_abd", "elbow", "hip_flex"), 4.0)
        spread |= {"hip_abd": 2.0, "knee": 4.0, "trunk_pitch": 2.0, "neck_pitch": 5.0,
                   "head_yaw": 15.0}  # fmt: skip
    else:
        mean, spread = _base(pose, rng)
        if pose == "lying":
            lie = ("supine", "prone", "left", "right")[int(rng.integers(0, 4))]
    angles = {}
    for name in sorted(mean):
        joint = name.split("_", 1)[1] if name.startswith(SIDES) else name
        low, high = LIMITS[joint]
        value = mean[name] + variation * spread[joint] * float(rng.normal())
        angles[name] = float(min(max(value, low), high))
    if pose == "sitting":  # on the floor: a hip flexion of 90 + knee / 2 puts heels level
        for side in SIDES:  # with the hips (equal thigh and shank), so both rest on it
            hip = angles[f"{side}_hip_flex"] + angles[f"{side}_knee"] / 2
            angles[f"{side}_hip_flex"] = float(min(hip, LIMITS["hip_flex"][1]))
    return Posture(pose, angles, lie, phase)


# -- geometry ------------------------------------------------------------------------------


def _rx(degrees: float) -> np.ndarray:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return np.array([[1.0, 0, 0], [0, c, -s], [0, s, c]])


def _ry(degrees: float) -> np.ndarray:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return np.array([[c, 0, s], [0, 1.0, 0], [-s, 0, c]])


def _rz(degrees: float) -> np.ndarray:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])


@functools.cache
def _templates() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Unit meshes as (vertices, faces): a sphere split at the equator (capsules), an
    icosphere (ellipsoids), a small one (hands, nose) and a unit box."""
    sphere = trimesh.creation.uv_sphere(radius=1.0, count=[10, 7])  # no ring on the equator
    ico = trimesh.creation.icosphere(subdivisions=2)
    small = trimesh.creation.icosphere(subdivisions=1)
    box = trimesh.creation.box(extents=(1.0, 1.0, 1.0))
    return {
        name: (np.asarray(m.vertices, float), np.asarray(m.faces, np.int64))
        for name, m in (("sphere", sphere), ("ico", ico), ("small", small), ("box", box))
    }


class _Builder:
    """Collects transformed template copies per colour group."""

    def __init__(self) -> None:
        self.groups: dict[str, tuple[list[np.ndarray], list[np.ndarray], list[int]]] = {}

    def _add(self, group: str, vertices: np.ndarray, faces: np.ndarray) -> None:
        verts, tris, count = self.groups.setdefault(group, ([], [], [0]))
        tris.append(faces + count[0])
        verts.append(vertices)
        count[0] += len(vertices)

    def capsule(self, group: str, start: np.ndarray, end: np.ndarray, radius: float) -> None:
        vertices, faces = _templates()["sphere"]
        axis = end - start
        length = float(np.linalg.norm(axis))
        points = vertices * radius
        points[:, 2] += np.where(vertices[:, 2] > 0, length / 2, -length / 2)
        self._add(group, points @ _frame(axis / max(length, 1e-12)).T + (start + end) / 2, faces)

    def ellipsoid(
        self,
        group: str,
        centre: np.ndarray,
        semi: tuple[float, float, float],
        rotation: np.ndarray,
        small: bool = False,
    ) -> None:
        vertices, faces = _templates()["small" if small else "ico"]
        self._add(group, (vertices * semi) @ rotation.T + centre, faces)

    def box(self, group: str, centre: np.ndarray, extents: tuple[float, float, float],
            rotation: np.ndarray) -> None:  # fmt: skip
        vertices, faces = _templates()["box"]
        self._add(group, (vertices * extents) @ rotation.T + centre, faces)


def _frame(direction: np.ndarray) -> np.ndarray:
    """A rotation taking z onto the unit vector `direction` (which one about it does not
    matter for a capsule; this one is cheap, where trimesh's align_vectors runs an SVD)."""
    dx, dy, dz = (float(v) for v in direction)
    # first = helper x direction, helper the x axis (the y axis when nearly along x);
    # written out: numpy's cross costs more than the rest of the capsule
    fx, fy, fz = (0.0, -dz, dy) if abs(dx) < 0.9 else (dz, 0.0, -dx)
    norm = math.sqrt(fx * fx + fy * fy + fz * fz)
    fx, fy, fz = fx / norm, fy / norm, fz / norm
    sx, sy, sz = dy * fz - dz * fy, dz * fx - dx * fz, dx * fy - dy * fx
    return np.array([[fx, sx, dx], [fy, sy, dy], [fz, sz, dz]])


def _on_ellipsoid(direction: np.ndarray, semi: np.ndarray) -> np.ndarray:
    """The point of the ellipsoid (centred at 0, semi-axes `semi`) along `direction`."""
    scale = 1.0 / math.sqrt(float(np.sum((direction / semi) ** 2)))
    point: np.ndarray = direction * scale
    return point


def _lying_rotation(lie: str | None) -> np.ndarray:
    # about x: +90 turns the face down (prone), -90 up; about y: onto a side
    return {
        None: np.eye(3),
        "supine": _rx(-90.0),
        "prone": _rx(90.0),
        "left": _ry(90.0),
        "right": _ry(-90.0),
    }[lie]


def pose_body(body: Body, posture: Posture) -> tuple[Shape, dict[str, np.ndarray]]:
    """The posed person as a Shape (parts by colour, COCO-17 keypoints in COCO's order)
    and the joint positions by name in the shape's frame (the same as the keypoints')."""
    H, g, a = body.stature, body.girth, posture.angles
    build = _Builder()
    joints: dict[str, np.ndarray] = {}
    tolerance: dict[str, float] = {}
    r_upper, r_fore, r_thigh, r_shin = 0.026 * H * g, 0.021 * H * g, 0.042 * H * g, 0.031 * H * g
    pelvis = np.array([0.0, 0.0, 0.530 * H])
    sleeves = "skin" if body.short_sleeves else "upper"

    # trunk and head
    trunk = _rx(a["trunk_pitch"])
    build.ellipsoid("lower", pelvis + np.array([0, 0.004 * H, 0.02 * H]),
                    (0.0955 * H * g, 0.06 * H * g, 0.075 * H), np.eye(3))  # fmt: skip
    build.ellipsoid("upper", pelvis + trunk @ (0, 0, 0.19 * H),
                    (0.092 * H * g, 0.06 * H * g, 0.13 * H), trunk)  # fmt: skip
    shoulder_of = {s: pelvis + trunk @ (x * 0.113 * H * g, 0, 0.288 * H)
                   for s, x in (("left", 1), ("right", -1))}  # fmt: skip
    build.capsule("upper", shoulder_of["left"], shoulder_of["right"], 0.03 * H * g)
    pivot = pelvis + trunk @ (0, 0.008 * H, 0.355 * H)
    build.capsule("skin", pelvis + trunk @ (0, 0.004 * H, 0.27 * H), pivot, 0.028 * H)
    head = trunk @ _rx(a["neck_pitch"]) @ _rz(a["head_yaw"])
    head_semi = np.array([0.0443 * H, 0.0557 * H, 0.065 * H])
    centre = pivot + head @ (0, -0.01 * H, 0.05 * H)
    build.ellipsoid("skin", centre, (head_semi[0], head_semi[1], head_semi[2]), head)
    nose_at = _on_ellipsoid(np.array([0.0, -1.0, -0.25]), head_semi)
    build.ellipsoid("skin", centre + head @ nose_at,
                    (0.008 * H, 0.012 * H, 0.014 * H), head, small=True)  # fmt: skip
    joints["nose"] = centre + head @ (nose_at + np.array([0, -0.011 * H, 0]))
    for side, x in (("left", 1.0), ("right", -1.0)):
        eye = _on_ellipsoid(np.array([x * 0.018 * H, -head_semi[1] * 0.95, 0.001 * H]), head_semi)
        joints[f"{side}_eye"] = centre + head @ eye
        # the ear stands out from the side of the head (so it is seen from the front and
        # from behind, as COCO's annotators mark ears); the keypoint is its centre
        ear = _on_ellipsoid(np.array([x * head_semi[0], 0.004 * H, -0.006 * H]), head_semi)
        ear = ear + np.array([x * 0.004 * H, 0.0, 0.0])
        build.ellipsoid("skin", centre + head @ ear, (0.006 * H, 0.013 * H, 0.018 * H), head,
                        small=True)  # fmt: skip
        joints[f"{side}_ear"] = centre + head @ ear
    for name in ("nose", "left_eye", "right_eye", "left_ear", "right_ear"):
        tolerance[name] = 0.006 * H
    tolerance["left_ear"] = tolerance["right_ear"] = 0.013 * H  # seen edge-on from the front

    # arms
    for side, x in (("left", 1.0), ("right", -1.0)):
        shoulder = shoulder_of[side]
        upper = trunk @ _ry(-x * a[f"{side}_shoulder_abd"]) @ _rx(-a[f"{side}_shoulder_flex"])
        elbow = shoulder + upper @ (0, 0, -0.186 * H)
        fore = upper @ _rx(-a[f"{side}_elbow"])
        wrist = elbow + fore @ (0, 0, -0.146 * H)
        build.capsule("upper", shoulder, elbow, r_upper)
        build.capsule(sleeves, elbow, wrist, r_fore)
        build.ellipsoid("skin", wrist + fore @ (0, 0, -0.05 * H),
                        (0.022 * H * g, 0.011 * H, 0.052 * H), fore, small=True)  # fmt: skip
        joints[f"{side}_shoulder"], joints[f"{side}_elbow"] = shoulder, elbow
        joints[f"{side}_wrist"] = wrist
        tolerance[f"{side}_shoulder"] = 0.045 * H * g
        tolerance[f"{side}_elbow"] = r_upper + 0.005 * H
        tolerance[f"{side}_wrist"] = r_fore + 0.005 * H

    # legs; the feet stay flat on the floor except when sitting or lying
    for side, x in (("left", 1.0), ("right", -1.0)):
        hip = pelvis + np.array([x * 0.0525 * H * g, 0, 0])
        thigh = _ry(-x * a[f"{side}_hip_abd"]) @ _rx(-a[f"{side}_hip_flex"])
        knee = hip + thigh @ (0, 0, -0.245 * H)
        shin = thigh @ _rx(a[f"{side}_knee"])
        ankle = knee + shin @ (0, 0, -0.246 * H)
        build.capsule("lower", hip, knee, r_thigh)
        build.capsule("lower", knee, ankle, r_shin)
        foot = shin @ _rx(-20.0) if posture.pose in ("sitting", "lying") else np.eye(3)
        build.box("shoes", ankle + foot @ (0, -0.038 * H, -0.014 * H),
                  (0.055 * H, 0.152 * H, 0.05 * H), foot)  # fmt: skip
        joints[f"{side}_hip"], joints[f"{side}_knee"], joints[f"{side}_ankle"] = hip, knee, ankle
        tolerance[f"{side}_hip"] = 0.065 * H * g
        tolerance[f"{side}_knee"] = r_thigh + 0.005 * H
        tolerance[f"{side}_ankle"] = r_shin + 0.01 * H

    # lie down, then rest on z = 0 centred on the z axis
    turn = _lying_rotation(posture.lie)
    colors = {"skin": body.skin, "lower": body.lower, "shoes": body.shoes, "upper": None}
    meshes = {}
    for group, (verts, tris, _) in build.groups.items():
        meshes[group] = (np.concatenate(verts) @ turn.T, np.concatenate(tris))
    every = np.concatenate([v for v, _ in meshes.values()])
    low, high = every.min(axis=0), every.max(axis=0)
    shift = np.array([-(low[0] + high[0]) / 2, -(low[1] + high[1]) / 2, -low[2]])
    parts = [
        Part(
            trimesh.Trimesh(v + shift, f, process=False, metadata={"per_image": True}),
            colors[group],
        )
        for group, (v, f) in meshes.items()
    ]
    placed = {name: turn @ point + shift for name, point in joints.items()}
    keypoints = [
        Keypoint3D(name, tuple(float(c) for c in placed[name]), tolerance[name])  # type: ignore[arg-type]
        for name in COCO_KEYPOINTS
    ]
    bounds = np.array([low + shift, high + shift])
    return Shape(tuple(parts), tuple(keypoints), "human", bounds), placed


def standing_human() -> Shape:
    """The figure `build_asset("human")` gives where no per-instance body is drawn: a
    1.75 m person standing at rest (its keypoint names declare the class's label set)."""
    body = Body(1.75, 1.0, SKIN_TONES[1], (50, 60, 90), SHOE_COLORS[0], False)
    mean, _ = _base("standing", np.random.default_rng(0))
    return pose_body(body, Posture("standing", mean))[0]


def allowed_poses(options: Collection[str]) -> tuple[str, ...]:
    """`options` checked against POSES, in POSES' order."""
    unknown = sorted(set(options) - set(POSES))
    if unknown:
        raise ValueError(f"unknown pose {unknown[0]!r}; accepted: {', '.join(POSES)}")
    return tuple(p for p in POSES if p in options)


def draw_person(
    spec: Any,
    rng: np.random.Generator,
    require: str | None = None,
    exclude: Collection[str] = (),
) -> tuple[Shape, dict[str, object]]:
    """One person of a class (`spec`: its HumanSpec, or None for the defaults): body and
    posture drawn from `rng`. `require` pins the pose (a quota asks for it); a pose in
    `exclude` is drawn again (a quota forbids it here), up to a few times, then the first
    allowed pose of POSES is taken."""
    from synthlab.generators.scene.colors import parse_color
    from synthlab.generators.scene.human_params import HumanSpec

    spec = spec if spec is not None else HumanSpec()
    pose = str(spec.pose.sample(rng))
    for _ in range(8):
        if pose not in exclude:
            break
        pose = str(spec.pose.sample(rng))
    else:
        pose = next(p for p in POSES if p not in exclude)
    if require is not None:
        pose = require
    body = draw_body(rng, parse_color(str(spec.lower.sample(rng))))
    posture = draw_posture(pose, rng, spec.variation)
    shape, _ = pose_body(body, posture)
    drawn = {
        **posture.describe(),
        "stature": round(body.stature, 4),
        "girth": round(body.girth, 4),
        "skin": list(body.skin),
        "lower": list(body.lower),
        "short_sleeves": body.short_sleeves,
    }
    return shape, drawn
