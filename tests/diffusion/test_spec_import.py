"""Importing the diffusion spec must not import torch or diffusers (CLI start-up stays fast)."""

from __future__ import annotations

import subprocess
import sys


def test_spec_import_pulls_no_heavy_library() -> None:
    code = (
        "import sys; import synthlab.generators.diffusion as d; "
        "heavy = [m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
