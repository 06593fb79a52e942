"""The image exporters' own PNG writer: lossless for every array kind it writes, and the
bytes are a function of the pixels alone."""

from __future__ import annotations

import numpy as np
import pytest

from synthlab.exporters.image.encode import decode_png, encode_png


@pytest.mark.parametrize(
    ("shape", "dtype"),
    [((7, 5), np.uint16), ((7, 5, 3), np.uint8), ((7, 5), np.uint8), ((1, 1), np.uint16)],
)
def test_png_round_trips_exactly(shape, dtype):
    rng = np.random.default_rng(3)
    array = rng.integers(0, np.iinfo(dtype).max + 1, shape, dtype=dtype)
    back = decode_png(encode_png(array))
    assert back.dtype == dtype
    np.testing.assert_array_equal(back, array)
    assert encode_png(array.copy()) == encode_png(array)


def test_png_rejects_shapes_it_cannot_write():
    with pytest.raises(ValueError, match="single-channel"):
        encode_png(np.zeros((2, 2, 3), np.uint16))
    with pytest.raises(ValueError, match="grey or RGB"):
        encode_png(np.zeros((2, 2, 4), np.uint8))


def test_rgb_photo_through_libdeflate_decodes_to_the_same_pixels():
    # a real photograph (scikit-image ships it), large enough for libdeflate's matches and
    # long runs; Pillow (zlib's inflate) reads the stream back pixel for pixel
    from skimage import data

    photo = np.ascontiguousarray(data.astronaut()[:, :300])
    encoded = encode_png(photo)
    np.testing.assert_array_equal(decode_png(encoded), photo)
    assert encode_png(photo.copy()) == encoded
    assert encode_png(photo[::-1].copy()) != encoded
    # the 16-bit and grey arrays stay on zlib: their bytes are zlib's level-1 stream
    import zlib

    grey = photo[..., 0].copy()
    idat = encode_png(grey)[8 + 25 + 8 : -12 - 4]
    rows = np.concatenate([np.zeros((grey.shape[0], 1), np.uint8), grey], axis=1)
    assert idat == zlib.compress(rows.tobytes(), 1)
