"""Value distributions: numbers and strings in a recipe that are drawn per sample.

A field that accepts a value accepts either a constant or one of these one-key mappings,
nested anywhere a number or string is accepted::

    1.5                                       # constant
    {uniform: [0.5, 2.0]}                     # low, high
    {normal: {mean: 0, std: 1, min: -3, max: 3}}   # min/max clip (optional)
    {loguniform: [1.0e-3, 1.0e-1]}
    {int: [1, 5]}                             # inclusive integer range
    {choice: [red, green, blue], weights: [1, 1, 2]}

Every draw goes through the sample's `numpy.random.Generator`; constants draw nothing, so
adding a constant never shifts the values drawn after it.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

import numpy as np
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from synthlab.errors import did_you_mean

__all__ = [
    "Choice",
    "Const",
    "FloatValue",
    "IntRange",
    "IntValue",
    "LogUniform",
    "Normal",
    "StrValue",
    "Uniform",
    "Value",
    "parse_value",
    "value_json_schema_defs",
]

T = TypeVar("T")
Kind = Literal["float", "int", "str"]

DISTRIBUTIONS = ("uniform", "normal", "loguniform", "int", "choice")
ACCEPTED = {
    "float": "a number or one of {uniform: [lo, hi]}, {normal: {mean, std, min?, max?}}, "
    "{loguniform: [lo, hi]}, {int: [lo, hi]}, {choice: [...], weights?: [...]}",
    "int": "an integer or one of {int: [lo, hi]}, {choice: [...], weights?: [...]}",
    "str": "a string or {choice: [...], weights?: [...]}",
}


class Value(ABC, Generic[T]):
    """A recipe value: `sample(rng)` draws it for one sample."""

    @abstractmethod
    def sample(self, rng: np.random.Generator) -> T: ...

    @abstractmethod
    def to_raw(self) -> Any:
        """The recipe (YAML) spelling of this value."""

    @property
    def is_constant(self) -> bool:
        return False

    def bounds(self) -> tuple[float, float]:
        """The smallest and largest value this can draw (for checks made before sampling)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Const(Value[T]):
    value: T

    def sample(self, rng: np.random.Generator) -> T:
        return self.value

    def to_raw(self) -> Any:
        return self.value

    @property
    def is_constant(self) -> bool:
        return True

    def bounds(self) -> tuple[float, float]:
        return (float(self.value), float(self.value))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Uniform(Value[float]):
    low: Value[float]
    high: Value[float]

    def sample(self, rng: np.random.Generator) -> float:
        low, high = self.low.sample(rng), self.high.sample(rng)
        return float(rng.uniform(low, high))

    def to_raw(self) -> Any:
        return {"uniform": [self.low.to_raw(), self.high.to_raw()]}

    def bounds(self) -> tuple[float, float]:
        return (self.low.bounds()[0], self.high.bounds()[1])


@dataclass(frozen=True)
class LogUniform(Value[float]):
    low: Value[float]
    high: Value[float]

    def sample(self, rng: np.random.Generator) -> float:
        low, high = self.low.sample(rng), self.high.sample(rng)
        return float(math.exp(rng.uniform(math.log(low), math.log(high))))

    def to_raw(self) -> Any:
        return {"loguniform": [self.low.to_raw(), self.high.to_raw()]}

    def bounds(self) -> tuple[float, float]:
        return (self.low.bounds()[0], self.high.bounds()[1])


@dataclass(frozen=True)
class Normal(Value[float]):
    mean: Value[float]
    std: Value[float]
    min: Value[float] | None = None
    max: Value[float] | None = None

    def sample(self, rng: np.random.Generator) -> float:
        drawn = float(rng.normal(self.mean.sample(rng), self.std.sample(rng)))
        if self.min is not None:
            drawn = max(drawn, self.min.sample(rng))
        if self.max is not None:
            drawn = min(drawn, self.max.sample(rng))
        return drawn

    def to_raw(self) -> Any:
        args: dict[str, Any] = {"mean": self.mean.to_raw(), "std": self.std.to_raw()}
        if self.min is not None:
            args["min"] = self.min.to_raw()
        if self.max is not None:
            args["max"] = self.max.to_raw()
        return {"normal": args}

    def bounds(self) -> tuple[float, float]:
        low = self.min.bounds()[0] if self.min is not None else -math.inf
        high = self.max.bounds()[1] if self.max is not None else math.inf
        return (low, high)


@dataclass(frozen=True)
class IntRange(Value[int]):
    low: Value[int]
    high: Value[int]

    def sample(self, rng: np.random.Generator) -> int:
        low, high = self.low.sample(rng), self.high.sample(rng)
        return int(rng.integers(low, high + 1))

    def to_raw(self) -> Any:
        return {"int": [self.low.to_raw(), self.high.to_raw()]}

    def bounds(self) -> tuple[float, float]:
        return (self.low.bounds()[0], self.high.bounds()[1])


