"""Templates paraphrased by a small local model (transformers), once, when the run sets up.

Each template's placeholders and groups (`{{name:LABEL}}`, `[[...]]`, synonym sets) are
masked to sentinel tokens (`<extra_id_0>`, ... : T5's own), the model rewrites the rest,
and an output is kept only when every sentinel comes back exactly once (then each is
replaced by what it masked, so entities and grammar stay exactly as written), it parses as
a template and it differs from the template and from the paraphrases kept before it.
Anything else is rejected and the next attempt tried; a template whose attempts all fail
keeps no paraphrase (the template itself is always kept).

Deterministic: each attempt's sampling is seeded from (recipe seed, template id, attempt)
and runs on the CPU with one thread (a matrix product's sum order depends on the thread
count); `sample: false` decodes greedily. Paraphrases are made once per process and kept
(`_CACHE`), never per sample, so they cost nothing while samples are made. Never
downloads: the model is a local folder read with `local_files_only`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from synthlab.recipe.model import RecipeModel

__all__ = ["ParaphraseError", "ParaphraseParams", "mask_template", "paraphrase_templates"]


class ParaphraseParams(RecipeModel):
    model: str = Field(
        min_length=1, description="a local folder holding a transformers model and tokenizer"
    )
    variants: int = Field(default=2, ge=1, le=16, description="paraphrases kept per template")
    attempts: int = Field(default=8, ge=1, le=64, description="generations tried per template")
    prompt: str = Field(default="paraphrase: ", description="text put before the template")
    sentinel: str = Field(
        default="<extra_id_{n}>", description="what a masked part becomes; {n} is its number"
    )
    sample: bool = Field(default=True, description="seeded sampling (false: greedy decoding)")
    temperature: float = Field(default=1.0, gt=0, le=10)
    top_p: float = Field(default=0.95, gt=0, le=1)
    max_new_tokens: int = Field(default=64, ge=1, le=512)
    weight: float = Field(
        default=1.0, gt=0, description="a paraphrase's weight, times its template's"
    )
    templates: tuple[str, ...] = Field(
        default=(), description="ids of the templates to paraphrase (none given: all)"
    )

    @field_validator("sentinel")
    @classmethod
    def _numbered(cls, sentinel: str) -> str:
        if sentinel.count("{n}") != 1:
            raise ValueError("the sentinel must hold {n} once, e.g. <extra_id_{n}>")
        return sentinel


class ParaphraseError(ValueError):
    """The paraphrase model cannot be used (missing, not a model, unsupported)."""


def mask_template(text: str, sentinel: str) -> tuple[str, list[str]]:
    """`text` with each top-level placeholder and group replaced by a numbered sentinel,
    and the parts replaced, in order."""
    out: list[str] = []
    masked: list[str] = []
    position = 0
    while position < len(text):
        if text[position] == "\\" and position + 1 < len(text):
            out.append(text[position : position + 2])
            position += 2
        elif text.startswith("{{", position):
            end = text.find("}}", position)
            end = len(text) if end < 0 else end + 2
            out.append(sentinel.replace("{n}", str(len(masked))))
            masked.append(text[position:end])
            position = end
        elif text.startswith("[[", position):
            end = _group_end(text, position)
            out.append(sentinel.replace("{n}", str(len(masked))))
            masked.append(text[position:end])
            position = end
        else:
            out.append(text[position])
            position += 1
    return "".join(out), masked


def _group_end(text: str, start: int) -> int:
    """The index after the `]]` that closes the group opening at `start`."""
    depth = 0
    position = start
    while position < len(text):
        if text[position] == "\\":
            position += 2
        elif text.startswith("[[", position):
            depth += 1
            position += 2
        elif text.startswith("]]", position):
            depth -= 1
            position += 2
            if depth == 0:
                return position
        else:
            position += 1
    return len(text)


_SPECIAL = re.compile(r"([{}\[\]|\\])")


def unmask(output: str, masked: Sequence[str], sentinel: str) -> str | None:
    """The template an output stands for, or None when a sentinel is lost or repeated.
    The model's own text is escaped, so it can never become template syntax."""
    pattern = re.compile(re.escape(sentinel).replace(re.escape("{n}"), r"(\d+)"))
    found = [int(m.group(1)) for m in pattern.finditer(output)]
    if sorted(found) != list(range(len(masked))):
        return None
    pieces: list[str] = []
    at = 0
    for match in pattern.finditer(output):
        pieces.append(_SPECIAL.sub(r"\\\1", output[at : match.start()]))
        pieces.append(masked[int(match.group(1))])
        at = match.end()
    pieces.append(_SPECIAL.sub(r"\\\1", output[at:]))
    return " ".join("".join(pieces).split())  # the model's spacing, tidied


# (model folder, settings, seed, template texts) -> paraphrases: made once per process
_CACHE: dict[tuple[Any, ...], list[tuple[str, str]]] = {}


