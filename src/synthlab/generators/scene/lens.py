"""Lens distortion (Brown-Conrady, OpenCV's k1 k2 p1 p2) applied to a pinhole render and
to every label with the same model, so labels stay exact in the distorted image.

The scene is rendered through the pinhole intrinsics `K` (the "ideal" frame). The output
camera has the same principal point and a focal length scaled by `zoom` >= 1, chosen so that
every output pixel looks at a point inside the ideal frame (OpenCV's `alpha=0` crop): no
output pixel is made up. A normalised ideal point (x, y) lands at

    r2 = x^2 + y^2
    xd = x (1 + k1 r2 + k2 r2^2) + 2 p1 x y + p2 (r2 + 2 x^2)
    yd = y (1 + k1 r2 + k2 r2^2) + p1 (r2 + 2 y^2) + 2 p2 x y

and at output pixel (fx' xd + cx, fy' yd + cy). Images are resampled through the inverse
of this map (solved per output pixel by fixed-point iteration, as OpenCV's undistortPoints
does): colour bilinearly, instance ids and depth by nearest neighbour, so a warped mask
holds only ids and depths that were rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from synthlab.errors import RuntimeFailure

__all__ = ["Lens", "make_lens"]

_ITERATIONS = 20  # fixed-point steps of the inverse; converges to < 1e-6 px for |k1| <= 0.5


def _distort(x: np.ndarray, y: np.ndarray, k: tuple[float, float, float, float]):  # type: ignore[no-untyped-def]
    k1, k2, p1, p2 = k
    r2 = x * x + y * y
    radial = 1 + k1 * r2 + k2 * r2 * r2
    xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
    yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
    return xd, yd


def _undistort(xd: np.ndarray, yd: np.ndarray, k: tuple[float, float, float, float]):  # type: ignore[no-untyped-def]
    k1, k2, p1, p2 = k
    if p1 == 0 and p2 == 0:
        return _undistort_radial(xd, yd, k1, k2)
    x, y = xd.copy(), yd.copy()
    for _ in range(_ITERATIONS):
        r2 = x * x + y * y
        radial = 1 + k1 * r2 + k2 * r2 * r2
        x = (xd - (2 * p1 * x * y + p2 * (r2 + 2 * x * x))) / radial
        y = (yd - (p1 * (r2 + 2 * y * y) + 2 * p2 * x * y)) / radial
    return x, y


def _undistort_radial(xd: np.ndarray, yd: np.ndarray, k1: float, k2: float):  # type: ignore[no-untyped-def]
    """`_undistort` for a lens without tangential terms (p1 = p2 = 0; the default lens
    draws both, so a recipe asks for this with `p1: 0, p2: 0`): those terms are exactly
    +0.0 there, so `xd - (...)` is `xd` bit for bit and the same steps without them, in
    place, give the same bits in a third of the time (tests/scene/test_lens_radial.py).
    Evaluating the general iteration in place, or in cache-sized blocks, was measured and
    gains nothing: it is bound by its arithmetic (divisions), not by memory."""
    x, y = xd.copy(), yd.copy()
    r2, radial, scratch = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    for _ in range(_ITERATIONS):
        np.multiply(x, x, out=r2)
        np.multiply(y, y, out=scratch)
        r2 += scratch  # x * x + y * y
        np.multiply(r2, k1, out=radial)
        radial += 1  # 1 + k1 * r2
        np.multiply(r2, k2, out=scratch)
        scratch *= r2
        radial += scratch  # 1 + k1 * r2 + k2 * r2 * r2, added in that order
        np.divide(xd, radial, out=x)
        np.divide(yd, radial, out=y)
    return x, y


@dataclass(eq=False)
class Lens:
    coefficients: tuple[float, float, float, float]  # k1 k2 p1 p2
    K: np.ndarray  # ideal (render) intrinsics
    K_out: np.ndarray  # output intrinsics: K with the focal lengths times `zoom`
    width: int
    height: int
    fold_radius: float = np.inf  # normalised radius where the radial map stops increasing
    _source: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def zoom(self) -> float:
        return float(self.K_out[0, 0] / self.K[0, 0])

    def distort_pixels(self, pixels: np.ndarray) -> np.ndarray:
        """Nx2 ideal pixel coordinates (pixel edges, origin top-left) -> output pixels.
        Beyond the radius where the polynomial turns back (far outside the image; only
        amodal boxes and off-image keypoints get there), a point moves on outward in
        proportion, so off-image points never fold back into the picture."""
        K, Ko = self.K, self.K_out
        x = (pixels[:, 0] - K[0, 2]) / K[0, 0]
        y = (pixels[:, 1] - K[1, 2]) / K[1, 1]
        radius = np.hypot(x, y)
        beyond = radius > self.fold_radius
        scale = np.where(beyond, radius / self.fold_radius, 1.0)
        xd, yd = _distort(x / scale, y / scale, self.coefficients)
        xd, yd = xd * scale, yd * scale
        return np.stack([xd * Ko[0, 0] + Ko[0, 2], yd * Ko[1, 1] + Ko[1, 2]], axis=1)

    def source_pixels(self, pixels: np.ndarray) -> np.ndarray:
        """Nx2 output pixel coordinates -> the ideal pixels they show (the inverse map)."""
        K, Ko = self.K, self.K_out
        xd = (pixels[:, 0] - Ko[0, 2]) / Ko[0, 0]
        yd = (pixels[:, 1] - Ko[1, 2]) / Ko[1, 1]
        x, y = _undistort(xd, yd, self.coefficients)
        return np.stack([x * K[0, 0] + K[0, 2], y * K[1, 1] + K[1, 2]], axis=1)

    def _map(self) -> tuple[np.ndarray, np.ndarray]:
        if self._source is None:
            if self._mirrored():
                x, y = self._ideal_by_quadrant()
                K = self.K
                # the last steps of `source_pixels`, then to array index coordinates
                self._source = (y * K[1, 1] + K[1, 2] - 0.5, x * K[0, 0] + K[0, 2] - 0.5)
                return self._source
            rows, cols = np.mgrid[0 : self.height, 0 : self.width]
            centres = np.stack([cols.ravel() + 0.5, rows.ravel() + 0.5], axis=1)
            source = self.source_pixels(centres) - 0.5  # to array index coordinates
            shape = (self.height, self.width)
            self._source = (source[:, 1].reshape(shape), source[:, 0].reshape(shape))
        return self._source

    def _mirrored(self) -> bool:
        """Is the inverse map mirror-symmetric bit for bit? With no tangential terms and the
        principal point at the frame's centre, the normalised coordinates of mirrored pixel
        centres are exact negatives, and so are the points the iteration finds for them."""
        _, _, p1, p2 = self.coefficients
        return (
            p1 == 0
            and p2 == 0
            and self.K_out[0, 2] * 2 == self.width
            and self.K_out[1, 2] * 2 == self.height
        )

    def _ideal_by_quadrant(self) -> tuple[np.ndarray, np.ndarray]:
        """The normalised ideal point (x, y) of every output pixel centre, solved for the
        top-left quadrant (a middle row and column included) and mirrored: a quarter of the
        iteration's work, the same bits as solving every pixel."""
        height, width, Ko = self.height, self.width, self.K_out
        rows_q, cols_q = (height + 1) // 2, (width + 1) // 2
        cols = np.arange(cols_q) + 0.5
        rows = np.arange(rows_q) + 0.5
        xd = np.broadcast_to((cols - Ko[0, 2]) / Ko[0, 0], (rows_q, cols_q)).copy()
        yd = np.broadcast_to(((rows - Ko[1, 2]) / Ko[1, 1])[:, None], (rows_q, cols_q)).copy()
        x_q, y_q = _undistort_radial(xd, yd, self.coefficients[0], self.coefficients[1])
        x, y = np.empty((height, width)), np.empty((height, width))
        # mirrored parts first, then the solved quadrant, so a middle column or row keeps
        # its own +0.0 rather than the mirror's -0.0 (which the affine step maps alike)
        x[:rows_q, width - cols_q :] = -x_q[:, ::-1]
        x[:rows_q, :cols_q] = x_q
        y[:rows_q, width - cols_q :] = y_q[:, ::-1]
        y[:rows_q, :cols_q] = y_q
        x[height - rows_q :] = x[:rows_q][::-1]
        y_top = y[:rows_q].copy()
        y[height - rows_q :] = -y_top[::-1]
        y[:rows_q] = y_top
        return x, y

    def warp(self, array: np.ndarray, nearest: bool) -> np.ndarray:
        """Resample an HxW or HxWxC ideal-frame array into the output frame. `nearest` keeps
        values as rendered (ids, depth); otherwise colour is interpolated bilinearly."""
        rows, cols = self._map()
        if nearest:  # plain indexing: exact values, no interpolation at all
            r = np.clip(np.floor(rows + 0.5).astype(np.intp), 0, self.height - 1)
            c = np.clip(np.floor(cols + 0.5).astype(np.intp), 0, self.width - 1)
            return array[r, c]
        coords = np.stack([rows, cols])
        if array.ndim == 2:
            sampled: np.ndarray = ndimage.map_coordinates(array, coords, order=1, mode="nearest")
            return sampled
        channels = [
            ndimage.map_coordinates(array[..., i], coords, order=1, mode="nearest")
            for i in range(array.shape[2])
        ]
        return np.stack(channels, axis=-1)

    def describe(self) -> dict[str, object]:
        k1, k2, p1, p2 = self.coefficients
        return {
            "model": "brown-conrady (OpenCV k1 k2 p1 p2, k3 = 0)",
            "coefficients": {"k1": k1, "k2": k2, "p1": p1, "p2": p2},
            "render_K": self.K.round(9).tolist(),
        }


