"""`labelled_sentences:`, the user's own labelled sentences used as templates (cheap: no
file is read here; `labelled_source` reads them).

Each sentence keeps its context text as written; each entity becomes a placeholder whose
value is drawn from `values:` for its label (or for the labels `replace:` lets it become),
so the sentence comes back with new values and exact, recomputed offsets::

    labelled_sentences:
      files: [data/tickets.jsonl, data/more.conll]   # JSONL with spans, CoNLL, Label Studio
      values: {PERSON: name, ACCOUNT: account}       # label -> value (default: the value
                                                     #   named like the label, lower case)
      replace: {ACCOUNT: [ACCOUNT, IBAN]}            # an ACCOUNT may become an IBAN
      keep: [PRODUCT]                                # written text kept, still labelled
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from synthlab.recipe.files import RecipeFileError, check_relative_path
from synthlab.recipe.model import RecipeModel

__all__ = ["LABEL_NAME", "LabelledSentences"]

# what the template grammar accepts as an entity label ({{value:LABEL}})
LABEL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def _contained(path: str) -> str:
    """What the spelling tells (absolute, `..`, empty): refused per item, so the error names
    `files[i]`; the file itself is looked at with the other files (`labelled_source`)."""
    try:
        check_relative_path(path, what="labelled sentence file", allow_assets=False)
    except RecipeFileError as error:
        raise ValueError(str(error)) from None
    return path


class LabelledSentences(RecipeModel):
    files: tuple[Annotated[str, AfterValidator(_contained)], ...] = Field(
        min_length=1,
        description="labelled sentence files, recipe-relative: .jsonl (text + spans), "
        ".conll/.iob/.bio/.tsv (token and BIO tag per line), .json (Label Studio export)",
    )
    format: Literal["auto", "jsonl", "conll", "label-studio"] = Field(
        default="auto", description="the files' format; auto: from each file's suffix"
    )
    values: dict[str, str] = Field(
        default_factory=dict,
        description="entity label -> the value (under `values:`) its new text is drawn from; "
        "a label not listed takes the value named like it in lower case (PERSON -> person)",
    )
    replace: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="label in the files -> the labels its entities may become, one chosen "
        "per sample (e.g. {ACCOUNT: [ACCOUNT, IBAN]}); quotas steer the choice",
    )
    keep: tuple[str, ...] = Field(
        default=(), description="labels whose written text is kept as it is (still labelled)"
    )
    weight: float = Field(
        default=1.0, gt=0, description="each sentence's chance of being chosen, as a template's"
    )

    @field_validator("files")
    @classmethod
    def _paths(cls, files: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({path for path in files if files.count(path) > 1})
        if repeated:
            raise ValueError(f"{repeated} listed twice; name each file once")
        return files

    @model_validator(mode="after")
    def _label_names(self) -> LabelledSentences:
        for label in [*self.values, *self.replace, *self.keep, *self.targets()]:
            if not LABEL_NAME.fullmatch(label):
                raise ValueError(
                    f"label {label!r}: labels are letters, digits, '_', '.', '-' "
                    "(starting with a letter or '_')"
                )
        for label, targets in self.replace.items():
            if not targets:
                raise ValueError(f"replace: {label} lists no label; give at least one")
        both = sorted(set(self.keep) & set(self.replace))
        if both:
            raise ValueError(f"{both} are both kept and replaced; choose one")
        return self

    def targets(self) -> tuple[str, ...]:
        """Every label `replace:` can turn an entity into."""
        return tuple(label for targets in self.replace.values() for label in targets)

    def output_labels(self) -> frozenset[str]:
        """The labels known without reading the files (for quotas): those `values:`,
        `replace:` and `keep:` name."""
        return frozenset(self.values) | frozenset(self.targets()) | frozenset(self.keep)

    def value_for(self, label: str, values: Mapping[str, Any]) -> str | None:
        """The name of the value a `label` entity is drawn from, or None if it has none."""
        if label in self.values:
            return self.values[label]
        for name in (label.lower(), label):
            if name in values:
                return name
        return None

    def become(self, label: str) -> tuple[str, ...]:
        """The labels an entity labelled `label` in a file may come out as (itself unless
        `replace:` says otherwise), each once, in the order given."""
        return tuple(dict.fromkeys(self.replace.get(label, (label,))))

    def problems_with(self, values: Mapping[str, Any]) -> list[str]:
        """What the params' `values:` lack for the labels named here."""
        problems = []
        for label, name in self.values.items():
            if name not in values:
                problems.append(
                    f"values: {label} names {name!r}, which is not under the params' values "
                    f"({', '.join(values) or 'none defined'})"
                )
        for label in dict.fromkeys(self.targets()):
            if self.value_for(label, values) is None:
                problems.append(
                    f"replace: {label} has no value to draw from; add `values: {{{label}: "
                    f"<value name>}}` here or a value named {label.lower()!r}"
                )
        return problems
