"""Physics placement: drop the layout's objects and let pybullet settle them, so boxes lie
flat, stacks rest on what is under them and leaning things lean, before anything is
rendered. The settled poses replace the layout's, and labels come from rendering those,
so they stay exact.

Collision shapes are each object's convex hull (all its parts together): a pallet is a
solid block and a torus has no hole, so objects never settle into gaps or openings.
People (and classes the recipe names as static) are not simulated: they stay where the
layout put them, as fixed obstacles that others land on or lean against.

Determinism: pybullet in DIRECT mode with a fixed time step, deterministic overlapping
pairs and the same inputs in the same order gives the same result on one machine. Each
scene starts from a reset world (nothing carries over from one scene to the next).
pybullet is imported here only, and only when a recipe asks for physics.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections import OrderedDict
from collections.abc import Collection
from types import ModuleType
from typing import Any

import numpy as np
import trimesh

from synthlab.errors import UsageError
from synthlab.generators.scene.layout import PlacedObject, SceneDescription
from synthlab.generators.scene.physics_params import PhysicsSpec

__all__ = ["settle_scene"]

GRAVITY = 9.81
CHECK_EVERY = 24  # steps between checks whether everything is at rest
REST_SPEED = 0.01  # m/s: slower counts as at rest
REST_SPIN = 0.1  # rad/s
START_GAP = 0.003  # metres between a leaning object and what it leans on at the start
PENETRATION = 0.005  # a stacked or leaning start overlapping others deeper falls back to a drop
SUPPORT_NORMAL = 0.5  # a contact whose normal is this close to vertical carries weight
HULL_CACHE = 256
# hulls are cut down to this many vertices (a sphere's hull would have hundreds): contact
# tests cost grows with them; the simplified hull lies inside the true one, by under 3% of
# a sphere's radius at 64
HULL_POINTS = 64
# rolling and spinning friction (metres of lever arm) and velocity damping: without them a
# ball on a flat floor rolls for many seconds; these stop it within about two
ROLLING = 0.03
DAMPING = 0.1
SPIN_DAMPING = 0.5  # a spin loses half its speed per second: balls stop within a few


def _pybullet() -> ModuleType:
    try:
        import pybullet
    except ImportError:
        raise UsageError(
            "physics placement (physics: in the recipe) needs pybullet, which is not "
            'installed: pip install "synthlab[scene]" (or pip install pybullet)'
        ) from None
    module: ModuleType = pybullet
    return module


# unscaled hull per tuple of meshes: vertices, centre of mass, volume. Keyed by the
# meshes' ids and checked by identity (shapes share their meshes from image to image;
# people are built anew and simply miss)
_hulls: OrderedDict[tuple[int, ...], tuple[tuple[Any, ...], np.ndarray, np.ndarray, float]] = (
    OrderedDict()
)


def _spread_out(points: np.ndarray) -> np.ndarray:
    """HULL_POINTS of `points`, each the farthest from those picked before (deterministic:
    starts from the first), so a simplified hull keeps the shape's extremes."""
    picked = [0]
    distance = np.linalg.norm(points - points[0], axis=1)
    for _ in range(HULL_POINTS - 1):
        picked.append(int(np.argmax(distance)))
        distance = np.minimum(distance, np.linalg.norm(points - points[picked[-1]], axis=1))
    chosen: np.ndarray = points[picked]
    return chosen


def _hull(placed: PlacedObject) -> tuple[np.ndarray, np.ndarray, float]:
    """The object's convex hull in its own frame, scaled: vertices, centre of mass, volume."""
    meshes = tuple(mesh for mesh, _ in placed.parts)
    key = tuple(id(mesh) for mesh in meshes)
    hit = _hulls.get(key)
    if hit is None or any(a is not b for a, b in zip(hit[0], meshes, strict=True)):
        points = np.concatenate([np.asarray(mesh.vertices) for mesh in meshes])
        try:
            hull = trimesh.convex.convex_hull(points)
            if len(hull.vertices) > HULL_POINTS:
                hull = trimesh.convex.convex_hull(_spread_out(np.asarray(hull.vertices)))
            vertices, centre, volume = (
                np.asarray(hull.vertices, float), np.asarray(hull.center_mass, float),
                float(hull.volume),
            )  # fmt: skip
        except Exception:  # flat or degenerate: its bounding box stands in
            low, high = points.min(axis=0), points.max(axis=0)
            high = np.maximum(high, low + 1e-3)
            vertices = np.array([[x, y, z] for x in (low[0], high[0]) for y in (low[1], high[1])
                                 for z in (low[2], high[2])])  # fmt: skip
            centre, volume = (low + high) / 2, float(np.prod(high - low))
        if volume <= 0 or not np.all(np.isfinite(centre)):
            centre, volume = vertices.mean(axis=0), 1e-6
        hit = (meshes, vertices, centre, volume)
        _hulls[key] = hit
        if len(_hulls) > HULL_CACHE:
            _hulls.popitem(last=False)
    _hulls.move_to_end(key)
    s = placed.scale
    return hit[1] * s, hit[2] * s, hit[3] * s**3


