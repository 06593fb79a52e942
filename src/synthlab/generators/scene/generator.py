"""The `scene` generator: build a scene, render the exact label pass, check the sample's
quota assignment, redraw deterministically until it holds, then render colour and effects.

Attempt 0 draws from the sample's own stream; attempt k draws from
`substream(seed, index, k)`, so a retried sample is still a pure function of (seed, index).
With `camera.per_scene: n`, images n*s .. n*s+n-1 show scene s from n cameras; the scene
comes from its own stream and each image's camera from the image's stream.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from synthlab.errors import RuntimeFailure, UsageError
from synthlab.generators.base import Generator, GeneratorContext, SamplePlan
from synthlab.generators.scene.ambient_occlusion import ambient_occlusion
from synthlab.generators.scene.assets import Shape, build_asset, build_primitive, load_recipe_mesh
from synthlab.generators.scene.camera import Camera
from synthlab.generators.scene.conditions import frame_conditions, meets_plan
from synthlab.generators.scene.effects import apply_effects
from synthlab.generators.scene.labels import compute_labels
from synthlab.generators.scene.layout import build_scene
from synthlab.generators.scene.lens import Lens, make_lens
from synthlab.generators.scene.params import (
    PRIMITIVES,
    ObjectClassSpec,
    SceneParams,
    background_images,
)
from synthlab.generators.scene.render import PyrenderRasterizer
from synthlab.recipe.files import RecipeFileError
from synthlab.samples.image import ImageSample
from synthlab.seeding import substream

__all__ = ["SceneGenerator"]

SCENE_KEY = 0x5CE7E  # spawn-key marker of shared-scene streams (never 0: keys must not collide)


def _shape_for(spec: ObjectClassSpec, recipe_dir: Path) -> Shape:
    if spec.asset is not None:
        return build_asset(spec.asset)
    if spec.primitive is not None:
        return build_primitive(spec.primitive, spec.stretch)
    try:  # resolved and contained in the recipe's folder by synthlab.recipe.files
        return load_recipe_mesh(
            recipe_dir, str(spec.mesh), spec.mesh_units, spec.keypoints, spec.stretch
        )
    except RecipeFileError as err:
        raise UsageError(str(err)) from None


def _backgrounds(params: SceneParams, recipe_dir: Path) -> list[np.ndarray]:
    folder = params.background.folder
    if folder is None:
        return []
    try:
        files = background_images(folder, recipe_dir)
    except RecipeFileError as err:
        raise UsageError(str(err)) from None
    size = params.camera.resolution
    return [
        np.asarray(Image.open(f).convert("RGB").resize(size, Image.Resampling.BILINEAR))
        for f in files
    ]


def _environment_image(params: SceneParams, recipe_dir: Path) -> np.ndarray | None:
    """The image `environment:` names (None: none, or each image's own background)."""
    relpath = params.environment.image_path if params.environment is not None else None
    if relpath is None:
        return None
    from synthlab.generators.scene.environment_light import load_environment_image

    try:
        return load_environment_image(recipe_dir, relpath)
    except RecipeFileError as err:
        raise UsageError(str(err)) from None


class SceneGenerator(Generator):
    params: SceneParams

    def setup(self, params: Any, context: GeneratorContext) -> None:
        super().setup(params, context)
        self.class_names = tuple(params.classes)
        shapes = {
            name: _shape_for(spec, context.recipe_dir) for name, spec in params.classes.items()
        }
        for kind in PRIMITIVES:
            shapes[f"distractor:{kind}"] = build_primitive(kind)
        self.shapes = shapes
        # classes physics placement never moves: people (posed, not simulated) and those named
        self.static_classes = frozenset(
            name for name, spec in params.classes.items() if spec.asset == "human"
        ) | frozenset(params.physics.static if params.physics is not None else ())
        self.rasterizer = PyrenderRasterizer()
        self.paster = None
        if params.background.paste_spec() is not None:  # objects go into the user's photos
            from synthlab.generators.scene.paste import PhotoPaster

            self.paster = PhotoPaster(
                params, shapes, context.recipe_dir, self.rasterizer, context.seed
            )
        self.backgrounds = [] if self.paster else _backgrounds(params, context.recipe_dir)
        self.environment_image = _environment_image(params, context.recipe_dir)
        self.timings: dict[str, float] = defaultdict(float)  # seconds per stage (benchmarks)

    def _count_overrides(self, plan: SamplePlan) -> dict[str, int]:
        overrides: dict[str, int] = {}
        for name in plan.require:
            if name in self.params.classes:
                overrides[name] = 1
            elif name in self.params.conditions:
                condition = self.params.conditions[name]
                overrides[condition.class_name] = max(
                    overrides.get(condition.class_name, 0), condition.min_count
                )
                if condition.occluded_by is not None:  # the occluder must be there too
                    cover = condition.occluded_by
                    overrides[cover] = max(overrides.get(cover, 0), 1)
        for name in plan.forbid:
            if name in self.params.classes:
                overrides[name] = 0
        return overrides

    def _hide(self, plan: SamplePlan) -> tuple[str | None, str | None]:
        """The class a required partial-visibility (or occluded_by) condition is about, and
        the class it must be hidden by, if named (redraws tuck it behind an instance of that
        class, or of any other, instead of waiting for chance to)."""
        for name in sorted(plan.require):
            condition = self.params.conditions.get(name)
            if condition is not None and (
                condition.visible_fraction[1] < 1.0 or condition.occluded_by is not None
            ):
                return condition.class_name, condition.occluded_by
        return None, None

    def _poses(self, plan: SamplePlan) -> dict[str, tuple[str | None, frozenset[str]]]:
        """Per class of people: the pose a required `pose` condition pins on its first
        instance, and the poses of forbidden conditions that ask for nothing else (any
        visible person in that pose would carry them, so none is drawn in it)."""
        rules: dict[str, tuple[str | None, frozenset[str]]] = {}
        for name, condition in sorted(self.params.conditions.items()):
            if condition.pose is None:
                continue
            pinned, excluded = rules.get(condition.class_name, (None, frozenset()))
            if name in plan.require:
                pinned = condition.pose
            elif name in plan.forbid and condition == type(condition).model_validate(
                {"class": condition.class_name, "pose": condition.pose}
            ):
                excluded = excluded | {condition.pose}
            rules[condition.class_name] = (pinned, excluded)
        return rules

    def _streams(
        self, index: int, attempt: int, rng: np.random.Generator
    ) -> tuple[np.random.Generator, np.random.Generator, list[int]]:
        seed = self.context.seed
        image_rng = rng if attempt == 0 else substream(seed, index, attempt)
        per_scene = self.params.camera.per_scene
        if per_scene == 1:
            return image_rng, image_rng, [index] if attempt == 0 else [index, attempt]
        first = index - index % per_scene
        return substream(seed, first, SCENE_KEY, attempt), image_rng, [first, SCENE_KEY, attempt]

    def _lens(self, camera: Camera, rng: np.random.Generator) -> Lens | None:
        spec = self.params.camera.lens
        if spec is None:
            return None
        coefficients = tuple(float(v.sample(rng)) for v in (spec.k1, spec.k2, spec.p1, spec.p2))
        return make_lens(coefficients, camera.K, camera.width, camera.height)  # type: ignore[arg-type]

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> ImageSample:
        params = self.params
        overrides = self._count_overrides(plan)
        if self.paster is not None:
            return self.paster.generate(index, rng, plan, overrides)
        poses = self._poses(plan)
        clock = self.timings
        for attempt in range(params.max_attempts):
            scene_rng, image_rng, scene_key = self._streams(index, attempt, rng)
            started = time.process_time()
            hide, cover = self._hide(plan) if attempt > 0 else (None, None)
            scene = build_scene(
                params, self.shapes, scene_rng, image_rng, self.backgrounds, overrides, hide,
                cover, poses, self.environment_image,
            )  # fmt: skip
            if params.physics is not None:  # settled poses replace the layout's
                from synthlab.generators.scene.physics import settle_scene

                settling = time.process_time()
                scene = settle_scene(scene, params.physics, self.static_classes, scene_rng)
                clock["physics"] += time.process_time() - settling
                started += time.process_time() - settling  # not counted under "scene" too
            loaded = self.rasterizer.load(scene)
            lens = self._lens(scene.camera, image_rng)
            clock["scene"] += time.process_time() - started
            started = time.process_time()
            label_pass = loaded.labels()
            clock["render_labels"] += time.process_time() - started
            started = time.process_time()
            frame = compute_labels(
                scene, loaded, label_pass, self.class_names, params.keep_invisible, lens
            )
            clock["masks"] += time.process_time() - started
            carried, achieved = frame_conditions(frame.objects, self.class_names, params.conditions)
            if meets_plan(plan, carried):
                break
        else:
            raise RuntimeFailure(
                f"sample {index}: no scene in {params.max_attempts} attempts "
                f"{'carried ' + ', '.join(sorted(plan.require)) if plan.require else ''}"
                f"{' and ' if plan.require and plan.forbid else ''}"
                f"{'avoided ' + ', '.join(sorted(plan.forbid)) if plan.forbid else ''}; "
                "widen the condition's ranges, raise max_attempts or lower the quota"
            )
        started = time.process_time()
        # from the label pass's depth, which the colour pass's camera shares (before the
        # lens: the image is warped afterwards)
        occlusion = (
            ambient_occlusion(label_pass.depth, scene.camera.K)
            if params.ambient_occlusion
            else None
        )
        color = loaded.color(params.shadows, occlusion)
        if lens is not None:
            color = np.round(lens.warp(color.astype(np.float32), nearest=False))
            color = np.clip(color, 0, 255).astype(np.uint8)
        clock["render_color"] += time.process_time() - started
        started = time.process_time()
        image, effects = apply_effects(color, frame.depth, params.effects, image_rng)
        clock["effects"] += time.process_time() - started
        camera = scene.camera.describe()
        if lens is not None:  # the image's own intrinsics, and the model that distorts it
            camera["K"] = lens.K_out.round(9).tolist()
            camera["distortion"] = lens.describe()
        metadata = {
            "seed": self.context.seed,
            "scene_key": scene_key,
            "attempts": attempt + 1,
            "achieved": achieved,
            "scene": scene.drawn,
            "effects": effects,
            "renderer": self.rasterizer.name,
        }
        return ImageSample(
            index=index,
            conditions=carried,
            metadata=metadata,
            image=image,
            objects=frame.objects,
            instance_mask=frame.instance_mask,
            semantic_mask=frame.semantic_mask,
            depth=frame.depth,
            camera=camera,
            category_names=self.class_names,
        )

    def close(self) -> None:
        self.rasterizer.close()
