"""Run-length encodings of all instances at once equal pycocotools' own, one mask at a time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from synthlab.exporters.image.rle import instance_rles

pytestmark = pytest.mark.scene
coco_mask = pytest.importorskip("pycocotools.mask")


def _expected(instance: np.ndarray, ident: int) -> tuple[dict, int]:
    mask = np.asfortranarray((instance == ident).astype(np.uint8))
    encoded = coco_mask.encode(mask)
    rle = {"size": [int(v) for v in encoded["size"]], "counts": encoded["counts"].decode()}
    return rle, int(mask.sum())


@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.uint16,
        st.tuples(st.integers(1, 12), st.integers(1, 12)),
        elements=st.integers(0, 4),
    )
)
def test_every_instance_matches_pycocotools(instance):
    found = instance_rles(instance, range(6))
    for ident in range(6):
        if (instance == ident).any():
            assert found[ident] == _expected(instance, ident)
        else:
            assert ident not in found


def test_masks_touching_the_first_and_last_pixel_and_wrapping_columns():
    instance = np.zeros((480, 640), np.uint16)
    instance[0, 0] = 1  # first pixel
    instance[-1, -1] = 1  # last pixel
    instance[400:, 10] = 2  # runs down the bottom of one column ...
    instance[:50, 11] = 2  # ... and on at the top of the next
    instance[100:200, 300:420] = 3
    instance[:, 500:] = 4
    found = instance_rles(instance, [1, 2, 3, 4, 5])
    assert sorted(found) == [1, 2, 3, 4]
    for ident in found:
        assert found[ident] == _expected(instance, ident)