def _corner_radius(K: np.ndarray, width: int, height: int) -> float:
    xs = np.array([0.0, width]) - K[0, 2]
    ys = np.array([0.0, height]) - K[1, 2]
    return float(np.hypot(np.abs(xs).max() / K[0, 0], np.abs(ys).max() / K[1, 1]))


def make_lens(
    coefficients: tuple[float, float, float, float], K: np.ndarray, width: int, height: int
) -> Lens | None:
    """The lens for one image, or None when every coefficient is 0 (a pinhole: nothing is
    resampled, so the image and labels are byte for byte the undistorted ones)."""
    if not any(coefficients):
        return None
    k1, k2, _, _ = coefficients
    # the radial map must keep increasing out to the frame's corner, or the image folds
    radius = _corner_radius(K, width, height)
    r = np.linspace(0.0, 4 * radius, 2048)
    slope = 1 + 3 * k1 * r**2 + 5 * k2 * r**4
    turning = np.flatnonzero(slope <= 0.05)
    fold_radius = float(r[turning[0]]) if turning.size else np.inf
    if fold_radius <= radius:
        raise RuntimeFailure(
            f"lens k1={k1:.4g} k2={k2:.4g} folds the image at this field of view "
            f"(normalised corner radius {radius:.3g}); narrow the field of view "
            "or the distortion range"
        )
    # smallest zoom that keeps every output border pixel's source inside the ideal frame
    edge = np.concatenate(
        [
            np.stack([np.linspace(0, width, 257), np.full(257, y)], axis=1)
            for y in (0.0, float(height))
        ]
        + [
            np.stack([np.full(257, x), np.linspace(0, height, 257)], axis=1)
            for x in (0.0, float(width))
        ]
    )

    def fits(zoom: float) -> bool:
        K_out = K.copy()
        K_out[0, 0] *= zoom
        K_out[1, 1] *= zoom
        source = Lens(coefficients, K, K_out, width, height, fold_radius).source_pixels(edge)
        return bool(
            np.all(source[:, 0] >= -1e-6)
            and np.all(source[:, 0] <= width + 1e-6)
            and np.all(source[:, 1] >= -1e-6)
            and np.all(source[:, 1] <= height + 1e-6)
        )

    low, high = 1.0, 1.0
    while not fits(high):
        low, high = high, high * 1.25
        if high > 8:
            raise RuntimeFailure(
                f"lens k1={k1:.4g} k2={k2:.4g} needs a crop over 8x; lower the distortion"
            )
    if high > 1.0:
        for _ in range(30):
            mid = (low + high) / 2
            low, high = (low, mid) if fits(mid) else (mid, high)
    K_out = K.copy()
    K_out[0, 0] *= high
    K_out[1, 1] *= high
    drawn = (
        float(coefficients[0]),
        float(coefficients[1]),
        float(coefficients[2]),
        float(coefficients[3]),
    )
    return Lens(drawn, K, K_out, width, height, fold_radius)
