"""The user's files a text recipe reads, for the manifest's provenance (`input_files`).

Labelled sentence files, word lists (`{file: ...}`), CSV columns (`{csv: ...}`), template
files, synonym files and a `tokenizer: hf` folder's files, each resolved and contained in
the recipe's folder exactly as a run reads it.
Synthlab's own `asset:` files are left out: they are versioned with synthlab itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthlab.generators.text.hf_tokens import tokenizer_files
from synthlab.generators.text.labelled_source import labelled_input_files
from synthlab.generators.text.sources import CsvSource, FileSource
from synthlab.recipe.files import ASSET_PREFIX, resolve_recipe_file

__all__ = ["user_text_files"]


def user_text_files(params: Any, base_dir: Path) -> list[Path]:
    named: list[tuple[str, str]] = [("template file", path) for path in params.template_files]
    named += [("synonym file", path) for path in params.synonym_files]
    for source in params.values.values():
        if isinstance(source, FileSource):
            named.append(("word list", source.file))
        elif isinstance(source, CsvSource):
            named.append(("CSV file", source.csv))
    found = [
        resolve_recipe_file(base_dir, relpath, what=what, allow_assets=False)
        for what, relpath in named
        if not relpath.startswith(ASSET_PREFIX)
    ]
    # the tokenizer folder a `tokenizer: hf` recipe names (its files decide the tokens)
    return found + labelled_input_files(params, base_dir) + tokenizer_files(params, base_dir)
