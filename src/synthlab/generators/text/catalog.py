"""All templates of a recipe (inline and from files), parsed, checked and given a split,
plus the constraint-aware choice of a template for one sample's quota plan."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from synthlab.errors import RecipeError, RecipeProblem
from synthlab.generators.text.files import read_template_file
from synthlab.generators.text.labelled_source import labelled_templates
from synthlab.generators.text.params import TemplateSpec, TextParams, check_template
from synthlab.generators.text.splits import assign_splits
from synthlab.generators.text.synonyms import SynonymSets, load_synonym_sets
from synthlab.generators.text.templates import Sequence, can_make, parse_template
from synthlab.recipe.files import RecipeFileError

__all__ = ["Catalog", "CompiledTemplate"]


def _synonyms(params: TextParams, base_dir: Path) -> SynonymSets:
    """Every synonym set of the recipe (its files read), or a RecipeError naming the file."""
    try:
        return load_synonym_sets(params, base_dir)
    except RecipeFileError as error:
        raise RecipeError([RecipeProblem("synonym_files", None, None, "", str(error))]) from None


def _check_inline(spec: TemplateSpec, params: TextParams, synonyms: SynonymSets) -> None:
    """An inline template against every synonym set (the params checked the inline ones)."""
    try:
        check_template(spec, params, synonyms)
    except ValueError as error:
        raise RecipeError([RecipeProblem("templates", None, None, "", str(error))]) from None


def _paraphrased(
    specs: list[TemplateSpec],
    params: TextParams,
    base_dir: Path,
    seed: int,
    synonyms: SynonymSets,
    splits: dict[str, str],
) -> list[TemplateSpec]:
    """The model's paraphrases as templates `<id>~p<n>`: the template's tags, its weight
    times `paraphrase.weight`, and its split (template-disjoint splits stay disjoint)."""
    from synthlab.generators.text.paraphrase import ParaphraseError, paraphrase_templates

    settings = params.paraphrase
    assert settings is not None
    by_id = {spec.id: spec for spec in specs}

    def accept(template_id: str, text: str) -> bool:
        try:
            check_template(TemplateSpec(id=template_id, text=text), params, synonyms)
        except ValueError:
            return False
        return True

    try:
        made = paraphrase_templates(specs, settings, base_dir, seed, accept)
    except ParaphraseError as error:
        raise RecipeError([RecipeProblem("paraphrase.model", None, None, "", str(error))]) from None
    added: list[TemplateSpec] = []
    count: dict[str, int] = {}
    for origin, text in made:
        count[origin] = count.get(origin, 0) + 1
        spec = by_id[origin]
        new = TemplateSpec(
            id=f"{origin}~p{count[origin]}",
            text=text,
            weight=spec.weight * settings.weight,
            tags=spec.tags,
        )
        splits[new.id] = splits[origin]
        added.append(new)
    return added


@dataclass(frozen=True)
class CompiledTemplate:
    id: str
    tree: Sequence
    weight: float
    classes: frozenset[str]
    split: str

    @cached_property
    def sorted_classes(self) -> tuple[str, ...]:
        return tuple(sorted(self.classes))

    @property
    def labels(self) -> frozenset[str]:
        return self.tree.may


@dataclass(frozen=True, eq=False)
class Catalog:
    templates: tuple[CompiledTemplate, ...]
    labels: tuple[str, ...]  # every entity label, sorted
    classes: tuple[str, ...]  # every document class, sorted
    cumulative: list[float]  # cumulative template weights, for the unconstrained choice
    _fitting_cache: dict[tuple[frozenset[str], frozenset[str]], tuple[int, ...]] = field(
        default_factory=dict, repr=False
    )
    _cumulative_cache: dict[tuple[frozenset[str], frozenset[str]], np.ndarray] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def load(
        cls, params: TextParams, base_dir: Path, seed: int, paraphrase: bool = False
    ) -> Catalog:
        """`paraphrase`: add the `paraphrase:` model's rewrites of the templates (the
        generator's catalog; label sets and checks need only the templates as written)."""
        specs = list(params.templates)
        synonyms = _synonyms(params, base_dir)
        if params.synonym_files:
            for spec in specs:
                _check_inline(spec, params, synonyms)
        for relpath in params.template_files:
            for number, raw in enumerate(read_template_file(base_dir, relpath)):
                try:
                    spec = TemplateSpec.model_validate(raw)
                    check_template(spec, params, synonyms)
                except (ValidationError, ValueError) as error:
                    message = str(error).splitlines()[-1] if isinstance(error, ValidationError) \
                        else str(error)  # fmt: skip
                    raise RecipeError(
                        [RecipeProblem(relpath, None, None, f"[{number}]", message)]
                    ) from None
                specs.append(spec)
        # the user's labelled sentences, one template each, already parsed (their value
        # names were checked as the trees were built)
        trees: dict[str, Sequence] = {}
        for raw, tree in labelled_templates(params, base_dir):
            specs.append(TemplateSpec.model_validate(raw))
            trees[raw["id"]] = tree
        ids = [spec.id for spec in specs]
        repeats = Counter(ids)  # (list.count per id: 15 s for 20,000 labelled sentences)
        duplicate = next((i for i in ids if repeats[i] > 1), None)
        if duplicate:
            raise RecipeError(
                [RecipeProblem("templates", None, None, "", f"two templates have id {duplicate!r}")]
            )
        # split_by: sample decides each sample's split in the generator; templates say train
        by_template = params.splits if params.split_by == "template" else {}
        splits = assign_splits([(s.id, s.weight) for s in specs], by_template, seed)
        if paraphrase and params.paraphrase is not None:
            specs += _paraphrased(specs, params, base_dir, seed, synonyms, splits)
        compiled = tuple(
            CompiledTemplate(
                spec.id,
                trees[spec.id]
                if spec.id in trees
                else parse_template(spec.id, spec.text, synonyms)[0],
                spec.weight,
                frozenset(spec.tags),
                splits[spec.id],
            )
            for spec in specs
        )
        labels = set(params.labels).union(*(t.labels for t in compiled))
        classes = set(params.classes).union(*(t.classes for t in compiled))
        cumulative = list(accumulate(t.weight for t in compiled))
        return cls(compiled, tuple(sorted(labels)), tuple(sorted(classes)), cumulative)

    def choose(
        self, u: float, need: frozenset[str], avoid: frozenset[str]
    ) -> tuple[CompiledTemplate, frozenset[str]]:
        """A template by weight (u uniform in [0, 1)) among those that can meet the plan;
        returns it and the entity labels its expansion must still produce."""
        if not need and not avoid:
            position = bisect_right(self.cumulative, u * self.cumulative[-1])
            return self.templates[min(position, len(self.templates) - 1)], need
        fitting = self._fitting(need, avoid)
        if not fitting:
            raise RuntimeError(
                f"no template can carry {sorted(need)} while avoiding {sorted(avoid)}; "
                "add a template that fits or change the quotas"
            )
        cumulative = self._cumulative_cache.get((need, avoid))
        if cumulative is None:  # once per plan: thousands of labelled sentences made it slow
            cumulative = np.cumsum([self.templates[i].weight for i in fitting])
            self._cumulative_cache[(need, avoid)] = cumulative
        position = int(np.searchsorted(cumulative, u * cumulative[-1], "right"))
        template = self.templates[fitting[min(position, len(fitting) - 1)]]
        return template, need - template.classes

    def _fitting(self, need: frozenset[str], avoid: frozenset[str]) -> tuple[int, ...]:
        key = (need, avoid)
        if key not in self._fitting_cache:
            self._fitting_cache[key] = self._find_fitting(need, avoid)
        return self._fitting_cache[key]

    def _find_fitting(self, need: frozenset[str], avoid: frozenset[str]) -> tuple[int, ...]:
        class_need = need & set(self.classes)
        label_need = need - class_need
        return tuple(
            i
            for i, t in enumerate(self.templates)
            if class_need <= t.classes
            and not (t.classes & avoid)
            and can_make(t.tree, label_need, avoid)
        )

    def check_plans(self, conditions: frozenset[str]) -> list[str]:
        """Problems for quota plans the engine can hand out: each condition alone, or none."""
        problems = []
        if not self._fitting(frozenset(), conditions):
            problems.append(f"every template carries one of {sorted(conditions)}")
        for condition in sorted(conditions):
            if not self._fitting(frozenset({condition}), conditions - {condition}):
                problems.append(
                    f"no template can carry {condition!r} without also carrying another "
                    f"quota condition of {sorted(conditions - {condition})}"
                )
        return problems
