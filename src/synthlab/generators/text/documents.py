"""Documents of several lines (`sessions:` in a text recipe, see `sessions.py`): the kind,
the line count, each line's template and time are drawn from the sample's stream, then the
chosen line templates are written in ONE pass of the general builder, joined by "\\n", so a
value in `same_per_sample` or the kind's `shared` is drawn once for the whole document (one
attacker IP, one user, one sshd pid) and every span's offsets are exact by construction.

The clock's placeholders of line k show line k's time: before the pass, each is renamed to
a value of its own whose draw is that time, already formatted.

Draw order (fixed, so a sample made alone equals the run's): locale, kind, line count,
start time, then per line its template (lines between first and last) and the gap before
it; then, under a quota plan that needs an entity, which line is made to carry it; then the
builder's own draws.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from statistics import NormalDist
from typing import Any

from synthlab.errors import RecipeError, RecipeProblem, RuntimeFailure
from synthlab.generators.text.builder import Builder
from synthlab.generators.text.catalog import Catalog, CompiledTemplate
from synthlab.generators.text.params import TextParams
from synthlab.generators.text.sessions import Gap, SessionKind, line_template_problem
from synthlab.generators.text.stream import Draws
from synthlab.generators.text.templates import Group, Literal, Node, Sequence, Slot, can_make
from synthlab.generators.text.tokenize import separated_fully, tokenize
from synthlab.generators.text.values import ValueBank
from synthlab.samples.text import EntitySpan
from synthlab.samples.text_document import DocumentTextSample, TextLine
from synthlab.samples.text_tags import bio_tags

__all__ = ["Document", "SessionMaker", "document_sample", "gap_seconds"]

_NORMAL = NormalDist()
_TINY = 1e-12


def gap_seconds(gap: Gap, u: float) -> float:
    """The gap for one uniform u by inversion: exponential with mean `seconds`, or lognormal
    with median `seconds` and log-spread `sigma`. Never negative."""
    u = min(max(u, _TINY), 1 - _TINY)
    if gap.distribution == "exponential":
        return -gap.seconds * math.log1p(-u)
    return gap.seconds * math.exp(gap.sigma * _NORMAL.inv_cdf(u))


_Lines = tuple[tuple[CompiledTemplate, ...], tuple[float, ...]]


@dataclass(frozen=True)
class Document:
    text: str
    spans: tuple[EntitySpan, ...]
    lines: tuple[TextLine, ...]
    kind: str


@dataclass(frozen=True)
class _Kind:
    name: str
    spec: SessionKind
    first: tuple[CompiledTemplate, ...]
    last: tuple[CompiledTemplate, ...]
    middle: tuple[CompiledTemplate, ...]
    weights: tuple[float, ...]

    @property
    def fixed(self) -> tuple[CompiledTemplate, ...]:
        return (*self.first, *self.last)


class _DocumentBank:
    """What the builder reads from a bank (`draws`): the run's draws plus this document's
    line times."""

    __slots__ = ("draws",)

    def __init__(self, draws: dict[str, Any]):
        self.draws = draws


class SessionMaker:
    """Per worker: documents for one recipe's `sessions:`."""

    def __init__(self, params: TextParams, catalog: Catalog, bank: ValueBank):
        sessions = params.sessions
        assert sessions is not None
        self.bank = bank
        self.optional_probability = params.optional_probability
        self.same = frozenset(params.same_per_sample)
        # without a clock (a ticket thread) lines have no time and the stream draws none
        self.clock = sessions.clock
        self.clock_spec = (
            params.values[sessions.clock].date  # type: ignore[union-attr]
            if sessions.clock is not None
            else None
        )
        self.window = self.clock_spec.days * 86400.0 if self.clock_spec is not None else 0.0
        by_id = {t.id: t for t in catalog.templates}

        def template(kind: str, template_id: str) -> CompiledTemplate:
            found = by_id.get(template_id)
            if found is None:
                raise _problem(f"kinds.{kind}", f"no template has the id {template_id!r}")
            if _writes_line_break(found.tree):
                raise _problem(f"kinds.{kind}", line_template_problem(template_id))
            return found

        self.kinds: list[_Kind] = []
        for name, spec in sessions.kinds.items():
            self.kinds.append(
                _Kind(
                    name,
                    spec,
                    tuple(template(name, i) for i in spec.first),
                    tuple(template(name, i) for i in spec.last),
                    tuple(template(name, i) for i in spec.templates),
                    tuple(spec.templates.values()),
                )
            )
        self.cumulative = list(accumulate(k.spec.weight for k in self.kinds))
        self._renamed: dict[tuple[str, int], Node] = {}
        # quota plans repeat: (need, avoid) -> the kinds that fit, (kind, avoid) -> lines
        self._fitting: dict[tuple[frozenset[str], frozenset[str]], list[_Kind]] = {}
        self._allowed_cache: dict[tuple[str, frozenset[str]], _Lines] = {}

    # -- choices -----------------------------------------------------------------------

    def _kind(self, u: float, need: frozenset[str], avoid: frozenset[str]) -> _Kind:
        if not need and not avoid:
            position = bisect_right(self.cumulative, u * self.cumulative[-1])
            return self.kinds[min(position, len(self.kinds) - 1)]
        fitting = self._fitting.get((need, avoid))
        if fitting is None:
            fitting = self._fitting[(need, avoid)] = [
                k for k in self.kinds if self._fits(k, need, avoid)
            ]
        if not fitting:
            raise RuntimeFailure(
                f"no session kind can carry {sorted(need)} while avoiding {sorted(avoid)}; "
                "add a kind or a template that fits, or change the quotas"
            )
        cumulative = list(accumulate(k.spec.weight for k in fitting))
        position = bisect_right(cumulative, u * cumulative[-1])
        return fitting[min(position, len(fitting) - 1)]

    def _fits(self, kind: _Kind, need: frozenset[str], avoid: frozenset[str]) -> bool:
        if kind.name in avoid or not need - {kind.name} <= self._labels(kind, avoid):
            return False
        if any(not can_make(t.tree, frozenset(), avoid) for t in kind.fixed):
            return False
        free = kind.spec.lines[0] - len(kind.fixed)
        return free == 0 or bool(self._allowed(kind, avoid)[0])

    def _labels(self, kind: _Kind, avoid: frozenset[str]) -> set[str]:
        """The entity labels a document of this kind can be made to carry under `avoid`."""
        found: set[str] = set()
        middle, _ = self._allowed(kind, avoid)
        room = kind.spec.lines[1] > len(kind.fixed)
        for template in (*kind.fixed, *(middle if room else ())):
            found |= {
                label
                for label in template.labels
                if can_make(template.tree, frozenset({label}), avoid)
            }
        return found

    def _allowed(
        self, kind: _Kind, avoid: frozenset[str]
    ) -> tuple[tuple[CompiledTemplate, ...], tuple[float, ...]]:
        if not avoid:
            return kind.middle, kind.weights
        found = self._allowed_cache.get((kind.name, avoid))
        if found is not None:
            return found
        pairs = [
            (t, w)
            for t, w in zip(kind.middle, kind.weights, strict=True)
            if can_make(t.tree, frozenset(), avoid)
        ]
        found = tuple(t for t, _ in pairs), tuple(w for _, w in pairs)
        self._allowed_cache[(kind.name, avoid)] = found
        return found

    def _lines(
        self, kind: _Kind, stream: Draws, labels: frozenset[str], avoid: frozenset[str]
    ) -> list[CompiledTemplate]:
        low, high = kind.spec.lines
        fixed = len(kind.fixed)
        middle, weights = self._allowed(kind, avoid)
        covered = {label for t in kind.fixed for label in t.labels}
        low = max(low, fixed + 1) if labels - covered else low
        high = high if middle else fixed
        count = low + int(stream.random() * (high - low + 1))
        cumulative = list(accumulate(weights))
        between = []
        for _ in range(count - fixed):
            position = bisect_right(cumulative, stream.random() * cumulative[-1])
            between.append(middle[min(position, len(middle) - 1)])
        for label in sorted(labels):  # a quota plan's entity: one line is made to carry it
            if any(label in t.labels for t in (*kind.fixed, *between)):
                continue
            able = [
                (t, w)
                for t, w in zip(middle, weights, strict=True)
                if can_make(t.tree, frozenset({label}), avoid)
            ]
            at = int(stream.random() * len(between))
            total = sum(w for _, w in able)
            u = stream.random() * total
            between[at] = next((t for t, w in _running(able) if u < w), able[-1][0])
        return [*kind.first, *between, *kind.last]

    # -- one document ------------------------------------------------------------------

    def make(
        self, stream: Draws, need: frozenset[str], avoid: frozenset[str], locale: str
    ) -> Document:
        kind = self._kind(stream.random(), need, avoid)
        labels = need - {kind.name}
        lines = self._lines(kind, stream, labels, avoid)
        times = self._times(kind.spec.gap, stream, len(lines))
        draws = dict(self.bank.draws)
        parts: list[Node] = []
        for number, template in enumerate(lines):
            if number:
                parts.append(Literal("\n"))
            if times is None:
                parts.append(template.tree)
                continue
            shown = times[number].strftime(self.clock_spec.format)  # type: ignore[union-attr]
            draws[_clock_name(self.clock, number)] = _constant(shown)  # type: ignore[arg-type]
            parts.append(self._with_clock(template, number))
        tree = Sequence(tuple(parts), frozenset().union(*(p.may for p in parts)))
        builder = Builder(
            _DocumentBank(draws),  # type: ignore[arg-type]
            self.optional_probability,
            self.same | frozenset(kind.spec.shared),
        )
        text, spans, _, _ = builder.build(tree, labels, avoid, stream, locale, None)
        return Document(text, spans, line_labels(text, lines, times), kind.name)

    def _times(self, gap: Gap | None, stream: Draws, count: int) -> list[dt.datetime] | None:
        if self.clock_spec is None or gap is None:
            return None
        start = self.clock_spec.start
        seconds = stream.random() * self.window
        times = [start + dt.timedelta(seconds=seconds)]
        for _ in range(count - 1):
            seconds += gap_seconds(gap, stream.random())
            # timedelta rounds to whole microseconds, monotonely: never backwards
            times.append(start + dt.timedelta(seconds=seconds))
        return times

    def _with_clock(self, template: CompiledTemplate, number: int) -> Node:
        key = (template.id, number)
        found = self._renamed.get(key)
        if found is None:
            if len(self._renamed) > 50_000:
                self._renamed.clear()
            found = self._renamed[key] = _rename(template.tree, self.clock or "", number)
        return found


