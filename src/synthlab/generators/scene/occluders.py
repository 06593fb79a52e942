"""Who hides whom: per-class shares of an object's hidden pixels, and the check that a
recipe's `occluded_by` condition can be met at all by the classes it names.

An object's hidden pixels are those its solo pass covers and the full label pass shows as
something else (both pinhole, before any lens warp). The label records them as
`attributes["occluders"]`: [[instance_id, pixels], ...] sorted by id, where id 0 stands
for everything unlabeled (distractors, the surface).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from synthlab.samples.image import ObjectLabel

__all__ = ["UNLABELED", "hidden_by_class", "mostly_hidden_by", "occlusion_problems"]

UNLABELED = "(unlabeled)"
# stature bounds of drawn people (human.draw_body: ANSUR II means -/+ 3 s.d.)
SHORTEST, TALLEST = 1.437, 1.963
MARGIN = 0.8  # joint-angle variation can make a pose lower than its mean posture


def hidden_by_class(label: ObjectLabel, category_of: Mapping[int, str]) -> dict[str, int]:
    """Hidden pixels of `label` per class of what hides them."""
    shares: dict[str, int] = {}
    for ident, pixels in label.attributes.get("occluders", ()):
        name = category_of.get(int(ident), UNLABELED) if ident else UNLABELED
        shares[name] = shares.get(name, 0) + int(pixels)
    return shares


def mostly_hidden_by(label: ObjectLabel, category_of: Mapping[int, str], name: str) -> bool:
    """Instances of `name` hide some of `label`, and no other class hides more of it."""
    shares = hidden_by_class(label, category_of)
    mine = shares.get(name, 0)
    return mine > 0 and all(pixels <= mine for pixels in shares.values())


def _height(spec: Any, shape: Any, lowest: bool) -> float:
    """How tall an instance of the class can stand: the largest (or, `lowest`, the
    smallest) height over its poses and scales."""
    low, high = (float(v) for v in spec.scale.bounds())
    extents = shape.local_bounds[1] - shape.local_bounds[0]
    if spec.asset == "human":  # built per instance: scale the standing figure's height
        return float(extents[2]) * (TALLEST / 1.75) * high
    if spec.pose == "free":
        return float(extents.min()) * low if lowest else float(extents.max()) * high
    return float(extents[2] * (low if lowest else high))


def _lowest_person(spec: Any, pose: str | None) -> tuple[float, str]:
    """The lowest a person of this class can be in `pose` (or any pose it draws)."""
    import numpy as np

    from synthlab.generators.scene.human import Body, Posture, _base, pose_body
    from synthlab.generators.scene.human_params import HumanSpec, str_options

    options = [pose] if pose else str_options((spec.human or HumanSpec()).pose)
    body = Body(SHORTEST, 1.0, (0, 0, 0), (0, 0, 0), (0, 0, 0), False)
    found = []
    for name in options:
        if name in ("walking", "running"):
            name_height = SHORTEST  # upright: no lower than standing
        else:
            mean, _ = _base(name, np.random.default_rng(0))
            shape = pose_body(body, Posture(name, mean, "supine" if name == "lying" else None))[0]
            name_height = float(shape.local_bounds[1][2])
        found.append((name_height * MARGIN * spec.scale.bounds()[0], name))
    return min(found)


def occlusion_problems(
    params: Any, shape_of: Callable[[str], Any]
) -> list[tuple[tuple[str | int, ...], str]]:
    """Conditions whose `occluded_by` class is too low to hide the share of the object
    they ask for: hiding a share s of an object of height h takes an occluder about s*h
    tall at least (directly in front, seen level), so one lower than that is refused.
    `shape_of(class name)` builds the class's shape."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for name, condition in params.conditions.items():
        occluder = condition.occluded_by
        if occluder is None or occluder not in params.classes:
            continue
        needed = 1.0 - condition.visible_fraction[1]
        if needed <= 0:
            continue
        about = params.classes[condition.class_name]
        cover = _height(params.classes[occluder], shape_of(occluder), lowest=False)
        if about.asset == "human":
            height, pose = _lowest_person(about, condition.pose)
            what = f"a {condition.class_name} ({pose}, {height:.2f} m at the lowest)"
        else:
            height = _height(about, shape_of(condition.class_name), lowest=True)
            what = f"a {condition.class_name} ({height:.2f} m at the lowest)"
        if cover < needed * height:
            problems.append(
                (
                    ("conditions", name, "occluded_by"),
                    f"condition {name!r} asks for {what} at most "
                    f"{condition.visible_fraction[1]:.0%} visible behind a {occluder}, but a "
                    f"{occluder} stands at most {cover:.2f} m tall: it cannot hide "
                    f"{needed:.0%} of one. Use a taller class (asset: loaded_pallet), a larger "
                    "scale, or raise the upper bound of visible_fraction",
                )
            )
    return problems


def recipe_occlusion_problems(
    params: Any, base_dir: Any
) -> list[tuple[tuple[str | int, ...], str]]:
    """`occlusion_problems` with the classes' shapes built as setup builds them (a mesh
    that cannot be read is left to the mesh check, which reports it)."""
    from synthlab.generators.scene.assets import build_asset, build_primitive, load_recipe_mesh
    from synthlab.recipe.files import RecipeFileError

    def shape_of(name: str) -> Any:
        spec = params.classes[name]
        if spec.asset is not None:
            return build_asset(spec.asset)
        if spec.primitive is not None:
            return build_primitive(spec.primitive, spec.stretch)
        return load_recipe_mesh(base_dir, spec.mesh, spec.mesh_units, spec.keypoints, spec.stretch)

    try:
        return occlusion_problems(params, shape_of)
    except RecipeFileError:
        return []
