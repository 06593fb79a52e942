"""The user's labelled sentences as templates (issue 23): new values, the same context.

Every sentence here is written for this test (emoji, CJK, a combining mark, the template
grammar's special characters). Checks: each new span equals its slice; the text between the
spans is the original's, byte for byte; all three input formats; equal seeds give equal
bytes with one or two workers, another seed other bytes; a rare type's quota is met
exactly; a bad file is refused naming the file and the line; the inputs are hashed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synthlab.errors import RecipeError
from synthlab.samples.labelled_formats import parse_sentences

# (text, [(entity text, label), ...]); an entity is found at its first occurrence
SENTENCES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Hi, this is Marta Ruiz 👋🏽, my account ACC-104233 was charged twice.",
        [("Marta Ruiz", "PERSON"), ("ACC-104233", "ACCOUNT")],
    ),
    (
        "请把发票寄给王小明，邮箱 xiaoming.wang@example.cn，谢谢！",
        [("王小明", "PERSON"), ("xiaoming.wang@example.cn", "EMAIL")],
    ),
    (
        "Zoe\u0308 got a mail saying 'Dear {{first_name}}' [[sic]] | box \\[2] came "
        "crushed 📦, refund ACC-88 please",
        [("Zoe\u0308", "PERSON"), ("ACC-88", "ACCOUNT")],
    ),
    ("Thanks, all sorted now!", []),
    (
        "Forward the receipt to leo.park@example.org and cc Leo Park on the Flux 9000 case.",
        [("leo.park@example.org", "EMAIL"), ("Leo Park", "PERSON"), ("Flux 9000", "PRODUCT")],
    ),
]

VALUES = {
    "person": {"identity": "name"},
    "email": {"identity": "email"},
    "account": {"pattern": "ACC-######"},
    "iban": {"iban": {"countries": ["DE", "NL"]}},
}


def _spans(text: str, entities: list[tuple[str, str]]) -> list[dict[str, Any]]:
    found = []
    for value, label in entities:
        start = text.index(value)
        found.append({"start": start, "end": start + len(value), "label": label, "text": value})
    return found


def write_jsonl(path: Path, sentences: list[tuple[str, list[tuple[str, str]]]]) -> None:
    rows = [{"text": t, "spans": _spans(t, e)} for t, e in sentences]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def write_label_studio(path: Path, sentences: list[tuple[str, list[tuple[str, str]]]]) -> None:
    tasks = []
    for number, (text, entities) in enumerate(sentences):
        result = [
            {
                "id": f"r{number}-{k}",
                "type": "labels",
                "from_name": "label",
                "to_name": "text",
                "value": {
                    "start": s["start"],
                    "end": s["end"],
                    "text": s["text"],
                    "labels": [s["label"]],
                },
            }
            for k, s in enumerate(_spans(text, entities))
        ]
        tasks.append({"id": number, "data": {"text": text}, "annotations": [{"result": result}]})
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), "utf-8")


# CoNLL sentences are tokens; the text is the tokens joined by single spaces
CONLL = """\
-DOCSTART- -X- -X- O

Refund\tO
Marta\tB-PERSON
Ruiz\tI-PERSON
to\tO
ACC-104233\tB-ACCOUNT
🙏\tO

王小明 _ _ B-PERSON
已 _ _ O
付款 _ _ O
"""


def _contexts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The text between the spans (before the first, between each, after the last)."""
    pieces, position = [], 0
    for start, end in sorted(spans):
        pieces.append(text[position:start])
        position = end
    return [*pieces, text[position:]]


def _params(files: list[str], **labelled: Any) -> dict[str, Any]:
    return {
        "labelled_sentences": {"files": files, "keep": ["PRODUCT"], **labelled},
        "values": VALUES,
        "locales": {"en_US": 1, "zh_CN": 1},
        "pool_size": 50,
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "tickets.jsonl", SENTENCES)
    return tmp_path


def _originals(folder: Path, name: str) -> dict[str, Any]:
    text = (folder / name).read_text("utf-8")
    return {sentence.where: sentence for sentence in parse_sentences(text, name)}


