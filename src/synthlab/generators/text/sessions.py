"""`sessions:` in a text recipe: every sample is a document of several lines (a log
session, an attack burst) written by the recipe's templates, one template per line.

    sessions:
      clock: ts                     # a `date` value: the session's timestamps (optional:
                                    # without one, lines have no time, e.g. a ticket thread)
      kinds:
        normal:                     # the document's label (its class; quotas may name it)
          weight: 98
          lines: [3, 8]             # lines per document, inclusive
          first: [accepted, opened] # optional fixed opening and closing line templates
          last: [closed]
          templates: {sudo: 2, sftp: 1}   # the lines between, by weight
          gap: {distribution: lognormal, seconds: 20, sigma: 1.5}
          shared: [port]            # drawn once per document (besides same_per_sample)

A document's start time is uniform over the clock's window ([start, start + days)): n
uniform starts are a Poisson process of sessions conditioned on n arrivals, the model that
fits user-initiated session arrivals (Paxson & Floyd 1995, "Wide-area traffic: the failure
of Poisson modeling"). Lines follow at gaps drawn from `gap`: `exponential` (a memoryless
process, e.g. an attack tool firing at a steady rate; `seconds` is the mean) or `lognormal`
(bursty, heavy-tailed human activity; `seconds` is the median, `sigma` the spread of its
log), so timestamps never decrease within a document. The numbers are the recipe author's:
no default claims to be measured. Each `{{clock}}` placeholder of a line shows that line's
time. Template tags become line classes; the kind is the document's class.

This module is the params model only (cheap to import); `documents.py` makes the samples.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from synthlab.recipe.model import RecipeModel

__all__ = ["Gap", "SessionKind", "SessionParams"]

MAX_LINES = 10_000


class Gap(RecipeModel):
    distribution: Literal["exponential", "lognormal"] = Field(
        default="lognormal", description="exponential (steady rate) or lognormal (bursty)"
    )
    seconds: float = Field(gt=0, le=365 * 86400, description="mean (exponential) or median")
    sigma: float = Field(default=1.0, gt=0, le=5, description="lognormal: the std of the log")


class SessionKind(RecipeModel):
    weight: float = Field(default=1.0, gt=0, description="relative chance of this kind")
    lines: tuple[int, int] = Field(default=(1, 1), description="[min, max] lines, inclusive")
    first: tuple[str, ...] = Field(
        default=(), description="template ids of the opening lines, in order"
    )
    last: tuple[str, ...] = Field(default=(), description="template ids of the closing lines")
    templates: dict[str, float] = Field(
        default_factory=dict, description="template id -> weight, for the lines between"
    )
    gap: Gap | None = Field(default=None, description="time between lines (with a clock)")
    shared: tuple[str, ...] = Field(
        default=(), description="values drawn once per document of this kind"
    )

    @field_validator("first", "last", mode="before")
    @classmethod
    def _one_or_more(cls, raw: Any) -> Any:
        return (raw,) if isinstance(raw, str) else raw

    @field_validator("templates", mode="before")
    @classmethod
    def _template_list(cls, raw: Any) -> Any:
        if isinstance(raw, (list, tuple)):
            return dict.fromkeys(raw, 1.0)
        return raw

    @model_validator(mode="after")
    def _lines_fit(self) -> SessionKind:
        low, high = self.lines
        fixed = len(self.first) + len(self.last)
        if not 1 <= low <= high <= MAX_LINES:
            raise ValueError(f"lines: [{low}, {high}] needs 1 <= min <= max <= {MAX_LINES}")
        if low < fixed:
            raise ValueError(f"lines: min {low} is less than the {fixed} fixed first/last lines")
        if high > fixed and not self.templates:
            raise ValueError(
                f"lines: up to {high} lines but only {fixed} fixed; name `templates` for the rest"
            )
        if any(w <= 0 for w in self.templates.values()):
            raise ValueError("template weights must be > 0")
        return self

    def template_ids(self) -> list[str]:
        return [*self.first, *self.last, *self.templates]


class SessionParams(RecipeModel):
    clock: str | None = Field(
        default=None,
        description="the `date` value whose placeholders show each line's time (none: lines "
        "without times, e.g. a ticket thread)",
    )
    kinds: dict[str, SessionKind] = Field(min_length=1, description="document kind -> lines")


def session_problems(params: Any) -> list[str]:
    """What is wrong with a text recipe's `sessions:` against the rest of its params (the
    `TextParams`); [] when nothing is. Templates from files are checked when they load."""
    from synthlab.generators.text.sources import DateSource

    sessions: SessionParams = params.sessions
    problems = []
    clock = params.values.get(sessions.clock) if sessions.clock is not None else None
    if sessions.clock is not None and not isinstance(clock, DateSource):
        problems.append(
            f"sessions.clock {sessions.clock!r} must name a `date` value, e.g. "
            "ts: {date: {start: 2024-03-01T00:00:00, days: 7, format: '%b %d %H:%M:%S'}}"
        )
    if params.split_by == "template":
        problems.append("sessions mix templates in one sample; use split_by: sample")
    inline = {t.id: t for t in params.templates}
    for name, kind in sessions.kinds.items():
        unknown = [v for v in kind.shared if v not in params.values]
        if unknown:
            problems.append(f"sessions.kinds.{name}.shared names unknown values {unknown}")
        if sessions.clock is not None and kind.gap is None:
            problems.append(f"sessions.kinds.{name} needs a gap: the time between its lines")
        if sessions.clock is not None and (
            sessions.clock in kind.shared or sessions.clock in params.same_per_sample
        ):
            problems.append(f"the clock {sessions.clock!r} changes every line; it cannot be shared")
        for template_id in kind.template_ids():
            template = inline.get(template_id)
            if template is None and not params.template_files:
                problems.append(
                    f"sessions.kinds.{name} names template {template_id!r}, which is not "
                    f"among {sorted(inline)}"
                )
            elif template is not None and "\n" in template.text:
                problems.append(line_template_problem(template_id))
    return problems


def line_template_problem(template_id: str) -> str:
    return (
        f"template {template_id!r} writes a line break; a session's templates write one "
        "line each (the session joins them)"
    )