@dataclass(frozen=True)
class Choice(Value[T]):
    options: tuple[Value[T], ...]
    weights: tuple[float, ...] | None = None

    def sample(self, rng: np.random.Generator) -> T:
        if self.weights is None:
            picked = int(rng.integers(0, len(self.options)))
        else:
            total = sum(self.weights)
            picked = int(rng.choice(len(self.options), p=[w / total for w in self.weights]))
        return self.options[picked].sample(rng)

    def to_raw(self) -> Any:
        raw: dict[str, Any] = {"choice": [o.to_raw() for o in self.options]}
        if self.weights is not None:
            raw["weights"] = list(self.weights)
        return raw

    def bounds(self) -> tuple[float, float]:
        each = [o.bounds() for o in self.options]
        return (min(b[0] for b in each), max(b[1] for b in each))


class _Bad(Exception):
    """A parse failure with the position inside the value (for nested distributions)."""

    def __init__(self, where: str, message: str):
        super().__init__(message)
        self.where = where
        self.message = message


def _number(raw: Any, where: str) -> float:
    if isinstance(raw, bool):
        raise _Bad(where, f"expected a number, got {raw!r}")
    if isinstance(raw, (int, float)):
        number = float(raw)
    elif isinstance(raw, str):
        try:  # YAML 1.1 reads `1e-3` (no dot) as a string; accept what is plainly a number
            number = float(raw)
        except ValueError:
            raise _Bad(where, f"expected a number, got {raw!r}") from None
    else:
        raise _Bad(where, f"expected a number, got {raw!r}")
    if not math.isfinite(number):
        raise _Bad(where, f"expected a finite number, got {raw!r}")
    return number


def _pair(raw: Any, name: str, where: str) -> tuple[Any, Any]:
    if isinstance(raw, dict) and set(raw) == {"low", "high"}:
        return raw["low"], raw["high"]
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        raise _Bad(where, f"{name} takes two values [low, high], got {raw!r}")
    return raw[0], raw[1]


def _check_order(low: Value[Any], high: Value[Any], name: str, where: str) -> None:
    if low.is_constant and high.is_constant:
        lo, hi = low.sample(None), high.sample(None)  # type: ignore[arg-type]
        if lo > hi:
            raise _Bad(where, f"Cannot have {name} low={lo} > high={hi}")


def _parse(raw: Any, kind: Kind, where: str) -> Value[Any]:
    if isinstance(raw, dict):
        return _parse_distribution(raw, kind, where)
    if isinstance(raw, (list, tuple)):
        raise _Bad(where, f"expected {ACCEPTED[kind]}; got a list {raw!r}")
    if kind == "str":
        if isinstance(raw, bool) or raw is None or isinstance(raw, (dict, list)):
            raise _Bad(where, f"expected a string, got {raw!r}")
        return Const(str(raw))
    if kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            if isinstance(raw, float) and raw.is_integer():
                return Const(int(raw))
            raise _Bad(where, f"expected an integer, got {raw!r}")
        return Const(int(raw))
    return Const(_number(raw, where))


def _parse_distribution(raw: dict[str, Any], kind: Kind, where: str) -> Value[Any]:
    keys = set(raw)
    name = next((k for k in DISTRIBUTIONS if k in keys), None)
    if name is None:
        unknown = sorted(str(k) for k in keys)[0] if keys else "{}"
        hint = did_you_mean(unknown, DISTRIBUTIONS)
        raise _Bad(where, f"unknown distribution {unknown!r}{hint}; expected {ACCEPTED[kind]}")
    allowed = {"choice": {"choice", "weights"}}.get(name, {name})
    extra = keys - allowed
    if extra:
        raise _Bad(where, f"{name} does not take {sorted(extra)[0]!r}")
    args = raw[name]
    inner = f"{where}.{name}" if where else name
    if name == "choice":
        return _parse_choice(args, raw.get("weights"), kind, inner)
    if kind == "str":
        raise _Bad(where, f"{name} draws numbers; this field wants {ACCEPTED['str']}")
    if name == "int":
        lo, hi = _pair(args, "int", inner)
        low, high = _parse(lo, "int", f"{inner}[0]"), _parse(hi, "int", f"{inner}[1]")
        _check_order(low, high, "int", inner)
        return IntRange(low, high)
    if kind == "int":
        raise _Bad(where, f"{name} draws real numbers; this field wants {ACCEPTED['int']}")
    if name in ("uniform", "loguniform"):
        lo, hi = _pair(args, name, inner)
        low, high = _parse(lo, "float", f"{inner}[0]"), _parse(hi, "float", f"{inner}[1]")
        _check_order(low, high, name, inner)
        if name == "loguniform":
            if low.bounds()[0] <= 0:
                raise _Bad(inner, f"loguniform needs low > 0, got {lo!r}")
            return LogUniform(low, high)
        return Uniform(low, high)
    return _parse_normal(args, inner)


