"""Values as written into compiled samples: one `Fill` per distinct value, made once.

A value drawn again (pooled Faker values come back thousands of times) costs a dict
look-up here, or a list index for a table's entry (`TableFills`), instead of tokenizing
and spelling it again. Both caches are bounded: values that rarely repeat (numbers,
patterns) would otherwise grow them with the run; starting over costs time, never a result.
"""

from __future__ import annotations

from typing import Any

from synthlab.generators.text.fast.pieces import Piece, PieceTokens, crossing_row
from synthlab.generators.text.values import Entry
from synthlab.samples.text_pieced import TextFill

__all__ = ["UNKNOWN_NEXT", "Fill", "FillCache", "TableFills"]

# The character after a boundary's first one, where a walk cannot know it (it belongs to
# the next fill): a letter, the case in which most boundaries could be crossed, so that
# `crossable` stays conservative (a false alarm costs time, never a result).
UNKNOWN_NEXT = "a"


class Fill(TextFill):
    """A `TextFill` that knows whether a token may cross into it from what comes before
    (`crosses_after[tail class before it]`), and the class of its last character."""

    __slots__ = ("crosses_after", "tail")

    def __init__(self, pieces: list[Piece], core: int):
        super().__init__(pieces, core)
        first = pieces[0]
        after = first.second or (pieces[1].text[0] if len(pieces) > 1 else UNKNOWN_NEXT)
        self.crosses_after = crossing_row(first.head, after)
        self.tail = pieces[-1].tail


class FillCache:
    """Per worker: the fill of each value drawn, by its text."""

    LIMIT = 50_000

    def __init__(self, pieces: PieceTokens):
        self.pieces = pieces
        self.whole: dict[str, Fill] = {}  # an unlabelled value: one piece
        self.split: dict[str, Fill] = {}  # a labelled value: whitespace, core, whitespace

    def whole_fill(self, value: str) -> Fill:
        """The fill of a value that is context: the whole value one piece (not empty)."""
        if len(self.whole) >= self.LIMIT:
            self.whole.clear()
        fill = self.whole[value] = Fill([self.pieces.piece(value)], 0)
        return fill

    def split_fill(self, value: str, name: str) -> Fill:
        """The fill of an entity's value. Whitespace around it is context, never inside
        a span (as in the general builder)."""
        if len(self.split) >= self.LIMIT:
            self.split.clear()
        core = value.strip()
        if not core:
            raise RuntimeError(f"value {name!r} came out empty; it cannot be an entity")
        lead = len(value) - len(value.lstrip())
        trail = value[lead + len(core) :]
        pieces = [self.pieces.piece(core)]
        if lead:
            pieces.insert(0, self.pieces.piece(value[:lead]))
        if trail:
            pieces.append(self.pieces.piece(trail))
        fill = self.split[value] = Fill(pieces, 1 if lead else 0)
        return fill

    def of(self, value: str, name: str, labelled: bool) -> Fill | None:
        """The fill of `value` drawn for slot `name` (None: an empty value that is context)."""
        if labelled:
            return self.split.get(value) or self.split_fill(value, name)
        if not value:
            return None
        return self.whole.get(value) or self.whole_fill(value)


# Tables longer than this keep the general slot (their fills would be kept for the run).
TABLE_LIMIT = 100_000


class TableFills:
    """The `Fill` of each entry of a value's table (a Faker pool, a word list, the people
    pool), per locale, made when an entry is first drawn: a drawn entry then costs a list
    index instead of a call and a look-up by the value's text."""

    __slots__ = ("entry", "labelled", "name", "of_locale", "size")

    def __init__(self, name: str, size: int, entry: Entry, labelled: bool):
        self.name = name
        self.size = size
        self.entry = entry  # (locale, position) -> the value
        self.labelled = labelled  # the value is an entity (whitespace at its edges split off)
        self.of_locale: dict[str, list[Any]] = {}  # locale -> fills by position (None: not yet)

    def fills(self, locale: str) -> list[Fill | None]:
        """The list of `locale`'s fills, made on first use."""
        found = self.of_locale.get(locale)
        if found is None:
            found = self.of_locale[locale] = [None] * self.size
        return found

    def fill(self, cache: FillCache, locale: str, position: int) -> Fill | None:
        """Entry `position`'s fill, made and kept on first draw."""
        fill = cache.of(self.entry(locale, position), self.name, self.labelled)
        self.of_locale[locale][position] = fill
        return fill

    def make_all(self, cache: FillCache, locale: str) -> None:
        """Every entry's fill for `locale`, now, but for an empty value where an entity goes:
        that one is left to its first draw, which refuses it (it may never be drawn)."""
        fills = self.fills(locale)
        for position, made in enumerate(fills):
            if made is None and (not self.labelled or self.entry(locale, position).strip()):
                self.fill(cache, locale, position)