def _rotation_about(axis: np.ndarray, angle: float, point: np.ndarray) -> np.ndarray:
    matrix: np.ndarray = trimesh.transformations.rotation_matrix(angle, axis, point)
    return matrix


def _world(vertices: np.ndarray, pose: np.ndarray) -> np.ndarray:
    world: np.ndarray = vertices @ pose[:3, :3].T + pose[:3, 3]
    return world


@dataclasses.dataclass
class _Body:
    index: int
    placed: PlacedObject
    hull: np.ndarray  # object frame, scaled
    centre: np.ndarray  # centre of mass, object frame
    volume: float
    static: bool
    pose: np.ndarray  # start pose (object frame to world)
    start: str = "drop"  # drop, stacked, leaning, static
    drop: float = 0.0
    partner: int | None = None  # what it was stacked on or leans on
    supports: int = 0  # how many others were started on or against it
    uid: int = -1

    def world_hull(self, pose: np.ndarray | None = None) -> np.ndarray:
        return _world(self.hull, self.pose if pose is None else pose)


def _dropped(body: _Body, spec: PhysicsSpec, floor: float, rng: np.random.Generator) -> None:
    """Raise the layout pose by a drop height and tilt it a little about its centre."""
    drop = float(spec.drop_height.sample(rng))
    tilt = math.radians(float(spec.tilt.sample(rng)))
    heading = 2 * math.pi * float(rng.random())
    centre = _world(body.centre[None], body.placed.pose)[0]
    axis = np.array([math.cos(heading), math.sin(heading), 0.0])
    pose = _rotation_about(axis, tilt, centre) @ body.placed.pose
    pose[2, 3] += floor + drop - body.world_hull(pose)[:, 2].min()
    body.pose, body.drop = pose, drop


def _flat(hull: np.ndarray, other: np.ndarray, top: bool) -> bool:
    """Whether `hull`'s top (or bottom) face, its points within 2% of its height of the
    top (bottom), spans at least half of `other`'s footprint each way."""
    z = hull[:, 2]
    slack = 0.02 * float(np.ptp(z)) + 1e-4
    face = hull[z >= z.max() - slack] if top else hull[z <= z.min() + slack]
    plateau = np.sort(np.ptp(face[:, :2], axis=0))
    footprint = np.sort(np.ptp(other[:, :2], axis=0))
    return bool(np.all(plateau >= 0.5 * footprint))


def _carries(base: _Body, body: _Body) -> bool:
    """Whether `base` has a flat top big enough for `body` to stay on (a ball or a cone
    top carries nothing). Judged in the layout's rotations: the small start tilt is gone
    once the base has landed."""
    return _flat(base.world_hull(base.placed.pose), body.world_hull(body.placed.pose), top=True)


def _stack(body: _Body, base: _Body, rng: np.random.Generator) -> None:
    """Start `body` level (in its layout rotation, no tilt) above `base`, at a random spot
    where its footprint stays within base's top, or centred when it is wider: set down,
    not thrown, so a stack stays a stack more often than not."""
    under = base.world_hull()
    low, high = under[:, :2].min(axis=0), under[:, :2].max(axis=0)
    pose = body.placed.pose.copy()
    mine = body.world_hull(pose)
    room = np.maximum((high - low) - np.ptp(mine[:, :2], axis=0), 0.0) / 2
    spot = (low + high) / 2 + rng.uniform(-1.0, 1.0, size=2) * room
    pose[:2, 3] += spot - (mine[:, :2].min(axis=0) + mine[:, :2].max(axis=0)) / 2
    pose[2, 3] += under[:, 2].max() + body.drop - mine[:, 2].min()
    body.pose, body.start, body.partner = pose, "stacked", base.index


