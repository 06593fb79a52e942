"""Templates paraphrased by a local model: placeholders kept exactly, outputs that lose or
repeat one rejected, deterministic, made once at set-up. The models are tiny, randomly
initialised and built here (nothing is downloaded); their "paraphrases" are word salad,
which is what a test of the plumbing needs: most outputs break the placeholders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("transformers")

from synthlab.errors import RecipeError
from synthlab.generators.base import GeneratorContext, SamplePlan
from synthlab.generators.text import paraphrase
from synthlab.generators.text.generator import TextGenerator
from synthlab.generators.text.params import TextParams

WORDS = [
    "please", "send", "the", "a", "my", "order", "refund", "now", "thanks", "hello", "we",
    "you", "it", "to", "for",
]  # fmt: skip
SENTINELS = [f"<extra_id_{n}>" for n in range(3)]


def _tokenizer(folder: Path):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {token: n for n, token in enumerate(["<pad>", "</s>", "<unk>", *SENTINELS, *WORDS])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        additional_special_tokens=SENTINELS,
    )
    tokenizer.save_pretrained(folder)
    return tokenizer


def build_tiny_t5(folder: Path) -> Path:
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer = _tokenizer(folder)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=16,
        d_kv=8,
        d_ff=32,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=2,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
    )
    torch.manual_seed(0)
    T5ForConditionalGeneration(config).save_pretrained(folder)
    return folder


def build_tiny_gpt2(folder: Path) -> Path:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    tokenizer = _tokenizer(folder)
    config = GPT2Config(
        vocab_size=len(tokenizer), n_embd=16, n_layer=1, n_head=2, n_positions=128,
        bos_token_id=1, eos_token_id=1, pad_token_id=0,
    )  # fmt: skip
    torch.manual_seed(0)
    GPT2LMHeadModel(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def t5(tmp_path_factory) -> Path:
    return build_tiny_t5(tmp_path_factory.mktemp("t5"))


TEMPLATES = [
    {"id": "one", "text": "please refund {{name:PERSON}} now", "tags": ["refund"]},
    {"id": "two", "text": "hello {{name:PERSON}}, send [[my|the]] order {{order:ORDER}}"},
]


def _params(model: Path, **settings) -> TextParams:
    return TextParams.model_validate(
        {
            "templates": TEMPLATES,
            "values": {"name": {"words": ["Ann Lee", "Bo"]}, "order": {"pattern": "ORD-###"}},
            "paraphrase": {
                "model": str(model),
                "attempts": 32,
                "variants": 2,
                "max_new_tokens": 8,
                **settings,
            },
        }
    )


def _generator(params: TextParams, seed: int = 1) -> TextGenerator:
    generator = TextGenerator()
    generator.setup(params, GeneratorContext(recipe_dir=Path("."), seed=seed, count=200))
    return generator


def test_masking_and_unmasking_keep_every_placeholder_and_group() -> None:
    text = r"Hi {{a:PER}}, [[x|[[y|z]]]] \{ok\} {{b}}"
    masked, parts = paraphrase.mask_template(text, "<extra_id_{n}>")
    assert masked == r"Hi <extra_id_0>, <extra_id_1> \{ok\} <extra_id_2>"
    assert parts == ["{{a:PER}}", "[[x|[[y|z]]]]", "{{b}}"]
    # reordered and reworded: kept; the model's own braces are escaped, never syntax
    back = paraphrase.unmask(
        "<extra_id_2> {x} | <extra_id_0> <extra_id_1>", parts, "<extra_id_{n}>"
    )
    assert back == r"{{b}} \{x\} \| {{a:PER}} [[x|[[y|z]]]]"
    # lost or repeated: rejected
    assert paraphrase.unmask("<extra_id_0> <extra_id_1>", parts, "<extra_id_{n}>") is None
    assert (
        paraphrase.unmask(
            "<extra_id_0> <extra_id_0> <extra_id_1> <extra_id_2>", parts, "<extra_id_{n}>"
        )
        is None
    )


def test_paraphrases_keep_the_placeholders_and_are_deterministic(t5) -> None:
    paraphrase._CACHE.clear()
    generator = _generator(_params(t5, templates=["one"]))
    made = [t for t in generator.catalog.templates if "~p" in t.id]
    assert made, "the tiny model kept its placeholder in none of 32 attempts"
    for template in made:
        origin = template.id.split("~")[0]
        written = next(t for t in TEMPLATES if t["id"] == origin)["text"]
        assert sorted(
            re.findall(r"\{\{[^}]*\}\}", template_text(generator, template.id))
        ) == sorted(re.findall(r"\{\{[^}]*\}\}", written))
        assert template.classes == frozenset(
            next(t for t in TEMPLATES if t["id"] == origin).get("tags", [])
        )
    samples = generator.make_batch(list(range(200)), [SamplePlan(i) for i in range(200)])
    paraphrased = [s for s in samples if "~p" in s.template_id]
    assert paraphrased
    for sample in paraphrased:
        assert "PERSON" in {span.label for span in sample.spans}
        for span in sample.spans:
            assert sample.text[span.start : span.end] == span.text
    # made anew (cache emptied): the same paraphrases; another seed: other ones
    texts = {t.id: template_text(generator, t.id) for t in made}
    paraphrase._CACHE.clear()
    again = _generator(_params(t5, templates=["one"]))
    assert {
        t.id: template_text(again, t.id) for t in again.catalog.templates if "~p" in t.id
    } == texts
    paraphrase._CACHE.clear()
    other = _generator(_params(t5, templates=["one"]), seed=2)
    assert {
        t.id: template_text(other, t.id) for t in other.catalog.templates if "~p" in t.id
    } != texts


def template_text(generator: TextGenerator, template_id: str) -> str:
    """The paraphrased template's text, as recorded in the paraphrase cache."""
    for made in paraphrase._CACHE.values():
        count: dict[str, int] = {}
        for origin, text in made:
            count[origin] = count.get(origin, 0) + 1
            if f"{origin}~p{count[origin]}" == template_id:
                return text
    raise KeyError(template_id)


