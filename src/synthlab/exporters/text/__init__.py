"""Text formats: JSONL with spans, CoNLL-2003, spaCy DocBin, Hugging Face datasets layout
and Label Studio tasks. Heavy libraries (spaCy, pyarrow) load only when a format is used."""

from __future__ import annotations

from synthlab.exporters.labelstudio.exporters import LabelStudioExporter, LabelStudioTextExporter
from synthlab.exporters.text.conll import ConllExporter
from synthlab.exporters.text.hf import HuggingFaceExporter
from synthlab.exporters.text.jsonl import TextJsonlExporter
from synthlab.exporters.text.log_stream import LogStreamExporter
from synthlab.exporters.text.spacy_docbin import SpacyDocBinExporter

__all__ = ["EXPORTERS"]

EXPORTERS = (
    TextJsonlExporter(),
    ConllExporter(),
    SpacyDocBinExporter(),
    HuggingFaceExporter(),
    LabelStudioTextExporter(),
    LabelStudioExporter(),  # the same format under its all-modality name
    LogStreamExporter(),
)
