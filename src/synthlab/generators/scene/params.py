"""The `scene` generator's recipe schema: objects, surface, appearance, lights, camera,
effects and quota conditions. Everything that can be checked before sampling is checked
here, so a bad recipe fails at load time with the field named."""

from __future__ import annotations

import importlib.util
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from synthlab.errors import did_you_mean
from synthlab.generators.scene.environment_params import EnvironmentSpec
from synthlab.generators.scene.human_params import HumanSpec, condition_errors
from synthlab.generators.scene.paste_params import BUNDLED_PHOTOS, PasteSpec
from synthlab.generators.scene.physics_params import PhysicsSpec
from synthlab.recipe.distributions import Const, FloatValue, IntValue, StrValue, Uniform, Value
from synthlab.recipe.files import (
    RecipeFileError,
    check_relative_path,
    list_recipe_folder,
    resolve_recipe_file,
)
from synthlab.recipe.model import RecipeModel

__all__ = [
    "ASSET_NAMES",
    "BACKGROUND_SUFFIXES",
    "MESH_SUFFIXES",
    "PRIMITIVES",
    "TEXTURES",
    "BackgroundSpec",
    "CameraSpec",
    "ConditionSpec",
    "DistractorSpec",
    "EffectsSpec",
    "LensSpec",
    "LightSpec",
    "MaterialSpec",
    "ObjectClassSpec",
    "SceneParams",
    "SensorSpec",
    "SurfaceSpec",
]

ASSET_NAMES = (
    "crate", "pallet", "loaded_pallet", "barrel", "traffic_cone", "human", "vehicle",
    "forklift", "racking", "racking_loaded", "box_stack", "wrapped_pallet",
    "car", "bicycle", "sign",
)  # fmt: skip
PRIMITIVES = ("box", "sphere", "cylinder", "capsule", "cone", "torus")
TEXTURES = ("none", "noise", "checker", "stripes", "wood", "field")
MESH_SUFFIXES = (".obj", ".glb", ".gltf", ".ply", ".stl")
BACKGROUND_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


def _const(value: float) -> Value[float]:
    return Const(float(value))


def _check_range(value: Value[float], low: float, high: float, what: str) -> Value[float]:
    lo, hi = value.bounds()
    if lo < low or hi > high:
        raise ValueError(f"{what} must lie in [{low}, {high}], but can be {lo if lo < low else hi}")
    return value


class MaterialSpec(RecipeModel):
    color: StrValue = Field(
        default=Const("#b0b0b0"), description="'#rrggbb' or a CSS-like name (red, orange, ...)"
    )
    metallic: FloatValue = Field(default=_const(0.0), description="PBR metallic factor, 0..1")
    roughness: FloatValue = Field(default=_const(0.7), description="PBR roughness, 0..1")
    texture: StrValue = Field(
        default=Const("none"), description=f"procedural texture: {', '.join(TEXTURES)}"
    )
    texture_scale: FloatValue = Field(default=_const(4.0), description="pattern repeats per metre")

    @field_validator("metallic", "roughness")
    @classmethod
    def _unit(cls, value: Value[float]) -> Value[float]:
        return _check_range(value, 0.0, 1.0, "metallic/roughness")

    @field_validator("texture")
    @classmethod
    def _known_texture(cls, value: Value[str]) -> Value[str]:
        for option in _str_options(value):
            if option not in TEXTURES:
                raise ValueError(
                    f"unknown texture {option!r}{did_you_mean(option, TEXTURES)}; "
                    f"accepted: {', '.join(TEXTURES)}"
                )
        return value

    @field_validator("color")
    @classmethod
    def _known_color(cls, value: Value[str]) -> Value[str]:
        from synthlab.generators.scene.colors import parse_color

        for option in _str_options(value):
            parse_color(option)  # raises ValueError with the accepted spellings
        return value


