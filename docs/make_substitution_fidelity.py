"""Measure entity substitution into labelled sentences against from-scratch templates, both
compared with held-out labelled sentences by `synthlab fidelity` (the numbers in
docs/text.md).

    .venv/bin/python docs/make_substitution_fidelity.py [--seeds 0 1 2]

The 85 support messages of `recipes/data/support-sentences.jsonl` (written and labelled for
synthlab) are split in two by line: the odd lines are the templates of the substituted set,
the even lines the held-out "real" side, which no synthetic set has seen. Two synthetic
sets of COUNT sentences, same values (`recipes/support-sentences-substitution.yaml`'s), no
rare replacement (so both carry the labels the held-out side has):

* substituted: `labelled_sentences` over the template half, entity values drawn anew;
* from scratch: twelve templates written without looking at the messages, as a user
  without labelled data would write them (below).

Each is compared with the held-out half by `synthlab fidelity` (two-sample AUC: 0.5 = a
classifier cannot tell them apart; vocabulary; words around entities never seen around
synthetic ones). Fidelity's own NER task trains on as many synthetic texts as half the real
side (21 here: too few to learn anything, F1 0 on every side), so the script also trains
the same blank spaCy NER (`synthlab.fidelity.text`, 10 epochs) on all COUNT synthetic
sentences and tests it on the held-out half (TSTR), beside one trained on the 43 real
template sentences themselves (real on real).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RECIPE = ROOT / "recipes" / "support-sentences-substitution.yaml"
SENTENCES = ROOT / "recipes" / "data" / "support-sentences.jsonl"
COUNT = 400

FROM_SCRATCH = [
    "Hello, my name is {{person:PERSON}} and I have a problem with order {{order:ORDER}}.",
    "Please contact me at {{email:EMAIL}}[[? or {{phone:PHONE}}]].",
    "Order {{order:ORDER}} has not arrived yet.",
    "I was charged twice on account {{account:ACCOUNT}}.",
    "[[Hi|Hello]], this is {{person:PERSON}}. Please refund order {{order:ORDER}}.",
    "My phone number is {{phone:PHONE}}.",
    "Please update account {{account:ACCOUNT}} with my new email {{email:EMAIL}}.",
    "{{person:PERSON}} would like to cancel order {{order:ORDER}}.",
    "Can you call {{phone:PHONE}} about account {{account:ACCOUNT}}?",
    "Thanks {{person:PERSON}}, the issue is resolved.",
    "Send the invoice for {{order:ORDER}} to {{email:EMAIL}}.",
    "Why is my account {{account:ACCOUNT}} locked?",
]


def _recipes(folder: Path) -> dict[str, dict[str, object]]:
    base = yaml.safe_load(RECIPE.read_text(encoding="utf-8"))
    base["count"] = COUNT
    base.pop("quotas")
    base["output"] = {"formats": ["text-jsonl"]}
    params = base["generator"]["params"]
    params.pop("splits")
    params["labelled_sentences"] = {"files": ["templates.jsonl"]}  # no rare replacement
    substituted = json.loads(json.dumps(base))
    scratch = json.loads(json.dumps(base))
    del scratch["generator"]["params"]["labelled_sentences"]
    scratch["generator"]["params"]["templates"] = [
        {"id": f"t{number}", "text": text} for number, text in enumerate(FROM_SCRATCH)
    ]
    return {"substituted": substituted, "from scratch": scratch}


def _fidelity(real: Path, synth: Path, report: Path, seed: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "synthlab", "fidelity", str(real), str(synth), "-o", str(report),
         "--no-plots", "--seed", str(seed)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if not (report / "fidelity.json").exists():
        raise SystemExit(f"synthlab fidelity failed:\n{done.stdout}\n{done.stderr}")
    document = json.loads((report / "fidelity.json").read_text(encoding="utf-8"))
    metrics = {m["name"]: m for m in document["metrics"] if m.get("condition") is None}
    unseen = [m["value"] for m in document["metrics"] if m["name"] == "entities.context_unseen"]
    return {
        "auc": float(document["two_sample"]["auc"]),
        "oov": float(metrics["vocabulary.oov_rate"]["value"]),
        "oov_floor": float(metrics["vocabulary.oov_rate"]["real"]),
        "unigram_js": float(metrics["vocabulary.unigram_js"]["value"]),
        "context_unseen": sum(unseen) / len(unseen),
    }


def _ner_f1(train: Path, test: Path, seed: int) -> float:
    """Entity F1 on `test` of a blank spaCy NER trained on every text of `train`."""
    import numpy as np

    from synthlab.fidelity.text import _ner_scores
    from synthlab.fidelity.text_inputs import load_text

    rng = np.random.default_rng(seed)
    train_items = load_text(train, 100_000, rng).items
    test_corpus = load_text(test, 100_000, rng)
    return _ner_scores(train_items, test_corpus.items, list(test_corpus.labels), seed)[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    lines = SENTENCES.read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "templates.jsonl").write_text("\n".join(lines[0::2]) + "\n", encoding="utf-8")
        real = folder / "heldout.jsonl"
        real.write_text("\n".join(lines[1::2]) + "\n", encoding="utf-8")
        rows: dict[str, list[dict[str, object]]] = {}
        for name, data in _recipes(folder).items():
            for seed in args.seeds:
                data["seed"] = 2311 + seed
                recipe = folder / f"{name.replace(' ', '-')}.yaml"
                recipe.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
                out = folder / f"out-{recipe.stem}-{seed}"
                subprocess.run(
                    [sys.executable, "-m", "synthlab", "render", str(recipe), "-o", str(out),
                     "-j", "1", "--quiet"],
                    check=True, capture_output=True,
                )  # fmt: skip
                found = _fidelity(real, out, folder / f"report-{recipe.stem}-{seed}", seed)
                found["tstr"] = _ner_f1(out, real, seed)
                rows.setdefault(name, []).append(found)
                print(name, seed, {k: round(v, 3) for k, v in found.items()}, flush=True)
        real_on_real = [_ner_f1(folder / "templates.jsonl", real, seed) for seed in args.seeds]
        print(f"\nheld-out real: {len(lines[1::2])} sentences; templates: {len(lines[0::2])}")
        print(f"NER trained on the {len(lines[0::2])} real template sentences: F1 "
              f"{sum(real_on_real) / len(real_on_real):.2f}")  # fmt: skip
        print(f"means over seeds {args.seeds}:")
        print("| set | two-sample AUC | OOV rate (real-real floor) | unigram JS | "
              "context unseen | NER F1 (TSTR) |")  # fmt: skip
        print("|---|---|---|---|---|---|")
        for name, found in rows.items():
            mean = {k: sum(float(r[k]) for r in found) / len(found) for k in found[0]}
            print(
                f"| {name} | {mean['auc']:.2f} | {mean['oov']:.2f} ({mean['oov_floor']:.2f}) "
                f"| {mean['unigram_js']:.2f} | {mean['context_unseen']:.2f} | {mean['tstr']:.2f} |"
            )


if __name__ == "__main__":
    main()
