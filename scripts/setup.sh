#!/usr/bin/env bash
# Set up synthlab on a fresh Debian machine: system libraries, a virtualenv in .venv, and
# the package with every extra. Safe to run again (it only installs what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    # headless OpenGL for pyrender: EGL on Mesa's llvmpipe software renderer
    libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libgles2
    # the review page's browser test drives Debian's chromium
    chromium chromium-driver
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# torch first and pinned exactly: any looser spec pulls several GB of CUDA wheels
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".[scene,diffusion,ray,text,fidelity,dev]"
# ultralytics, only to check that the YOLO export loads in it (tests/core/test_yolo_ultralytics.py):
# without its dependencies, which would replace the pinned torch and add a torchvision that
# does not import beside it; what reading a dataset needs is listed by hand
.venv/bin/python -m pip install -q opencv-python-headless psutil requests
.venv/bin/python -m pip install -q --no-deps "ultralytics==8.4.190"
# sktime only for the real smartwatch recordings its wheel ships (BasicMotions, read by
# tests/timeseries/realdata.py); no deps: they would move numpy, pandas and scikit-learn
.venv/bin/pip install --no-deps sktime==1.2.0
# tests/core/test_wheel_install.py builds synthlab's wheel offline, with this setuptools
.venv/bin/python -m pip install -q "setuptools>=77"

# Label Studio for tests/labelstudio (a real server that imports synthlab's tasks), in a
# virtualenv of its own: it pins many libraries of its own. Its database schema is built once
# here into a template (the migrations take minutes), which each test session copies.
LABEL_STUDIO_VERSION="1.23.2"
if ! .venv-labelstudio/bin/python -c "import importlib.metadata as m, sys; \
sys.exit(m.version('label-studio') != '$LABEL_STUDIO_VERSION')" 2>/dev/null; then
    python3 -m venv .venv-labelstudio
    .venv-labelstudio/bin/python -m pip install -q --upgrade pip
    .venv-labelstudio/bin/python -m pip install -q "label-studio==$LABEL_STUDIO_VERSION"
    rm -rf .venv-labelstudio/template
fi
if [ ! -f .venv-labelstudio/template/label_studio.sqlite3 ]; then
    echo "setup: building Label Studio's database template (a few minutes)"
    rm -rf .venv-labelstudio/template.partial
    LABEL_STUDIO_BASE_DATA_DIR="$PWD/.venv-labelstudio/template.partial" LATEST_VERSION_CHECK=false \
        SENTRY_DSN= FRONTEND_SENTRY_DSN= .venv-labelstudio/bin/label-studio version \
        >.venv-labelstudio/template.log 2>&1 || { tail -30 .venv-labelstudio/template.log; exit 1; }
    mv .venv-labelstudio/template.partial .venv-labelstudio/template
fi

echo "setup: ready ($(.venv/bin/synthlab --version))"
