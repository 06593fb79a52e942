"""Canonical sample and label types, one module per modality."""

from synthlab.samples.base import RecordSample, Sample

__all__ = ["RecordSample", "Sample"]
