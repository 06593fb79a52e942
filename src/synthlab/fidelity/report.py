"""Writing a fidelity report: `fidelity.json` with every number, and a self-contained page.

The JSON has sorted keys and every float rounded to 6 significant digits, so the same
inputs and seed give the same bytes (and tiny floating-point noise from BLAS or thread
counts does not show). The HTML page embeds its plots as PNG data URIs, runs no script,
escapes every text it shows, and puts the verdict and the far-off metrics with their advice
first.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from synthlab._version import __version__
from synthlab.fidelity.base import Metric
from synthlab.fidelity.gates import GateResult
from synthlab.fidelity.run import FidelityReport

__all__ = ["REPORT_FORMAT", "render_html", "report_dict", "to_json", "write_report"]

REPORT_FORMAT = 1
_DIGITS = 6


def _round(value: Any) -> Any:
    """Floats to 6 significant digits (non-finite to null), recursively."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return float(f"{value:.{_DIGITS}g}") if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _round(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _round(value.item())
    return value


def _metric(metric: Metric) -> dict[str, Any]:
    return {
        "name": metric.name,
        "condition": metric.condition,
        "kind": metric.kind,
        "value": metric.value,
        "real": metric.real,
        "synthetic": metric.synth,
        "far": metric.far,
        "advice": metric.advice,
    }


def report_dict(report: FidelityReport, gates: list[GateResult] | None = None) -> dict[str, Any]:
    comparison, test = report.comparison, report.two_sample
    tasks = [
        {
            "task": t.task,
            "metric": t.metric,
            "tstr": t.tstr,
            "trtr": t.trtr,
            "gap": t.trtr - t.tstr,
            "classes": list(t.classes),
            "per_class": {c: {"tstr": a, "trtr": b} for c, (a, b) in sorted(t.per_class.items())},
        }
        for t in comparison.tasks
    ]
    far = report.far
    data: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "synthlab": __version__,
        "modality": comparison.modality,
        "real": report.real,
        "synthetic": report.synth,
        "options": asdict(report.options),
        "summary": {
            "auc": test.auc,
            "auc_low": test.low,
            "auc_high": test.high,
            "verdict": test.verdict,
            "metrics": len(comparison.metrics),
            "far": len(far),
            "advice": [m.advice for m in far if m.advice],
        },
        "two_sample": {
            "auc": test.auc,
            "low": test.low,
            "high": test.high,
            "fold_aucs": list(test.fold_aucs),
            "per_side": test.per_side,
            "copies": test.copies,
            "features": len(comparison.feature_names),
            "model": test.model,
            "telling_features": [{"feature": n, "auc": a} for n, a in test.telling],
        },
        "metrics": [_metric(m) for m in comparison.metrics],
        "tasks": tasks,
        "notes": list(comparison.notes),
        "figures": [f.title for f in comparison.figures],
    }
    if gates is not None:
        data["gates"] = [{"gate": g.gate, "passed": g.passed, "detail": g.detail} for g in gates]
    return dict(_round(data))


def to_json(report: FidelityReport, gates: list[GateResult] | None = None) -> str:
    return (
        json.dumps(
            report_dict(report, gates),
            sort_keys=True,
            indent=2,
            ensure_ascii=False,
            allow_nan=False,
        )
        + "\n"
    )


