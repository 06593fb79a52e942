"""Procedurally built 3D scenes rendered headless, with labels exact by construction.

This module stays cheap to import: the params model and a description. trimesh, pyrender
and OpenGL are imported only when a generator is created (`generator.py`, `render.py`).
"""

from __future__ import annotations

from synthlab.generators.base import GeneratorSpec
from synthlab.generators.scene.declared_labels import scene_label_set
from synthlab.generators.scene.params import SceneParams

__all__ = ["SPEC", "SceneParams"]

SPEC = GeneratorSpec(
    kind="scene",
    description="procedural 3D scenes (trimesh + pyrender, headless EGL) with exact boxes, "
    "masks, depth, poses, keypoints and visibility",
    modality="image",
    params_model=SceneParams,
    implementation="synthlab.generators.scene.generator:SceneGenerator",
    default_formats=("image", "coco"),
    extra="scene",
    requires=("trimesh", "pyrender", "OpenGL", "PIL", "scipy"),
    # pycocotools decodes the masks of a photo's own annotations; scikit-image's version
    # pins the bundled photos a paste recipe may use
    value_libraries=(
        "numpy",
        "trimesh",
        "pyrender",
        "pillow",
        "scipy",
        "zlib",
        "deflate",
        "pycocotools",
        "scikit-image",
    ),
    quota_conditions=lambda params: params.quota_conditions(),
    label_set=scene_label_set,
)
