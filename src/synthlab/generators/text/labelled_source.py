"""The user's labelled sentences as templates: context kept, entities as placeholders.

A sentence `Call Ana on 555-0100 about 月曜日.` with spans PERSON [5:8] and PHONE [12:20]
becomes the template `Call {{person:PERSON}} on {{phone:PHONE}} about 月曜日.`: every
character outside the spans is a literal (the grammar's special characters escaped, so it
comes back byte for byte), and every span a placeholder of its label's value. Where
`replace:` lets a label become others, the placeholder is a choice among them
(`[[{{account:ACCOUNT}}|{{iban:IBAN}}]]`) that quotas steer like any template's; a label in
`keep:` becomes a labelled group around its written text (`[[#PRODUCT:Flux 9000]]`).

From then on the sentence is a template like any other (`Catalog`): the builder writes the
pieces left to right and counts offsets as it goes, so each new span equals its slice by
construction, whatever the length of the value that replaced the old one, in code points
(emoji, CJK and combining marks included). A sentence's template id is `<file>:<line>`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from synthlab.errors import RecipeError, RecipeProblem
from synthlab.generators.text.labelled_params import LABEL_NAME, LabelledSentences
from synthlab.generators.text.templates import Group, Literal, Node, Sequence, Slot
from synthlab.recipe.files import RecipeFileError, read_recipe_text, resolve_recipe_file
from synthlab.samples.labelled_formats import parse_sentences
from synthlab.samples.labelled_text import LabelledSentence, LabelledTextError

__all__ = [
    "labelled_file_problems",
    "labelled_input_files",
    "labelled_templates",
    "read_labelled_file",
    "sentence_template",
]

FieldProblem = tuple[tuple[str | int, ...], str]
_SPECIAL = re.compile(r"[\\{}\[\]|]")  # the template grammar's special characters


def escape(text: str) -> str:
    """`text` as a template literal: the same characters back when it is expanded."""
    return _SPECIAL.sub(r"\\\g<0>", text)


def read_labelled_file(
    base_dir: Path, relpath: str, format: str = "auto"
) -> list[LabelledSentence]:
    """Every sentence of one file (contained in the recipe's folder); RecipeFileError if the
    file cannot be read, LabelledTextError (file and line) if a sentence is malformed."""
    text = read_recipe_text(base_dir, relpath, what="labelled sentence file", allow_assets=False)
    return parse_sentences(text, relpath, format)


class _Template:
    """A labelled sentence's template written twice at once: as template text (what
    provenance, paraphrase and errors show) and as the tree `parse_template` would make of
    that text, built directly (parsing tens of thousands of sentences character by character
    cost seconds each time the catalog loads; a test keeps the two equal)."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.parts: list[Node] = []
        self.length = 0  # of the template text so far: where the next node starts

    def write(self, piece: str) -> None:
        self.pieces.append(piece)
        self.length += len(piece)

    def context(self, text: str) -> None:
        if text:
            self.parts.append(Literal(text))
            self.write(escape(text))

    def kept(self, label: str, written: str) -> None:
        option = Sequence((Literal(written),))
        self.parts.append(Group((option,), False, label, self.length, frozenset({label})))
        self.write(f"[[#{label}:{escape(written)}]]")  # no space after ':' (it is context)

    def slots(self, choices: list[tuple[str, str]]) -> None:
        """One placeholder, or a group of them (`[[{{a:A}}|{{b:B}}]]`)."""
        if len(choices) == 1:
            name, label = choices[0]
            self.parts.append(Slot(name, label, self.length, frozenset({label})))
            self.write(f"{{{{{name}:{label}}}}}")
            return
        group_at = self.length
        self.write("[[")
        options = []
        for number, (name, label) in enumerate(choices):
            if number:
                self.write("|")
            slot = Slot(name, label, self.length, frozenset({label}))
            options.append(Sequence((slot,), slot.may))
            self.write(f"{{{{{name}:{label}}}}}")
        self.write("]]")
        may = frozenset(label for _, label in choices)
        self.parts.append(Group(tuple(options), False, None, group_at, may))

    def tree(self) -> Sequence:
        return Sequence(tuple(self.parts), frozenset().union(*(p.may for p in self.parts)))