def _str_options(value: Value[str]) -> list[str]:
    """Every string a StrValue can draw (constants and choices)."""
    if isinstance(value, Const):
        return [str(value.value)]
    options = getattr(value, "options", ())
    return [text for option in options for text in _str_options(option)]


class ObjectClassSpec(RecipeModel):
    """One labeled class: where its shape comes from, how many, how big, how posed."""

    asset: str | None = Field(default=None, description=f"project asset: {', '.join(ASSET_NAMES)}")
    primitive: str | None = Field(default=None, description=f"one of {', '.join(PRIMITIVES)}")
    mesh: str | None = Field(
        default=None, description="a mesh file (OBJ, GLB/glTF, PLY, STL) relative to the recipe"
    )
    mesh_units: float = Field(default=1.0, gt=0, description="metres per mesh unit")
    keypoints: dict[str, tuple[float, float, float]] = Field(
        default_factory=dict, description="named points in the mesh's own frame (user meshes)"
    )
    count: IntValue = Field(default=Const(1), description="instances per image")
    scale: FloatValue = Field(default=_const(1.0), description="uniform scale factor")
    stretch: tuple[float, float, float] = Field(
        default=(1.0, 1.0, 1.0), description="fixed per-axis scale (primitives: x y z size, m)"
    )
    pose: Literal["upright", "free"] = Field(
        default="upright", description="upright on the surface (random yaw) or any rotation"
    )
    material: MaterialSpec = MaterialSpec()
    human: HumanSpec | None = Field(
        default=None, description="asset: human only: pose, its variation, trousers colour"
    )

    @field_validator("mesh")
    @classmethod
    def _mesh_path(cls, mesh: str | None) -> str | None:
        if mesh is not None:
            if PurePosixPath(mesh).suffix.lower() not in MESH_SUFFIXES:
                raise ValueError(f"mesh {mesh!r} must be one of {', '.join(MESH_SUFFIXES)} files")
            check_relative_path(mesh, what="mesh", allow_assets=False)
        return mesh

    @model_validator(mode="after")
    def _one_source(self) -> ObjectClassSpec:
        chosen = [k for k in ("asset", "primitive", "mesh") if getattr(self, k) is not None]
        if len(chosen) != 1:
            raise ValueError(
                "give exactly one of asset, primitive or mesh"
                + (f", not {' and '.join(chosen)}" if chosen else "")
            )
        if self.asset is not None and self.asset not in ASSET_NAMES:
            raise ValueError(
                f"unknown asset {self.asset!r}{did_you_mean(self.asset, ASSET_NAMES)}; "
                f"accepted: {', '.join(ASSET_NAMES)}"
            )
        if self.primitive is not None and self.primitive not in PRIMITIVES:
            raise ValueError(
                f"unknown primitive {self.primitive!r}{did_you_mean(self.primitive, PRIMITIVES)}; "
                f"accepted: {', '.join(PRIMITIVES)}"
            )
        if self.count.bounds()[0] < 0:
            raise ValueError(f"Cannot have count={self.count.to_raw()} < 0")
        if self.scale.bounds()[0] <= 0:
            raise ValueError(f"Cannot have scale={self.scale.to_raw()} <= 0")
        if min(self.stretch) <= 0:
            raise ValueError(f"Cannot have stretch={list(self.stretch)} with a value <= 0")
        if self.human is not None and self.asset != "human":
            raise ValueError("human: (pose, variation, lower) applies to asset: human only")
        return self


