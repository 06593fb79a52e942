"""The lean passes without materials (plain_passes.py: instance ids, solo silhouettes,
shadow maps) must draw exactly what pyrender's own loops draw: whole samples through the
generator, once with them and once with pyrender's `_forward_pass` and
`_shadow_mapping_pass` put back, on a scene with people (many primitives per object),
textures, a directional and a spot light with shadow maps, a point light and solo passes."""

from __future__ import annotations

import pytest

pytest.importorskip("pyrender")

RECIPE = """
version: 1
name: plain-passes
seed: {seed}
count: 4
generator:
  kind: scene
  params:
    classes:
      crate: {{asset: crate, count: 2, material: {{texture: wood, color: wood}}}}
      pallet: {{asset: loaded_pallet, count: 1}}
      person: {{asset: human, count: 2}}
      forklift: {{asset: forklift, count: {{int: [0, 1]}}}}
    surface: {{spread: 2.5}}
    lights:
      - {{type: directional, intensity: 3.0, elevation: 60, azimuth: 30}}
      - {{type: spot, intensity: 40.0, elevation: 70, azimuth: 200, distance: 6}}
      - {{type: point, intensity: 1.0, elevation: 60, distance: 5}}
    camera: {{resolution: [96, 72], distance: {{uniform: [5, 7]}}, azimuth: {{uniform: [0, 360]}}}}
output:
  formats: [image]
"""


def _samples(path, tmp_path, seed: int) -> list:
    from synthlab.generators.base import GeneratorContext, SamplePlan
    from synthlab.generators.scene import SPEC
    from synthlab.recipe import load_recipe
    from synthlab.seeding import sample_rng

    recipe = load_recipe(path)
    generator = SPEC.create()
    generator.setup(recipe.generator.params, GeneratorContext(tmp_path, seed, 4))
    try:
        return [generator.generate(i, sample_rng(seed, i), SamplePlan(i)) for i in range(4)]
    finally:
        generator.close()


def test_plain_passes_draw_what_pyrenders_loops_draw(tmp_path, monkeypatch):
    import pyrender

    from synthlab.generators.scene import plain_passes

    path = tmp_path / "plain.yaml"
    path.write_text(RECIPE.format(seed=11), encoding="utf-8")
    lean = _samples(path, tmp_path, 11)
    monkeypatch.setattr(plain_passes.PlainPasses, "_forward_pass", pyrender.Renderer._forward_pass)
    monkeypatch.setattr(
        plain_passes.PlainPasses, "_shadow_mapping_pass", pyrender.Renderer._shadow_mapping_pass
    )
    theirs = _samples(path, tmp_path, 11)
    solo_passes = 0
    for a, b in zip(lean, theirs, strict=True):
        assert a.image.tobytes() == b.image.tobytes()
        assert a.instance_mask.tobytes() == b.instance_mask.tobytes()
        assert a.depth.tobytes() == b.depth.tobytes()
        assert a.objects == b.objects
        solo_passes += sum("occluders" in o.attributes for o in a.objects)
    # the comparison means something: people and their occluders were drawn, and images differ
    assert len({o.category for s in lean for o in s.objects}) >= 3
    assert solo_passes > 0
    assert lean[0].image.tobytes() != lean[1].image.tobytes()


def test_shadow_maps_lent_between_scenes_change_no_pixel(tmp_path):
    # readback.py hands one scene's shadow maps (a directional and a spot light here) to
    # the next scene's new lights instead of allocating fresh ones: images made one after
    # another in one generator must equal the same images each made first, in a new one
    from synthlab.generators.base import GeneratorContext, SamplePlan
    from synthlab.generators.scene import SPEC
    from synthlab.recipe import load_recipe
    from synthlab.seeding import sample_rng

    path = tmp_path / "plain.yaml"
    path.write_text(RECIPE.format(seed=5), encoding="utf-8")
    recipe = load_recipe(path)
    generator = SPEC.create()
    generator.setup(recipe.generator.params, GeneratorContext(tmp_path, 5, 3))
    maps = []
    try:
        in_turn = []
        for i in range(3):
            in_turn.append(generator.generate(i, sample_rng(5, i), SamplePlan(i)))
            maps.append(set(generator.rasterizer._renderer._shadow_textures))
    finally:
        generator.close()
    assert len(maps[0]) == 2  # one map per shadowed light ...
    assert maps[0] == maps[1] == maps[2]  # ... and the same two textures for every image
    for i in (1, 2):
        alone = SPEC.create()
        alone.setup(recipe.generator.params, GeneratorContext(tmp_path, 5, 3))
        try:
            first = alone.generate(i, sample_rng(5, i), SamplePlan(i))
        finally:
            alone.close()
        assert first.image.tobytes() == in_turn[i].image.tobytes()
    assert in_turn[1].image.tobytes() != in_turn[2].image.tobytes()
