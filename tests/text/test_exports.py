"""Every export loaded back with the real reader, with no span lost or moved."""

from __future__ import annotations

import json

from synthlab.exporters.text.conll import parse_conll
from synthlab.exporters.text.reader import READER, check_text_sample
from synthlab.readers import DatasetView
from synthlab.samples.text_tags import outermost, spans_from_tags


def _render(kit, pii_params, tmp_path, **params):
    pii_params.update(params)
    data = kit.recipe_dict(pii_params, count=30, output={"formats": kit.ALL_FORMATS})
    out = tmp_path / "out"
    kit.render(data, out, workers=1)
    rows = []
    for path in sorted((out / "text").glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return out, sorted(rows, key=lambda r: r["index"])


def test_jsonl_rows_load_back_into_valid_samples(kit, pii_params, tmp_path):
    out, rows = _render(kit, pii_params, tmp_path)
    assert [r["index"] for r in rows] == list(range(30))
    view = DatasetView.open(out)
    for record in view.records():
        sample = READER.load_sample(view, record)
        assert READER.check_sample(sample) == []
        assert sample.text == rows[record["index"]]["text"]
        assert set(record["conditions"]) == {s.label for s in sample.spans} | set(sample.classes)


def test_conll_parses_back_to_the_same_spans(kit, pii_params, tmp_path):
    out, rows = _render(kit, pii_params, tmp_path)
    parsed = parse_conll((out / "conll" / "train.conll").read_text(encoding="utf-8"))
    assert len(parsed) == len(rows)
    for (tokens, tags), row in zip(parsed, rows, strict=True):
        assert tokens == row["tokens"]
        assert tags == row["tags"]
        offsets, position = [], 0
        for token in tokens:
            start = row["text"].index(token, position)
            offsets.append((start, start + len(token)))
            position = start + len(token)
        back = [
            (offsets[a][0], offsets[b - 1][1], label)
            for a, b, label in spans_from_tags(tokens, tags)
        ]
        expected = [(s["start"], s["end"], s["label"]) for s in row["spans"]]
        assert back == expected


def test_spacy_docbin_loads_with_spacy(kit, pii_params, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    out, rows = _render(kit, pii_params, tmp_path)
    files = sorted((out / "spacy" / "train").glob("*.spacy"))
    assert files
    nlp = spacy.blank("xx")
    docs = [doc for f in files for doc in DocBin().from_disk(f).get_docs(nlp.vocab)]
    assert len(docs) == len(rows)
    for doc, row in zip(docs, rows, strict=True):
        assert doc.text == row["text"]
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
            (s["start"], s["end"], s["label"]) for s in row["spans"]
        ]
        assert {k for k, v in doc.cats.items() if v == 1.0} == set(row["classes"])
        assert set(doc.cats) == {"complaint", "info", "praise"}


def test_spacy_docbin_keeps_nested_spans(kit, pii_params, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    pii_params["values"]["city"] = {"words": ["Berlin", "大阪"]}
    pii_params["templates"] = [
        {"id": "a", "text": "To [[#ADDRESS: {{name:PERSON}}, {{city:CITY}}]] 😀 now."}
    ]
    out, rows = _render(kit, pii_params, tmp_path, nested_entities=True)
    doc = next(DocBin().from_disk(out / "spacy/train/0000.spacy").get_docs(spacy.blank("xx").vocab))
    assert [e.label_ for e in doc.ents] == ["ADDRESS"]
    assert [s.label_ for s in doc.spans["sc"]] == ["ADDRESS", "PERSON", "CITY"]
    assert [s.text for s in doc.spans["sc"]] == [s["text"] for s in rows[0]["spans"]]


def test_hf_layout_loads_with_datasets_and_ner_tags_are_classlabels(
    kit, pii_params, tmp_path, monkeypatch
):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets

    out, rows = _render(kit, pii_params, tmp_path)
    loaded = datasets.load_dataset(str(out / "hf"), cache_dir=str(tmp_path / "cache"))
    train = loaded["train"]
    feature = train.features["ner_tags"]
    names = getattr(feature, "feature", None) or feature
    names = names.names if hasattr(names, "names") else feature.feature.names
    assert names[0] == "O" and "B-IBAN" in names and "I-PERSON" in names
    assert train.features["classes"].feature.names == ["complaint", "info", "praise"]
    assert len(train) == len(rows)
    for item, row in zip(train, rows, strict=True):
        assert item["tokens"] == row["tokens"]
        assert [names[i] for i in item["ner_tags"]] == row["tags"]
        for span in item["spans"]:
            assert item["text"][span["start"] : span["end"]] == span["text"]
        assert [s["text"] for s in item["spans"]] == [s["text"] for s in row["spans"]]


def test_label_studio_offsets_count_code_points_like_label_studio(kit, pii_params, tmp_path):
    pii_params["values"]["product"] = {"words": ["😀😀 phone", "🚀"]}
    pii_params["templates"] = [
        {"id": "e", "text": "👍🏽 {{product:PRODUCT}} 👋 for {{name:PERSON}} 😀.", "tags": ["info"]}
    ]
    out, rows = _render(kit, pii_params, tmp_path)
    tasks = json.loads((out / "label-studio" / "tasks.json").read_text(encoding="utf-8"))
    assert len(tasks) == len(rows)
    config = (out / "label-studio" / "config.xml").read_text()
    assert '<Label value="PERSON" />' in config and '<Choice value="info" />' in config
    for task, row in zip(tasks, rows, strict=True):
        text = task["data"]["text"]
        assert text == row["text"]
        results = [r for r in task["predictions"][0]["result"] if r["type"] == "labels"]
        assert len(results) == len(row["spans"])
        for result, span in zip(results, row["spans"], strict=True):
            value = result["value"]
            # Label Studio counts code points (its test: "test" in "🐱 Warning: This is a
            # test text" is 21..25), as Python slices do
            assert text[value["start"] : value["end"]] == span["text"]
            assert (value["start"], value["end"]) == (span["start"], span["end"])
            assert value["labels"] == [span["label"]]


def test_reader_reports_a_broken_span(kit, pii_params):
    sample = kit.samples(kit.recipe_dict(pii_params, count=1))[0]
    from dataclasses import replace

    span = sample.spans[0]
    broken = replace(sample, spans=(replace(span, end=span.end + 1), *sample.spans[1:]))
    problems = check_text_sample(broken)
    assert problems and "the text there is" in problems[0]
    assert outermost(sample.spans) == list(sample.spans)


def test_jsonl_line_is_the_canonical_json_of_the_row(kit, pii_params):
    from synthlab.exporters.text.common import dumps
    from synthlab.exporters.text.jsonl import jsonl_line, jsonl_row
    from synthlab.jsonio import canonical_json

    params = dict(pii_params, noise={"typo": 0.3, "whitespace": 0.3, "uppercase": 0.2})
    made = kit.samples(kit.recipe_dict(params, count=200))
    assert any("\r\n" in s.text for s in made) and any("👍🏽" in s.text for s in made)
    for sample in made:
        line = jsonl_line(sample)
        assert line == dumps(jsonl_row(sample)) == canonical_json(jsonl_row(sample))
        assert json.loads(line)["tokens"] == [t.text for t in sample.tokens]