class DistractorSpec(RecipeModel):
    """Clutter: unlabeled primitives that occlude and confuse, never annotated."""

    count: IntValue = Field(default=Const(0), description="distractors per image")
    primitives: tuple[str, ...] = Field(default=PRIMITIVES, description="shapes to draw from")
    scale: FloatValue = Field(default=_const(0.4), description="size in metres")
    material: MaterialSpec = MaterialSpec(texture=Const("noise"))

    @field_validator("primitives")
    @classmethod
    def _known(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        if not names:
            raise ValueError("distractors need at least one primitive")
        for name in names:
            if name not in PRIMITIVES:
                raise ValueError(
                    f"unknown primitive {name!r}{did_you_mean(name, PRIMITIVES)}; "
                    f"accepted: {', '.join(PRIMITIVES)}"
                )
        return names


class SurfaceSpec(RecipeModel):
    kind: Literal["ground", "table"] = Field(default="ground", description="what objects stand on")
    size: tuple[float, float] = Field(default=(40.0, 40.0), description="surface extent, metres")
    height: float = Field(default=0.0, ge=0, description="table top height (metres)")
    spread: float = Field(default=3.0, gt=0, description="objects are placed within this radius")
    material: MaterialSpec = MaterialSpec(color=Const("#808080"), texture=Const("noise"))
    markings: bool = Field(
        default=False, description="yellow lane lines on the floor, just outside the spread"
    )
    walls: float | None = Field(
        default=None,
        gt=0,
        description="walls this many metres from the centre (keep the "
        "camera inside: more than its distance), 4 m tall; none: open",
    )


class BackgroundSpec(RecipeModel):
    color: str = Field(default="#87a9c8", description="flat colour (used when nothing else is)")
    gradient: tuple[str, str] | None = Field(
        default=None, description="[top colour, bottom colour]"
    )
    folder: str | None = Field(default=None, description="folder of images, relative to the recipe")
    bundled: str | None = Field(
        default=None,
        description=f"photos a package ships, loaded at run time: {', '.join(BUNDLED_PHOTOS)}",
    )
    images: tuple[str, ...] | None = Field(
        default=None, description="with bundled: which of its photos (default: all)"
    )
    annotations: str | None = Field(
        default=None,
        description="COCO instances JSON about the photos (relative to the recipe); kept as "
        "labels and occluded exactly by what is pasted (implies paste)",
    )
    paste: PasteSpec | None = Field(
        default=None,
        description="paste rendered objects into the photos (no surface drawn) instead of "
        "using them as a backdrop (see docs/scene.md, real photos)",
    )

    @field_validator("folder", "annotations")
    @classmethod
    def _folder_path(cls, folder: str | None, info: ValidationInfo) -> str | None:
        if folder is not None:
            what = "background folder" if info.field_name == "folder" else "annotations file"
            check_relative_path(folder, what=what, allow_assets=False)
        return folder

    @model_validator(mode="after")
    def _colors(self) -> BackgroundSpec:
        from synthlab.generators.scene.colors import parse_color

        for text in (self.color, *(self.gradient or ())):
            parse_color(text)
        if self.folder is not None and self.bundled is not None:
            raise ValueError("give background folder or bundled, not both")
        if self.bundled is not None:
            names = BUNDLED_PHOTOS.get(self.bundled)
            if names is None:
                raise ValueError(
                    f"unknown bundled photos {self.bundled!r}"
                    f"{did_you_mean(self.bundled, BUNDLED_PHOTOS)}; accepted: "
                    f"{', '.join(BUNDLED_PHOTOS)}"
                )
            for name in self.images or ():
                if name not in names:
                    raise ValueError(
                        f"{self.bundled} holds no photo {name!r}{did_you_mean(name, names)}; "
                        f"accepted: {', '.join(names)}"
                    )
        elif self.images is not None:
            raise ValueError("images picks among bundled photos; give bundled too")
        if self.annotations is not None and self.folder is None and self.bundled is None:
            raise ValueError("annotations describe photos: give a background folder or bundled")
        if self.paste is not None and self.folder is None and self.bundled is None:
            raise ValueError("paste needs photos: give a background folder or bundled")
        return self

    def paste_spec(self) -> PasteSpec | None:
        """How objects are pasted into the photos, or None when the photos are a backdrop.
        Annotations are kept only by pasting, so they imply it (with its defaults)."""
        if self.paste is None and (self.annotations is not None or self.bundled is not None):
            return PasteSpec()
        return self.paste


class LightSpec(RecipeModel):
    type: Literal["directional", "point", "spot"] = "directional"
    intensity: FloatValue = Field(
        default=_const(3.0), description="W/m^2 (directional) or candela-like units (point/spot)"
    )
    color_temperature: FloatValue = Field(default=_const(6500.0), description="kelvin, 1000..40000")
    elevation: FloatValue = Field(default=_const(50.0), description="degrees above the horizon")
    azimuth: FloatValue = Field(default=Const(0.0), description="degrees around the vertical")
    distance: FloatValue = Field(default=_const(6.0), description="point/spot: metres from centre")
    cone_angle: float = Field(default=30.0, gt=0, lt=90, description="spot: outer cone, degrees")

    @field_validator("color_temperature")
    @classmethod
    def _kelvin(cls, value: Value[float]) -> Value[float]:
        return _check_range(value, 1000.0, 40000.0, "color_temperature")

    @field_validator("intensity")
    @classmethod
    def _positive(cls, value: Value[float]) -> Value[float]:
        if value.bounds()[0] < 0:
            raise ValueError(f"Cannot have intensity={value.to_raw()} < 0")
        return value


class LensSpec(RecipeModel):
    """Brown-Conrady lens distortion (OpenCV's k1 k2 p1 p2). `lens: {}` draws from ranges
    around KITTI's published calibration of its Point Grey cameras (k1 about -0.37,
    k2 about 0.20, p1 and p2 about 0.002): wide automotive/dashcam-like lenses with barrel
    distortion. Phone images are mostly corrected in the camera, so use a small k1 there."""

    k1: FloatValue = Field(
        default_factory=lambda: Uniform(_const(-0.4), _const(-0.05)), description="radial"
    )
    k2: FloatValue = Field(
        default_factory=lambda: Uniform(_const(0.0), _const(0.2)), description="radial r^4"
    )
    p1: FloatValue = Field(
        default_factory=lambda: Uniform(_const(-0.002), _const(0.002)), description="tangential"
    )
    p2: FloatValue = Field(
        default_factory=lambda: Uniform(_const(-0.002), _const(0.002)), description="tangential"
    )

    @model_validator(mode="after")
    def _checks(self) -> LensSpec:
        _check_range(self.k1, -1.0, 1.0, "lens k1")
        _check_range(self.k2, -1.0, 1.0, "lens k2")
        _check_range(self.p1, -0.05, 0.05, "lens p1")
        _check_range(self.p2, -0.05, 0.05, "lens p2")
        return self


class CameraSpec(RecipeModel):
    resolution: tuple[int, int] = Field(default=(640, 480), description="width, height in pixels")
    fov: FloatValue | None = Field(default=None, description="vertical field of view, degrees")
    focal_length_mm: FloatValue | None = Field(default=None, description="focal length (mm)")
    sensor_height_mm: float = Field(default=24.0, gt=0, description="with focal_length_mm")
    distance: FloatValue = Field(default=_const(6.0), description="metres from the look-at point")
    elevation: FloatValue = Field(default=_const(30.0), description="degrees above the horizon")
    azimuth: FloatValue = Field(default=Const(0.0), description="degrees around the vertical")
    roll: FloatValue = Field(default=Const(0.0), description="degrees about the optical axis")
    look_at: tuple[FloatValue, FloatValue, FloatValue] = Field(
        default=(Const(0.0), Const(0.0), _const(0.5)), description="target point x y z (metres)"
    )
    per_scene: int = Field(default=1, ge=1, le=16, description="consecutive images of one scene")
    lens: LensSpec | None = Field(
        default=None, description="lens distortion, labels warped alike (none: a pinhole)"
    )

    @model_validator(mode="after")
    def _checks(self) -> CameraSpec:
        width, height = self.resolution
        if not (8 <= width <= 8192 and 8 <= height <= 8192):
            raise ValueError(
                f"resolution {width}x{height} must be between 8 and 8192 pixels a side"
            )
        if self.fov is not None and self.focal_length_mm is not None:
            raise ValueError("give fov or focal_length_mm, not both")
        if self.fov is not None:
            _check_range(self.fov, 1.0, 170.0, "fov")
        if self.focal_length_mm is not None and self.focal_length_mm.bounds()[0] <= 0:
            raise ValueError("focal_length_mm must be > 0")
        if self.distance.bounds()[0] <= 0:
            raise ValueError(f"Cannot have camera distance={self.distance.to_raw()} <= 0")
        _check_range(self.elevation, 1.0, 89.9, "camera elevation (degrees, above the surface)")
        return self


class SensorSpec(RecipeModel):
    """Poissonian-Gaussian sensor noise (Foi et al. 2008, "Practical Poissonian-Gaussian
    noise modeling and fitting for single-image raw-data"): on linear values y in 0..1,
    per channel, y' = a * Poisson(y / a) + Normal(0, read), then the sRGB curve. The
    default ranges are ours, picked to give about 0.5-2% noise at mid-grey, the range of
    consumer sensors from base ISO to a few stops above it."""

    shot: FloatValue = Field(
        default_factory=lambda: Uniform(_const(1e-4), _const(2e-3)),
        description="a: linear units per electron",
    )
    read: FloatValue = Field(
        default_factory=lambda: Uniform(_const(0.001), _const(0.004)),
        description="read noise std, linear units",
    )
    bayer: bool = Field(
        default=True,
        description="noise on an RGGB mosaic, then bilinear demosaicing (noise spans pixels)",
    )

    @model_validator(mode="after")
    def _checks(self) -> SensorSpec:
        _check_range(self.shot, 1e-7, 0.1, "sensor shot (a)")
        _check_range(self.read, 0.0, 0.2, "sensor read noise")
        return self


class EffectsSpec(RecipeModel):
    """Image-only effects: they change pixels, never where an object is."""

    noise_std: FloatValue = Field(default=Const(0.0), description="sensor noise, 0..255 units")
    blur_sigma: FloatValue = Field(default=Const(0.0), description="Gaussian blur, pixels")
    exposure: FloatValue = Field(default=Const(0.0), description="exposure change in stops")
    jpeg_quality: IntValue | None = Field(default=None, description="JPEG round trip, 1..95")
    fog_density: FloatValue = Field(default=Const(0.0), description="per metre; uses depth")
    fog_color: str = Field(default="#b4b9c0", description="colour of the fog")
    white_balance: FloatValue | None = Field(
        default=None,
        description="kelvin the camera balanced for against a 6500 K scene (none: neutral)",
    )
    motion_blur: FloatValue = Field(default=Const(0.0), description="streak length, pixels")
    motion_angle: FloatValue = Field(
        default_factory=lambda: Uniform(_const(0.0), _const(180.0)),
        description="streak direction, degrees",
    )
    defocus: FloatValue = Field(default=Const(0.0), description="blur disc radius, pixels")
    sensor: SensorSpec | None = Field(default=None, description="Poissonian-Gaussian noise")

    @model_validator(mode="after")
    def _checks(self) -> EffectsSpec:
        for name in ("noise_std", "blur_sigma", "fog_density", "motion_blur", "defocus"):
            if getattr(self, name).bounds()[0] < 0:
                raise ValueError(f"Cannot have {name} < 0")
        if self.jpeg_quality is not None:
            lo, hi = self.jpeg_quality.bounds()
            if lo < 1 or hi > 95:
                raise ValueError(
                    f"jpeg_quality must lie in 1..95, got {self.jpeg_quality.to_raw()}"
                )
        if self.white_balance is not None:
            _check_range(self.white_balance, 1000.0, 40000.0, "white_balance")
        for name in ("motion_blur", "defocus"):
            if getattr(self, name).bounds()[1] > 64:
                raise ValueError(f"{name} over 64 pixels is not a camera effect")
        return self


class ConditionSpec(RecipeModel):
    """An image carries this condition when at least `min_count` visible objects of `class`
    have a visible fraction and truncation inside the given ranges (and, when given, are
    hidden mostly by instances of `occluded_by`, and stand in the named `pose`)."""

    class_name: str = Field(alias="class", description="the labeled class it is about")
    visible_fraction: tuple[float, float] = Field(default=(0.0, 1.0), description="[low, high]")
    truncation: tuple[float, float] = Field(default=(0.0, 1.0), description="[low, high]")
    min_count: int = Field(default=1, ge=1, description="how many such objects")
    occluded_by: str | None = Field(
        default=None,
        description="a class whose instances hide more of the object than any other class",
    )
    pose: str | None = Field(default=None, description="people: the named pose (e.g. lying)")

    @model_validator(mode="after")
    def _ranges(self) -> ConditionSpec:
        for name in ("visible_fraction", "truncation"):
            low, high = getattr(self, name)
            if not 0 <= low <= high <= 1:
                raise ValueError(f"{name} [{low}, {high}] must satisfy 0 <= low <= high <= 1")
        return self


class SceneParams(RecipeModel):
    classes: dict[str, ObjectClassSpec] = Field(description="labeled classes by name")
    distractors: DistractorSpec = DistractorSpec()
    surface: SurfaceSpec = SurfaceSpec()
    background: BackgroundSpec = BackgroundSpec()
    lights: tuple[LightSpec, ...] = Field(default=(LightSpec(),), description="light sources")
    ambient: FloatValue = Field(default=_const(0.3), description="ambient light level")
    shadows: bool = Field(default=True, description="directional/spot shadow maps")
    ambient_occlusion: bool = Field(
        default=True,
        description="less ambient light where nearby geometry blocks it (contacts, crevices)",
    )
    environment: EnvironmentSpec | None = Field(
        default=None, description="light estimated from the background image (from_background)"
    )
    physics: PhysicsSpec | None = Field(
        default=None, description="drop and settle objects with pybullet (none: layout only)"
    )
    camera: CameraSpec = CameraSpec()
    effects: EffectsSpec = EffectsSpec()
    conditions: dict[str, ConditionSpec] = Field(
        default_factory=dict, description="named label conditions that quotas may ask for"
    )
    max_attempts: int = Field(default=200, ge=1, description="scene redraws allowed per sample")
    category_id_start: int = Field(default=1, ge=0, description="first COCO category id")
    keep_invisible: bool = Field(
        default=False, description="also list objects with no visible pixel in the labels"
    )

    @model_validator(mode="after")
    def _checks(self) -> SceneParams:
        if not self.classes:
            raise ValueError("a scene needs at least one class under classes")
        if len(self.classes) > 65535:
            raise ValueError("at most 65535 classes fit a 16-bit semantic mask")
        for name, condition in self.conditions.items():
            if condition.class_name not in self.classes:
                raise ValueError(
                    f"condition {name!r} is about class {condition.class_name!r}"
                    f"{did_you_mean(condition.class_name, self.classes)}, which is not under "
                    f"classes ({', '.join(self.classes)})"
                )
            if name in self.classes:
                raise ValueError(f"condition {name!r} has the name of a class; rename it")
        for error in condition_errors(self):
            raise ValueError(error)
        for name in self.physics.static if self.physics is not None else ():
            if name not in self.classes:
                raise ValueError(
                    f"physics static names class {name!r}{did_you_mean(name, self.classes)}, "
                    f"which is not under classes ({', '.join(self.classes)})"
                )
        if self.background.paste_spec() is not None:  # the photo's pixels stay the photo's
            if self.effects != EffectsSpec() or self.camera.lens is not None:
                raise ValueError(
                    "effects and lens change the whole image, so they cannot be used when "
                    "pasting into photos (the photo's pixels are kept); remove them"
                )
            if self.camera.per_scene != 1:
                raise ValueError("camera.per_scene must be 1 when pasting into photos")
            if self.physics is not None:
                raise ValueError(
                    "physics settles objects on a rendered surface; pasting "
                    "into photos has none, so remove physics or paste"
                )
        return self

    def quota_conditions(self) -> tuple[str, ...]:
        """Each class name (the image shows one) plus each named condition."""
        return (*self.classes, *self.conditions)

    def file_problems(self, base_dir: Path) -> list[tuple[tuple[str | int, ...], str]]:
        """What is wrong with the meshes and background images named here, found the way
        setup would find it (paths contained by synthlab.recipe.files; meshes parsed when
        trimesh is installed, images opened when Pillow is); [] when nothing is."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for name, spec in self.classes.items():
            if spec.mesh is not None:
                try:
                    _check_mesh(spec, base_dir)
                except RecipeFileError as error:
                    problems.append((("classes", name, "mesh"), str(error)))
        if self.background.folder is not None:
            try:
                background_images(self.background.folder, base_dir, check_content=True)
            except RecipeFileError as error:
                problems.append((("background", "folder"), str(error)))
                return problems
        if self.environment is not None and self.environment.image_path is not None:
            try:
                resolve_recipe_file(
                    base_dir,
                    self.environment.image_path,
                    what="environment image",
                    allow_assets=False,
                )
            except RecipeFileError as error:
                problems.append((("environment", "source"), str(error)))
        if self.conditions and importlib.util.find_spec("trimesh") is not None:
            # occluders too low for the share a condition asks them to hide (shapes needed)
            from synthlab.generators.scene.occluders import recipe_occlusion_problems

            problems += recipe_occlusion_problems(self, base_dir)
        if self.background.paste_spec() is not None:
            from synthlab.generators.scene.photos import photo_problems

            problems += photo_problems(self.background, base_dir)
        return problems

    def input_files(self, base_dir: Path) -> list[Path]:
        """The user's files this recipe reads (meshes, background images), for provenance."""
        files = [
            resolve_recipe_file(base_dir, spec.mesh, what="mesh", allow_assets=False)
            for spec in self.classes.values()
            if spec.mesh is not None
        ]
        if self.background.folder is not None:
            files += background_images(self.background.folder, base_dir)
        if self.environment is not None and self.environment.image_path is not None:
            files.append(
                resolve_recipe_file(
                    base_dir, self.environment.image_path, what="environment image",
                    allow_assets=False,
                )
            )  # fmt: skip
        if self.background.annotations is not None:  # bundled photos: the package's version
            files.append(
                resolve_recipe_file(
                    base_dir,
                    self.background.annotations,
                    what="annotations file",
                    allow_assets=False,
                )
            )
        return files


def _check_mesh(spec: ObjectClassSpec, base_dir: Path) -> None:
    assert spec.mesh is not None
    if importlib.util.find_spec("trimesh") is None:  # render will say what to install
        resolve_recipe_file(base_dir, spec.mesh, what="mesh", allow_assets=False)
        return
    from synthlab.generators.scene.assets import load_recipe_mesh

    load_recipe_mesh(base_dir, spec.mesh, spec.mesh_units, spec.keypoints, spec.stretch)


def background_images(folder: str, base_dir: Path, *, check_content: bool = False) -> list[Path]:
    """The image files of a background folder, sorted by name, each inside the recipe's
    folder (a link among them that leads out is refused). `check_content`: open each one's
    header too (when Pillow is installed), so a file that is no image is refused early."""
    files = list_recipe_folder(
        base_dir,
        folder,
        BACKGROUND_SUFFIXES,
        what="background folder",
        noun="images",
        allow_assets=False,
    )
    if check_content and importlib.util.find_spec("PIL") is not None:
        from PIL import Image, UnidentifiedImageError

        for path in files:
            try:
                with Image.open(path) as image:
                    image.size  # noqa: B018  (the header is read on open)
            except (UnidentifiedImageError, OSError) as err:
                raise RecipeFileError(
                    f"background image {path.name!r} in {folder!r} is not an image Pillow "
                    f"can read: {err}"
                ) from None
    return files
