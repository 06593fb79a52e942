"""PNG bytes depend on the runtime zlib: image generators record it, and verify says so."""

from __future__ import annotations

import zlib
from importlib.metadata import version

from synthlab.engine.verify import library_mismatches
from synthlab.generators.diffusion import SPEC as DIFFUSION
from synthlab.generators.scene import SPEC as SCENE


def test_image_generators_record_the_runtime_zlib() -> None:
    for spec in (SCENE, DIFFUSION):
        assert spec.library_versions()["zlib"] == zlib.ZLIB_RUNTIME_VERSION
        # libdeflate writes their RGB images: its package version decides those bytes
        assert spec.library_versions()["deflate"] == version("deflate")


def test_verify_warns_when_the_recorded_zlib_differs() -> None:
    recorded = {**SCENE.library_versions(), "zlib": "0.0.1"}
    manifest = {"generator": {"kind": "scene"}, "libraries": recorded}
    (warning,) = library_mismatches(manifest)
    assert warning.startswith(f"zlib {zlib.ZLIB_RUNTIME_VERSION} is installed")
    assert "with zlib 0.0.1" in warning
    assert library_mismatches({**manifest, "libraries": SCENE.library_versions()}) == []