# -- the three formats ------------------------------------------------------------------------
def test_jsonl_and_label_studio_read_the_same_sentences(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", SENTENCES)
    write_label_studio(tmp_path / "a.json", SENTENCES)
    expected = [(t, tuple((s["start"], s["end"], s["label"]) for s in _spans(t, e)))
                for t, e in SENTENCES]  # fmt: skip
    for name in ("a.jsonl", "a.json"):
        read = parse_sentences((tmp_path / name).read_text("utf-8"), name)
        assert [(s.text, s.spans) for s in read] == expected, name
        assert all(s.text[a:b] for s in read for a, b, _ in s.spans)


def test_conll_text_is_the_tokens_joined_by_spaces_with_exact_offsets():
    first, second = parse_sentences(CONLL, "x.conll")
    assert first.text == "Refund Marta Ruiz to ACC-104233 🙏"
    assert [(first.text[a:b], label) for a, b, label in first.spans] == [
        ("Marta Ruiz", "PERSON"),
        ("ACC-104233", "ACCOUNT"),
    ]
    assert (first.line, second.line) == (3, 10)
    assert second.text == "王小明 已 付款" and second.spans == ((0, 3, "PERSON"),)


def test_synthlabs_own_jsonl_export_reads_back_as_labelled_sentences(kit, folder):
    data = kit.recipe_dict(_params(["tickets.jsonl"]), count=6)
    kit.render(data, folder / "out", base_dir=folder, workers=1)
    exported = (folder / "out" / "text" / "train.jsonl").read_text("utf-8")
    read = parse_sentences(exported, "train.jsonl")
    assert len(read) == 6
    for sentence, row in zip(read, map(json.loads, exported.splitlines()), strict=True):
        assert sentence.text == row["text"]
        assert [(a, b, label) for a, b, label in sentence.spans] == [
            (s["start"], s["end"], s["label"]) for s in row["spans"]
        ]


def test_label_studio_offsets_counted_in_utf16_units_are_recognised(tmp_path):
    text = "🚚 late again, ask 李雷 why"
    start = text.index("李雷")
    units = start + 1  # the truck is two UTF-16 units
    region = {"start": units, "end": units + 2, "text": "李雷", "labels": ["PERSON"]}
    result = [{"type": "labels", "value": region}]
    task = {"data": {"text": text}, "annotations": [{"result": result}]}
    (sentence,) = parse_sentences(json.dumps([task], ensure_ascii=False), "ls.json")
    assert sentence.spans == ((start, start + 2, "PERSON"),)


@pytest.mark.parametrize("name", ["tickets.jsonl", "tickets.json", "tickets.conll"])
def test_every_format_renders_new_values_in_the_kept_context(kit, tmp_path, name):
    if name.endswith(".json"):
        write_label_studio(tmp_path / name, SENTENCES)
    elif name.endswith(".conll"):
        (tmp_path / name).write_text(CONLL, "utf-8")
    else:
        write_jsonl(tmp_path / name, SENTENCES)
    originals = _originals(tmp_path, name)
    samples = kit.samples(kit.recipe_dict(_params([name]), count=40), base_dir=tmp_path)
    replaced = 0
    for sample in samples:
        source = originals[sample.template_id]
        assert all(sample.text[s.start : s.end] == s.text for s in sample.spans)
        assert [s.label for s in sample.spans] == [label for _, _, label in source.spans]
        assert _contexts(sample.text, [(s.start, s.end) for s in sample.spans]) == _contexts(
            source.text, [(a, b) for a, b, _ in source.spans]
        )
        replaced += sum(
            s.text != source.text[a:b]
            for s, (a, b, _) in zip(sample.spans, source.spans, strict=True)
        )
    assert replaced > 20  # the values are new (a kept PRODUCT is not)
    assert {sample.template_id for sample in samples} == set(originals)


def test_kept_labels_keep_their_written_text(kit, folder):
    samples = kit.samples(kit.recipe_dict(_params(["tickets.jsonl"]), count=40), base_dir=folder)
    products = [s.text for sample in samples for s in sample.spans if s.label == "PRODUCT"]
    assert products and set(products) == {"Flux 9000"}


def test_classes_come_from_the_file(kit, tmp_path):
    rows = [
        {"text": "Ana Lima wants a refund", "spans": [[0, 8, "PERSON"]], "classes": ["refund"]},
        {"text": "Thank you, Bo Chen!", "spans": [[11, 18, "PERSON"]], "classes": ["praise"]},
    ]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    params = {**_params(["c.jsonl"]), "classes": ["refund", "praise"]}
    data = kit.recipe_dict(params, count=20, quotas={"praise": 5})
    samples = kit.samples(data, base_dir=tmp_path)
    assert sum(sample.classes == ("praise",) for sample in samples) == 5
    assert all(sample.text.endswith("wants a refund") for s in samples
               for sample in [s] if sample.classes == ("refund",))  # fmt: skip


# -- a rare type under a quota ----------------------------------------------------------------
def _iban_valid(iban: str) -> bool:
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def test_a_rare_replacement_type_meets_its_quota_exactly(kit, folder):
    params = _params(["tickets.jsonl"], replace={"ACCOUNT": ["ACCOUNT", "IBAN"]})
    data = kit.recipe_dict(params, count=60, quotas={"IBAN": 7})
    samples = kit.samples(data, base_dir=folder)
    originals = _originals(folder, "tickets.jsonl")
    with_iban = [sample for sample in samples if "IBAN" in sample.conditions]
    assert len(with_iban) == 7
    for sample in with_iban:
        (iban,) = [s for s in sample.spans if s.label == "IBAN"]
        assert _iban_valid(iban.text) and iban.text[:2] in ("DE", "NL")
        source = originals[sample.template_id]
        assert "ACCOUNT" in {label for _, _, label in source.spans}
        assert _contexts(sample.text, [(s.start, s.end) for s in sample.spans]) == _contexts(
            source.text, [(a, b) for a, b, _ in source.spans]
        )
    others = [s for sample in samples if sample not in with_iban for s in sample.spans]
    assert not any(s.label == "IBAN" for s in others)


# -- determinism ------------------------------------------------------------------------------
def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".synthlab" not in p.parts
    }


