"""An `{int: [low, high]}` value is written back into the manifest's resolved recipe as `int`
(it was written as its field name, `int_range`, which the loader refused: `synthlab verify
--regenerate` failed on every text recipe with an int value); manifests written so still
load."""

from __future__ import annotations

from synthlab.generators.text.sources import IntSource, parse_source


def test_an_int_value_resolves_to_what_loads_again(kit):
    params = {
        "values": {"port": {"int": [1024, 65535]}},
        "templates": [{"id": "t", "text": "port {{port:PORT}}"}],
    }
    recipe = kit.load(kit.recipe_dict(params))
    resolved = recipe.resolved()
    assert resolved["generator"]["params"]["values"]["port"] == {"int": [1024, 65535]}
    again = kit.load(resolved)
    assert again.generator.params == recipe.generator.params


def test_the_old_spelling_still_loads():
    source = parse_source({"int_range": [1, 9]})
    assert isinstance(source, IntSource) and source.int_range == (1, 9)
