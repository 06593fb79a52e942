"""The walk of a compiled template: one sample's shape and fills from its uniforms.

The walk reads the sample's uniforms in exactly the order the general builder does (the
same value draws, two uniforms per group) and splits values at the same places, so a
sample comes out identical either way (a property test compares the two); only the time
differs. It draws a `Fill` per slot (made the first time its value is drawn) and notes the
options it takes, which name the sample's `Shape` (made once per way). Whether a token may
cross a piece boundary is then checked from what the shape and the fills already know.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from synthlab.generators.text.fast.fills import TABLE_LIMIT, Fill, FillCache, TableFills
from synthlab.generators.text.fast.pieces import PieceTokens
from synthlab.generators.text.fast.shapes import Shape, shape_parts
from synthlab.generators.text.fast.steps import (
    GroupStep,
    LiteralStep,
    PersonStep,
    SlotStep,
    Step,
    Steps,
    TableStep,
)
from synthlab.generators.text.fast.ways import FIRST, Node, lay_out_ways, take_way
from synthlab.generators.text.stream import Draws
from synthlab.generators.text.values import ValueBank

__all__ = ["CompiledSample", "PreparedTemplate", "TemplateRunner"]

# the shape, its fills (None for a value that came out empty), and whether a token may
# cross a piece boundary (the caller then tokenizes the whole text, as the general path does)
CompiledSample = tuple[Shape, tuple["Fill | None", ...], bool]


class PreparedTemplate:
    """A template's steps, made ready for a runner (`TemplateRunner.prepare`), and the
    shapes of the ways through it that samples took (by the options taken)."""

    __slots__ = ("drawing", "shapes", "steps", "ways")
    LIMIT = 4096  # templates with many groups have many ways through them

    def __init__(self, steps: Steps):
        self.steps = steps
        # what the walk goes through: the steps less the literals, which draw nothing (about
        # half of a template's steps; the shapes know the literals)
        self.drawing = _drawing(steps)
        self.shapes: dict[tuple[int, ...], Shape] = {}
        # its ways laid out in advance, when every value comes from a table (`ways`)
        self.ways: Node | None = lay_out_ways(self.drawing, self.shape)

    def shape(self, path: tuple[int, ...]) -> Shape:
        """The shape of the way that took options `path`, made on first use."""
        found = self.shapes.get(path)
        if found is None:
            if len(self.shapes) >= self.LIMIT:
                self.shapes.clear()
            found = self.shapes[path] = Shape(shape_parts(self.steps, path))
        return found


class TemplateRunner:
    """Per worker: prepares compiled templates and walks them."""

    def __init__(
        self,
        pieces: PieceTokens,
        draws: dict[str, Callable[..., str]],
        optional_probability: float,
    ):
        self.draws = draws
        self.optional_probability = optional_probability
        self.fills = FillCache(pieces)
        # one table per (value, labelled): the same entries whichever template draws them
        self._tables: dict[tuple[type, str, bool], TableFills] = {}

    def prepare(self, steps: Steps, bank: ValueBank) -> PreparedTemplate:
        """`steps` with each slot whose value is one entry of a table (`ValueBank.table`,
        `ValueBank.person_table`) made a table or person step: the same uniform read, the
        same entry, the same pieces, less work."""
        return PreparedTemplate(self._prepared(steps, bank))

    def _prepared(self, steps: Steps, bank: ValueBank) -> Steps:
        prepared: list[Step] = []
        for step in steps:
            if type(step) is GroupStep:
                options = tuple([self._prepared(option, bank) for option in step.options])
                prepared.append(GroupStep(options, step.optional))
            elif type(step) is SlotStep:
                prepared.append(self._slot(step, bank))
            else:
                prepared.append(step)
        return tuple(prepared)

    def _slot(self, step: SlotStep, bank: ValueBank) -> Step:
        kind: type[TableStep] | type[PersonStep] = PersonStep
        found = bank.person_table(step.name)
        if found is None:
            kind, found = TableStep, bank.table(step.name)
        if found is None or found[0] > TABLE_LIMIT:
            return step
        labelled = step.label is not None
        key = (kind, step.name, labelled)
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = TableFills(step.name, *found, labelled)
        return kind(table, step.label)

    def make_fills(self, locales: Sequence[str], count: int) -> None:
        """The fills of every table a run of `count` samples will likely draw whole (no more
        entries in all `locales` than samples), made now. The driver calls this before
        workers fork (`TextGenerator.prepare_shared`): they inherit the fills instead of each
        making the same ones on first draw (~30,000 in the text benchmark, a tenth of a
        worker's time). Same fills either way, as a fill depends only on its value."""
        for table in self._tables.values():
            if table.size * len(locales) <= count:
                for locale in locales:
                    table.make_all(self.fills, locale)

    def take(self, ways: Node, row: list[float], locale: str) -> CompiledSample:
        """`run` for a template laid out as `ways`, straight from the sample's row (its first
        two uniforms already read), for a caller that reads nothing after it: no `Draws`."""
        way, taken, crossing = take_way(ways, row, locale, self.optional_probability, self.fills)
        return way.shape, tuple(taken), crossing

    def run(self, template: PreparedTemplate, rng: Draws, locale: str) -> CompiledSample:
        ways = template.ways
        if ways is not None and rng.position == FIRST:
            way, taken, crossing = take_way(
                ways, rng.row, locale, self.optional_probability, self.fills
            )
            rng.position = way.end
            return way.shape, tuple(taken), crossing
        fills: list[Fill | None] = []
        path: list[int] = []
        self._walk(template.drawing, rng, locale, {}, fills, path)
        key = tuple(path)
        shape = template.shapes.get(key) or template.shape(key)
        return shape, tuple(fills), _may_cross(shape, fills)

    def _walk(
        self,
        steps: Steps,
        rng: Draws,
        locale: str,
        identities: dict[str, Any],
        fills: list[Fill | None],
        path: list[int],
    ) -> None:
        """Append the fill of each slot of `steps` to `fills`, and each group's option taken
        to `path` (-1: an optional group left out)."""
        for step in steps:  # no literals (`PreparedTemplate.drawing`)
            kind = type(step)
            if kind is TableStep:
                table = step.table  # type: ignore[union-attr]
                of_locale = table.of_locale.get(locale) or table.fills(locale)
                position = int(rng.random() * len(of_locale))
                fills.append(of_locale[position] or table.fill(self.fills, locale, position))
            elif kind is PersonStep:
                table = step.table  # type: ignore[union-attr]
                of_locale = table.of_locale.get(locale) or table.fills(locale)
                # one person per sample: the first of its fields drawn picks them
                position = identities.get(locale)  # type: ignore[assignment]
                if position is None:
                    position = identities[locale] = int(rng.random() * len(of_locale))
                fills.append(of_locale[position] or table.fill(self.fills, locale, position))
            elif kind is SlotStep:
                value = self.draws[step.name](rng, locale, identities)  # type: ignore[union-attr]
                fills.append(self.fills.of(value, step.name, step.label is not None))  # type: ignore[union-attr]
            else:  # a group: both uniforms read whatever it does
                u_include = rng.random()
                u_choice = rng.random()
                if step.optional and not u_include < self.optional_probability:  # type: ignore[union-attr]
                    path.append(-1)
                    continue
                options = step.options  # type: ignore[union-attr]
                choice = int(u_choice * len(options))
                path.append(choice)
                self._walk(options[choice], rng, locale, identities, fills, path)


def _drawing(steps: Steps) -> Steps:
    """`steps` without their literals, in groups too."""
    kept: list[Step] = []
    for step in steps:
        if type(step) is GroupStep:
            options = tuple([_drawing(option) for option in step.options])
            kept.append(GroupStep(options, step.optional))
        elif type(step) is not LiteralStep:
            kept.append(step)
    return tuple(kept)


def _may_cross(shape: Shape, fills: list[Fill | None]) -> bool:
    """Can a token cross from one piece into the next (see `pieces`)? `ways.take_way` applies
    the same rule inline for laid-out templates; change both together."""
    if shape.crossing:
        return True
    tail = 0  # the text's start is like whitespace
    for (before, into), fill in zip(shape.edges, fills):  # noqa: B905 (as many)
        if (
            fill is None  # an empty value: the literals around it meet
            or fill.crosses_after[tail if before < 0 else before]
            or (into is not None and into[fill.tail])
        ):
            return True
        tail = fill.tail
    return False
