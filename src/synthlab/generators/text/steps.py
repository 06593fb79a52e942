"""The steps a compiled template is made of (see `compiled`), shared by the interpreted walk
and the written one (`walks`).

A step is (kind, a, b): (LITERAL, the literal's piece, None); (SLOT, a value's name, its
label or None); (GROUP, the compiled options, whether the group is optional); and, once a
runner has prepared the steps, slots whose value is one entry of a table: (TABLE, the
table's entries, label or None) and (PERSON, the people pool's entries for one field,
label or None).
"""

from __future__ import annotations

from typing import Any

__all__ = ["GROUP", "LITERAL", "PERSON", "SLOT", "TABLE", "Steps"]

LITERAL, SLOT, GROUP, TABLE, PERSON = range(5)
Steps = tuple[tuple[int, Any, Any], ...]
