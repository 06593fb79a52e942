"""Ways laid out in advance (`fast.ways`) must take exactly the step walk's way: the same
uniforms for the same reads, the same shape, the same fills, for every sample."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthlab.engine.sampling import SampleMaker
from synthlab.generators.base import GeneratorContext, SamplePlan
from synthlab.generators.text.fast.ways import MAX_WAYS, Branch, Way
from synthlab.generators.text.generator import TextGenerator
from synthlab.generators.text.params import TextParams
from synthlab.generators.text.stream import Draws
from synthlab.seeding import counter_uniforms

WORDS = st.lists(st.sampled_from(["a", "Zé", " x", "東京", "😀", "1,", "-"]), min_size=1)


@st.composite
def table_templates(draw: st.DrawFn) -> str:
    """Templates whose every value is a word list (a table): groups, optional groups and
    groups inside groups around them: at most 3**3 ways, within `MAX_WAYS`."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        slot = f"{{{{v{draw(st.integers(0, 2))}{draw(st.sampled_from(['', ':PER']))}}}}}"
        shape = draw(st.integers(0, 3))
        if shape == 1:
            slot = f"[[?be {slot}|{slot} now]]"
        elif shape == 2:
            slot = f"[[{slot}|or [[x|{slot}]]]]"
        parts.append(f" w{len(parts)} {slot}")
    return "".join(parts)


def _generator(params: dict, seed: int = 3) -> TextGenerator:
    generator = TextGenerator()
    generator.setup(TextParams.model_validate(params), GeneratorContext(".", seed, 10))
    return generator


def _walk_both(generator: TextGenerator, template_id: str, indices: range) -> None:
    """Each index's sample through the laid-out ways and through the step walk."""
    prepared = generator.steps[template_id]
    ways = prepared.ways
    assert ways is not None
    rows = counter_uniforms(generator.key, list(indices), 24).tolist()
    for index, row in zip(indices, rows, strict=True):
        for locale in generator.locales:
            prepared.ways = ways
            laid_out = Draws(row, generator.key, index, 2)
            taken = generator.runner.run(prepared, laid_out, locale)
            prepared.ways = None
            stepped = Draws(row, generator.key, index, 2)
            walked = generator.runner.run(prepared, stepped, locale)
            assert taken[0] is walked[0]  # the same shape object: the same way
            assert taken[1:] == walked[1:]
            assert laid_out.position == stepped.position  # the same uniforms read
    prepared.ways = ways


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=table_templates(),
    words=st.lists(WORDS, min_size=3, max_size=3),
    optional=st.sampled_from([0.0, 0.3, 1.0]),
)
def test_laid_out_ways_take_the_step_walks_way(text, words, optional) -> None:
    generator = _generator(
        {
            "templates": [{"id": "t", "text": text}],
            "values": {f"v{i}": {"words": w} for i, w in enumerate(words)},
            "optional_probability": optional,
        }
    )
    _walk_both(generator, "t", range(40))


def test_people_fields_share_one_person_through_the_ways(kit, pii_params) -> None:
    """The people pool's fields: the first drawn picks the person (inside an optional
    group here), later ones reuse that position."""
    pii_params["templates"] = [
        {"id": "p", "text": "[[?Dear {{name:PERSON}}, ]]mail {{email:EMAIL}} or {{name:PERSON}}"}
    ]
    maker = SampleMaker.open(kit.load(kit.recipe_dict(pii_params, count=200)))
    generator = maker.generator
    assert isinstance(generator.steps["p"].ways, Branch)
    _walk_both(generator, "p", range(200))
    samples = generator.make_batch(list(range(200)), [SamplePlan(i) for i in range(200)])
    for sample in samples:  # the greeting's name, when there is one, is the later one
        names = [span.text for span in sample.spans if span.label == "PERSON"]
        assert len(set(names)) == 1
    maker.close()


def test_templates_the_ways_cannot_lay_out_keep_the_step_walk() -> None:
    """A value drawn live (a pattern) or more ways than `MAX_WAYS`: no tree."""
    many = "".join(f"[[a{i}|b{i}]]" for i in range(7))  # 2**7 ways
    generator = _generator(
        {
            "templates": [
                {"id": "live", "text": "code {{code}}"},
                {"id": "many", "text": many + " {{w}}"},
                {"id": "plain", "text": "[[a|b]] {{w}}"},
            ],
            "values": {"code": {"pattern": "##-??"}, "w": {"words": ["x", "y"]}},
        }
    )
    assert MAX_WAYS < 2**7
    assert generator.steps["live"].ways is None
    assert generator.steps["many"].ways is None
    root = generator.steps["plain"].ways
    assert isinstance(root, Branch) and all(type(way) is Way for way in root.options)