def _lean(
    body: _Body, other: _Body, floor: float, spec: PhysicsSpec, rng: np.random.Generator
) -> None:
    """Start `body` standing on the floor tipped towards `other`, its top just short of it."""
    here = body.placed.pose[:2, 3]
    there = other.world_hull()
    toward = (there[:, :2].min(axis=0) + there[:, :2].max(axis=0)) / 2 - here
    toward /= max(float(np.linalg.norm(toward)), 1e-9)
    u = np.array([toward[0], toward[1], 0.0])
    # a block of width a (along u) and height h tipped by less than atan(a / h) stands back
    # up; past it, it falls against the other object: lean at least 5 degrees beyond that
    upright = body.world_hull(body.placed.pose)
    width, height = float(np.ptp(upright @ u)), float(np.ptp(upright[:, 2]))
    least = math.atan2(width, max(height, 1e-6)) + math.radians(5.0)
    angle = min(max(math.radians(float(spec.lean_angle.sample(rng))), least), math.radians(80))
    centre = _world(body.centre[None], body.placed.pose)[0]
    # turning about (-u_y, u_x, 0) by a positive angle tips the top towards u
    axis = np.array([-toward[1], toward[0], 0.0])
    pose = _rotation_about(axis, angle, centre) @ body.placed.pose
    mine = body.world_hull(pose)
    shift = float((there @ u).min() - (mine @ u).max()) - START_GAP
    pose[:3, 3] += u * shift
    pose[2, 3] += floor - mine[:, 2].min()
    body.pose, body.start, body.partner = pose, "leaning", other.index


def _arrange(
    bodies: list[_Body], spec: PhysicsSpec, floor: float, protected: set[int],
    rng: np.random.Generator,
) -> None:  # fmt: skip
    """Start poses: everything dropped, then some stacked on or leaning against others.
    An object others were started on is not moved afterwards, so the support stays."""
    for body in bodies:
        if not body.static:
            _dropped(body, spec, floor, rng)
    # people are no shelf: nothing is stacked on or leant against them
    people = {b.index for b in bodies if "body" in b.placed.drawn}
    for body in bodies:
        if body.static or body.index in protected:
            continue
        stack, lean = float(rng.random()), float(rng.random())
        if body.supports:
            continue
        upright = body.world_hull(body.placed.pose)
        # a ball has no face to stand on: set on a box top or tipped it would roll off
        flat_bottom = _flat(upright, upright, top=False)
        others = [b for b in bodies if b is not body and b.index not in people]
        if stack < spec.stack and flat_bottom:
            bases = [b for b in others if b.start != "leaning" and b.partner != body.index
                     and _carries(b, body)]  # fmt: skip
            if bases:
                base = bases[int(rng.integers(0, len(bases)))]
                _stack(body, base, rng)
                base.supports += 1
                continue
        if lean < spec.lean and flat_bottom:
            height = float(np.ptp(body.world_hull()[:, 2]))
            here = body.placed.pose[:2, 3]
            tall = [b for b in others if b.start != "stacked" and b.partner != body.index
                    and float(b.world_hull()[:, 2].max()) - floor >= 0.5 * height]  # fmt: skip
            if tall:
                other = min(tall, key=lambda b: float(np.linalg.norm(b.pose[:2, 3] - here)))
                _lean(body, other, floor, spec, rng)
                other.supports += 1


def _quaternion_xyzw(rotation: np.ndarray) -> list[float]:
    matrix = np.eye(4)
    matrix[:3, :3] = rotation
    w, x, y, z = trimesh.transformations.quaternion_from_matrix(matrix)
    return [float(x), float(y), float(z), float(w)]


def _pose_from(p: ModuleType, position: Any, orientation: Any) -> np.ndarray:
    pose = np.eye(4)
    pose[:3, :3] = np.asarray(p.getMatrixFromQuaternion(orientation), float).reshape(3, 3)
    pose[:3, 3] = position
    return pose


