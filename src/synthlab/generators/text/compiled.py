"""Templates compiled for the common case: a sample written as a list of cached pieces.

Most samples need none of the general builder's machinery: no quota to steer towards, no
noise, no labelled (nesting) group, no value repeated per sample, the built-in tokenizer.
For them a template is compiled once into steps (a literal piece, a slot, a group of
compiled options), and a sample is made by walking the steps and appending `Piece`s:
literals are tokenized when the template is compiled, values the first time they are drawn
(pooled values come back thousands of times). The text and the spans are then joins of
what the pieces already know, and so are the tokens and tags, made only when read
(`PiecedTextSample`).

The walk reads the sample's uniforms in exactly the order the general builder does (the
same value draws, two uniforms per group) and splits values at the same places, so a
sample comes out identical either way (a property test compares the two); only the time
differs. Anything the steps cannot express makes `compile_template` return None, and
those templates keep the general builder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synthlab.generators.text.pieces import Piece, PieceTokens, crossable
from synthlab.generators.text.stream import Draws
from synthlab.generators.text.templates import Group, Literal, Node, Sequence, Slot
from synthlab.generators.text.values import Entry, ValueBank
from synthlab.samples.text import EntityMark

__all__ = ["CompiledSample", "Steps", "TemplateRunner", "compile_template"]

_LITERAL, _SLOT, _GROUP, _TABLE, _PERSON = range(5)
# (kind, a, b): (_LITERAL, Piece, None), (_SLOT, value name, label or None),
# (_GROUP, the compiled options, optional?); and, once `TemplateRunner.prepare`d, slots whose
# value is one entry of a table: (_TABLE, _Entries, label or None), (_PERSON, _Entries,
# label or None)
Steps = tuple[tuple[int, Any, Any], ...]
# the pieces, the entity marks, and whether a token may cross a piece boundary (the caller
# then tokenizes the whole text, as the general path does)
CompiledSample = tuple[tuple[Piece, ...], tuple[EntityMark, ...], bool]


def compile_template(
    tree: Sequence, pieces: PieceTokens, same_per_sample: frozenset[str]
) -> Steps | None:
    """The template's steps, or None when it needs the general builder (a labelled group,
    or a value drawn once per sample)."""
    steps: list[tuple[int, Any, Any]] = []
    if not _compile_into(tree, pieces, same_per_sample, steps):
        return None
    return tuple(steps)


def _compile_into(
    node: Node, pieces: PieceTokens, same: frozenset[str], steps: list[tuple[int, Any, Any]]
) -> bool:
    kind = type(node)
    if kind is Sequence:  # unconstrained, the builder expands a sequence's parts in order
        return all(_compile_into(part, pieces, same, steps) for part in node.parts)  # type: ignore[union-attr]
    if kind is Literal:
        if node.text:  # type: ignore[union-attr]
            steps.append((_LITERAL, pieces.piece(node.text), None))  # type: ignore[union-attr]
        return True
    if kind is Slot:
        if node.name in same:  # type: ignore[union-attr]
            return False
        steps.append((_SLOT, node.name, node.label))  # type: ignore[union-attr]
        return True
    group: Group = node  # type: ignore[assignment]
    if group.label is not None:
        return False
    options = []
    for option in group.options:
        compiled = compile_template(option, pieces, same)
        if compiled is None:
            return False
        options.append(compiled)
    steps.append((_GROUP, tuple(options), group.optional))
    return True


_Split = tuple[Piece | None, Piece | None, Piece | None]
# Tables longer than this keep the general slot (their pieces would be kept for the run).
_TABLE_LIMIT = 100_000


class _Entries:
    """The pieces of each entry of a value's table (a Faker pool, a word list, the people
    pool), per locale, made when an entry is first drawn: a drawn entry then costs a list
    index instead of a call and a look-up by the value's text."""

    __slots__ = ("entry", "labelled", "name", "of_locale", "size")

    def __init__(self, name: str, size: int, entry: Entry, labelled: bool):
        self.name = name
        self.size = size
        self.entry = entry  # (locale, position) -> the value
        self.labelled = labelled  # entries are (lead, core, trail) splits, else a piece
        self.of_locale: dict[str, list[Any]] = {}


