"""Templated text with exact entity spans and document classes (Faker, word lists, grammars).

Importing this package is cheap: it holds the params model and the spec. Faker, spaCy and
the template machinery load in `synthlab.generators.text.generator` when a run starts.
"""

from __future__ import annotations

from synthlab.generators.base import GeneratorSpec
from synthlab.generators.text.labels import text_label_set
from synthlab.generators.text.params import TextParams
from synthlab.seeding import COUNTER_DERIVATION

__all__ = ["SPEC", "TextParams"]

SPEC = GeneratorSpec(
    kind="text",
    description="templated sentences, tickets and log lines with exact entity spans, "
    "document classes, tokens and BIO tags (Faker, word lists, grammars; noise keeps labels)",
    modality="text",
    params_model=TextParams,
    implementation="synthlab.generators.text.generator:TextGenerator",
    default_formats=("text-jsonl",),
    # Faker's values change across versions: the manifest records the installed one.
    value_libraries=("numpy", "faker"),
    seed_derivation=COUNTER_DERIVATION,  # samples are made a shard at a time
    quota_conditions=lambda params: params.conditions(),
    setup_before_fork=True,  # value pools built once in the driver, shared by the workers
    # tens of thousands of sentences a second: shards of 64 would spend most of the run on
    # per-shard work (a third of the speed at 100,000 sentences)
    shard_ceiling=5000,
    label_set=text_label_set,
    # distinct-n, distinct frames and templates used: printed and kept in the manifest
    summary="synthlab.generators.text.diversity:DiversitySummary",
)
