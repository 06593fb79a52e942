"""Every way through a table-only template, laid out once as a small decision tree.

When all of a template's values come from tables (pooled Faker values, unweighted word
lists, the people pool) and none is drawn live, everything about a sample but its
uniforms is known before the first sample: which uniform of the sample's row each table
read takes, which two uniforms each group reads, and the shape at the end of each way.
`lay_out_ways` builds that as a tree: a `Branch` per group, decided by its two uniforms,
and a `Way` per leaf, with its shape and its reads by uniform position. Taking a way
(`take_way`) is then a few comparisons and list indexes, where the step walk
(`TemplateRunner._walk`) dispatches on every step's kind, calls `Draws.random` for every
uniform and looks the shape up by the options it took.

Why it exists: the walk is most of a sentence's cost once the value pools are made, and
this tree makes the benchmark's walk ~1.3x faster (issue 20's note has the numbers). It
reads the same uniforms in the same order as the step walk, so every sample is the same
either way: `tests/text/test_compiled.py` makes random templates both ways, and
`tests/text/test_ways.py` compares the tree with the step walk directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from synthlab.generators.text.fast.fills import Fill, FillCache, TableFills
from synthlab.generators.text.fast.shapes import Shape
from synthlab.generators.text.fast.steps import GroupStep, PersonStep, Step, Steps, TableStep
from synthlab.generators.text.stream import WIDTH

__all__ = ["FIRST", "MAX_WAYS", "Branch", "Node", "Way", "lay_out_ways", "take_way"]

# A tree holds one leaf per way; past this many, templates keep the step walk (a tree's
# memory grows with the product of its groups' options).
MAX_WAYS = 64
FIRST = 2  # a sample's first two uniforms chose its template and locale


class Read(NamedTuple):
    """One table value of a way: the table, and the uniform of the row that picks it."""

    table: TableFills
    position: int


# One read of a way for one locale: the table's fills for the locale, the uniform's
# position, the table, and the edge of the slot it fills (`Shape.edges`: the tail class
# before the slot or AFTER_FILL, and whether a token may cross into the literal after it).
LocaleRead = tuple[list[Fill | None], int, TableFills, int, tuple[bool, ...] | None]


class Way:
    """A leaf: the shape of one way through the template, and its table reads in order."""

    __slots__ = ("by_locale", "end", "reads", "shape")

    def __init__(self, shape: Shape, reads: tuple[Read, ...], end: int):
        self.shape = shape
        self.reads = reads
        self.end = end  # the number of the first uniform the way leaves unread
        self.by_locale: dict[str, tuple[LocaleRead, ...]] = {}

    def reads_for(self, locale: str) -> tuple[LocaleRead, ...]:
        found = self.by_locale.get(locale)
        if found is None:
            # one read per slot, in the slots' order: each read fills the slot of its edge
            found = self.by_locale[locale] = tuple(
                [
                    (read.table.fills(locale), read.position, read.table, before, into)
                    for read, (before, into) in zip(self.reads, self.shape.edges, strict=True)
                ]
            )
        return found


class Branch(NamedTuple):
    """A group: uniform `position` decides whether an optional group is left out (then
    `skip` follows; None for a group that is not optional), uniform `position + 1` picks
    the option. Both are read whatever the group does, as in the step walk."""

    position: int
    skip: Node | None
    options: tuple[Node, ...]


Node = Branch | Way


def lay_out_ways(drawing: Steps, shape_of: Callable[[tuple[int, ...]], Shape]) -> Node | None:
    """The tree of `drawing`'s ways (a prepared template's steps less its literals;
    `shape_of(path)` the shape of the way that took options `path`), or None when a step
    is drawn live, the template has more than `MAX_WAYS` ways, a way reads past a row's
    `WIDTH` uniforms, or its people-pool fields differ in size."""
    ways = _count_ways(drawing)
    if ways is None or ways > MAX_WAYS:
        return None
    return _lay_out(list(drawing), FIRST, (), (), None, shape_of)


def take_way(
    root: Node, row: list[float], locale: str, optional_probability: float, cache: FillCache
) -> tuple[Way, list[Fill | None], bool]:
    """The way a sample with uniforms `row` takes, its fills (None: an empty value), and
    whether a token may cross a piece boundary: `runner._may_cross`'s rule, checked fill by
    fill as the reads are taken rather than in a second loop over them (the benchmark's
    hot path; tests/text/test_ways.py checks both give the same answer)."""
    node = root
    while type(node) is Branch:
        if node.skip is not None and not row[node.position] < optional_probability:
            node = node.skip
        else:
            options = node.options
            # u * n rounded up to n raises IndexError, as the step walk does
            node = options[int(row[node.position + 1] * len(options))]
    way: Way = node  # type: ignore[assignment]
    fills: list[Fill | None] = []
    crossing = way.shape.crossing
    tail = 0  # the text's start is like whitespace
    for entries, position, table, before, into in way.by_locale.get(locale) or way.reads_for(
        locale
    ):
        at = int(row[position] * len(entries))
        fill = entries[at] or table.fill(cache, locale, at)
        fills.append(fill)
        if not crossing:
            if (
                fill is None  # an empty value: the literals around it meet
                or fill.crosses_after[tail if before < 0 else before]
                or (into is not None and into[fill.tail])
            ):
                crossing = True
            else:
                tail = fill.tail
    return way, fills, crossing


def _count_ways(steps: Steps) -> int | None:
    """How many ways lead through `steps` (None: a step drawn live)."""
    ways = 1
    for step in steps:
        if type(step) is GroupStep:
            options = 0
            for option in step.options:
                found = _count_ways(option)
                if found is None:
                    return None
                options += found
            ways *= options + (1 if step.optional else 0)
        elif type(step) is not TableStep and type(step) is not PersonStep:
            return None
    return ways


def _lay_out(
    steps: list[Step],
    position: int,
    reads: tuple[Read, ...],
    path: tuple[int, ...],
    person: Read | None,
    shape_of: Callable[[tuple[int, ...]], Shape],
) -> Node | None:
    """The tree of the way(s) through `steps` (what this way has still to take) from
    uniform `position` on, with `reads` and options `path` taken so far, and the read
    that picked the sample's person, once one has."""
    for number, step in enumerate(steps):
        if type(step) is GroupStep:
            rest = steps[number + 1 :]
            return _lay_out_group(step, rest, position, reads, path, person, shape_of)
        table: TableFills = step.table  # type: ignore[union-attr]
        if type(step) is PersonStep and person is not None:
            # one person per sample: later fields reuse the first one's position, which
            # picks the same entry only when the fields' tables are equally long
            if table.size != person.table.size:
                return None
            reads = (*reads, Read(table, person.position))
            continue
        if position >= WIDTH:
            return None
        read = Read(table, position)
        if type(step) is PersonStep:
            person = read
        reads = (*reads, read)
        position += 1
    return Way(shape_of(path), reads, position)


def _lay_out_group(
    group: GroupStep,
    rest: list[Step],
    position: int,
    reads: tuple[Read, ...],
    path: tuple[int, ...],
    person: Read | None,
    shape_of: Callable[[tuple[int, ...]], Shape],
) -> Node | None:
    if position + 1 >= WIDTH:
        return None
    skip = None
    if group.optional:
        skip = _lay_out(rest, position + 2, reads, (*path, -1), person, shape_of)
        if skip is None:
            return None
    options: list[Node] = []
    for number, option in enumerate(group.options):
        node = _lay_out([*option, *rest], position + 2, reads, (*path, number), person, shape_of)
        if node is None:
            return None
        options.append(node)
    return Branch(position, skip, tuple(options))
