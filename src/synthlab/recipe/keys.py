"""Which keys a recipe section accepts, found by walking the models along an error's path
(used to turn pydantic's "extra inputs are not permitted" into "did you mean ...")."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

__all__ = ["accepted_keys"]


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Optional, Union and Annotated removed)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        found: list[Any] = []
        for arg in typing.get_args(annotation):
            found.extend(_unwrap(arg))
        return found
    return [annotation]


def _step(annotation: Any, part: str | int) -> list[Any]:
    """The types found one step along `part` from a value of type `annotation`."""
    found: list[Any] = []
    for kind in _unwrap(annotation):
        origin = typing.get_origin(kind)
        args = typing.get_args(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if part in kind.model_fields:
                found.append(kind.model_fields[str(part)].annotation)
            elif part == kind.__name__:
                found.append(kind)  # pydantic names union branches after the model
        elif origin in (dict, typing.Mapping) or kind is dict:
            if args:
                found.append(args[1])
        elif origin in (list, tuple, typing.Sequence) and isinstance(part, int) and args:
            found.append(args[0])
    return found


def accepted_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str] | None:
    """The field names of the model that sits at `loc` under `model`, if one does."""
    current: list[Any] = [model]
    for part in loc:
        following: list[Any] = []
        for annotation in current:
            following.extend(_step(annotation, part))
        if following:
            current = following
    for annotation in current:
        for kind in _unwrap(annotation):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                return [info.alias or name for name, info in kind.model_fields.items()]
    return None
