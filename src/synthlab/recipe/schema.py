"""The JSON Schema of recipes, with each generator's params as a branch chosen by `kind`."""

from __future__ import annotations

from typing import Any

from synthlab.generators.base import available_generators
from synthlab.recipe.distributions import VALUE_MARK, value_json_schema_defs
from synthlab.recipe.model import Recipe

__all__ = ["recipe_json_schema"]


def _rename_refs(node: Any, prefix: str) -> Any:
    """Point `#/$defs/X` at `#/$defs/<prefix>X`, leaving the shared value definitions alone,
    and turn value marks into references to those shared definitions."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        if VALUE_MARK in node:
            node = {"$ref": f"#/$defs/{node[VALUE_MARK]}"} | {
                k: v for k, v in node.items() if k != VALUE_MARK
            }
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                name = value.removeprefix("#/$defs/")
                shared = name in ("FloatValue", "IntValue", "StrValue")
                out[key] = value if shared else f"#/$defs/{prefix}{name}"
            else:
                out[key] = _rename_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_rename_refs(item, prefix) for item in node]
    return node


def recipe_json_schema() -> dict[str, Any]:
    schema: dict[str, Any] = _rename_refs(Recipe.model_json_schema(), "")
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    defs.update(value_json_schema_defs())
    branches = []
    for kind, spec in available_generators().items():
        params = spec.params_model.model_json_schema()
        prefix = f"{kind}."
        for name, definition in params.pop("$defs", {}).items():
            defs[prefix + name] = _rename_refs(definition, prefix)
        branches.append(
            {
                "type": "object",
                "description": spec.description,
                "properties": {
                    "kind": {"const": kind},
                    "params": _rename_refs(params, prefix),
                },
                "required": ["kind"],
                "additionalProperties": False,
            }
        )
    schema["properties"]["generator"] = {"oneOf": branches}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "synthlab recipe"
    return schema
