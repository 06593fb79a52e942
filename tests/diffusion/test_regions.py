"""Property tests of region planning and compositing (no model needed)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from synthlab.generators.diffusion.inpaint import composite, plan_region
from synthlab.generators.diffusion.params import RegionParams

fractions = st.floats(min_value=0.01, max_value=1.0)


@settings(max_examples=150, deadline=None)
@given(
    shape=st.sampled_from(["box", "ellipse"]),
    fw=fractions,
    fh=fractions,
    width=st.integers(8, 96).map(lambda n: n // 8 * 8),
    height=st.integers(8, 96).map(lambda n: n // 8 * 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_region_is_inside_and_its_box_is_tight(
    shape: str, fw: float, fh: float, width: int, height: int, seed: int
) -> None:
    params = RegionParams.model_validate({"shape": shape, "width": fw, "height": fh})
    region = plan_region(params, np.random.default_rng(seed), width, height)
    assert region.mask.shape == (height, width) and region.mask.any()
    ys, xs = np.nonzero(region.mask)
    x, y, w, h = region.bbox
    assert (x, y) == (xs.min(), ys.min()) and (x + w, y + h) == (xs.max() + 1, ys.max() + 1)
    assert w <= max(1, round(fw * width)) and h <= max(1, round(fh * height))
    if shape == "box":
        assert region.mask.sum() == w * h


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_composite_keeps_every_outside_pixel(seed: int) -> None:
    rng = np.random.default_rng(seed)
    background = rng.integers(0, 256, (16, 24, 3), dtype=np.uint8)
    generated = rng.integers(0, 256, (16, 24, 3), dtype=np.uint8)
    mask = rng.random((16, 24)) < 0.3
    out = composite(generated, background, mask)
    assert np.array_equal(out[~mask], background[~mask])
    assert np.array_equal(out[mask], generated[mask])
