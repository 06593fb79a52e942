"""One left-to-right pass from a template tree to text plus spans.

Every piece (context or value) gets its noise first, then is appended while a running
code-point offset is kept, so each span's (start, end) is known the moment its value is
written and `text[start:end] == span.text` holds by construction: nothing is searched for
or fixed up afterwards. Choices inside the template (alternatives, optional parts) respect
the sample's quota plan: labels in `need` are made to appear, labels in `avoid` never do.
"""

from __future__ import annotations

import numpy as np

from synthlab.generators.text.noise import NoisePlan, noisy_context, noisy_value
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
    """The state of one sample's pass: the pieces written so far and the open spans."""

    __slots__ = (
        "builder", "fixed", "identities", "locale", "noise", "parts", "pos", "rng", "spans",
    )  # fmt: skip

    def __init__(
        self, builder: Builder, rng: np.random.Generator, locale: str, noise: NoisePlan | None
    ):
        self.builder = builder
        self.rng = rng
        self.locale = locale
        self.noise = noise
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[
            tuple[int, int, str, str | None, str]
        ] = []  # start, end, label, text, slot
        self.identities: dict[str, Identity] = {}
        self.fixed: dict[str, str] = {}  # values drawn once for the whole sample

    def emit(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.pos += len(text)

    def expand(self, node: Node, need: frozenset[str], avoid: frozenset[str]) -> None:
        if isinstance(node, Literal):
            text = node.text
            if self.noise is not None:
                text = noisy_context(text, self.noise, self.rng)
            self.emit(text)
        elif isinstance(node, Slot):
            self.slot(node)
        elif isinstance(node, Group):
            self.group(node, need, avoid)
        elif need:
            self.constrained_sequence(node.parts, need, avoid)
        else:
            for part in node.parts:
                self.expand(part, need, avoid)

    def slot(self, node: Slot) -> None:
        value = self.fixed.get(node.name)
        if value is None:
            value = self.builder.bank.draws[node.name](self.rng, self.locale, self.identities)
            if node.name in self.builder.same_per_sample:
                self.fixed[node.name] = value
        if self.noise is not None:
            value = noisy_value(value, self.noise, self.rng)
        core = value.strip()
        if node.label is None or not core:
            if node.label is not None:
                raise RuntimeError(f"value {node.name!r} came out empty; it cannot be an entity")
            self.emit(value)
            return
        lead = len(value) - len(value.lstrip())
        self.emit(value[:lead])  # whitespace around a value is context, never inside a span
        start = self.pos
        self.emit(core)
        self.spans.append((start, self.pos, node.label, core, node.name))
        self.emit(value[lead + len(core) :])

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
        start = self.pos
        self.expand(chosen, inner_need, avoid)
        if node.label:
            self.spans.append((start, self.pos, node.label, None, ""))

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
        rng: np.random.Generator,
        locale: str,
        noise: NoisePlan | None,
    ) -> tuple[str, tuple[EntitySpan, ...]]:
        state = _Pass(self, rng, locale, noise)
        state.expand(tree, need, avoid)
        text = "".join(state.parts)
        spans = []
        for start, end, label, value, slot in state.spans:
            if value is None:  # a labelled group: trim the whitespace at its edges
                piece = text[start:end]
                start += len(piece) - len(piece.lstrip())
                end = start + len(piece.strip())
                if start == end:
                    continue
                value = text[start:end]
            spans.append(EntitySpan(start, end, label, value, slot))
        spans.sort(key=lambda s: (s.start, -s.end, s.label))
        return text, tuple(spans)
