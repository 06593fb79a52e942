"""Text fidelity on real English that ships offline with Python itself: the sentences of the
language reference's help topics (`pydoc_data.topics`, what `help("if")` shows; written by
people, about 2,700 sentences). No package bundles a labelled text corpus we may read
offline (nltk is not installed, spaCy and scikit-learn ship none), so the labels here are
exact by construction on that real text: the topic a sentence comes from is its class,
and the names the documentation quotes ("if", "__init__") are CODE entities.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from synthlab.errors import UsageError
from synthlab.fidelity.options import FidelityOptions
from synthlab.fidelity.text import compare, compare_corpora
from synthlab.fidelity.text_inputs import TextCorpus, TextItem, load_text
from synthlab.fidelity.twosample import two_sample_test

FAST = FidelityOptions(seed=5, folds=3, figures=False)
CLASS_TOPICS = ("compound", "debugger", "specialnames", "string-methods")
QUOTED = re.compile(r'"([^"\s][^"]*)"')


def _topic_sentences() -> list[tuple[str, str]]:
    from pydoc_data.topics import topics

    found = []
    for topic in sorted(topics):
        paragraphs, current = [], []
        for line in topics[topic].splitlines():
            stripped = line.strip()
            # blank lines end a paragraph; tables, headings and indented code are not prose
            if not stripped or stripped[0] in "+|=*-~>" or len(line) - len(line.lstrip()) > 3:
                if current:
                    paragraphs.append(" ".join(current))
                    current = []
                continue
            current.append(stripped)
        if current:
            paragraphs.append(" ".join(current))
        for paragraph in paragraphs:
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", paragraph):
                if 4 <= len(sentence.split()) <= 60 and sentence.endswith((".", "?", "!", ":")):
                    found.append((topic, sentence))
    return found


SENTENCES = _topic_sentences()


def real_items(spans: bool = False, classes: bool = False) -> list[TextItem]:
    items = []
    for topic, sentence in SENTENCES:
        found = (
            tuple((m.start(1), m.end(1), "CODE") for m in QUOTED.finditer(sentence))
            if spans
            else ()
        )
        items.append(TextItem(sentence, found, (topic,) if classes else ()))
    return items


def halves(
    items: list[TextItem], size: int, seed: int = 0
) -> tuple[list[TextItem], list[TextItem]]:
    order = np.random.default_rng(seed).permutation(len(items))
    return [items[i] for i in order[:size]], [items[i] for i in order[size : 2 * size]]


def corpus(items: list[TextItem]) -> TextCorpus:
    return TextCorpus(items=tuple(items), source="test", seen=len(items))


def run(real: list[TextItem], synth: list[TextItem], options: FidelityOptions = FAST):
    return compare_corpora(corpus(real), corpus(synth), options, np.random.default_rng(1))


def auc(result) -> float:
    return two_sample_test(
        result.feature_names, result.real_features, result.synth_features, folds=3, seed=0
    ).auc


def metric(result, name: str, condition: str | None = None):
    return next(m for m in result.metrics if m.name == name and m.condition == condition)


def test_the_real_corpus_is_big_enough_to_mean_something():
    assert len(SENTENCES) > 2000
    assert sum(1 for topic, _ in SENTENCES if topic in CLASS_TOPICS) > 600


def test_two_halves_of_real_text_are_indistinguishable():
    real, synth = halves(real_items(), 400)
    result = run(real, synth)
    assert abs(auc(result) - 0.5) < 0.1
    far = [m.name for m in result.metrics if m.far]
    assert far == [], far
    assert result.real_features.shape == (400, len(result.feature_names))
    assert np.isfinite(result.real_features).all()


def test_templated_text_is_far_off_with_advice_naming_recipe_fields():
    real, _ = halves(real_items(), 300)
    products, cities = ["kettle", "lamp", "router"], ["Lyon", "Porto", "Graz"]
    synth = [
        TextItem(f"Where is my {products[i % 3]} shipped to {cities[i % 2]}?") for i in range(300)
    ]
    result = run(real, synth)
    assert auc(result) > 0.95
    far = {m.name: m for m in result.metrics if m.far}
    for name in ("length.characters", "vocabulary.oov_rate", "diversity.duplicate_rate"):
        assert name in far, sorted(far)
    assert "generator.params.templates" in far["vocabulary.oov_rate"].advice
    assert "generator.params.optional_probability" in far["length.characters"].advice
    assert "pool_size" in far["diversity.duplicate_rate"].advice


def _truncate(item: TextItem, fraction: float) -> TextItem:
    return TextItem(item.text[: max(1, round(len(item.text) * fraction))])


def test_truncation_moves_length_distances_monotonically():
    real, synth = halves(real_items(), 300)
    distances = [
        metric(run(real, [_truncate(i, f) for i in synth]), "length.characters").value
        for f in (1.0, 0.7, 0.45, 0.25)
    ]
    assert distances == sorted(distances) and distances[-1] > 0.5, distances


def test_vocabulary_swap_moves_oov_monotonically():
    real, synth = halves(real_items(), 300)
    rng = np.random.default_rng(2)
    foreign = [f"zq{n}x" for n in range(5000)]  # words the real texts never use

    def swap(item: TextItem, share: float) -> TextItem:
        def one(match: re.Match[str]) -> str:
            return foreign[rng.integers(len(foreign))] if rng.random() < share else match.group(0)

        return TextItem(re.sub(r"[A-Za-z]+", one, item.text))

    rates = []
    for share in (0.0, 0.2, 0.5, 0.8):
        result = run(real, [swap(i, share) for i in synth])
        rates.append(metric(result, "vocabulary.synthetic_only_rate").value)
    assert rates == sorted(rates) and rates[-1] > 0.6, rates


def test_duplicated_sentences_move_diversity_monotonically():
    real, synth = halves(real_items(), 300)
    duplicates, similarity, distinct = [], [], []
    for share in (0.0, 0.3, 0.6, 0.9):
        copied = int(len(synth) * share)
        pushed = [synth[i % 5] for i in range(copied)] + synth[copied:]
        result = run(real, pushed)
        duplicates.append(metric(result, "diversity.duplicate_rate").synth)
        similarity.append(metric(result, "diversity.self_similarity").synth)
        distinct.append(metric(result, "diversity.distinct_2").synth)
    assert duplicates == sorted(duplicates), duplicates
    assert similarity == sorted(similarity), similarity
    assert distinct == sorted(distinct, reverse=True), distinct


def _write_jsonl(path: Path, items: list[TextItem]) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for item in items:
            row = {
                "text": item.text,
                "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in item.spans],
            }
            if item.classes:
                row["label"] = item.classes[0]
            handle.write(json.dumps(row) + "\n")
    return path


def test_compare_from_files_is_deterministic_for_a_seed(tmp_path: Path):
    real, synth = halves(real_items(), 250)
    real_path = _write_jsonl(tmp_path / "real.jsonl", real)
    synth_path = _write_jsonl(tmp_path / "synth.jsonl", [_truncate(i, 0.6) for i in synth])
    options = FidelityOptions(seed=5, folds=3, figures=False, max_items=150)

    def once(seed: int):
        return compare(real_path, synth_path, options, np.random.default_rng(seed))

    first, again, other = once(11), once(11), once(12)
    assert first.metrics == again.metrics
    assert np.array_equal(first.real_features, again.real_features)
    assert np.array_equal(first.synth_features, again.synth_features)
    # another seed draws another subsample of the 250 texts
    assert not np.array_equal(first.real_features, other.real_features)
    assert first.real_features.shape[0] == 150
    assert "150 of 250 texts" in first.notes[0]


def test_class_tstr_matches_trtr_for_real_data_and_drops_for_wrong_labels():
    labelled = [i for i in real_items(classes=True) if i.classes[0] in CLASS_TOPICS]
    real, synth = halves(labelled, 300)
    good = run(real, synth).tasks[0]
    assert good.metric == "macro F1" and set(good.classes) == set(CLASS_TOPICS)
    assert good.trtr > 0.6 and abs(good.tstr - good.trtr) < 0.15
    rng = np.random.default_rng(3)
    wrong = [TextItem(i.text, (), (str(rng.choice(CLASS_TOPICS)),)) for i in synth]
    bad = run(real, wrong).tasks[0]
    assert bad.tstr < good.tstr - 0.3
    assert bad.trtr == good.trtr


@pytest.mark.slow
def test_ner_tstr_beside_trtr_with_a_blank_spacy_model(monkeypatch):
    pytest.importorskip("spacy")
    import synthlab.fidelity.text as text_module

    monkeypatch.setattr(text_module, "NER_EPOCHS", 4)
    with_code = [i for i in real_items(spans=True) if i.spans]
    real, synth = halves(with_code, 60)
    result = run(real, synth)
    ner = next(t for t in result.tasks if t.metric == "entity F1")
    assert ner.classes == ("CODE",)
    assert 0.0 <= ner.tstr <= 1.0 and 0.0 <= ner.trtr <= 1.0
    assert set(ner.per_class) == {"CODE"}
    length = metric(result, "entities.length", "CODE")
    assert not length.far
    # the same seed trains the same models (spaCy seeded, one BLAS thread)
    assert run(real, synth).tasks == result.tasks


def test_entity_lengths_far_off_name_the_value_source(monkeypatch):
    import synthlab.fidelity.text as text_module

    monkeypatch.setattr(text_module, "_ner_task", lambda *args: None)  # measured above
    with_code = [i for i in real_items(spans=True) if i.spans]
    real, synth = halves(with_code, 200)
    longer = []
    for item in synth:  # every quoted name made 25 characters longer
        text, spans, shift = item.text, [], 0
        for start, end, label in item.spans:
            start, end = start + shift, end + shift
            text = text[:end] + "_" * 25 + text[end:]
            spans.append((start, end + 25, label))
            shift += 25
        longer.append(TextItem(text, tuple(spans)))
    result = run(real, longer)
    length = metric(result, "entities.length", "CODE")
    assert length.far and length.synth > length.real
    assert "generator.params.values" in length.advice and "CODE" in length.advice


# ---------------------------------------------------------------- readers


def test_reads_jsonl_conll_and_label_studio_alike(tmp_path: Path):
    text = "Ask 😀 Ada Lovelace in Paris."
    ada, paris = (text.index("Ada"), text.index("Ada") + 12), (text.index("Paris"), len(text) - 1)
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"text": text, "entities": [[*ada, "PER"], [*paris, "LOC"]], "label": "q"})
        + "\n",
        encoding="utf-8",
    )
    # Label Studio counts code points, as Python does: the emoji is one
    task = {
        "data": {"text": text},
        "annotations": [
            {
                "result": [
                    {"type": "labels", "value": {"start": s, "end": e, "labels": [label]}}
                    for (s, e), label in ((ada, "PER"), (paris, "LOC"))
                ] + [
                    {"type": "choices", "value": {"choices": ["q"]}},
                ]
            }
        ],
    }  # fmt: skip
    (tmp_path / "b.json").write_text(json.dumps([task]), encoding="utf-8")
    conll = "-DOCSTART- O\n\nAsk O\nAda B-PER\nLovelace I-PER\nin O\nParis B-LOC\n. O\n"
    (tmp_path / "c.conll").write_text(conll, encoding="utf-8")
    loaded = load_text(tmp_path, 10, np.random.default_rng(0))
    assert loaded.seen == 3
    by_text = {item.text: item for item in loaded.items}
    jsonl_item = by_text[text]
    assert [text[s:e] for s, e, _ in jsonl_item.spans] == ["Ada Lovelace", "Paris"]
    assert jsonl_item.classes == ("q",)
    studio = next(i for i in loaded.items if i.text == text and i is not jsonl_item)
    assert studio.spans == jsonl_item.spans and studio.classes == ("q",)
    # a tool that writes code-point offsets: the span's own text tells them apart
    task["annotations"][0]["result"][0]["value"].update(
        start=ada[0], end=ada[1], text=text[ada[0] : ada[1]]
    )
    (tmp_path / "b.json").write_text(json.dumps([task]), encoding="utf-8")
    again = load_text(tmp_path / "b.json", 10, np.random.default_rng(0)).items[0]
    assert again.spans == jsonl_item.spans
    conll_item = by_text["Ask Ada Lovelace in Paris ."]
    assert [(conll_item.text[s:e], lab) for s, e, lab in conll_item.spans] == [
        ("Ada Lovelace", "PER"),
        ("Paris", "LOC"),
    ]


def test_bad_input_names_file_line_and_column(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": "broken", \n', encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad\.jsonl:2:\d+: not JSON"):
        load_text(bad, 10, np.random.default_rng(0))
    bad.write_text('{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "X"}]}\n')
    with pytest.raises(UsageError, match=r"bad\.jsonl:1:17: span \[1:9\] X lies outside"):
        load_text(bad, 10, np.random.default_rng(0))
    conll = tmp_path / "bad.conll"
    conll.write_text("Ada B-PER\nParis LOCATION\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad\.conll:2:7: tag 'LOCATION'"):
        load_text(conll, 10, np.random.default_rng(0))
    (tmp_path / "x.csv").write_text("a", encoding="utf-8")
    with pytest.raises(UsageError, match=r"cannot read \.csv files as text"):
        load_text(tmp_path / "x.csv", 10, np.random.default_rng(0))


# ---------------------------------------------------------------- a rendered synthlab dataset


def test_against_a_rendered_synthlab_text_dataset(tmp_path: Path):
    import synthlab

    recipe = synthlab.load_recipe(
        "recipes/intent-rare.yaml", sets=["count=80", "output.formats=[text-jsonl]"]
    )
    synthlab.render(recipe, tmp_path / "synth", workers=1)
    real, _ = halves(real_items(), 150)
    result = compare(
        _write_jsonl(tmp_path / "real.jsonl", real),
        tmp_path / "synth",
        FidelityOptions(seed=1, folds=3),
        np.random.default_rng(0),
    )
    assert result.modality == "text"
    assert result.synth_features.shape == (80, len(result.feature_names))
    assert "synthlab text dataset" in result.notes[0]
    advice = [m.advice for m in result.metrics if m.far and m.advice]
    assert advice and all("generator.params" in sentence for sentence in advice)
    assert {figure.title for figure in result.figures} == {"Text length", "Tokens per text"}
    assert all(figure.png.startswith(b"\x89PNG") for figure in result.figures)


def test_label_studio_utf16_offsets_of_older_exports_are_recognised_by_their_text(
    tmp_path: Path,
):
    text = "🐱 Warning: This is a test text"
    code_points = (text.index("test"), text.index("test") + 4)
    assert code_points == (21, 25)  # Label Studio's own end-to-end example
    result = [
        {"type": "labels", "value": {"start": 21, "end": 25, "labels": ["T"], "text": "test"}},
        {"type": "labels", "value": {"start": 11, "end": 15, "labels": ["W"], "text": "This"}},
    ]
    legacy = [  # UTF-16 units: everything after the cat moves by one
        {"type": "labels", "value": {"start": 22, "end": 26, "labels": ["T"], "text": "test"}},
        {"type": "labels", "value": {"start": 12, "end": 16, "labels": ["W"], "text": "This"}},
    ]
    for name, regions in (("now.json", result), ("legacy.json", legacy)):
        task = {"data": {"text": text}, "predictions": [{"result": regions}]}
        folder = tmp_path / name.removesuffix(".json")
        folder.mkdir()
        (folder / name).write_text(json.dumps([task]), encoding="utf-8")
        (item,) = load_text(folder, 10, np.random.default_rng(0)).items
        assert sorted(text[s:e] for s, e, _ in item.spans) == ["This", "test"]