def test_equal_seeds_give_equal_bytes_with_one_or_two_workers(kit, folder):
    params = _params(["tickets.jsonl"], replace={"ACCOUNT": ["ACCOUNT", "IBAN"]})
    params["splits"] = {"train": 0.5, "test": 0.5}
    formats = {"formats": ["text-jsonl", "conll", "label-studio-text"]}
    data = kit.recipe_dict(params, count=50, quotas={"IBAN": 5}, output=formats)
    kit.render(data, folder / "one", base_dir=folder, workers=1, shard_size=50)
    kit.render(data, folder / "two", base_dir=folder, workers=2, shard_size=7)
    one, two = _files(folder / "one"), _files(folder / "two")
    assert one.keys() == two.keys() and "conll/test.conll" in one
    assert [name for name in one if one[name] != two[name]] == []
    data["seed"] = 12
    kit.render(data, folder / "other", base_dir=folder, workers=1)
    assert _files(folder / "other")["text/train.jsonl"] != one["text/train.jsonl"]


def test_the_input_file_is_hashed_and_a_change_is_detected(kit, folder):
    from synthlab.engine.inputs import check_inputs

    (folder / "data").mkdir()
    write_jsonl(folder / "data" / "s.jsonl", SENTENCES)
    out = folder / "out"
    kit.render(kit.recipe_dict(_params(["data/s.jsonl"]), count=5), out, base_dir=folder)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert [entry["path"] for entry in manifest["inputs"]] == ["data/s.jsonl"]
    assert check_inputs(manifest["inputs"], folder).ok
    write_jsonl(folder / "data" / "s.jsonl", SENTENCES[:2])
    assert check_inputs(manifest["inputs"], folder).changed[0].startswith("data/s.jsonl")


# -- errors name the file and the line --------------------------------------------------------
GOOD = json.dumps({"text": "Ana Lima called", "spans": [[0, 8, "PERSON"]]})
BAD_FILES = [
    ("b.jsonl", f'{GOOD}\n{{"text": "x", "spans": [}}\n', "b.jsonl:2: not JSON"),
    (
        "b.jsonl",
        '{"text": "Ana", "spans": [[0, 9, "PERSON"]]}\n',
        "b.jsonl:1: span [0:9] PERSON lies outside",
    ),
    (
        "b.jsonl",
        f'{GOOD}\n\n{{"text": "Ana Lima", "spans": [[0, 8, "PERSON"], [4, 8, "PERSON"]]}}\n',
        "b.jsonl:3: spans [0:8] PERSON and [4:8] PERSON overlap",
    ),
    (
        "b.jsonl",
        json.dumps(
            {
                "text": "Ana Lima",
                "spans": [{"start": 0, "end": 3, "label": "PERSON", "text": "Bob"}],
            }
        ),
        "b.jsonl:1: span [0:3] PERSON says 'Bob' but the text there is 'Ana'",
    ),
    (
        "b.jsonl",
        f'{GOOD}\n{{"text": "size 42 shoes", "spans": [[5, 7, "SHOE"]]}}\n',
        "b.jsonl:2: label 'SHOE' has no value to draw from",
    ),
    (
        "b.jsonl",
        '{"text": "Rene\u0301e called", "spans": [[0, 4, "PERSON"]]}\n',
        "b.jsonl:1: span [0:4] PERSON 'Rene': its edge at 4 cuts",
    ),
    (
        "b.conll",
        "Ana B-PERSON\nsaid O\n\nhi O\nLima I-PERSON\n",
        "b.conll:5: tag 'I-PERSON' continues no PERSON entity",
    ),
    ("b.conll", "Ana X-PERSON\n", "b.conll:1: tag 'X-PERSON' is not O or B-"),
    (
        "b.json",
        '[\n  {"data": {"text": "Ana"}, "annotations": []},\n  {"data": {"text": "Bo"},\n'
        '   "annotations": [{"result": [{"type": "labels",\n'
        '     "value": {"start": 0, "end": 5, "labels": ["PERSON"]}}]}]}\n]\n',
        "b.json:3: task 2: span [0:5] PERSON lies outside",
    ),
    ("b.json", '[\n  {"data": {"text": "Ana"}},\n  {"data": }\n]\n', "b.json:3: not JSON"),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES)