class TemplateRunner:
    """Per worker: runs compiled templates. Keeps each drawn value's pieces (bounded, like
    `PieceTokens`: values that rarely repeat would otherwise grow it with the run)."""

    LIMIT = 50_000

    def __init__(
        self,
        pieces: PieceTokens,
        draws: dict[str, Callable[..., str]],
        optional_probability: float,
    ):
        self.pieces = pieces
        self.draws = draws
        self.optional_probability = optional_probability
        self._tables: dict[tuple[int, str, bool], _Entries] = {}
        self._whole: dict[str, Piece] = {}  # an unlabelled value: one piece
        self._split: dict[str, _Split] = {}  # a labelled value: whitespace, core, whitespace

    def _whole_piece(self, value: str) -> Piece:
        if len(self._whole) >= self.LIMIT:
            self._whole.clear()
        piece = self._whole[value] = self.pieces.piece(value)
        return piece

    def _split_pieces(self, value: str) -> _Split:
        """Whitespace around a value is context, never inside a span (as in the builder)."""
        if len(self._split) >= self.LIMIT:
            self._split.clear()
        core = value.strip()
        if not core:
            found: _Split = (None, None, None)
        else:
            lead = len(value) - len(value.lstrip())
            trail = value[lead + len(core) :]
            found = (
                self.pieces.piece(value[:lead]) if lead else None,
                self.pieces.piece(core),
                self.pieces.piece(trail) if trail else None,
            )
        self._split[value] = found
        return found

    def prepare(self, steps: Steps, bank: ValueBank) -> Steps:
        """`steps` with each slot whose value is one entry of a table (`ValueBank.table`,
        `ValueBank.person_table`) made a table step: the same uniform read, the same entry,
        the same pieces, less work."""
        prepared: list[tuple[int, Any, Any]] = []
        for kind, a, b in steps:
            if kind is _GROUP:
                prepared.append((kind, tuple([self.prepare(option, bank) for option in a]), b))
                continue
            if kind is _SLOT:
                found = bank.person_table(a)
                if found is not None:
                    kind = _PERSON
                else:
                    found = bank.table(a)
                    kind = _TABLE if found is not None else _SLOT
                if found is not None and found[0] <= _TABLE_LIMIT:
                    key = (kind, a, b is not None)
                    entries = self._tables.get(key)
                    if entries is None:
                        entries = self._tables[key] = _Entries(a, *found, b is not None)
                    a = entries
                else:
                    kind = _SLOT
            prepared.append((kind, a, b))
        return tuple(prepared)

    def _entries(self, table: _Entries, locale: str) -> list[Any]:
        entries = table.of_locale[locale] = [None] * table.size
        return entries

    def _entry(self, table: _Entries, locale: str, position: int) -> Any:
        value = table.entry(locale, position)
        if table.labelled:
            entry: Any = self._split.get(value) or self._split_pieces(value)
            if entry[1] is None:
                raise RuntimeError(f"value {table.name!r} came out empty; it cannot be an entity")
        else:
            entry = (self._whole.get(value) or self._whole_piece(value)) if value else None
        table.of_locale[locale][position] = entry
        return entry

    def run(self, steps: Steps, rng: Draws, locale: str) -> CompiledSample:
        used: list[Piece] = []
        marks: list[EntityMark] = []
        self._walk(steps, rng, locale, {}, used, marks)
        # can a token cross from one piece into the next (see `pieces`)?
        tail = 0  # _SPACE: the text's start is like whitespace
        last = len(used) - 1
        crossing = False
        for number, piece in enumerate(used):
            if tail and piece.head:
                after = piece.second
                if not after and number < last:  # a one-character piece
                    after = used[number + 1].text[0]
                if crossable(tail, piece.head, after):
                    crossing = True
                    break
            tail = piece.tail
        return tuple(used), tuple(marks), crossing

    def _walk(
        self,
        steps: Steps,
        rng: Draws,
        locale: str,
        identities: dict[str, Any],
        used: list[Piece],
        marks: list[EntityMark],
    ) -> None:
        """Append the pieces of `steps` to `used`, and each entity's mark to `marks`."""
        for kind, a, b in steps:
            if kind is _LITERAL:
                used.append(a)
            elif kind is _TABLE or kind is _PERSON:
                entries = a.of_locale.get(locale) or self._entries(a, locale)
                if kind is _TABLE:
                    position = int(rng.random() * len(entries))
                else:  # one person per sample: the first of its fields drawn picks them
                    person = identities.get(locale)
                    if person is None:
                        person = identities[locale] = int(rng.random() * len(entries))
                    position = person
                found = entries[position] or self._entry(a, locale, position)
                if b is None:
                    if found is not None:
                        used.append(found)
                    continue
                lead, core, trail = found
                if lead is not None:
                    used.append(lead)
                marks.append((len(used), b, a.name))
                used.append(core)
                if trail is not None:
                    used.append(trail)
            elif kind is _SLOT:
                value = self.draws[a](rng, locale, identities)
                if b is None:
                    if value:
                        used.append(self._whole.get(value) or self._whole_piece(value))
                    continue
                lead, core, trail = self._split.get(value) or self._split_pieces(value)
                if core is None:
                    raise RuntimeError(f"value {a!r} came out empty; it cannot be an entity")
                if lead is not None:
                    used.append(lead)
                marks.append((len(used), b, a))
                used.append(core)
                if trail is not None:
                    used.append(trail)
            else:
                u_include = rng.random()
                u_choice = rng.random()
                if b and not u_include < self.optional_probability:
                    continue
                self._walk(a[int(u_choice * len(a))], rng, locale, identities, used, marks)