def line_labels(
    text: str, templates: list[CompiledTemplate], times: list[dt.datetime] | None
) -> tuple[TextLine, ...]:
    """Where each line lies in the document's text (templates write no line break; a value
    that does is refused, since the lines could no longer be told apart)."""
    pieces = text.split("\n")
    if len(pieces) != len(templates):
        raise RuntimeFailure(
            f"a value wrote a line break into a session of templates "
            f"{[t.id for t in templates]}; session lines must be single lines (pick values "
            "without line breaks, e.g. not Faker's address)"
        )
    lines = []
    position = 0
    shown = [t.isoformat(timespec="microseconds") for t in times] if times else None
    for number, (piece, template) in enumerate(zip(pieces, templates, strict=True)):
        time = shown[number] if shown else ""  # no clock: no time
        lines.append(
            TextLine(position, position + len(piece), template.id, template.sorted_classes, time)
        )
        position += len(piece) + 1
    return tuple(lines)


def _running(pairs: list[tuple[CompiledTemplate, float]]) -> list[tuple[CompiledTemplate, float]]:
    out, total = [], 0.0
    for template, weight in pairs:
        total += weight
        out.append((template, total))
    return out


def _constant(shown: str) -> Callable[[Draws, str, dict[str, Any]], str]:
    """A value's draw that always gives `shown` (a line's formatted time)."""
    return lambda rng, locale, identities: shown


