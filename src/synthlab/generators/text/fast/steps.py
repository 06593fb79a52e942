"""The steps a compiled template is made of, one named tuple per kind.

`compile_template` turns a template's tree into literal, slot and group steps; a
`TemplateRunner` then turns each slot whose value is one entry of a table into a table or
person step (`TemplateRunner.prepare`). The walk tells the kinds apart by their type.
Named tuples rather than frozen dataclasses: as cheap to read as a plain tuple, which the
walk does for every step of every sample.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from synthlab.generators.text.fast.fills import TableFills
    from synthlab.generators.text.fast.pieces import Piece

__all__ = ["GroupStep", "LiteralStep", "PersonStep", "SlotStep", "Step", "Steps", "TableStep"]


class LiteralStep(NamedTuple):
    """Template text between values, tokenized when the template is compiled."""

    piece: Piece


class SlotStep(NamedTuple):
    """A value drawn live (a pattern, a weighted list, a grammar...): `name` in the
    generator's draws, `label` its entity label (None: context, not an entity)."""

    name: str
    label: str | None


class GroupStep(NamedTuple):
    """`[[a|b]]` or `[[?a|b]]`: the compiled options, and whether the group may be left out.
    Both of a group's uniforms are read whatever it does (as in the general builder)."""

    options: tuple[Steps, ...]
    optional: bool


class TableStep(NamedTuple):
    """A value that is one entry of a table drawn by one uniform (a Faker pool, an
    unweighted word list): the entries' fills, made on first draw."""

    table: TableFills
    label: str | None


class PersonStep(NamedTuple):
    """One field of the people pool: the sample's first person field drawn picks the
    person (one uniform), every later one reuses that position."""

    table: TableFills
    label: str | None


Step = LiteralStep | SlotStep | GroupStep | TableStep | PersonStep
Steps = tuple[Step, ...]
