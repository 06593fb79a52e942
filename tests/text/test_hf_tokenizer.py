"""`tokenizer: hf`: spans on a Hugging Face fast tokenizer's word and token boundaries, with
a tokenizer each test builds itself (a tiny WordPiece trained on the test's own sentences
with the `tokenizers` library, wrapped in transformers' PreTrainedTokenizerFast and saved
next to the recipe). The HF export's words are the learner's: encoded with
`is_split_into_words=True` they give the same tokens as the raw text, and their tags follow
the word ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("tokenizers")
transformers = pytest.importorskip("transformers")

from tokenizers import Tokenizer, models, pre_tokenizers, trainers  # noqa: E402

from synthlab.errors import RuntimeFailure  # noqa: E402

SENTENCES = [
    "Refund order ref AB12 for Lyon today",
    "Card 4111 1111 declined, call Oslo support",
    "Invoice for Quito sent to billing@example.com",
    "Where is my parcel from Lyon?",
]

PARAMS: dict[str, Any] = {
    "values": {
        "code": {"pattern": "??##"},
        "city": {"words": ["Lyon", "Oslo", "Quito", "Zürich"]},
        "mail": {"words": ["billing@example.com", "ops@corp.de"]},
    },
    "templates": [
        # glued: the WordPiece pre-tokenizer keeps `ref<code>` as one word
        {"id": "glued", "text": "Refund order ref{{code:CODE}} for {{city:CITY}} today"},
        {"id": "mail", "text": "Invoice for {{city:CITY}} sent to {{mail:EMAIL}}."},
        {"id": "plain", "text": "Where is my parcel from {{city:CITY}}?"},
    ],
    "tokenizer": "hf",
    "tokenizer_name": "tiny-wordpiece",
    "splits": {"train": 0.75, "test": 0.25},
}


def _save_tokenizer(folder: Path, pre_tokenizer: Any = "bert") -> None:
    core = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    if pre_tokenizer == "bert":
        core.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=200, special_tokens=["[UNK]", "[PAD]", "[CLS]", "[SEP]"]
    )
    core.train_from_iterator(SENTENCES, trainer=trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]"
    )
    fast.save_pretrained(str(folder / "tiny-wordpiece"))


@pytest.fixture
def recipe_dir(tmp_path: Path) -> Path:
    _save_tokenizer(tmp_path)
    return tmp_path


def _tokenizer(recipe_dir: Path) -> Any:
    return transformers.AutoTokenizer.from_pretrained(
        str(recipe_dir / "tiny-wordpiece"), local_files_only=True
    )


def test_every_span_sits_on_the_tokenizers_word_and_token_boundaries(kit, recipe_dir):
    tokenizer = _tokenizer(recipe_dir)
    samples = kit.samples(kit.recipe_dict(PARAMS, count=60), base_dir=recipe_dir)
    glued = [s for s in samples if s.template_id == "glued"]
    assert glued and all("ref " in s.text for s in glued)  # separated: `ref AB12`
    for sample in samples:
        encoding = tokenizer(sample.text, add_special_tokens=False, return_offsets_mapping=True)
        offsets = encoding["offset_mapping"]
        starts = {start for start, _ in offsets}
        ends = {end for _, end in offsets}
        for span in sample.spans:
            assert span.start in starts and span.end in ends, (sample.text, span)
        # the sample's tokens are the tokenizer's words (tokens grouped by word id)
        words: dict[int, list[int]] = {}
        for word, (start, end) in zip(encoding.word_ids(), offsets, strict=True):
            words.setdefault(word, []).extend((start, end))
        assert [(t.start, t.end) for t in sample.tokens] == [
            (min(edges), max(edges)) for _, edges in sorted(words.items())
        ]


def test_the_hf_export_words_are_the_learners_and_tags_follow_word_ids(kit, recipe_dir, tmp_path):
    datasets = pytest.importorskip("datasets")
    tokenizer = _tokenizer(recipe_dir)
    data = kit.recipe_dict(PARAMS, count=40, output={"formats": ["hf"]})
    kit.render(data, tmp_path / "out", base_dir=recipe_dir, workers=1)
    loaded = datasets.load_dataset(str(tmp_path / "out" / "hf"), cache_dir=str(tmp_path / "cache"))
    names = loaded["train"].features["ner_tags"].feature.names
    rows = [row for split in loaded for row in loaded[split]]
    assert len(rows) == 40
    for row in rows:
        raw = tokenizer(row["text"], add_special_tokens=False)
        split = tokenizer(row["tokens"], is_split_into_words=True, add_special_tokens=False)
        assert split["input_ids"] == raw["input_ids"]  # the words re-encode to the same tokens
        # each word's offsets point at it in the text
        assert [row["text"][a:b] for a, b in row["offsets"]] == row["tokens"]
        word_ids = split.word_ids()
        assert sorted(set(word_ids)) == list(range(len(row["tokens"])))
        tags = [names[t] for t in row["ner_tags"]]
        # a learner's labels by word id: each entity begins on its word's first token
        per_token = [tags[w] for w in word_ids]
        entities = [(s["label"], s["text"]) for s in row["spans"]]
        found, current = [], None
        for word, tag in enumerate(tags):
            if tag.startswith("B-"):
                current = [tag[2:], [row["tokens"][word]]]
                found.append(current)
            elif tag.startswith("I-") and current is not None:
                current[1].append(row["tokens"][word])
            else:
                current = None
        assert [(label, "".join(parts)) for label, parts in found] == [
            (label, text.replace(" ", "")) for label, text in entities
        ]
        assert len(per_token) == len(raw["input_ids"])


def test_equal_seeds_give_equal_bytes_and_other_seeds_others(kit, recipe_dir, tmp_path):
    def text_bytes(name: str, seed: int) -> bytes:
        data = kit.recipe_dict(PARAMS, count=30, seed=seed, output={"formats": ["text-jsonl"]})
        kit.render(data, tmp_path / name, base_dir=recipe_dir, workers=1)
        return b"".join(p.read_bytes() for p in sorted((tmp_path / name / "text").glob("*")))

    assert text_bytes("a", 3) == text_bytes("b", 3)
    assert text_bytes("c", 4) != text_bytes("a", 3)
    # the tokenizer's files are inputs of the run: hashed into the manifest
    import json

    inputs = json.loads((tmp_path / "a" / "manifest.json").read_text())["inputs"]
    listed = {Path(entry["path"]).as_posix() for entry in inputs}
    assert "tiny-wordpiece/tokenizer.json" in listed, listed


def test_a_tokenizer_that_is_not_there_offline_is_a_clear_error(kit, tmp_path):
    data = kit.recipe_dict({**PARAMS, "tokenizer_name": "no-such-tokenizer-xq"}, count=3)
    with pytest.raises(RuntimeFailure, match="not available offline"):
        kit.samples(data, base_dir=tmp_path)


def test_hf_without_a_name_is_refused_at_load(kit):
    from synthlab.errors import RecipeError

    params = {k: v for k, v in PARAMS.items() if k != "tokenizer_name"}
    with pytest.raises(RecipeError, match="tokenizer_name"):
        kit.load(kit.recipe_dict(params))


def test_a_tokenizer_that_never_cuts_is_refused_naming_the_template(kit, tmp_path):
    _save_tokenizer(tmp_path, pre_tokenizer=None)  # no pre-tokenizer: the text is one word
    params = {**PARAMS, "templates": [PARAMS["templates"][2]], "splits": {}}
    with pytest.raises(RuntimeFailure, match=r"template 'plain'.*CITY"):
        kit.samples(kit.recipe_dict(params, count=2), base_dir=tmp_path)
