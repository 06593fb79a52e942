"""The static report: OUT/spotcheck/index.html, one self-contained file.

Overlays are inlined (pictures as data URIs, text panels as HTML made from escaped text), there
are no scripts and no external resources, and a Content-Security-Policy forbids them, so
the page opens offline from disk and generated text such as `<script>` shows as text.
Planted (gold) items are not listed: the report shows the dataset's own samples.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from synthlab.spotcheck.workspace import Workspace

__all__ = ["CSS", "card_html", "overlay_html", "write_report"]

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f4f6; color: #222; }
header { background: #1f2937; color: #fff; padding: 14px 24px; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header p { margin: 2px 0; }
main { padding: 16px 24px; }
.card { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px #0002; margin: 0 0 16px;
        padding: 12px 16px; }
.card h2 { font-size: 15px; margin: 0 0 6px; }
.card img { max-width: 100%; image-rendering: pixelated; border: 1px solid #ddd; }
.chip { display: inline-block; background: #e5e7eb; border-radius: 10px; padding: 0 8px;
        margin: 0 4px 4px 0; font-size: 12px; }
.badge { color: #fff; border-radius: 4px; padding: 1px 6px; margin-right: 4px; }
pre.text { white-space: pre-wrap; font: 15px/2.1 ui-monospace, monospace; margin: 8px 0; }
mark.span { border: 2px solid; border-radius: 3px; padding: 0 2px; color: inherit; }
mark.span sub { color: #fff; font: 10px sans-serif; padding: 0 3px; margin-left: 3px;
                border-radius: 2px; }
table.values { border-collapse: collapse; }
table.values th, table.values td { border: 1px solid #ddd; padding: 2px 8px; text-align: left; }
details pre { background: #f8f8f8; padding: 8px; overflow: auto; max-height: 240px;
              font-size: 12px; }
.strata td { padding: 0 12px 0 0; }
"""


def overlay_html(path: Path) -> str:
    """An overlay file as inline HTML: pictures become data-URI images, panels are used as is
    (they were built from escaped text)."""
    mime = {".png": "image/png", ".jpg": "image/jpeg"}.get(path.suffix)
    if mime is not None:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'<img alt="label overlay" src="data:{mime};base64,{data}">'
    return path.read_text(encoding="utf-8")


def card_html(item: dict[str, Any], overlay: str) -> str:
    provenance = item["provenance"]
    chips = "".join(f'<span class="chip">{escape(s)}</span>' for s in item.get("strata", []))
    details = escape(json.dumps(provenance, indent=2, sort_keys=True, ensure_ascii=False))
    return (
        f'<section class="card" id="{escape(item["id"])}">'
        f"<h2>{escape(item['id'])} · sample {int(provenance['index'])} · "
        f"seed {escape(str(provenance.get('seed')))} · {escape(item.get('reason', ''))}</h2>"
        f"<div>{chips}</div>{overlay}"
        f"<details><summary>provenance</summary><pre>{details}</pre></details></section>"
    )


def _strata_table(items: list[dict[str, Any]], strata: list[str]) -> str:
    seen = Counter(s for item in items for s in item.get("strata", []))
    rows = "".join(f"<tr><td>{escape(name)}</td><td>{seen[name]}</td></tr>" for name in strata)
    return f'<table class="strata"><tr><th>stratum</th><th>sampled</th></tr>{rows}</table>'


def write_report(workspace: Workspace) -> Path:
    data = workspace.plan_data
    real = [item for item in workspace.items if item["id"] not in workspace.gold]
    dataset = data["dataset"]
    cards = "\n".join(card_html(i, overlay_html(workspace.overlay_path(i))) for i in real)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>spot-check: {escape(str(dataset["name"]))}</title>
<style>{CSS}</style></head>
<body><header><h1>Spot-check of {escape(str(dataset["name"]))}</h1>
<p>{dataset["count"]} {escape(str(dataset["modality"]))} samples, recipe seed
{escape(str(dataset["seed"]))}; {len(real)} sampled with plan seed {data["seed"]}.</p>
<p>{escape(data["plan"]["meaning"])}</p></header>
<main><details><summary>strata ({len(data["strata"])})</summary>
{_strata_table(real, data["strata"])}</details>
{cards}
</main></body></html>
"""
    path = workspace.root / "index.html"
    temporary = path.with_name("index.html.tmp")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(path)
    return path