def _choices(
    sentence: LabelledSentence, label: str, spec: LabelledSentences, values: dict[str, Any]
) -> list[tuple[str, str]]:
    """(value name, label) of each label an entity labelled `label` may become."""
    found = []
    for target in spec.become(label):
        name = spec.value_for(target, values)
        if name is None:
            if target == label:
                problem = (
                    f"label {label!r} has no value to draw from; add a value named "
                    f"{label.lower()!r}, map it (labelled_sentences.values: {{{label}: "
                    f"<value>}}), replace it (replace: {{{label}: [...]}}) or keep its text "
                    f"(keep: [{label}])"
                )
            else:
                problem = f"label {label!r} may become {target!r}, which has no value"
            raise LabelledTextError(sentence.path, sentence.line, problem)
        found.append((name, target))
    return found


def sentence_template(
    sentence: LabelledSentence, spec: LabelledSentences, values: dict[str, Any]
) -> tuple[dict[str, Any], Sequence]:
    """The template a labelled sentence stands for: a `TemplateSpec`'s fields, and its
    parsed tree."""
    text = sentence.text
    made = _Template()
    position = 0
    for start, end, label in sentence.spans:
        if not LABEL_NAME.fullmatch(label):
            raise LabelledTextError(
                sentence.path, sentence.line, f"label {label!r} cannot be used: labels are "
                "letters, digits, '_', '.', '-' (starting with a letter or '_')",
            )  # fmt: skip
        made.context(text[position:start])
        if label in spec.keep:
            made.kept(label, text[start:end])
        else:
            made.slots(_choices(sentence, label, spec, values))
        position = end
    made.context(text[position:])
    raw = {
        "id": sentence.where,
        "text": "".join(made.pieces),
        "weight": spec.weight,
        "tags": list(sentence.classes),
    }
    return raw, made.tree()


def _templates_of(
    params: Any, base_dir: Path, relpath: str
) -> list[tuple[dict[str, Any], Sequence]]:
    spec: LabelledSentences = params.labelled_sentences
    sentences = read_labelled_file(base_dir, relpath, spec.format)
    if not sentences:
        raise RecipeFileError(f"labelled sentence file {relpath!r} holds no sentences")
    return [sentence_template(sentence, spec, params.values) for sentence in sentences]


def labelled_templates(params: Any, base_dir: Path) -> list[tuple[dict[str, Any], Sequence]]:
    """The templates of every labelled sentence, in file order, with their trees, for the
    catalog; a RecipeError naming the file and line for the first bad sentence."""
    spec: LabelledSentences | None = params.labelled_sentences
    found: list[tuple[dict[str, Any], Sequence]] = []
    for relpath in spec.files if spec is not None else ():
        try:
            found += _templates_of(params, base_dir, relpath)
        except LabelledTextError as error:
            raise RecipeError(
                [RecipeProblem(error.path, error.line, None, "", error.problem)]
            ) from None
        except RecipeFileError as error:
            raise RecipeError([RecipeProblem(relpath, None, None, "", str(error))]) from None
    return found


def labelled_file_problems(params: Any, base_dir: Path) -> list[FieldProblem]:
    """What is wrong with the labelled sentence files, as (field, message): each file read
    as a run reads it, the message naming the file and line."""
    spec: LabelledSentences | None = params.labelled_sentences
    problems: list[FieldProblem] = []
    for position, relpath in enumerate(spec.files if spec is not None else ()):
        try:
            _templates_of(params, base_dir, relpath)
        except (LabelledTextError, RecipeFileError) as error:
            problems.append((("labelled_sentences", "files", position), str(error)))
    return problems


def labelled_input_files(params: Any, base_dir: Path) -> list[Path]:
    """The labelled sentence files, resolved inside the recipe's folder (provenance)."""
    spec: LabelledSentences | None = params.labelled_sentences
    return [
        resolve_recipe_file(base_dir, relpath, what="labelled sentence file", allow_assets=False)
        for relpath in (spec.files if spec is not None else ())
    ]
