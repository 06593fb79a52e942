"""A finished render gives its generator's memory back at once (its value bank: pools,
Faker generators and providers, which point at each other)."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from synthlab.engine import sampling


def test_an_in_process_render_frees_its_generator(kit, pii_params, tmp_path, monkeypatch):
    made: list[weakref.ref[Any]] = []
    real_open = sampling.SampleMaker.open.__func__  # type: ignore[attr-defined]

    def open_and_watch(cls: type[sampling.SampleMaker], recipe: Any) -> sampling.SampleMaker:
        maker = real_open(cls, recipe)
        made.append(weakref.ref(maker.generator.bank))  # pools, Faker: cycles among them
        return maker

    monkeypatch.setattr(sampling.SampleMaker, "open", classmethod(open_and_watch))
    # automatic collections off, as they are in a long shard: only the render itself can
    # have freed the generator's cycles
    gc.disable()
    try:
        kit.render(kit.recipe_dict(pii_params, count=30), tmp_path / "out", workers=1)
        assert made, "the render set a generator up"
        assert [ref() for ref in made] == [None] * len(made)
    finally:
        gc.enable()