def _add_body(p: ModuleType, client: int, body: _Body, spec: PhysicsSpec) -> None:
    # the body frame sits at the hull's centre of mass, so pybullet's base pose is the
    # inertial frame and rotations happen about the real centre
    shape = p.createCollisionShape(
        p.GEOM_MESH, vertices=(body.hull - body.centre).tolist(), physicsClientId=client
    )
    frame = body.pose @ trimesh.transformations.translation_matrix(body.centre)
    mass = 0.0 if body.static else max(spec.density * body.volume, 1e-3)
    body.uid = p.createMultiBody(
        baseMass=mass,
        baseCollisionShapeIndex=shape,
        basePosition=frame[:3, 3].tolist(),
        baseOrientation=_quaternion_xyzw(frame[:3, :3]),
        useMaximalCoordinates=True,  # a plain rigid body: no joints, cheaper to step
        physicsClientId=client,
    )
    p.changeDynamics(
        body.uid, -1, lateralFriction=spec.friction, rollingFriction=ROLLING,
        spinningFriction=ROLLING, restitution=0.0, linearDamping=DAMPING,
        angularDamping=SPIN_DAMPING, physicsClientId=client,
    )  # fmt: skip


def _add_fixtures(
    p: ModuleType, client: int, scene: SceneDescription, spec: PhysicsSpec
) -> set[int]:
    """The surface (and the floor under a table) as static bodies: the lowest one as an
    endless plane, so nothing falls for ever; the others as boxes of their own size."""
    boxes = []
    for fixture in scene.fixtures:
        mesh = fixture.parts[0][0]
        low, high = _world(np.asarray(mesh.bounds, float), fixture.drawn_pose())
        boxes.append((float(high[2]), low, high))
    lowest = min(top for top, _, _ in boxes) if boxes else 0.0
    uids = set()
    plane = p.createCollisionShape(p.GEOM_PLANE, physicsClientId=client)
    uids.add(p.createMultiBody(0, plane, basePosition=[0, 0, lowest], physicsClientId=client))
    for top, low, high in boxes:
        if top > lowest:
            shape = p.createCollisionShape(
                p.GEOM_BOX, halfExtents=((high - low) / 2).tolist(), physicsClientId=client
            )
            uids.add(p.createMultiBody(0, shape, basePosition=((low + high) / 2).tolist(),
                                       physicsClientId=client))  # fmt: skip
    for uid in uids:
        p.changeDynamics(uid, -1, lateralFriction=spec.friction, rollingFriction=ROLLING,
                         spinningFriction=ROLLING, physicsClientId=client)  # fmt: skip
    return uids


def _overlaps(p: ModuleType, client: int, body: _Body, bodies: list[_Body]) -> bool:
    for other in bodies:
        if other is body:
            continue
        for point in p.getClosestPoints(body.uid, other.uid, 0.0, physicsClientId=client):
            if point[8] < -PENETRATION:
                return True
    return False


def _at_rest(p: ModuleType, client: int, moving: list[_Body]) -> tuple[bool, float]:
    fastest = 0.0
    spinning = 0.0
    for body in moving:
        linear, angular = p.getBaseVelocity(body.uid, physicsClientId=client)
        fastest = max(fastest, float(np.linalg.norm(linear)))
        spinning = max(spinning, float(np.linalg.norm(angular)))
    return fastest < REST_SPEED and spinning < REST_SPIN, fastest


def _contacts(
    p: ModuleType, client: int, body: _Body, by_uid: dict[int, _Body], fixtures: set[int]
) -> tuple[list[int | str], list[int]]:
    """What carries the body's weight (contacts whose normal points up into it: "surface"
    or object positions), and every object it touches (leaning shows up here)."""
    carried: set[int | str] = set()
    touching: set[int] = set()
    for point in p.getContactPoints(bodyA=body.uid, physicsClientId=client):
        a, b, normal = point[1], point[2], point[7]  # normal points from b to a
        other, up = (b, normal[2]) if a == body.uid else (a, -normal[2])
        if other not in fixtures:
            touching.add(by_uid[other].index)
        if up >= SUPPORT_NORMAL:
            carried.add("surface" if other in fixtures else by_uid[other].index)
    return sorted(carried, key=str), sorted(touching)


def settle_scene(
    scene: SceneDescription,
    spec: PhysicsSpec,
    static_classes: Collection[str],
    rng: np.random.Generator,
) -> SceneDescription:
    """The scene with its objects dropped and settled; what was done is recorded in each
    object's `drawn["physics"]` and the scene's `drawn["physics"]`."""
    p = _pybullet()
    client = _client(p)
    # a fresh world for every scene (pybullet rebuilds it on reset): nothing from earlier
    # scenes in this worker can change this one, so any worker count gives equal bytes
    p.resetSimulation(physicsClientId=client)
    return _settle(p, client, scene, spec, static_classes, rng)