def _parse_normal(args: Any, where: str) -> Normal:
    if not isinstance(args, dict):
        raise _Bad(where, f"normal takes {{mean, std, min?, max?}}, got {args!r}")
    unknown = set(args) - {"mean", "std", "min", "max"}
    if unknown:
        bad = sorted(str(k) for k in unknown)[0]
        hint = did_you_mean(bad, ["mean", "std", "min", "max"])
        raise _Bad(where, f"normal does not take {bad!r}{hint}; it takes mean, std, min, max")
    if "mean" not in args or "std" not in args:
        raise _Bad(where, "normal needs both mean and std")
    mean = _parse(args["mean"], "float", f"{where}.mean")
    std = _parse(args["std"], "float", f"{where}.std")
    if std.bounds()[0] < 0:
        raise _Bad(f"{where}.std", f"Cannot have std={args['std']!r} < 0")
    low = _parse(args["min"], "float", f"{where}.min") if "min" in args else None
    high = _parse(args["max"], "float", f"{where}.max") if "max" in args else None
    if low is not None and high is not None:
        _check_order(low, high, "normal clip", where)
    return Normal(mean, std, low, high)


def _parse_choice(options: Any, weights: Any, kind: Kind, where: str) -> Choice[Any]:
    if not isinstance(options, (list, tuple)) or not options:
        raise _Bad(where, f"choice takes a non-empty list of options, got {options!r}")
    parsed = tuple(_parse(o, kind, f"{where}[{i}]") for i, o in enumerate(options))
    if weights is None:
        return Choice(parsed)
    if not isinstance(weights, (list, tuple)) or len(weights) != len(options):
        raise _Bad(where, f"choice has {len(options)} options but weights is {weights!r}")
    numbers = tuple(_number(w, f"{where}.weights[{i}]") for i, w in enumerate(weights))
    if any(w < 0 for w in numbers) or sum(numbers) <= 0:
        raise _Bad(where, f"choice weights must be >= 0 with a positive sum, got {list(weights)}")
    return Choice(parsed, numbers)


def parse_value(raw: Any, kind: Kind) -> Value[Any]:
    """Parse a recipe value; raises a pydantic error with a readable message when it is bad."""
    if isinstance(raw, Value):
        return raw
    try:
        return _parse(raw, kind, "")
    except _Bad as bad:
        prefix = f"{bad.where}: " if bad.where else ""
        raise PydanticCustomError(
            "bad_value", "{message}", {"message": prefix + bad.message}
        ) from None


def _validator(kind: Kind) -> PlainValidator:
    return PlainValidator(lambda raw: parse_value(raw, kind))


# pydantic cannot point a $ref at a definition it does not know; the schema builder
# (synthlab.recipe.schema) replaces this mark with a $ref to the shared definitions.
VALUE_MARK = "x-synthlab-value"

_serializer = PlainSerializer(lambda value: value.to_raw(), return_type=Any)

FloatValue = Annotated[
    Value[float], _validator("float"), _serializer, WithJsonSchema({VALUE_MARK: "FloatValue"})
]
IntValue = Annotated[
    Value[int], _validator("int"), _serializer, WithJsonSchema({VALUE_MARK: "IntValue"})
]
StrValue = Annotated[
    Value[str], _validator("str"), _serializer, WithJsonSchema({VALUE_MARK: "StrValue"})
]


def _pair_schema(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item, "minItems": 2, "maxItems": 2}


def _choice_schema(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "choice": {"type": "array", "items": item, "minItems": 1},
            "weights": {"type": "array", "items": {"type": "number", "minimum": 0}},
        },
        "required": ["choice"],
        "additionalProperties": False,
    }


def _one_key(key: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {key: schema},
        "required": [key],
        "additionalProperties": False,
    }


def value_json_schema_defs() -> dict[str, Any]:
    """JSON Schema definitions for FloatValue, IntValue and StrValue (referenced by $ref)."""
    flt = {"$ref": "#/$defs/FloatValue"}
    integer = {"$ref": "#/$defs/IntValue"}
    normal = {
        "type": "object",
        "properties": {"mean": flt, "std": flt, "min": flt, "max": flt},
        "required": ["mean", "std"],
        "additionalProperties": False,
    }
    return {
        "FloatValue": {
            "description": "A number, or a distribution drawn per sample.",
            "anyOf": [
                {"type": "number"},
                _one_key("uniform", _pair_schema(flt)),
                _one_key("normal", normal),
                _one_key("loguniform", _pair_schema(flt)),
                _one_key("int", _pair_schema(integer)),
                _choice_schema(flt),
            ],
        },
        "IntValue": {
            "description": "An integer, or a distribution drawn per sample.",
            "anyOf": [
                {"type": "integer"},
                _one_key("int", _pair_schema(integer)),
                _choice_schema(integer),
            ],
        },
        "StrValue": {
            "description": "A string, or a choice drawn per sample.",
            "anyOf": [{"type": "string"}, _choice_schema({"$ref": "#/$defs/StrValue"})],
        },
    }


def sample_all(values: Sequence[Value[T]], rng: np.random.Generator) -> list[T]:
    """Draw several values in order (a helper for generators)."""
    return [v.sample(rng) for v in values]
