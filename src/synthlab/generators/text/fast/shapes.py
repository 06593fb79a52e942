"""The shape of one way through a compiled template, with its token boundaries worked out.

A sample's shape is named by the options its walk took (`path`); every sample that took
the same way shares it, so what can be known of its boundaries from the literals alone is
worked out once, when the shape is first made, and a sample only checks the boundaries
that depend on its fills (see `pieces` for what "a token may cross" means).
"""

from __future__ import annotations

from synthlab.generators.text.fast.fills import UNKNOWN_NEXT
from synthlab.generators.text.fast.pieces import TAIL_CLASSES, Piece, crossable
from synthlab.generators.text.fast.steps import GroupStep, LiteralStep, SlotStep, Steps
from synthlab.samples.text_pieced import TextShape, TextSlot

__all__ = ["AFTER_FILL", "Shape", "shape_parts"]

AFTER_FILL = -1  # a slot right after another slot: its boundary depends on both fills


class Shape(TextShape):
    """A `TextShape` with the boundaries a token may cross worked out: `crossing` when two
    of its literals may join, and per slot an edge (the tail class before it, or
    `AFTER_FILL`; for each tail class of its fill, whether a token may cross into the
    literal after it, or None when no literal follows)."""

    __slots__ = ("conditions", "crossing", "edges")

    def __init__(self, parts: list[Piece | TextSlot]):
        super().__init__(parts)
        self.conditions: frozenset[str] | None = None  # set by the generator, once
        self.crossing = False
        edges: list[tuple[int, tuple[bool, ...] | None]] = []
        before: Piece | TextSlot | None = None
        for number, part in enumerate(parts):
            if type(part) is TextSlot:
                if type(before) is TextSlot:
                    tail = AFTER_FILL
                elif before is not None:  # a literal piece
                    tail = before.tail  # type: ignore[union-attr]
                else:
                    tail = 0  # the text's start is like whitespace
                follows = parts[number + 1] if number + 1 < len(parts) else None
                into: tuple[bool, ...] | None = None
                if follows is not None and type(follows) is not TextSlot:
                    after = self._after_head(number + 1)
                    into = tuple([crossable(t, follows.head, after) for t in TAIL_CLASSES])  # type: ignore[union-attr]
                edges.append((tail, into))
            elif (
                before is not None
                and type(before) is not TextSlot
                and crossable(before.tail, part.head, self._after_head(number))  # type: ignore[union-attr]
            ):
                self.crossing = True
            before = part
        self.edges = tuple(edges)

    def _after_head(self, number: int) -> str:
        """The character after the first one of literal part `number`."""
        literal: Piece = self.parts[number]  # type: ignore[assignment]
        if literal.second:
            return literal.second
        if number + 1 == len(self.parts):
            return ""  # the end of the text
        follows = self.parts[number + 1]
        return UNKNOWN_NEXT if type(follows) is TextSlot else follows.text[0]  # type: ignore[union-attr]


def shape_parts(steps: Steps, path: tuple[int, ...]) -> list[Piece | TextSlot]:
    """The literal pieces and slots of the way through `steps` that took options `path`
    (-1: an optional group left out)."""
    parts: list[Piece | TextSlot] = []
    choices = iter(path)

    def expand(steps: Steps) -> None:
        for step in steps:
            kind = type(step)
            if kind is LiteralStep:
                parts.append(step.piece)  # type: ignore[union-attr]
            elif kind is GroupStep:
                choice = next(choices)
                if choice >= 0:
                    expand(step.options[choice])  # type: ignore[union-attr]
            elif kind is SlotStep:
                parts.append(TextSlot(step.name, step.label))  # type: ignore[union-attr]
            else:  # a table or person step: the slot of the table's value
                parts.append(TextSlot(step.table.name, step.label))  # type: ignore[union-attr]

    expand(steps)
    return parts