def test_a_bad_file_is_refused_naming_the_file_and_line(kit, tmp_path, name, content, expected):
    (tmp_path / name).write_text(content, "utf-8")
    with pytest.raises(RecipeError) as caught:
        kit.load(kit.recipe_dict(_params([name])), base_dir=tmp_path)
    assert expected in str(caught.value)
    assert "generator.params.labelled_sentences.files[0]" in str(caught.value)


def test_a_replacement_without_a_value_is_refused_when_the_recipe_loads(kit, folder):
    params = _params(["tickets.jsonl"], replace={"ACCOUNT": ["CARD"]})
    with pytest.raises(RecipeError, match="replace: CARD has no value to draw from"):
        kit.load(kit.recipe_dict(params), base_dir=folder)


def test_quotas_may_name_the_labels_the_params_name(kit, folder):
    params = _params(["tickets.jsonl"], replace={"ACCOUNT": ["IBAN"]})
    kit.load(kit.recipe_dict(params, quotas={"IBAN": 2}), base_dir=folder)
    with pytest.raises(RecipeError, match="unknown quota condition 'EMAIL'"):
        kit.load(kit.recipe_dict(params, quotas={"EMAIL": 2}), base_dir=folder)


def test_the_built_tree_is_what_the_template_text_parses_to(folder):
    """The catalog takes each sentence's tree as built, without parsing its text again."""
    from synthlab.generators.text.labelled_params import LabelledSentences
    from synthlab.generators.text.labelled_source import sentence_template
    from synthlab.generators.text.templates import parse_template

    spec = LabelledSentences(
        files=("tickets.jsonl",), keep=("PRODUCT",), replace={"ACCOUNT": ("ACCOUNT", "IBAN")}
    )
    sentences = parse_sentences((folder / "tickets.jsonl").read_text("utf-8"), "tickets.jsonl")
    for sentence in sentences:
        raw, tree = sentence_template(sentence, spec, VALUES)
        assert tree == parse_template(raw["id"], raw["text"])[0], raw["text"]
    assert "\\{\\{first_name\\}\\}" in sentence_template(sentences[2], spec, VALUES)[0]["text"]


def test_label_studio_tasks_nobody_labelled_are_left_out():
    labelled = {"data": {"text": "Thanks!"}, "annotations": [{"result": []}]}
    skipped = {"data": {"text": "Call Ana"}, "annotations": [{"was_cancelled": True}]}
    unlabelled = {"data": {"text": "Mail Bo"}}
    read = parse_sentences(json.dumps([unlabelled, labelled, skipped]), "ls.json")
    assert [(s.text, s.spans, s.line) for s in read] == [("Thanks!", (), 1)]


def test_a_bad_file_read_when_the_generator_sets_up_names_the_file_and_line(kit, folder):
    """The recipe loaded; the file changed before the run read it."""
    from synthlab.generators.text.catalog import Catalog

    recipe = kit.load(kit.recipe_dict(_params(["tickets.jsonl"])), base_dir=folder)
    (folder / "tickets.jsonl").write_text(
        GOOD + "\n" + '{"text": "Bo", "spans": [[0, 3, "PERSON"]]}\n'
    )
    with pytest.raises(RecipeError, match=r"tickets.jsonl:2: span \[0:3\] PERSON lies outside"):
        Catalog.load(recipe.generator.params, folder, seed=1)


def test_labelled_sentences_pass_the_conformance_checks(folder):
    """synthlab.testing: sample i alone equals sample i of a run, bytes equal with any shard
    size or worker count, different for another seed, quotas met, labels valid."""
    from synthlab.testing import check_generator

    params = _params(["tickets.jsonl"], replace={"ACCOUNT": ["ACCOUNT", "IBAN"]})
    report = check_generator("text", params, quotas={"IBAN": 3}, workdir=folder)
    assert report.ok, report.problems
