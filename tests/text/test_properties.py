"""Property tests over random templates and values (emoji, CJK, combining marks, CRLF):
every span equals its slice, sits on token boundaries, BIO agrees, exports round-trip."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthlab.exporters.text.common import utf16_offsets, words_and_spaces
from synthlab.exporters.text.conll import parse_conll
from synthlab.exporters.text.reader import check_text_sample
from synthlab.generators.base import GeneratorContext, SamplePlan
from synthlab.generators.text.generator import TextGenerator
from synthlab.generators.text.params import TextParams
from synthlab.samples.text_tags import spans_from_tags
from synthlab.seeding import sample_rng

# Letters from several scripts, combining marks, emoji (with skin tone and ZWJ), CJK,
# punctuation and awkward whitespace; never the template syntax characters.
PIECES = [
    "a", "Z", "é", "e\u0301", "ß", "İ", "ŉ", "Ω", "ж", "東", "京", "タ", "한", "ع", "ก", "\u0e31",
    "😀", "👍🏽", "👩\u200d💻", "🇩🇪", "1", "7", " ", "  ", "\t", "\r\n", "\n", ",", ".", "!",
    "-", "'", "@", "_", "\u00a0", "\u200b", "ﬁ",
]  # fmt: skip

fragment = st.lists(st.sampled_from(PIECES), min_size=0, max_size=6).map("".join)
value_text = (
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=5)
    .map("".join)
    .filter(lambda v: v.strip() != "")
)
LABELS = ("PER", "LOC", "ID")


@st.composite
def templates(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(fragment))
        slot = f"{{{{v{draw(st.integers(0, 2))}:{draw(st.sampled_from(LABELS))}}}}}"
        if draw(st.booleans()):
            slot = f"[[?{draw(fragment)}{slot}|{draw(fragment)}]]"
        parts.append(slot)
    parts.append(draw(fragment))
    return "".join(parts)


def _generator(texts, values, noise, tokenizer="builtin"):
    params = TextParams.model_validate(
        {
            "templates": [{"id": f"t{i}", "text": t} for i, t in enumerate(texts)],
            "values": {f"v{i}": {"words": list(words)} for i, words in enumerate(values)},
            "noise": noise,
            "tokenizer": tokenizer,
        }
    )
    generator = TextGenerator()
    generator.setup(params, GeneratorContext(recipe_dir=".", seed=1, count=10))
    return generator


noise_settings = st.fixed_dictionaries(
    {
        "lowercase": st.sampled_from([0.0, 0.5]),
        "typo": st.sampled_from([0.0, 0.5]),
        "value_typo": st.sampled_from([0.0, 0.5]),
        "whitespace": st.sampled_from([0.0, 0.5]),
        "punctuation": st.sampled_from([0.0, 0.5]),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(templates(), min_size=1, max_size=3),
    values=st.lists(st.lists(value_text, min_size=1, max_size=3), min_size=3, max_size=3),
    noise=noise_settings,
    seed=st.integers(0, 2**32),
)
def test_spans_tokens_and_exports_hold_for_random_templates(texts, values, noise, seed):
    generator = _generator(texts, values, noise)
    for index in range(3):
        rng = sample_rng(seed, index)
        sample = generator.generate(index, rng, SamplePlan(index))
        assert check_text_sample(sample) == [], (sample.text, sample.spans, sample.tokens)
        text = sample.text
        # Label Studio: UTF-16 offsets select the same text in a JavaScript string
        units = utf16_offsets(text)
        encoded = text.encode("utf-16-le", "surrogatepass")
        for span in sample.spans:
            piece = encoded[2 * units[span.start] : 2 * units[span.end]]
            assert piece.decode("utf-16-le", "surrogatepass") == span.text
        # spaCy layout rebuilds the text exactly
        words, spaces, _ = words_and_spaces(text, [(t.start, t.end) for t in sample.tokens])
        assert "".join(w + (" " if s else "") for w, s in zip(words, spaces, strict=True)) == text
        # CoNLL lines parse back to the same entities
        lines = "\n".join(f"{t.text} _ _ {g}" for t, g in zip(sample.tokens, sample.tags,
                                                             strict=True))  # fmt: skip
        if sample.tokens:
            ((tokens, tags),) = parse_conll(lines + "\n\n")
            assert tokens == [t.text for t in sample.tokens]
            back = [
                (sample.tokens[a].start, sample.tokens[b - 1].end, label)
                for a, b, label in spans_from_tags(tokens, tags)
            ]
            assert back == [(s.start, s.end, s.label) for s in sample.spans]


@settings(max_examples=25, deadline=None)
@given(
    texts=st.lists(templates(), min_size=1, max_size=2),
    values=st.lists(st.lists(value_text, min_size=1, max_size=2), min_size=3, max_size=3),
    seed=st.integers(0, 2**32),
)
def test_spacy_tokenizer_also_keeps_spans_aligned(texts, values, seed):
    generator = _generator(texts, values, {}, tokenizer="spacy")
    sample = generator.generate(0, sample_rng(seed, 0), SamplePlan(0))
    assert check_text_sample(sample) == []


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(templates(), min_size=2, max_size=4), seed=st.integers(0, 2**32))
def test_quota_plans_are_honoured_when_a_template_can_meet_them(texts, seed):
    values = [["x"], ["y z"], ["東京"]]
    generator = _generator(texts, values, {})
    catalog = generator.catalog
    for label in LABELS:
        need, avoid = frozenset({label}), frozenset(LABELS) - {label}
        if not catalog._fitting(need, avoid):
            continue
        sample = generator.generate(0, sample_rng(seed, 0), SamplePlan(0, need, avoid))
        assert label in sample.conditions and not (avoid & sample.conditions)
