"""Build OUT/spotcheck/: the review plan, one overlay per item, the planted-defect key and
the static report.

Layout::

    OUT/spotcheck/plan.json        the sampling plan, what it means, and the items in review
                                   order (ids say nothing about which are planted)
    OUT/spotcheck/overlays/ID.*    one picture (.png, .jpg) or HTML panel (.html)
    OUT/spotcheck/gold.json        which items are planted copies and what was changed
    OUT/spotcheck/index.html       the static report of the sampled (real) items
    OUT/spotcheck/verdicts.jsonl   reviewers' verdicts, appended by `synthlab review`

Everything but the verdicts is a pure function of (dataset, plan, seed, planted count).
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthlab.jsonio import canonical_json
from synthlab.readers import DatasetView, get_reader
from synthlab.samples import Sample
from synthlab.seeding import plan_rng
from synthlab.spotcheck.gold import plant
from synthlab.spotcheck.overlays import Overlay, draw, draw_module
from synthlab.spotcheck.plans import SamplingPlan
from synthlab.spotcheck.selection import Selection, choose
from synthlab.spotcheck.strata import strata_of

__all__ = ["GOLD_PURPOSE", "Workspace", "build"]

GOLD_PURPOSE = 7002
_PARALLEL_FROM = 48  # draw overlays in worker processes from this many items on
# modalities whose overlays are HTML panels (under a millisecond each): a pool of workers
# would cost more to start than it saves
_HTML_PANELS = frozenset({"text", "record"})


@dataclass(frozen=True)
class Workspace:
    """A built OUT/spotcheck folder, read back."""

    root: Path  # OUT/spotcheck
    plan_data: dict[str, Any]
    gold: dict[str, dict[str, Any]]  # item id -> {"source": index, "change": "..."}

    @classmethod
    def open(cls, out_dir: str | Path) -> Workspace:
        root = Path(out_dir) / "spotcheck"
        plan_path = root / "plan.json"
        if not plan_path.is_file():
            from synthlab.errors import UsageError

            raise UsageError(f"{root} holds no plan.json: run `synthlab spotcheck {out_dir}` first")
        plan_data = json.loads(plan_path.read_text(encoding="utf-8"))
        gold_path = root / "gold.json"
        gold = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path.is_file() else {}
        return cls(root, plan_data, gold)

    @property
    def plan(self) -> SamplingPlan:
        return SamplingPlan.from_json(self.plan_data["plan"])

    @property
    def items(self) -> list[dict[str, Any]]:
        return list(self.plan_data["items"])

    @property
    def digest(self) -> str:
        return str(self.plan_data["digest"])

    def overlay_path(self, item: dict[str, Any]) -> Path:
        return self.root / str(item["overlay"])


def _write(path: Path, data: bytes) -> None:
    """Write-to-temp then rename, as everywhere else in synthlab."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _provenance(record: dict[str, Any], recipe_seed: int) -> dict[str, Any]:
    return {
        "index": record["index"],
        "seed": recipe_seed,
        "spawn_key": record.get("spawn_key"),
        "digest": record.get("digest"),
        "conditions": record.get("conditions", []),
        "metadata": record.get("metadata", {}),
    }


_worker_dataset: DatasetView | None = None


def _open_in_worker(out_dir: str) -> None:
    """Pool initializer: open the dataset once per worker, not once per item (a manifest
    can be megabytes of JSON)."""
    global _worker_dataset
    _worker_dataset = DatasetView.open(out_dir)


def _load_and_draw_in_worker(record: dict[str, Any]) -> Overlay:
    assert _worker_dataset is not None
    return _load_and_draw(_worker_dataset, record)


def _load_and_draw(dataset: DatasetView, record: dict[str, Any]) -> Overlay:
    return draw(get_reader(dataset.modality).load_sample(dataset, record))