def test_outputs_too_short_to_hold_the_placeholders_fall_back_to_the_templates(t5) -> None:
    paraphrase._CACHE.clear()
    generator = _generator(_params(t5, max_new_tokens=1, templates=["two"]))
    assert [t.id for t in generator.catalog.templates] == ["one", "two"]


def test_greedy_decoding_tries_once(t5) -> None:
    paraphrase._CACHE.clear()
    calls = []
    original = paraphrase._Model.generate

    def counting(self, prompt, seed):
        calls.append(prompt)
        return original(self, prompt, seed)

    paraphrase._Model.generate = counting
    try:
        _generator(_params(t5, sample=False))
    finally:
        paraphrase._Model.generate = original
    assert calls == [
        "paraphrase: please refund <extra_id_0> now",
        "paraphrase: hello <extra_id_0>, send <extra_id_1> order <extra_id_2>",
    ]


def test_a_causal_model_works_too(tmp_path) -> None:
    folder = build_tiny_gpt2(tmp_path / "gpt2")
    paraphrase._CACHE.clear()
    params = _params(folder, sentinel="<extra_id_{n}>", attempts=4)
    generator = _generator(params)  # runs: accepted or not, the templates are all there
    assert {"one", "two"} <= {t.id for t in generator.catalog.templates}


def test_a_missing_or_unusable_model_is_a_clear_error(tmp_path) -> None:
    paraphrase._CACHE.clear()
    # `synthlab check` reads the params' files: the folder is checked there already
    problems = _params(tmp_path / "nowhere").file_problems(tmp_path)
    assert problems[0][0] == ("paraphrase", "model") and "never downloads" in problems[0][1]
    with pytest.raises(RecipeError, match=r"no folder .* never downloads"):
        _generator(_params(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(RecipeError, match=r"no config\.json"):
        _generator(_params(tmp_path / "empty"))
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(RecipeError, match="not a seq2seq or causal language model"):
        _generator(_params(tmp_path / "odd"))


def test_the_sentinel_must_be_numbered() -> None:
    with pytest.raises(ValueError, match=r"\{n\} once"):
        paraphrase.ParaphraseParams(model="m", sentinel="<mask>")