def paraphrase_templates(
    specs: Sequence[Any], settings: ParaphraseParams, base_dir: Path, seed: int, accept: Any
) -> list[tuple[str, str]]:
    """(template id, paraphrased text) pairs, up to `variants` per template, in template
    order. `accept(template_id, text)` says whether a candidate is a valid template."""
    folder = model_folder(settings.model, base_dir)
    chosen = [s for s in specs if not settings.templates or s.id in settings.templates]
    key = (
        str(folder),
        settings.model_dump_json(),
        seed,
        tuple((s.id, s.text) for s in chosen),
    )
    if key not in _CACHE:
        model = _Model(folder, settings)
        made: list[tuple[str, str]] = []
        for spec in chosen:
            made += [(spec.id, text) for text in _paraphrases(model, spec, settings, seed, accept)]
        _CACHE[key] = made
    return list(_CACHE[key])


def _paraphrases(
    model: _Model, spec: Any, settings: ParaphraseParams, seed: int, accept: Any
) -> list[str]:
    masked_text, masked = mask_template(spec.text, settings.sentinel)
    original = " ".join(spec.text.split())
    kept: list[str] = []
    attempts = settings.attempts if settings.sample else 1
    for attempt in range(attempts):
        output = model.generate(
            settings.prompt + masked_text, _attempt_seed(seed, spec.id, attempt)
        )
        candidate = unmask(output, masked, settings.sentinel)
        if candidate is None or candidate == original or candidate in kept:
            continue
        if not accept(f"{spec.id}~p{len(kept) + 1}", candidate):
            continue
        kept.append(candidate)
        if len(kept) == settings.variants:
            break
    return kept


def _attempt_seed(seed: int, template_id: str, attempt: int) -> int:
    digest = hashlib.sha256(f"paraphrase\0{seed}\0{template_id}\0{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def model_folder(model: str, base_dir: Path) -> Path:
    """The model's folder (recipe-relative or absolute), or ParaphraseError saying why not."""
    folder = Path(model).expanduser()
    if not folder.is_absolute():
        folder = base_dir / folder
    if not folder.is_dir():
        raise ParaphraseError(
            f"paraphrase model {model!r}: no folder {folder} (give a local folder saved with "
            "save_pretrained; synthlab never downloads models)"
        )
    if not (folder / "config.json").is_file():
        raise ParaphraseError(
            f"paraphrase model {model!r}: {folder} holds no config.json, so it is not a "
            "transformers model folder"
        )
    return folder


class _Model:
    """A seq2seq or causal language model and its tokenizer, on the CPU."""

    def __init__(self, folder: Path, settings: ParaphraseParams):
        try:
            import torch
            from transformers import (
                AutoConfig,
                AutoModelForCausalLM,
                AutoModelForSeq2SeqLM,
                AutoTokenizer,
            )
        except ImportError as error:
            raise ParaphraseError(
                f"paraphrasing needs torch and transformers ({error}); "
                'pip install "synthlab[diffusion]"'
            ) from None
        self.torch = torch
        self.settings = settings
        try:
            config = AutoConfig.from_pretrained(folder, local_files_only=True)
            self.seq2seq = bool(getattr(config, "is_encoder_decoder", False))
            kind = AutoModelForSeq2SeqLM if self.seq2seq else AutoModelForCausalLM
            self.model = kind.from_pretrained(folder, local_files_only=True).eval()
            self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        except (OSError, ValueError, KeyError) as error:
            first = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            raise ParaphraseError(
                f"paraphrase model {folder}: not a seq2seq or causal language model with a "
                f"tokenizer that transformers can load ({first})"
            ) from None
        sentinel = re.escape(settings.sentinel).replace(re.escape("{n}"), r"\d+")
        self.keep = re.compile(sentinel)
        self.drop = [
            token
            for token in self.tokenizer.all_special_tokens
            if token and not self.keep.fullmatch(token)
        ]

    def generate(self, prompt: str, seed: int) -> str:
        torch = self.torch
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with torch.random.fork_rng(devices=[]), torch.no_grad():
                torch.manual_seed(seed)
                inputs = self.tokenizer(
                    prompt + ("" if self.seq2seq else "\n"), return_tensors="pt"
                )
                options: dict[str, Any] = {
                    "max_new_tokens": self.settings.max_new_tokens,
                    "do_sample": self.settings.sample,
                }
                if self.settings.sample:
                    options.update(temperature=self.settings.temperature, top_p=self.settings.top_p)
                pad = self.tokenizer.pad_token_id
                if pad is None:
                    pad = self.tokenizer.eos_token_id
                ids = self.model.generate(**inputs, **options, pad_token_id=pad)[0]
        finally:
            torch.set_num_threads(threads)
        if not self.seq2seq:
            ids = ids[inputs["input_ids"].shape[1] :]
        decoded = self.tokenizer.decode(
            ids, skip_special_tokens=False, clean_up_tokenization_spaces=False
        )
        text = str(decoded)
        for token in self.drop:
            text = text.replace(token, " ")
        return text.split("\n")[0] if not self.seq2seq else text
