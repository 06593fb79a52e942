"""Medical and legal terms for `{term: KIND}` values, from synthlab's own word lists
(`assets/text/terms.yaml`): drugs, conditions, procedures, specialties and legal terms as
plain lists; dosages, court names, statute references and case numbers composed from
rules (`<rule>` references, `#` a digit). Lists draw like a word list (one uniform, so the
fast path's tables hold them); composed kinds read one uniform per choice and per digit,
from the sample's stream only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Protocol

__all__ = ["COMPOSED_KINDS", "LIST_KINDS", "TERM_KINDS", "composed_draw", "term_list", "terms"]

# Also spelled out in `sources.TermSource` (a schema needs a literal); a test keeps them equal
# to the asset's own kinds.
LIST_KINDS = ("drug", "condition", "procedure", "specialty", "legal_term")
COMPOSED_KINDS = ("dosage", "court", "statute", "case_number")
TERM_KINDS = LIST_KINDS + COMPOSED_KINDS
_REFERENCE = re.compile(r"<([a-z_]+)>")
_DEPTH = 16


class Uniforms(Protocol):
    def random(self) -> float: ...


@cache
def terms() -> dict[str, Any]:
    """The asset, read once per process: {"lists": {kind: [...]}, "composed": {kind: rules}}."""
    from synthlab.generators.text.files import read_yaml_asset

    data = read_yaml_asset("text/terms.yaml")
    return {
        "lists": {kind: tuple(str(v) for v in values) for kind, values in data["lists"].items()},
        "composed": {
            kind: {rule: tuple(str(o) for o in options) for rule, options in rules.items()}
            for kind, rules in data["composed"].items()
        },
    }


def term_list(kind: str) -> tuple[str, ...] | None:
    """The entries of a list kind (None for a composed one)."""
    entries: tuple[str, ...] | None = terms()["lists"].get(kind)
    return entries


def _pick(rng: Uniforms, options: tuple[str, ...]) -> str:
    return options[min(int(rng.random() * len(options)), len(options) - 1)]


def composed_draw(kind: str) -> Callable[[Uniforms], str]:
    """A draw of composed kind `kind`: its `start` rule expanded, then each `#` a digit."""
    rules: Mapping[str, tuple[str, ...]] = terms()["composed"][kind]
    lists = terms()["lists"]

    def expand(rule: str, rng: Uniforms, depth: int) -> str:
        if depth > _DEPTH:
            raise RuntimeError(f"term {kind!r}: rules nested deeper than {_DEPTH}")
        options = rules.get(rule) or lists[rule]
        return _REFERENCE.sub(lambda m: expand(m.group(1), rng, depth + 1), _pick(rng, options))

    def draw(rng: Uniforms) -> str:
        text = expand("start", rng, 0)
        if "#" in text:
            text = re.sub("#", lambda _: str(min(int(rng.random() * 10), 9)), text)
        return text

    return draw
