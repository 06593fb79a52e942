"""Medical and legal terms ({term: KIND}): values come from synthlab's own lists, composed
kinds follow their rules, the schema's kinds are the asset's, draws are deterministic."""

from __future__ import annotations

import re
from typing import get_args

import pytest
from pydantic import ValidationError

from synthlab.generators.base import GeneratorContext, SamplePlan
from synthlab.generators.text.generator import TextGenerator
from synthlab.generators.text.params import TextParams
from synthlab.generators.text.sources import TermKind
from synthlab.generators.text.terms import COMPOSED_KINDS, LIST_KINDS, TERM_KINDS, terms


def _samples(kinds: tuple[str, ...], seed: int = 5, n: int = 300) -> list:
    params = TextParams.model_validate(
        {
            "templates": [
                {"id": "t", "text": " | ".join(f"{{{{{k}:{k.upper()}}}}}" for k in kinds)}
            ],
            "values": {k: {"term": k} for k in kinds},
        }
    )
    generator = TextGenerator()
    generator.setup(params, GeneratorContext(recipe_dir=".", seed=seed, count=n))
    return generator.make_batch(list(range(n)), [SamplePlan(i) for i in range(n)])


def test_the_schema_kinds_are_the_assets_kinds() -> None:
    data = terms()
    assert set(get_args(TermKind)) == set(TERM_KINDS)
    assert set(data["lists"]) == set(LIST_KINDS)
    assert set(data["composed"]) == set(COMPOSED_KINDS)
    for kind, rules in data["composed"].items():
        for options in rules.values():
            for option in options:
                for ref in re.findall(r"<([a-z_]+)>", option):
                    assert ref in rules or ref in data["lists"], (kind, ref)


def test_list_values_come_from_the_lists_and_use_them_widely() -> None:
    samples = _samples(LIST_KINDS)
    for position, kind in enumerate(LIST_KINDS):
        drawn = [s.spans[position].text for s in samples]
        assert all(s.spans[position].label == kind.upper() for s in samples)
        assert set(drawn) <= set(terms()["lists"][kind])
        assert len(set(drawn)) >= min(15, len(terms()["lists"][kind]))


PATTERNS = {
    "dosage": r"[a-z][a-z ]+ \d+(\.\d)? (mg|mcg|ml|units) (once daily|twice daily|three times "
    r"daily|every 8 hours|at night|as needed)",
    "court": r"[A-Z][A-Za-z' ]+",
    "statute": r".*(Act|Regulations) (19\d\d|20[01]\d|202[0-4]).*",
    "case_number": r"(\d:[0-2]\d-c[vr]-\d{5}|CV-20[0-2]\d-\d{6}|FAM-20[0-2]\d-\d{4}|"
    r"\[20[0-2]\d\] [A-Za-z ]+ \d{3}|Case No\. \d{3}/20[0-2]\d|HC-20[0-2]\d-\d{5})",
}


def test_composed_values_follow_their_rules() -> None:
    samples = _samples(COMPOSED_KINDS)
    drugs = terms()["lists"]["drug"]
    for position, kind in enumerate(COMPOSED_KINDS):
        drawn = [s.spans[position].text for s in samples]
        for value in drawn:
            assert re.fullmatch(PATTERNS[kind], value), (kind, value)
        assert len(set(drawn)) > 50, kind
    for sample in samples:
        dosage = sample.spans[0].text
        assert any(dosage.startswith(drug + " ") for drug in drugs)
        places = terms()["composed"]["court"]["place"]
        assert any(place in sample.spans[1].text for place in places)


def test_same_seed_same_terms_other_seed_others() -> None:
    first = [s.text for s in _samples(TERM_KINDS, n=30)]
    assert first == [s.text for s in _samples(TERM_KINDS, n=30)]
    assert first != [s.text for s in _samples(TERM_KINDS, seed=6, n=30)]


def test_an_unknown_kind_is_refused_with_the_kinds() -> None:
    with pytest.raises(ValidationError, match="drug"):
        TextParams.model_validate(
            {"templates": [{"id": "t", "text": "{{x}}"}], "values": {"x": {"term": "drugs"}}}
        )
