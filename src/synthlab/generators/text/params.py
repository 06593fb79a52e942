"""The `text` generator's recipe params: templates, value sources, locales, noise, splits.

Everything that can be checked before sampling is checked here (template syntax with the
template id and position, unknown value names, label/class clashes, split fractions,
locale names), so a bad recipe fails at load time with the field's line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from synthlab.generators.text.labelled_params import LabelledSentences
from synthlab.generators.text.paraphrase import ParaphraseParams
from synthlab.generators.text.sessions import SessionParams, session_problems
from synthlab.generators.text.sources import ValueSource, parse_source
from synthlab.generators.text.synonyms import SynonymSets, check_synonym_sets
from synthlab.generators.text.templates import TemplateError, has_nesting, parse_template
from synthlab.recipe.model import RecipeModel

__all__ = ["NoiseParams", "TemplateSpec", "TextParams"]

# Faker locales every install has; others are checked against Faker itself at load time.
COMMON_LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "ja_JP", "zh_CN")


class TemplateSpec(RecipeModel):
    id: str = Field(min_length=1, description="a stable name (splits and provenance use it)")
    text: str = Field(min_length=1, description="the template, see docs/text.md")
    weight: float = Field(default=1.0, gt=0, description="relative chance of being chosen")
    tags: tuple[str, ...] = Field(default=(), description="document classes of its samples")


class NoiseParams(RecipeModel):
    """Noise applied to values and context before offsets are fixed: labels stay exact."""

    lowercase: float = Field(default=0.0, ge=0, le=1, description="chance a sample is lower-cased")
    uppercase: float = Field(default=0.0, ge=0, le=1, description="chance a sample is upper-cased")
    typo: float = Field(default=0.0, ge=0, le=1, description="chance per context word of a typo")
    value_typo: float = Field(default=0.0, ge=0, le=1, description="chance per value of a typo")
    whitespace: float = Field(default=0.0, ge=0, le=1, description="chance per space to double")
    punctuation: float = Field(
        default=0.0, ge=0, le=1, description="chance per punctuation mark to drop or swap it"
    )

    @property
    def active(self) -> bool:
        return any(
            (self.lowercase, self.uppercase, self.typo, self.value_typo, self.whitespace,
             self.punctuation)
        )  # fmt: skip


SourceField = Annotated[ValueSource, BeforeValidator(parse_source)]


class TextParams(RecipeModel):
    templates: tuple[TemplateSpec, ...] = Field(default=(), description="inline templates")
    template_files: tuple[str, ...] = Field(
        default=(), description="YAML lists of templates (or .txt, one per line), recipe-relative"
    )
    labelled_sentences: LabelledSentences | None = Field(
        default=None,
        description="the user's labelled sentences as templates: context kept, entity "
        "values replaced (see docs/text.md)",
    )
    values: dict[str, SourceField] = Field(
        default_factory=dict, description="placeholder name -> where its values come from"
    )
    locales: dict[str, float] = Field(
        default_factory=lambda: {"en_US": 1.0}, description="Faker locale -> weight"
    )
    pool_size: int = Field(
        default=1000,
        ge=0,
        description="Faker values drawn ahead per value and locale (0: call Faker per sample)",
    )
    optional_probability: float = Field(
        default=0.5, ge=0, le=1, description="chance an optional [[?...]] part is written"
    )
    synonyms: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="synonym sets: name -> wordings, used in templates as [[@name]]",
    )
    synonym_files: tuple[str, ...] = Field(
        default=(), description="YAML files of synonym sets (name -> wordings), recipe-relative"
    )
    paraphrase: ParaphraseParams | None = Field(
        default=None,
        description="templates rewritten once by a small local model, placeholders kept",
    )
    noise: NoiseParams = NoiseParams()
    splits: dict[str, float] = Field(
        default_factory=dict,
        description="split fractions, e.g. {train: 0.8, validation: 0.1, test: 0.1}",
    )
    split_by: Literal["sample", "template"] = Field(
        default="sample",
        description="sample: stratified by sample, every quota class in every split; "
        "template: template-disjoint (warns when a split cannot hold a quota class)",
    )
    tokenizer: Literal["builtin", "spacy", "hf"] = Field(
        default="builtin",
        description="builtin (fast), spacy (spaCy's rules) or hf (a Hugging Face fast "
        "tokenizer's words: set tokenizer_name)",
    )
    tokenizer_name: str | None = Field(
        default=None,
        min_length=1,
        description="tokenizer: hf: a folder next to the recipe (save_pretrained) or a name in "
        "the local Hugging Face cache; never downloaded",
    )
    tokenizer_language: str = Field(
        default="xx",
        pattern=r"^[a-z]{2,3}$",
        description="spaCy language whose tokenizer rules `tokenizer: spacy` uses (xx: all)",
    )
    tagging: Literal["BIO", "BILOU"] = Field(default="BIO", description="token tag scheme")
    nested_entities: bool = Field(
        default=False, description="allow [[#LABEL: ...]] groups that contain other entities"
    )
    same_per_sample: tuple[str, ...] = Field(
        default=(),
        description="values drawn once per sample and repeated at each of their placeholders",
    )
    labels: tuple[str, ...] = Field(
        default=(), description="entity labels used by template files (for quotas and tag sets)"
    )
    classes: tuple[str, ...] = Field(
        default=(), description="document classes used by template files"
    )
    sessions: SessionParams | None = Field(
        default=None,
        description="documents of several lines (log sessions, bursts) with shared values and "
        "a clock whose times never decrease in a document (see docs/text.md)",
    )

    @field_validator("locales", mode="before")
    @classmethod
    def _locale_list(cls, raw: Any) -> Any:
        if isinstance(raw, (list, tuple)):
            return dict.fromkeys(raw, 1.0)
        return raw

    @field_validator("locales")
    @classmethod
    def _known_locales(cls, locales: dict[str, float]) -> dict[str, float]:
        if not locales:
            raise ValueError("give at least one locale, e.g. {en_US: 1}")
        if any(w < 0 for w in locales.values()) or sum(locales.values()) <= 0:
            raise ValueError("locale weights must be >= 0 and not all 0")
        unknown = [name for name in locales if name not in COMMON_LOCALES]
        if unknown:
            from faker.config import AVAILABLE_LOCALES  # only when needed: Faker is slow to load

            from synthlab.errors import did_you_mean

            for name in unknown:
                if name not in AVAILABLE_LOCALES:
                    raise ValueError(
                        f"unknown Faker locale {name!r}{did_you_mean(name, AVAILABLE_LOCALES)}"
                    )
        return locales

    @field_validator("synonyms", mode="before")
    @classmethod
    def _synonym_sets(cls, raw: Any) -> Any:
        return check_synonym_sets(raw, "synonyms")

    @field_validator("splits")
    @classmethod
    def _fractions(cls, splits: dict[str, float]) -> dict[str, float]:
        if splits:
            if any(f <= 0 for f in splits.values()):
                raise ValueError("each split's fraction must be > 0")
            total = sum(splits.values())
            if abs(total - 1) > 1e-6:
                raise ValueError(f"split fractions must add up to 1, got {total:g}")
        return splits

    @model_validator(mode="after")
    def _hf_name(self) -> TextParams:
        if (self.tokenizer == "hf") != (self.tokenizer_name is not None):
            raise ValueError(
                "tokenizer: hf needs tokenizer_name (a folder next to the recipe or a cached "
                "name), and tokenizer_name is only for tokenizer: hf"
            )
        return self

    @model_validator(mode="after")
    def _spacy_language(self) -> TextParams:
        if self.tokenizer == "spacy" and self.tokenizer_language != "xx":
            try:  # only when asked for: spaCy takes a second to import
                import spacy.util
            except ImportError:  # a missing spaCy is reported by the install check
                return self
            try:
                spacy.util.get_lang_class(self.tokenizer_language)
            except Exception:  # spaCy raises ImportError (E048) for an unknown language
                raise ValueError(
                    f"spaCy has no language {self.tokenizer_language!r} "
                    "(e.g. en, de, fr, es; xx: all languages)"
                ) from None
        return self

    @model_validator(mode="after")
    def _sessions_fit(self) -> TextParams:
        if self.sessions is not None:
            problems = session_problems(self)
            if problems:
                raise ValueError(problems[0])
        return self

    @model_validator(mode="after")
    def _templates_fit(self) -> TextParams:
        if not self.templates and not self.template_files and self.labelled_sentences is None:
            raise ValueError("give templates (inline), template_files or labelled_sentences")
        if self.labelled_sentences is not None:
            lacking = self.labelled_sentences.problems_with(self.values)
            if lacking:
                raise ValueError(f"labelled_sentences: {lacking[0]}")
        seen: set[str] = set()
        for template in self.templates:
            if template.id in seen:
                raise ValueError(f"two templates have the id {template.id!r}")
            seen.add(template.id)
            check_template(template, self)
        unknown = [name for name in self.same_per_sample if name not in self.values]
        if unknown:
            raise ValueError(f"same_per_sample names unknown values {unknown}")
        clash = set(self.entity_labels()) & set(self.document_classes())
        if clash:
            raise ValueError(
                f"{sorted(clash)} is both an entity label and a class; quotas need distinct names"
            )
        if (
            self.splits
            and self.split_by == "template"
            and not self.template_files
            and len(self.templates) < len(self.splits)
        ):
            raise ValueError(
                f"{len(self.splits)} template-disjoint splits need at least as many templates, "
                f"got {len(self.templates)}"
            )
        return self

    def entity_labels(self) -> tuple[str, ...]:
        """Labels of the inline templates plus declared ones, sorted."""
        found = set(self.labels)
        for template in self.templates:
            tree, _ = parse_template(template.id, template.text, self.synonym_sets())
            found |= tree.may
        if self.labelled_sentences is not None:
            found |= self.labelled_sentences.output_labels()
        return tuple(sorted(found))

    def document_classes(self) -> tuple[str, ...]:
        if self.sessions is not None:  # the kinds label documents; template tags, lines
            return tuple(sorted(set(self.sessions.kinds) | set(self.classes)))
        return tuple(sorted({tag for t in self.templates for tag in t.tags} | set(self.classes)))

    def synonym_sets(self) -> SynonymSets:
        """The inline synonym sets; open (unknown names pass) while synonym_files are not
        read: `file_problems` and the catalog check references against all of them."""
        return SynonymSets(self.synonyms, open=bool(self.synonym_files))

    def conditions(self) -> tuple[str, ...]:
        """What a recipe may put under `quotas:`: entity labels and document classes."""
        return (*self.entity_labels(), *self.document_classes())

    def recipe_warnings(self, base_dir: Path, seed: int, quota_names: tuple[str, ...]) -> list[str]:
        """What `synthlab check` warns about without refusing the recipe (a template split
        that cannot hold a quota class), from the quota conditions with a count above 0."""
        from synthlab.generators.text.split_warnings import template_split_warnings

        return template_split_warnings(self, base_dir, seed, quota_names)

    def file_problems(self, base_dir: Path) -> list[tuple[tuple[str | int, ...], str]]:
        """What is wrong with the word lists, CSV files and template files named here, read
        as a run reads them (see `synthlab.generators.text.files`); [] when nothing is."""
        from synthlab.generators.text.files import text_file_problems
        from synthlab.generators.text.labelled_source import labelled_file_problems

        return text_file_problems(self, base_dir) + labelled_file_problems(self, base_dir)

    def input_files(self, base_dir: Path) -> list[Path]:
        """The user's files this recipe reads, for provenance: labelled sentence files, word
        lists, CSV files and template files inside the recipe's folder (synthlab's own
        `asset:` files are versioned with synthlab)."""
        from synthlab.generators.text.input_files import user_text_files

        return user_text_files(self, base_dir)


def check_template(
    template: TemplateSpec, params: TextParams, synonyms: SynonymSets | None = None
) -> None:
    """Raise ValueError naming the template and position for anything wrong with it
    (`synonyms`: every set, files' too; default: the inline ones)."""
    try:
        tree, slots = parse_template(template.id, template.text, synonyms or params.synonym_sets())
    except TemplateError as error:
        raise ValueError(str(error)) from None
    for slot in slots:
        if slot.name not in params.values:
            from synthlab.errors import did_you_mean

            raise ValueError(
                str(
                    TemplateError(
                        template.id,
                        template.text,
                        slot.position,
                        f"unknown value {slot.name!r}{did_you_mean(slot.name, params.values)}; "
                        f"values: {', '.join(params.values) or 'none defined'}",
                    )
                )
            )
    if has_nesting(tree) and not params.nested_entities:
        raise ValueError(
            f"template {template.id!r} nests entities inside a labelled group; "
            "set nested_entities: true to allow overlapping labels"
        )