def _draw_all(dataset: DatasetView, records: list[dict[str, Any]]) -> list[Overlay]:
    workers = min(os.cpu_count() or 1, 8)
    if len(records) < _PARALLEL_FROM or workers < 2 or dataset.modality in _HTML_PANELS:
        return [_load_and_draw(dataset, record) for record in records]
    # import the reader and the overlay module before the pool forks, so that workers
    # inherit them instead of each importing pyarrow, Pillow...
    get_reader(dataset.modality)
    draw_module(dataset.modality)
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_open_in_worker, initargs=(str(dataset.path),)
    ) as pool:
        chunk = max(1, len(records) // (4 * workers))
        return list(pool.map(_load_and_draw_in_worker, records, chunksize=chunk))


def _planted(
    dataset: DatasetView, selection: Selection, count: int, seed: int
) -> list[tuple[dict[str, Any], Sample, str]]:
    """`count` planted copies, made from samples outside the review where possible (so the
    reviewer does not see the same sample twice)."""
    if count <= 0:
        return []
    rng = plan_rng(seed, GOLD_PURPOSE)
    pool = selection.others or [p.index for p in selection.picks]
    sources = sorted(rng.choice(pool, size=min(count, len(pool)), replace=False).tolist())
    reader = get_reader(dataset.modality)
    planted = []
    for index in sources:
        record = selection.record(int(index))
        made = plant(reader.load_sample(dataset, record), selection.strata, rng)
        if made is not None:
            planted.append((record, made[0], made[1]))
    return planted


def build(out_dir: str | Path, plan: SamplingPlan, seed: int, *, planted: int = 0) -> Workspace:
    """Pick, draw and write the spot-check of the dataset at `out_dir`."""
    from synthlab.spotcheck.report import write_report

    dataset = DatasetView.open(out_dir)
    recipe_seed = int(dataset.manifest.get("recipe", {}).get("seed", 0))
    selection = choose(dataset, plan.n, seed)
    overlays = _draw_all(dataset, [p.record for p in selection.picks])
    real = [
        {
            "index": p.index,
            "strata": list(p.strata),
            "reason": p.reason,
            "provenance": _provenance(p.record, recipe_seed),
            "_overlay": overlay,
        }
        for p, overlay in zip(selection.picks, overlays, strict=True)
    ]
    gold_items = [
        {
            "index": record["index"],
            "strata": strata_of(record, dataset.modality),
            "reason": "random",
            "provenance": _provenance(record, recipe_seed),
            "_overlay": draw(sample),
            "_change": change,
        }
        for record, sample, change in _planted(dataset, selection, planted, seed)
    ]
    # review in index order; planted copies come from indices outside the sample, so they
    # sit among the real items without standing out
    order = sorted(real + gold_items, key=lambda item: (item["index"], "_change" in item))

    root = Path(out_dir) / "spotcheck"
    items, gold = [], {}
    for position, item in enumerate(order, start=1):
        item_id = f"item-{position:04d}"
        overlay: Overlay = item.pop("_overlay")
        data, suffix = overlay.picture or ((overlay.html or "").encode("utf-8"), ".html")
        _write(root / "overlays" / f"{item_id}{suffix}", data)
        if "_change" in item:
            gold[item_id] = {"source": item["index"], "change": item.pop("_change")}
        items.append({"id": item_id, "overlay": f"overlays/{item_id}{suffix}", **item})
    for stale in (root / "overlays").glob("item-*"):
        if stale.name.split(".")[0] not in {i["id"] for i in items}:
            stale.unlink()

    plan_data: dict[str, Any] = {
        "format": 1,
        "dataset": {
            "name": dataset.manifest.get("name"),
            "count": dataset.count,
            "modality": dataset.modality,
            "seed": recipe_seed,
        },
        "plan": plan.to_json(),
        "seed": seed,
        "planted": len(gold),
        "strata": selection.strata,
        "items": items,
    }
    plan_data["digest"] = hashlib.sha256(canonical_json(plan_data).encode()).hexdigest()[:16]
    _write(root / "plan.json", (canonical_json(plan_data) + "\n").encode("utf-8"))
    _write(root / "gold.json", (canonical_json(gold) + "\n").encode("utf-8"))
    workspace = Workspace(root, plan_data, gold)
    write_report(workspace)
    return workspace
