#!/usr/bin/env bash
# The scene benchmark on a lent GPU machine (the workplace's device tool), in one call.
#
# Prepare here, where the package registry and Debian's mirror are reachable (once; ~15 MB):
#     bash benchmarks/gpu_scene_check.sh --prepare
# downloads into .whl/ the Python 3.12 wheels the scene path needs that the GPU image lacks
# (synthlab itself, built from this checkout, so its entry points exist there), and into
# .gl/ the EGL loader packages (that image has NVIDIA's EGL driver but no libEGL.so.1). Then:
#     run(command="bash benchmarks/gpu_scene_check.sh", carry=[".whl", ".gl"], timeout_s=540)
# Results come back under $OUT: the OpenGL renderer that drew (it must name the GPU, not
# llvmpipe), images/s per worker count and the stage split, for the warehouse assets and
# for the first assets. Run without $OUT (here, say) it writes to /tmp/gpu-scene-check;
# COUNT and WORKERS change the images per run and the worker counts (a quick check here).
#
# PyOpenGL is 3.1.10 there, not the project's pinned 3.1.0: 3.1.0 fails on Python 3.12 at
# the first textured mesh (docs/scene.md). Physics (pybullet, ~100 MB of wheel) is left out.
set -u
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--prepare" ]; then
    rm -rf .whl .gl && mkdir -p .whl .gl
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
        --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 --platform manylinux_2_12_x86_64 \
        --platform manylinux1_x86_64 -d .whl \
        PyOpenGL==3.1.10 pyrender==0.1.45 "trimesh>=4,<6" deflate==0.9.0 pycocotools \
        freetype-py pyglet pydantic==2.14.4 pydantic-core==2.50.5 annotated-types \
        typing-inspection "typing-extensions>=4.16" "faker>=30,<41" || exit 1
    python3 -m pip wheel -q --no-deps --no-build-isolation -w .whl . || exit 1
    lists=/tmp/amd64-lists
    mkdir -p "$lists/partial"
    apt_opts=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
    apt-get "${apt_opts[@]}" update -qq || exit 1
    (cd .gl && apt-get "${apt_opts[@]}" download libegl1 libglvnd0 libopengl0 libgl1 \
        libglx0 libgles2) || exit 1
    du -sh .whl .gl
    exit 0
fi

OUT=${OUT:-/tmp/gpu-scene-check}
mkdir -p "$OUT"
for deb in .gl/*.deb; do
    [ -e "$deb" ] && dpkg -x "$deb" /
done
ldconfig 2>/dev/null
if compgen -G ".whl/*.whl" >/dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site
fi
vendor=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -e "$vendor" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$vendor
export PYOPENGL_PLATFORM=egl PYGLET_HEADLESS=1 PYTHONUNBUFFERED=1
{
    date -u
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1
    echo "cpus: $(nproc)"
    python3 -c "import OpenGL, synthlab; print('PyOpenGL', OpenGL.__version__, synthlab.__file__)"
} 2>&1 | tee "$OUT/machine.txt"
# the warehouse assets (the issue's benchmark), then the first assets; 400 images spread
# each worker's start-up (imports, EGL, first shader compiles) the way a real dataset does
for assets in new first; do
    timeout 240 python3 benchmarks/scene_throughput.py --assets "$assets" \
        --count "${COUNT:-400}" --workers "${WORKERS:-1,2,4,8}" 2>&1 | tee "$OUT/scene-$assets.txt"
done
