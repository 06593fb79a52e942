"""A template's tree compiled to steps, for the samples that need no general builder.

Most samples need none of the general builder's machinery: no quota to steer towards, no
noise, no labelled (nesting) group, no value repeated per sample, the built-in tokenizer.
For them a template is compiled once into steps (`steps`): literals tokenized now, slots,
groups of compiled options. Anything the steps cannot express makes `compile_template`
return None, and that template keeps the general builder.
"""

from __future__ import annotations

from synthlab.generators.text.fast.pieces import PieceTokens
from synthlab.generators.text.fast.steps import GroupStep, LiteralStep, SlotStep, Step, Steps
from synthlab.generators.text.templates import Group, Literal, Node, Sequence, Slot

__all__ = ["compile_template"]


def compile_template(
    tree: Sequence, pieces: PieceTokens, same_per_sample: frozenset[str]
) -> Steps | None:
    """The template's steps, or None when it needs the general builder (a labelled group,
    or a value drawn once per sample)."""
    steps: list[Step] = []
    if not _compile_into(tree, pieces, same_per_sample, steps):
        return None
    return tuple(steps)


def _compile_into(node: Node, pieces: PieceTokens, same: frozenset[str], steps: list[Step]) -> bool:
    kind = type(node)
    if kind is Sequence:  # unconstrained, the builder expands a sequence's parts in order
        return all(_compile_into(part, pieces, same, steps) for part in node.parts)  # type: ignore[union-attr]
    if kind is Literal:
        if node.text:  # type: ignore[union-attr]
            steps.append(LiteralStep(pieces.piece(node.text)))  # type: ignore[union-attr]
        return True
    if kind is Slot:
        if node.name in same:  # type: ignore[union-attr]
            return False
        steps.append(SlotStep(node.name, node.label))  # type: ignore[union-attr]
        return True
    group: Group = node  # type: ignore[assignment]
    if group.label is not None:
        return False
    options = []
    for option in group.options:
        compiled = compile_template(option, pieces, same)
        if compiled is None:
            return False
        options.append(compiled)
    steps.append(GroupStep(tuple(options), group.optional))
    return True
