"""Compiled templates (steps over cached pieces) must make exactly the samples the general
builder makes: same uniforms read in the same order, same text, spans, tokens and tags."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthlab.engine.sampling import SampleMaker
from synthlab.exporters.text.jsonl import PieceSpelling, jsonl_line
from synthlab.generators.base import GeneratorContext, SamplePlan
from synthlab.generators.text.fast.steps import PersonStep, SlotStep, TableStep
from synthlab.generators.text.generator import TextGenerator
from synthlab.generators.text.params import TextParams
from synthlab.samples.text_pieced import PiecedTextSample

# Awkward pieces: combining marks and emoji parts that glue onto what comes before, inner
# punctuation that joins words, whitespace of several kinds (values with whitespace at their
# edges are split around it), CJK; and what JSON escapes or a format string would read
# ("%s": the JSONL exporter fills a line's format per shape).
PIECES = [
    "a", "Zé", "e\u0301", "\u0301", "東京", "😀", "🏽", "\u200d", "1", " ", "  ", "\t",
    "\r\n", ",", ".", "@", "-", "'", "(", "!", "\u00a0", "%s", "%", '"',
]  # fmt: skip
fragment = st.lists(st.sampled_from(PIECES), max_size=4).map("".join)
# a backslash escapes in templates, so only values hold one
value = st.lists(st.sampled_from([*PIECES, "\\"]), min_size=1, max_size=4).map("".join)
LABELS = ("PER", "LOC")


@st.composite
def templates(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(fragment))
        label = draw(st.sampled_from([*LABELS, None]))
        slot = f"{{{{v{draw(st.integers(0, 2))}{':' + label if label else ''}}}}}"
        shape = draw(st.integers(0, 3))
        if shape == 1:
            slot = f"[[?{draw(fragment)}{slot}|{draw(fragment)}]]"
        elif shape == 2:
            slot = f"[[{slot}|{draw(fragment)}[[x|{slot}]]]]"
        parts.append(slot)
    parts.append(draw(fragment))
    return "".join(parts)


def _generator(texts: list[str], values: list[list[str]], scheme: str) -> TextGenerator:
    params = TextParams.model_validate(
        {
            "templates": [{"id": f"t{i}", "text": t} for i, t in enumerate(texts)],
            "values": {f"v{i}": {"words": words} for i, words in enumerate(values)},
            "tagging": scheme,
        }
    )
    generator = TextGenerator()
    generator.setup(params, GeneratorContext(recipe_dir=".", seed=3, count=10))
    return generator


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(templates(), min_size=1, max_size=3),
    values=st.lists(st.lists(value, min_size=1, max_size=3), min_size=3, max_size=3),
    scheme=st.sampled_from(["BIO", "BILOU"]),
    first=st.integers(0, 2**40),
)
def test_compiled_templates_make_the_general_builders_samples(texts, values, scheme, first):
    generator = _generator(texts, values, scheme)
    assert set(generator.steps) == {f"t{i}" for i in range(len(texts))}  # all compiled
    indices = list(range(first, first + 6))
    plans = [SamplePlan(i) for i in indices]
    try:
        compiled = generator.make_batch(indices, plans)
    except RuntimeError as error:  # a labelled value that is only whitespace: both refuse
        generator.steps = {}
        try:
            generator.make_batch(indices, plans)
        except RuntimeError as general_error:
            assert str(general_error) == str(error)
            return
        raise
    generator.steps = {}  # every template through the general builder
    general = generator.make_batch(indices, plans)
    assert compiled == general
    assert [s.tokens for s in compiled] == [s.tokens for s in general]  # made from pieces
    assert [s.tags for s in compiled] == [s.tags for s in general]
    # the JSONL line spelled from the pieces is the general spelling's, byte for byte
    spelling = PieceSpelling()
    for sample in compiled:
        if isinstance(sample, PiecedTextSample):
            assert spelling.line(sample) == jsonl_line(sample)


def test_templates_the_steps_cannot_express_keep_the_general_builder() -> None:
    params = TextParams.model_validate(
        {
            "templates": [
                {"id": "plain", "text": "Hi {{a:PER}}[[?!|.]]"},
                {"id": "nested", "text": "[[#ADDR: {{a:PER}} street]]"},
                {"id": "same", "text": "{{b}} and {{b}}"},
            ],
            "values": {"a": {"words": ["Ann"]}, "b": {"words": ["x", "y"]}},
            "nested_entities": True,
            "same_per_sample": ["b"],
        }
    )
    generator = TextGenerator()
    generator.setup(params, GeneratorContext(recipe_dir=".", seed=3, count=10))
    assert set(generator.steps) == {"plain"}
    samples = generator.make_batch(list(range(30)), [SamplePlan(i) for i in range(30)])
    assert {s.template_id for s in samples} == {"plain", "nested", "same"}
    for sample in samples:
        if sample.template_id == "same":
            first, _, second = sample.text.partition(" and ")
            assert first == second


def test_noise_and_spacy_take_the_general_builder() -> None:
    base = {"templates": [{"id": "t", "text": "Hi {{a:PER}}"}], "values": {"a": "Ann"}}
    for extra in ({"noise": {"typo": 0.5}}, {"tokenizer": "spacy"}):
        generator = TextGenerator()
        params = TextParams.model_validate({**base, **extra})
        generator.setup(params, GeneratorContext(recipe_dir=".", seed=3, count=10))
        assert generator.steps == {}


def test_a_batch_chooses_templates_and_locales_as_one_sample_does() -> None:
    """`make_batch` picks the template and locale of plan-free samples for the whole batch
    in numpy; a sample made alone through the general path picks them with `bisect`."""
    params = TextParams.model_validate(
        {
            "templates": [
                {"id": f"t{i}", "text": f"T{i} {{{{v:PER}}}}", "weight": weight}
                for i, weight in enumerate([0.1, 3, 7.7, 1e-9, 2.5])
            ],
            "values": {"v": {"words": ["Ann", "Bo"]}},
            "locales": {"en_US": 0.3, "de_DE": 5, "fr_FR": 1.7},
        }
    )
    generator = TextGenerator()
    generator.setup(params, GeneratorContext(recipe_dir=".", seed=5, count=4000))
    indices = list(range(4000))
    plans = [SamplePlan(i) for i in indices]
    batch = generator.make_batch(indices, plans)
    generator.steps = {}  # every sample through `_make`: `Catalog.choose` and `_locale`
    alone = generator.make_batch(indices, plans)
    assert [(s.template_id, s.locale) for s in batch] == [(s.template_id, s.locale) for s in alone]
    assert batch == alone
    assert {s.template_id for s in batch} >= {"t0", "t1", "t2", "t4"}
    assert {s.locale for s in batch} == {"en_US", "de_DE", "fr_FR"}


def test_pooled_values_and_people_drawn_from_tables_are_the_general_builders(
    kit, pii_params
) -> None:
    """Slots whose value is one entry of a table (Faker pools, word lists, the people pool)
    become table steps that keep each entry's pieces: same uniforms, same samples. The
    person is drawn by the first identity field of a sample, here sometimes inside an
    optional group; the others (a weighted list, a pattern) stay general slots."""
    params = pii_params
    params["values"]["mood"] = {"words": ["glad", "sad"], "weights": [1, 3]}
    params["templates"].append(
        {"id": "mood", "text": "[[?{{email:EMAIL}} is ]]{{mood}}: {{product}} {{name:PERSON}}"}
    )
    recipe = kit.load(kit.recipe_dict(params, count=300))
    maker = SampleMaker.open(recipe)
    generator = maker.generator
    kinds = {type(step) for prepared in generator.steps.values() for step in prepared.steps}
    assert {TableStep, PersonStep, SlotStep} <= kinds
    indices = list(range(300))
    plans = [SamplePlan(i) for i in indices]
    tabled = generator.make_batch(indices, plans)
    generator.steps = {}
    general = generator.make_batch(indices, plans)
    assert tabled == general
    emails = [s for s in tabled if s.template_id == "mood" and "EMAIL" in s.conditions]
    assert emails and all(s.spans[0].text.split("@")[0] for s in emails)
    maker.close()
