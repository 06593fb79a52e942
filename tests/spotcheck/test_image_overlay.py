"""Image overlays: camera-sized pictures as JPEG (fast, small), small ones as exact PNG,
and the report inlines either."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from synthlab.samples.image import ImageSample, ObjectLabel
from synthlab.spotcheck.overlays import draw
from synthlab.spotcheck.overlays.palette import color_for
from synthlab.spotcheck.report import overlay_html


def camera_sample(height: int, width: int, shift: int = 0) -> ImageSample:
    rng = np.random.default_rng(5)
    pixels = rng.integers(60, 120, size=(height, width, 3), dtype=np.uint8)
    instances = np.zeros((height, width), np.uint16)
    instances[100 + shift : 200 + shift, 100:300] = 7
    objects = (ObjectLabel(7, "pallet", (100, 100 + shift, 200, 100)),)
    return ImageSample(index=0, image=pixels, objects=objects, instance_mask=instances)


def test_camera_sized_overlay_is_a_deterministic_jpeg_with_the_mask_tinted() -> None:
    overlay = draw(camera_sample(480, 640))
    assert overlay.png is None and overlay.jpeg is not None
    assert overlay.jpeg == draw(camera_sample(480, 640)).jpeg
    assert overlay.jpeg != draw(camera_sample(480, 640, shift=3)).jpeg
    picture = np.asarray(Image.open(io.BytesIO(overlay.jpeg)).convert("RGB")).astype(int)
    assert picture.shape == (480, 640, 3)
    inside = picture[130:170, 150:250].mean(axis=(0, 1))
    outside = picture[300:400, 400:600].mean(axis=(0, 1))
    expected = outside * 0.55 + np.array(color_for("pallet")) * 0.45
    assert np.abs(inside - expected).max() < 6  # the tint, not the raw pixels


def test_small_overlay_stays_an_exact_png_and_the_report_inlines_both(tmp_path: Path) -> None:
    small = draw(ImageSample(index=0, image=np.full((30, 40, 3), 90, np.uint8)))
    assert small.png is not None and small.jpeg is None  # enlarged x11 to 440x330: PNG
    picture = np.asarray(Image.open(io.BytesIO(small.png)).convert("RGB"))
    assert picture.shape == (330, 440, 3) and (picture == 90).all()  # lossless
    large = draw(camera_sample(480, 640))
    assert large.jpeg is not None
    for name, data, mime in (
        ("a.png", small.png, "image/png"),
        ("b.jpg", large.jpeg, "image/jpeg"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert f'src="data:{mime};base64,' in overlay_html(path)
