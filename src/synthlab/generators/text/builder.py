"""One left-to-right pass from a template tree to text plus spans.

Every piece (context or value) gets its noise first, then is appended while a running
code-point offset is kept, so each span's (start, end) is known the moment its value is
written and `text[start:end] == span.text` holds by construction: nothing is searched for
or fixed up afterwards. Choices inside the template (alternatives, optional parts) respect
the sample's quota plan: labels in `need` are made to appear, labels in `avoid` never do.
"""

from __future__ import annotations

from itertools import accumulate

from synthlab.generators.text.noise import NoisePlan, noisy_context, noisy_value
from synthlab.generators.text.stream import Draws
from synthlab.generators.text.templates import (
    Group,
    Literal,
    Node,
    Sequence,
    Slot,
    _can_make_parts,
    can_make,
    subsets,
)
from synthlab.generators.text.values import Identity, ValueBank
from synthlab.samples.text import EntitySpan

__all__ = ["Builder"]


class _Pass:
    """The state of one sample's pass: the pieces written so far and the spans, whose ends
    are kept as piece numbers (offsets are counted once, when the text is joined)."""

    __slots__ = (
        "builder", "fixed", "identities", "labelled", "locale", "noise", "parts", "rng",
        "spans",
    )  # fmt: skip

    def __init__(self, builder: Builder, rng: Draws, locale: str, noise: NoisePlan | None):
        self.builder = builder
        self.rng = rng
        self.locale = locale
        self.noise = noise
        self.parts: list[str] = []  # never an empty string
        # first piece, piece after the last, label, text (None: a labelled group), slot
        self.spans: list[tuple[int, int, str, str | None, str]] = []
        self.identities: dict[str, Identity] = {}
        self.fixed: dict[str, str] = {}  # values drawn once for the whole sample
        self.labelled: dict[int, str] = {}  # piece number -> label of pieces that are entities

    def expand(self, node: Node, need: frozenset[str], avoid: frozenset[str]) -> None:
        kind = type(node)
        if kind is Sequence:
            if need:
                self.constrained_sequence(node.parts, need, avoid)  # type: ignore[union-attr]
                return
            # the common case inline: a sequence of literals and slots, no recursion
            parts = self.parts
            noise = self.noise
            for part in node.parts:  # type: ignore[union-attr]
                kind = type(part)
                if kind is Literal and noise is None:
                    parts.append(part.text)  # type: ignore[union-attr]
                elif kind is Slot:
                    self.slot(part)  # type: ignore[arg-type]
                else:
                    self.expand(part, need, avoid)
        elif kind is Literal:
            text = node.text  # type: ignore[union-attr]
            if self.noise is not None:
                text = noisy_context(text, self.noise, self.rng)
            if text:
                self.parts.append(text)
        elif kind is Slot:
            self.slot(node)  # type: ignore[arg-type]
        else:
            self.group(node, need, avoid)  # type: ignore[arg-type]

    def slot(self, node: Slot) -> None:
        name = node.name
        value = self.fixed.get(name)
        if value is None:
            value = self.builder.bank.draws[name](self.rng, self.locale, self.identities)
            if name in self.builder.same_per_sample:
                self.fixed[name] = value
        if self.noise is not None:
            value = noisy_value(value, self.noise, self.rng)
        label = node.label
        parts = self.parts
        core = value.strip()
        if label is None or not core:
            if label is not None:
                raise RuntimeError(f"value {name!r} came out empty; it cannot be an entity")
            if value:
                parts.append(value)
            return
        if core is value:  # strip() hands back the same string when there was nothing to cut
            number = len(parts)
            self.labelled[number] = label
            self.spans.append((number, number + 1, label, core, name))
            parts.append(core)
            return
        # whitespace around a value is context, never inside a span
        lead = len(value) - len(value.lstrip())
        if lead:
            parts.append(value[:lead])
        number = len(parts)
        self.labelled[number] = label
        self.spans.append((number, number + 1, label, core, name))
        parts.append(core)
        if lead + len(core) < len(value):
            parts.append(value[lead + len(core) :])

    def group(self, node: Group, need: frozenset[str], avoid: frozenset[str]) -> None:
        rng = self.rng
        inner_need = need - {node.label} if node.label else need
        u_include = rng.random()
        u_choice = rng.random()
        if node.optional and not need:
            wanted = u_include < self.builder.optional_probability
            if not wanted or node.label in avoid or not can_make(node, frozenset(), avoid):
                return
        if not inner_need and not (avoid & node.may):
            options = node.options
        else:
            options = tuple(o for o in node.options if can_make(o, inner_need, avoid))
        chosen = options[int(u_choice * len(options))]
        start = len(self.parts)
        self.expand(chosen, inner_need, avoid)
        if node.label:
            self.spans.append((start, len(self.parts), node.label, None, ""))

    def constrained_sequence(
        self, parts: tuple[Node, ...], need: frozenset[str], avoid: frozenset[str]
    ) -> None:
        left = need
        for i, part in enumerate(parts):
            shares = [
                share
                for share in subsets(left & part.may)
                if can_make(part, share, avoid)
                and _can_make_parts(parts[i + 1 :], left - share, avoid)
            ]
            share = shares[int(self.rng.random() * len(shares))]
            self.expand(part, share, avoid)
            left = left - share


class Builder:
    def __init__(
        self, bank: ValueBank, optional_probability: float, same_per_sample: frozenset[str]
    ):
        self.bank = bank
        self.optional_probability = optional_probability
        self.same_per_sample = same_per_sample

    def build(
        self,
        tree: Sequence,
        need: frozenset[str],
        avoid: frozenset[str],
        rng: Draws,
        locale: str,
        noise: NoisePlan | None,
    ) -> tuple[str, tuple[EntitySpan, ...], list[str], dict[int, str] | None]:
        """(text, spans, the pieces the text was joined from, part number -> label of the
        pieces that are whole entities, or None when a labelled group spans pieces)."""
        state = _Pass(self, rng, locale, noise)
        state.expand(tree, need, avoid)
        parts = state.parts
        text = "".join(parts)
        spans = []
        labelled: dict[int, str] | None = state.labelled
        offsets = [0, *accumulate(map(len, parts))] if state.spans else []
        for first, after, label, value, slot in state.spans:
            start, end = offsets[first], offsets[after]
            if value is None:  # a labelled group: trim the whitespace at its edges
                labelled = None
                piece = text[start:end]
                start += len(piece) - len(piece.lstrip())
                end = start + len(piece.strip())
                if start == end:
                    continue
                value = text[start:end]
            spans.append(EntitySpan(start, end, label, value, slot))
        if labelled is None:  # slots alone come out in order; groups enclose what follows
            spans.sort(key=lambda s: (s.start, -s.end, s.label))
        return text, tuple(spans), parts, labelled
