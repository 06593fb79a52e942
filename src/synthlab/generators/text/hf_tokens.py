"""`tokenizer: hf`: the words a Hugging Face fast tokenizer splits a text into, so that every
entity sits on that tokenizer's word (and so token) boundaries.

A token-classification model is trained on words and their tags: the learner calls
`tokenizer(words, is_split_into_words=True)` and gives each sub-word token the tag of its
word through `word_ids()` (the recipe in the transformers docs). The words written here
are the tokenizer's own: the text is encoded once with offsets, and the tokens sharing a
word id are one word. An entity edge inside one of them is a word the learner could not
label: the generator inserts a space there (as for spaCy, `tokenize.separate_spans`) or
refuses, naming the template.

Only fast tokenizers (Rust, with offsets and word ids); loaded with `local_files_only=True`
so nothing is ever downloaded at run time. `tokenizer_name` is a folder inside the recipe's
folder (`save_pretrained` output) or a name already in the local Hugging Face cache.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthlab.errors import RuntimeFailure

__all__ = ["hf_word_offsets", "load_fast_tokenizer", "tokenizer_files"]

Offsets = list[tuple[int, int]]


def load_fast_tokenizer(name: str, base_dir: Path) -> Any:
    """The fast tokenizer `name`: a folder relative to the recipe's (kept inside it), or a
    name in the local cache. A clear error when it is not there offline or not fast."""
    local = (base_dir / name).resolve()
    source = name
    if local.exists():
        if not local.is_relative_to(base_dir.resolve()):
            raise RuntimeFailure(
                f"tokenizer_name {name!r} lies outside the recipe's folder {base_dir}; "
                "put the tokenizer's folder next to the recipe"
            )
        source = str(local)
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise RuntimeFailure(
            "tokenizer: hf needs transformers; run: pip install transformers"
        ) from None
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
    except (OSError, ValueError) as error:
        raise RuntimeFailure(
            f"tokenizer_name {name!r} is not available offline (no folder of that name next "
            "to the recipe and not in the local Hugging Face cache; synthlab never downloads "
            "at run time). Save it once with AutoTokenizer.from_pretrained(...)"
            f".save_pretrained('<folder next to the recipe>'). ({type(error).__name__})"
        ) from None
    if not getattr(tokenizer, "is_fast", False):
        raise RuntimeFailure(
            f"tokenizer_name {name!r} is a slow (Python) tokenizer; tokenizer: hf needs a fast "
            "one, which gives offsets and word ids"
        )
    return tokenizer


def hf_word_offsets(tokenizer: Any) -> Callable[[str], Offsets]:
    """text -> (start, end) of each of the tokenizer's words, in order; whitespace a
    byte-level tokenizer counts into a token's offsets is left out."""

    def words(text: str) -> Offsets:
        encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        found: Offsets = []
        last = None
        for word, (start, end) in zip(encoding.word_ids(), encoding["offset_mapping"], strict=True):
            if word is None:
                continue
            while start < end and text[start].isspace():
                start += 1
            if start >= end:
                continue
            if word == last and found:
                found[-1] = (found[-1][0], max(found[-1][1], end))
            else:
                found.append((start, end))
            last = word
        return found

    return words


def tokenizer_files(params: Any, base_dir: Path) -> list[Path]:
    """The files of a `tokenizer: hf` folder next to the recipe, for the manifest's inputs
    (a tokenizer from the cache is not the recipe's file: none)."""
    if getattr(params, "tokenizer", None) != "hf" or not params.tokenizer_name:
        return []
    folder = (base_dir / params.tokenizer_name).resolve()
    if not folder.is_dir() or not folder.is_relative_to(base_dir.resolve()):
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
