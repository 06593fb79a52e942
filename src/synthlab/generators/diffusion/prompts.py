"""Filling prompt templates from the values a sample draws.

The slot values that produced a prompt are the sample's label, so they are drawn once, kept
and written to the metadata next to the exact prompt text they made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from synthlab.generators.diffusion.params import SLOT, PromptParams

__all__ = ["FilledPrompt", "fill", "fill_prompt"]


@dataclass(frozen=True)
class FilledPrompt:
    text: str
    negative: str
    slots: dict[str, str]  # every slot value drawn, in recipe order
    label: str | None  # the class_slot's value, when the recipe names one


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace each {name} by its value; the params model made sure every name has one."""
    return SLOT.sub(lambda match: values[match.group(1)], template)


def fill_prompt(
    params: PromptParams, rng: np.random.Generator, given: Mapping[str, str] | None = None
) -> FilledPrompt:
    """Draw the slots (in recipe order, so each draw has a fixed place in the stream)."""
    values = {name: str(value.sample(rng)) for name, value in params.slots.items()}
    values.update(given or {})
    label = values[params.class_slot] if params.class_slot is not None else None
    return FilledPrompt(
        text=fill(params.template, values),
        negative=fill(params.negative, values),
        slots=values,
        label=label,
    )
