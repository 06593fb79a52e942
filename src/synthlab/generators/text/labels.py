"""The label set of a text recipe: its entity types and document classes (those the params
list plus those its templates use, sorted, as the catalog orders them), the token tag scheme
and whether entities may nest. Reads the template files the recipe names; makes no sample."""

from __future__ import annotations

from pathlib import Path

from synthlab.generators.text.params import TextParams
from synthlab.samples.labels import LabelSet

__all__ = ["text_label_set"]


def text_label_set(params: TextParams, base_dir: Path) -> LabelSet:
    from synthlab.generators.text.catalog import Catalog

    # the seed only assigns templates to splits, which decides no label name
    catalog = Catalog.load(params, base_dir, seed=0)
    return LabelSet(
        entities=catalog.labels,
        # with sessions the kinds label documents (template tags label lines)
        classes=params.document_classes() if params.sessions is not None else catalog.classes,
        tag_scheme=params.tagging,
        nested_entities=params.nested_entities,
    )
