"""Synonym sets ([[@name]]): expanded into groups when parsed, the same samples on the fast
path and the general builder, spans exact, clear errors for every misuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from synthlab.errors import RecipeError
from synthlab.generators.base import GeneratorContext, SamplePlan
from synthlab.generators.text.catalog import Catalog
from synthlab.generators.text.generator import TextGenerator
from synthlab.generators.text.params import TextParams

SETS = {
    "greeting": ["Hi", "Hello", "Good morning"],
    "ask": ["[[Could|Can|Would]] you[[? please]]", "Please"],
    "thanks": [", thanks", ", [[@greeting]] again"],  # a set may use another set
}
TEMPLATE = "[[@greeting]] {{name:PERSON}}. [[@ask]] send {{order:ORDER}}[[?@thanks]]."


def _params(**extra) -> TextParams:
    raw = {
        "templates": [{"id": "t", "text": TEMPLATE}],
        "values": {"name": {"words": ["Ann Lee", "Bo"]}, "order": {"pattern": "ORD-####"}},
        "synonyms": SETS,
        **extra,
    }
    return TextParams.model_validate(raw)


def _generator(params: TextParams, seed: int = 3, base: str = ".") -> TextGenerator:
    generator = TextGenerator()
    generator.setup(params, GeneratorContext(recipe_dir=Path(base), seed=seed, count=400))
    return generator


def _make(generator: TextGenerator, n: int = 400) -> list:
    return generator.make_batch(list(range(n)), [SamplePlan(i) for i in range(n)])


def test_the_fast_path_and_the_builder_make_the_same_samples() -> None:
    generator = _generator(_params())
    assert "t" in generator.steps  # compiled: references are plain groups
    fast = _make(generator)
    generator.steps = {}
    assert _make(generator) == fast


def test_every_wording_appears_and_spans_stay_exact() -> None:
    samples = _make(_generator(_params()))
    texts = [s.text for s in samples]
    for word in ("Hi ", "Hello ", "Good morning ", "Could you", "Can you please", "Please send"):
        assert any(word in text for text in texts), word
    assert any(", Hello again." in text for text in texts)
    assert any(text.endswith("ORD-" + text[-5:-1] + ".") for text in texts)  # no thanks
    for sample in samples:
        assert [s.label for s in sample.spans] == ["PERSON", "ORDER"]
        for span in sample.spans:
            assert sample.text[span.start : span.end] == span.text


def test_same_seed_same_samples_other_seed_others() -> None:
    first = [s.text for s in _make(_generator(_params()), 50)]
    assert first == [s.text for s in _make(_generator(_params()), 50)]
    assert first != [s.text for s in _make(_generator(_params(), seed=4), 50)]


def test_a_quota_plan_still_steers_choices_around_synonyms() -> None:
    generator = _generator(_params())
    plans = [SamplePlan(i, require=frozenset({"ORDER"})) for i in range(20)]
    for sample in generator.make_batch(list(range(20)), plans):
        assert "ORDER" in {s.label for s in sample.spans}


def test_an_unknown_set_is_named_with_the_template_and_position() -> None:
    with pytest.raises(
        ValidationError,
        match=r"template 't', line 1 column 7: unknown synonym set 'greting'.*greeting",
    ):
        TextParams.model_validate(
            {"templates": [{"id": "t", "text": "Hello [[@greting]]"}], "synonyms": SETS}
        )


def test_a_reference_without_any_sets_is_refused() -> None:
    with pytest.raises(
        ValidationError, match=r"unknown synonym set .greeting.; sets: none declared"
    ):
        TextParams.model_validate({"templates": [{"id": "t", "text": "[[@greeting]] you"}]})


@pytest.mark.parametrize(
    ("sets", "problem"),
    [
        ({"a": ["hi {{name}}"]}, "holds no placeholders"),
        ({"a": ["[[#X: hi]]"]}, "holds no labelled groups"),
        ({"a": ["x [[@b]]"], "b": ["y [[@a]]"]}, r"refer in a circle: a -> b -> a"),
        ({"a": []}, "non-empty list"),
        ({"bad name": ["x"]}, "letters, digits"),
    ],
)
def test_bad_sets_are_refused(sets: dict, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        TextParams.model_validate(
            {"templates": [{"id": "t", "text": "x"}], "values": {"name": "n"}, "synonyms": sets}
        )


def test_literal_at_signs_in_groups_are_still_text() -> None:
    params = TextParams.model_validate(
        {"templates": [{"id": "t", "text": "mail [[@home|@work]] or [[?@x y]]"}]}
    )
    texts = {s.text for s in _make(_generator(params), 40)}
    assert {"mail @home or ", "mail @work or @x y"} <= texts


def test_sets_from_a_file_and_the_checks_that_read_it(tmp_path: Path) -> None:
    (tmp_path / "sets.yaml").write_text("greeting: [Hey, Howdy]\n", encoding="utf-8")
    params = TextParams.model_validate(
        {
            "templates": [{"id": "t", "text": "[[@greeting]] {{name:PERSON}}"}],
            "values": {"name": "Ann"},
            "synonym_files": ["sets.yaml"],
        }
    )
    assert params.file_problems(tmp_path) == []
    assert params.input_files(tmp_path) == [tmp_path / "sets.yaml"]  # provenance
    texts = {s.text for s in _make(_generator(params, base=str(tmp_path)), 40)}
    assert texts == {"Hey Ann", "Howdy Ann"}
    # the inline template's unknown set is found once the files are read
    bad = params.model_copy(
        update={"templates": (params.templates[0].model_copy(update={"text": "[[@gretting]] x"}),)}
    )
    problems = bad.file_problems(tmp_path)
    assert problems and "unknown synonym set 'gretting'" in problems[0][1]
    with pytest.raises(RecipeError, match="gretting"):
        Catalog.load(bad, tmp_path, 1)


def test_a_set_declared_twice_or_a_broken_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sets.yaml").write_text("greeting: [Hey]\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("- just a list\n", encoding="utf-8")
    base = {"templates": [{"id": "t", "text": "[[@greeting]]"}]}
    twice = TextParams.model_validate(
        {**base, "synonym_files": ["sets.yaml"], "synonyms": {"greeting": ["Hi"]}}
    )
    assert "declared in sets.yaml and in synonyms:" in twice.file_problems(tmp_path)[0][1]
    broken = TextParams.model_validate({**base, "synonym_files": ["broken.yaml"]})
    assert "mapping of set name" in broken.file_problems(tmp_path)[0][1]
    missing = TextParams.model_validate({**base, "synonym_files": ["nope.yaml"]})
    assert missing.file_problems(tmp_path)[0][0] == ("synonym_files",)


# Random templates whose words come from random synonym sets (nested ones too): the fast
# path and the general builder must still make identical samples.
WORDS = ["a", "Zé", "東京", "😀", " ", ",", ".", "-", "'", "%s", "e\u0301"]
wording = st.lists(st.sampled_from(WORDS), max_size=3).map("".join)


@st.composite
def templates_and_sets(draw: st.DrawFn) -> tuple[str, dict[str, list[str]]]:
    sets = {
        "s0": draw(st.lists(wording, min_size=1, max_size=3)),
        "s1": [*draw(st.lists(wording, min_size=1, max_size=2)), "x [[@s0]] y"],
    }
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(st.sampled_from(["[[@s0]]", "[[?@s1]]", "[[@s1]]", "b", " "])))
        label = draw(st.sampled_from(["PER", None]))
        parts.append(f"{{{{v{':' + label if label else ''}}}}}")
    return "".join(parts), sets


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=templates_and_sets(), first=st.integers(0, 2**40))
def test_random_templates_with_sets_make_the_same_samples_both_ways(case, first) -> None:
    text, sets = case
    params = TextParams.model_validate(
        {
            "templates": [{"id": "t", "text": text}],
            "values": {"v": {"words": ["Ann", " Bo ", "Zoë"]}},
            "synonyms": sets,
        }
    )
    generator = _generator(params)
    assert "t" in generator.steps
    indices = list(range(first, first + 8))
    plans = [SamplePlan(i) for i in indices]
    fast = generator.make_batch(indices, plans)
    generator.steps = {}
    general = generator.make_batch(indices, plans)
    assert fast == general
    assert [s.tokens for s in fast] == [s.tokens for s in general]
    for sample in fast:
        for span in sample.spans:
            assert sample.text[span.start : span.end] == span.text