_clients: dict[int, int] = {}  # process id -> its physics client (workers fork)


def _client(p: ModuleType) -> int:
    """This process's DIRECT client, opened once (connecting costs more than a scene)."""
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None or not p.isConnected(physicsClientId=client):
        client = _clients[pid] = p.connect(p.DIRECT)
    return client


def _settle(
    p: ModuleType, client: int, scene: SceneDescription, spec: PhysicsSpec,
    static_classes: Collection[str], rng: np.random.Generator,
) -> SceneDescription:  # fmt: skip
    p.setGravity(0, 0, -GRAVITY, physicsClientId=client)
    p.setPhysicsEngineParameter(
        fixedTimeStep=spec.time_step, deterministicOverlappingPairs=1, numSubSteps=0,
        numSolverIterations=spec.solver_iterations,
        physicsClientId=client,
    )  # fmt: skip
    floor = float(scene.fixtures[0].pose[2, 3]) if scene.fixtures else 0.0
    bodies = []
    for index, placed in enumerate(scene.objects):
        hull, centre, volume = _hull(placed)
        static = "body" in placed.drawn or placed.category in static_classes
        bodies.append(_Body(index, placed, hull, centre, volume, static, placed.pose.copy(),
                            start="static" if static else "drop"))  # fmt: skip
    # a person tucked behind a cover for an occlusion condition: neither may be moved away
    protected = {i for i, b in enumerate(bodies) if "tucked_behind" in b.placed.drawn}
    protected |= {int(b.placed.drawn["tucked_behind"]) for b in bodies  # type: ignore[call-overload]
                  if "tucked_behind" in b.placed.drawn}  # fmt: skip
    _arrange(bodies, spec, floor, protected, rng)
    fixtures = _add_fixtures(p, client, scene, spec)
    for body in bodies:
        _add_body(p, client, body, spec)
    # a stacked or leaning start that cuts into a third object would be flung out of it
    for body in bodies:
        if body.start in ("stacked", "leaning") and _overlaps(p, client, body, bodies):
            _dropped(body, spec, floor, rng)
            body.start, body.partner = "drop", None
            frame = body.pose @ trimesh.transformations.translation_matrix(body.centre)
            p.resetBasePositionAndOrientation(body.uid, frame[:3, 3].tolist(),
                                              _quaternion_xyzw(frame[:3, :3]),
                                              physicsClientId=client)  # fmt: skip
    moving = [b for b in bodies if not b.static]
    steps, resting, fastest = 0, not moving, 0.0
    while moving and steps < spec.steps:
        for _ in range(min(CHECK_EVERY, spec.steps - steps)):
            p.stepSimulation(physicsClientId=client)
        steps = min(steps + CHECK_EVERY, spec.steps)
        resting, fastest = _at_rest(p, client, moving)
        if resting:
            break
    by_uid = {b.uid: b for b in bodies}
    objects = []
    for body in bodies:
        record: dict[str, object] = {"start": body.start}
        pose = body.placed.pose
        if not body.static:
            position, orientation = p.getBasePositionAndOrientation(
                body.uid, physicsClientId=client
            )
            frame = _pose_from(p, position, orientation)
            pose = frame @ trimesh.transformations.translation_matrix(-body.centre)
            carried, touching = _contacts(p, client, body, by_uid, fixtures)
            record |= {
                "drop_m": round(body.drop, 6),
                **({"partner": body.partner} if body.partner is not None else {}),
                "resting_on": carried,
                "touching": touching,
                "rotation": pose[:3, :3].round(6).tolist(),
            }
        drawn = {**body.placed.drawn, "physics": record}
        if not body.static:
            drawn["position"] = pose[:3, 3].round(6).tolist()
        objects.append(dataclasses.replace(body.placed, pose=pose, drawn=drawn))
    summary = {"steps": steps, "at_rest": resting, "fastest_m_s": round(fastest, 6)}
    drawn_scene = {**scene.drawn, "objects": [o.drawn for o in objects], "physics": summary}
    return dataclasses.replace(scene, objects=tuple(objects), drawn=drawn_scene)
