"""`synthlab fidelity`: how close is synthetic data to the user's real data?

    from synthlab.fidelity import FidelityOptions, compare, write_report
    report = compare("real/", "out/falls", FidelityOptions(window=256, seed=1))
    report.two_sample.auc          # 0.5: a classifier cannot tell them apart
    write_report(report, "fidelity-report")   # fidelity.json + index.html

Each modality module (series, text, images) computes its metrics and one feature row per
item; the common part runs the classifier two-sample test, writes the report and applies
gates. Modality modules and scikit-learn are imported only when a comparison runs.
"""

from __future__ import annotations

from synthlab.fidelity.base import Figure, Metric, ModalityComparison, TaskScore
from synthlab.fidelity.gates import Gate, GateResult, evaluate_gates, parse_distance_gate
from synthlab.fidelity.options import FidelityOptions
from synthlab.fidelity.report import render_html, report_dict, to_json, write_report
from synthlab.fidelity.run import FidelityReport, compare, detect_modality
from synthlab.fidelity.twosample import TwoSampleResult, two_sample_test

__all__ = [
    "FidelityOptions",
    "FidelityReport",
    "Figure",
    "Gate",
    "GateResult",
    "Metric",
    "ModalityComparison",
    "TaskScore",
    "TwoSampleResult",
    "compare",
    "detect_modality",
    "evaluate_gates",
    "parse_distance_gate",
    "render_html",
    "report_dict",
    "to_json",
    "two_sample_test",
    "write_report",
]