def _clock_name(clock: str, number: int) -> str:
    return f"{clock}\0{number}"  # no recipe value can have this name


def _rename(node: Node, clock: str, number: int) -> Node:
    if isinstance(node, Slot):
        if node.name != clock:
            return node
        return Slot(_clock_name(clock, number), node.label, node.position, node.may)
    if isinstance(node, Sequence):
        return Sequence(tuple(_rename(p, clock, number) for p in node.parts), node.may)
    if isinstance(node, Group):
        options = tuple(_rename(o, clock, number) for o in node.options)
        return Group(options, node.optional, node.label, node.position, node.may)  # type: ignore[arg-type]
    return node


def _writes_line_break(node: Node) -> bool:
    if isinstance(node, Literal):
        return "\n" in node.text
    if isinstance(node, Sequence):
        return any(_writes_line_break(p) for p in node.parts)
    if isinstance(node, Group):
        return any(_writes_line_break(o) for o in node.options)
    return False


def _problem(field: str, message: str) -> RecipeError:
    return RecipeError([RecipeProblem("generator.params.sessions", None, None, field, message)])


def document_sample(
    document: Document,
    *,
    index: int,
    locale: str,
    split: str,
    seed: int,
    split_tokens: Callable[[str], list[tuple[int, int]]],
    separate: bool,
    tagging: str,
) -> DocumentTextSample:
    """The sample of a document: tokens of the recipe's tokenizer (with `separate`, a space
    where an entity edge would fall inside one of its tokens, as for single sentences),
    tags, the kind as its class and condition."""
    text, spans, lines = document.text, document.spans, document.lines
    if separate:
        found = separated_fully(text, spans, split_tokens)
        if found is None:
            shown = ", ".join(f"{s.label} {s.text!r}" for s in spans)
            raise RuntimeFailure(
                f"session kind {document.kind!r}: an entity ({shown}) falls inside one of "
                "the tokenizer's tokens even with a space around it; change the text of "
                "its line templates around it"
            )
        if found[0] is not text:
            text, spans = found
            lines = _relocated(text, lines)
    tokens = tokenize(text, spans, split_tokens)
    return DocumentTextSample(
        index=index,
        conditions=frozenset([s.label for s in spans]) | {document.kind},
        metadata={"template": document.kind, "locale": locale, "split": split},
        text=text,
        spans=spans,
        classes=(document.kind,),
        tokens=tokens,
        tags=bio_tags(tokens, spans, tagging),
        template_id=document.kind,
        locale=locale,
        split=split,
        seed=seed,
        lines=lines,
        document=document.kind,
    )


def _relocated(text: str, lines: tuple[TextLine, ...]) -> tuple[TextLine, ...]:
    """The lines of a text that gained spaces (never line breaks): the same lines, moved."""
    out = []
    position = 0
    for piece, line in zip(text.split("\n"), lines, strict=True):
        out.append(
            TextLine(position, position + len(piece), line.template, line.classes, line.time)
        )
        position += len(piece) + 1
    return tuple(out)