# --- HTML ----------------------------------------------------------------------------------

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#222;
padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f4f4f4}td.n{text-align:right;
font-variant-numeric:tabular-nums}tr.far td{background:#fff1ec}.verdict{font-size:18px;
font-weight:600}.pass{color:#17702f}.fail{color:#b3261e}figure{margin:12px 0}
figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:12px}
.muted{color:#666}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _n(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.4g}"


def _summary(report: FidelityReport, gates: list[GateResult] | None) -> str:
    test, comparison = report.two_sample, report.comparison
    rows = [
        ("verdict", f'<span class="verdict">{_e(test.verdict)}</span>'),
        (
            "two-sample AUC",
            f"{test.auc:.3f} (95% CI {test.low:.3f}–{test.high:.3f}); 0.5 = indistinguishable",
        ),
        ("items per side", _e(test.per_side)),
    ]
    if test.copies:
        rows.append(("exact copies", f"{test.copies} synthetic items equal a real item"))
    rows += [
        ("far-off metrics", f"{len(report.far)} of {len(comparison.metrics)}"),
    ]
    for task in comparison.tasks:
        rows.append(
            (
                f"TSTR vs TRTR ({_e(task.metric)})",
                f"{task.tstr:.3f} vs {task.trtr:.3f} — {_e(task.task)}",
            )
        )
    rows += [("real", _e(report.real)), ("synthetic", _e(report.synth))]
    for gate in gates or []:
        state = (
            '<span class="pass">pass</span>' if gate.passed else '<span class="fail">FAIL</span>'
        )
        rows.append((f"gate {_e(gate.gate)}", f"{state} — {_e(gate.detail)}"))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table id="summary-table" class="summary">{body}</table>'


def _metric_rows(metrics: list[Metric], with_advice: bool) -> str:
    head = "<tr><th>metric</th><th>condition</th><th>value</th><th>real</th><th>synthetic</th>"
    head += "<th>advice</th></tr>" if with_advice else "</tr>"
    rows = []
    for m in metrics:
        cells = [
            _e(m.name),
            _e(m.condition or "all"),
            f'<td class="n">{_n(m.value)}</td>',
            f'<td class="n">{_n(m.real)}</td>',
            f'<td class="n">{_n(m.synth)}</td>',
        ]
        row = f"<td>{cells[0]}</td><td>{cells[1]}</td>{''.join(cells[2:])}"
        if with_advice:
            row += f"<td>{_e(m.advice or '')}</td>"
        rows.append(f'<tr class="{"far" if m.far else ""}">{row}</tr>')
    return f"<table>{head}{''.join(rows)}</table>"


def _tasks(report: FidelityReport) -> str:
    parts = []
    for task in report.comparison.tasks:
        rows = "".join(
            f'<tr><td>{_e(c)}</td><td class="n">{a:.3f}</td><td class="n">{b:.3f}</td></tr>'
            for c, (a, b) in sorted(task.per_class.items())
        )
        parts.append(
            f"<h3>{_e(task.task)}</h3><p>{_e(task.metric)}: train on synthetic, test on real "
            f"<b>{task.tstr:.3f}</b>; train on real, test on real <b>{task.trtr:.3f}</b></p>"
            f"<table><tr><th>class</th><th>TSTR</th><th>TRTR</th></tr>{rows}</table>"
        )
    return "".join(parts)


def render_html(report: FidelityReport, gates: list[GateResult] | None = None) -> str:
    comparison, test = report.comparison, report.two_sample
    far = report.far
    telling = "".join(
        f'<tr><td>{_e(n)}</td><td class="n">{a:.3f}</td></tr>' for n, a in test.telling
    )
    figures = "".join(
        f'<figure><img alt="{_e(f.title)}" src="data:image/png;base64,'
        f'{base64.b64encode(f.png).decode()}"><figcaption>{_e(f.title)}: {_e(f.caption)}'
        "</figcaption></figure>"
        for f in comparison.figures
    )
    notes = "".join(f"<li>{_e(n)}</li>" for n in comparison.notes)
    sections = [
        f"<h1>Fidelity: synthetic vs real ({_e(comparison.modality)})</h1>",
        f'<p class="muted">synthlab {_e(__version__)}, seed {report.options.seed}</p>',
        f'<section id="summary"><h2>Summary</h2>{_summary(report, gates)}</section>',
        f'<section id="far"><h2>Far off ({len(far)})</h2>'
        + (_metric_rows(far, True) if far else "<p>nothing is beyond its threshold</p>")
        + "</section>",
    ]
    if comparison.tasks:
        sections.append(
            f'<section id="tasks"><h2>Train on synthetic, test on real</h2>'
            f"{_tasks(report)}</section>"
        )
    sections += [
        '<section id="telling"><h2>What tells them apart</h2><p>each feature alone, as an AUC '
        f"({_e(test.model)} on all {len(comparison.feature_names)} features)</p>"
        f"<table><tr><th>feature</th><th>AUC</th></tr>{telling}</table></section>",
        f'<section id="figures"><h2>Plots</h2>{figures}</section>',
        f'<section id="metrics"><h2>Every metric</h2>'
        f"{_metric_rows(comparison.metrics, False)}</section>",
        f'<section id="notes"><h2>What was compared</h2><ul>{notes}</ul></section>',
    ]
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f"<title>synthlab fidelity: {_e(test.verdict)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(sections)}</body></html>\n"
    )


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_report(
    report: FidelityReport, directory: str | Path, gates: list[GateResult] | None = None
) -> tuple[Path, Path]:
    """Write fidelity.json and index.html into `directory` (created); their paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    json_path, html_path = folder / "fidelity.json", folder / "index.html"
    _write(json_path, to_json(report, gates))
    _write(html_path, render_html(report, gates))
    return json_path, html_path
