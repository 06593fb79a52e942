"""The label pass's depth linearisation runs in place (no temporaries); its values must be
bit-identical to the textbook float32 expression it replaced, on rendered depth buffers
as well as on edge values (near plane, far plane, nothing hit)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pyrender")

from synthlab.generators.scene.readback import _linear_depth


class _Camera:
    def __init__(self, znear: float, zfar: float) -> None:
        self.znear, self.zfar = znear, zfar


def _reference(window: np.ndarray, camera: _Camera) -> np.ndarray:
    # the read-back before this change, kept verbatim as the oracle
    near, far = camera.znear, camera.zfar
    ndc = 2.0 * window - 1.0
    with np.errstate(divide="ignore"):
        metres = (2.0 * near * far) / (far + near - ndc * (far - near))
    metres[window == 1.0] = 0.0
    return metres


@pytest.mark.parametrize(("znear", "zfar"), [(0.05, 100.0), (0.1, 30.0), (0.01, 1000.0)])
def test_in_place_linear_depth_is_bit_identical(znear: float, zfar: float) -> None:
    rng = np.random.default_rng(7)
    window = rng.random((48, 64), dtype=np.float32)
    window[::5] = 1.0  # nothing hit
    window[1, :4] = (0.0, np.float32(1e-7), np.nextafter(np.float32(1), np.float32(0)), 0.5)
    flipped = window[::-1]  # the read-back hands over a flipped view, as here
    expected = _reference(flipped.copy(), _Camera(znear, zfar))
    got = _linear_depth(flipped.copy(), _Camera(znear, zfar))
    assert got.dtype == np.float32
    assert got.tobytes() == expected.tobytes()
    assert (got[flipped == 1.0] == 0.0).all()
    assert not np.array_equal(got, _linear_depth(flipped.copy(), _Camera(znear, zfar * 2)))


def test_rendered_label_buffers_match_the_old_read_back(tiny_recipe, tmp_path, monkeypatch):
    # whole samples (ids, depth, everything derived from them) through the generator, once
    # with the in-place linearisation and once with the old expression
    from synthlab.generators.base import GeneratorContext, SamplePlan
    from synthlab.generators.scene import SPEC, readback
    from synthlab.recipe import load_recipe
    from synthlab.seeding import sample_rng

    recipe = load_recipe(tiny_recipe(5))

    def samples() -> list:
        generator = SPEC.create()
        generator.setup(recipe.generator.params, GeneratorContext(tmp_path, 5, 4))
        try:
            return [generator.generate(i, sample_rng(5, i), SamplePlan(i)) for i in range(4)]
        finally:
            generator.close()

    new = samples()
    monkeypatch.setattr(readback, "_linear_depth", _reference)
    old = samples()
    for a, b in zip(new, old, strict=True):
        assert a.depth.tobytes() == b.depth.tobytes()
        assert a.instance_mask.tobytes() == b.instance_mask.tobytes()
        assert a.image.tobytes() == b.image.tobytes()
        assert (a.depth > 0).any()
    assert new[0].depth.tobytes() != new[1].depth.tobytes()
