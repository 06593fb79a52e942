"""Documents of several lines (`sessions:`): shared identities within a document, a clock
that never goes back, labels per line and per document (burst), exact quotas, determinism,
and the multi-line sample carried by the JSONL, DocBin, HF and CoNLL exports."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthlab.engine.sampling import SampleMaker
from synthlab.errors import RecipeError
from synthlab.exporters.text.reader import READER, check_text_sample
from synthlab.generators.text.documents import gap_seconds
from synthlab.generators.text.sessions import Gap
from synthlab.readers import DatasetView
from synthlab.recipe import load_recipe_text
from synthlab.samples.text_document import DocumentTextSample

RECIPE = Path(__file__).resolve().parents[2] / "recipes" / "log-sessions.yaml"
FORMAT = "%b %d %H:%M:%S"


def _recipe_data(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load(RECIPE.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def _load(data: dict[str, Any]) -> Any:
    return load_recipe_text(json.dumps(data), str(RECIPE), base_dir=RECIPE.parent)


def _samples(data: dict[str, Any]) -> list[DocumentTextSample]:
    recipe = _load(data)
    maker = SampleMaker.open(recipe)
    try:
        return list(maker.make_many(range(recipe.count)))  # type: ignore[arg-type]
    finally:
        maker.close()


def _shown_times(sample: DocumentTextSample) -> list[dt.datetime]:
    return [
        dt.datetime.strptime(s.text, FORMAT).replace(year=2024)
        for s in sample.spans
        if s.label == "TIMESTAMP"
    ]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_times_never_go_back_within_a_document(seed):
    samples = _samples(_recipe_data(seed=seed, count=40, quotas={"brute_force": 4}))
    for sample in samples:
        assert check_text_sample(sample) == []  # includes the lines' own invariants
        times = [line.time for line in sample.lines]
        assert times == sorted(times) and len(times) >= 4
        shown = _shown_times(sample)  # the timestamps the text shows, one per line
        assert len(shown) == len(sample.lines)
        assert shown == sorted(shown)
        # each line shows its own time, to the second
        for line, moment in zip(sample.lines, shown, strict=True):
            assert dt.datetime.fromisoformat(line.time).replace(microsecond=0) == moment
    kinds = Counter(s.document for s in samples)
    assert kinds == {"normal": 36, "brute_force": 4}


def test_identities_are_drawn_once_per_document():
    samples = _samples(_recipe_data(count=60, quotas={"brute_force": 6}))
    users_seen: set[str] = set()
    addresses_seen: set[str] = set()
    for sample in samples:
        by_label: dict[str, set[str]] = {}
        for span in sample.spans:
            by_label.setdefault(span.label, set()).add(span.text)
        pids = {
            sample.line_text(line).split("sshd[")[1].split("]")[0]
            for line in sample.lines
            if "sshd[" in sample.line_text(line)
        }
        host = {sample.line_text(line).split()[3] for line in sample.lines}
        assert len(host) == 1
        if sample.document == "normal":
            assert len(by_label["USER"]) == 1 and len(by_label["IP"]) == 1
            assert len(by_label["PORT"]) == 1 and len(pids) == 1
            users_seen |= by_label["USER"]
        else:  # one attacker address; many user names, ports and sshd processes
            assert len(by_label["IP"]) == 1
            assert len(by_label["PORT"]) > 1 and len(pids) > 1
        addresses_seen |= by_label["IP"]
    assert len(users_seen) > 20 and len(addresses_seen) > 40  # but documents draw apart


def test_bursts_are_labelled_per_line_and_per_document():
    samples = _samples(_recipe_data(count=100, quotas={"brute_force": 5}))
    bursts = [s for s in samples if s.document == "brute_force"]
    assert len(bursts) == 5
    for sample in samples:
        assert sample.classes == (sample.document,)
        assert sample.document in sample.conditions
        classes = {c for line in sample.lines for c in line.classes}
        if sample.document == "brute_force":
            assert classes == {"failed"} and 6 <= len(sample.lines) <= 16
            # every line carries the attacker's (one) address as an entity
            for line in sample.lines:
                labels = {s.label for s in sample.spans if line.start <= s.start < line.end}
                assert "IP" in labels
        else:
            assert "failed" not in classes
            assert [line.template for line in sample.lines[:2]] == ["accepted", "session-opened"]
            assert sample.lines[-1].template == "session-closed"
    # bursts are in every split (split by sample, stratified)
    assert {s.split for s in bursts} == {"train", "test"}


def test_a_quota_on_an_entity_picks_a_kind_that_carries_it():
    data = _recipe_data(count=50, quotas={"ATTACKER_IP": 3})
    for template in data["generator"]["params"]["templates"]:  # only bursts can carry it
        if template["id"] == "failed-root":
            template["text"] = template["text"].replace("{{ip:IP}}", "{{ip:ATTACKER_IP}}")
    samples = _samples(data)
    carrying = [s for s in samples if "ATTACKER_IP" in s.conditions]
    assert len(carrying) == 3 and all(s.document == "brute_force" for s in carrying)


def test_a_document_made_alone_equals_the_runs_and_follows_the_seed():
    data = _recipe_data(count=30, quotas={"brute_force": 3})
    recipe = _load(data)
    maker = SampleMaker.open(recipe)
    batch = list(maker.make_many(range(30)))
    alone = [maker.make(i) for i in (0, 11, 29)]
    maker.close()
    assert alone == [batch[i] for i in (0, 11, 29)]
    assert [s.text for s in _samples(data)] == [s.text for s in batch]
    other = _samples({**data, "seed": data["seed"] + 1})
    assert [s.text for s in other] != [s.text for s in batch]


def test_gap_distributions_have_the_stated_centre():
    grid = [(k + 0.5) / 4000 for k in range(4000)]  # evenly spread uniforms
    lognormal = sorted(
        gap_seconds(Gap(distribution="lognormal", seconds=20, sigma=1.5), u) for u in grid
    )
    assert math.isclose(lognormal[2000], 20, rel_tol=0.01)  # the median
    exponential = [gap_seconds(Gap(distribution="exponential", seconds=1.2), u) for u in grid]
    assert math.isclose(sum(exponential) / len(exponential), 1.2, rel_tol=0.01)  # the mean
    assert min(lognormal) > 0 and min(exponential) > 0


THREAD_PARAMS: dict[str, Any] = {
    "values": {
        "name": {"identity": "name"},
        "agent": {"words": ["Ana", "Bo", "Chen"]},
        "order": {"pattern": "ORD-####"},
    },
    "same_per_sample": ["name", "order"],
    "templates": [
        {"id": "ask", "text": "{{name:PERSON}}: where is order {{order:ORDER}}?", "tags": ["q"]},
        {"id": "answer", "text": "{{agent:AGENT}}: {{order:ORDER}} ships today.", "tags": ["a"]},
        {"id": "thanks", "text": "{{name:PERSON}}: thanks!", "tags": ["q"]},
    ],
    "sessions": {
        "kinds": {"thread": {"lines": [2, 5], "first": "ask", "templates": ["answer", "thanks"]}}
    },
}


def test_a_ticket_thread_without_a_clock_shares_its_customer_and_order(kit, tmp_path):
    samples = kit.samples(kit.recipe_dict(THREAD_PARAMS, count=30))
    for sample in samples:
        assert check_text_sample(sample) == []
        assert 2 <= len(sample.lines) <= 5 and sample.lines[0].template == "ask"
        assert all(line.time == "" for line in sample.lines)  # no clock: no times
        for label in ("PERSON", "ORDER"):
            assert len({s.text for s in sample.spans if s.label == label}) == 1
    assert len({s.spans[0].text for s in samples}) > 10
    data = kit.recipe_dict(THREAD_PARAMS, count=3, output={"formats": ["log-stream"]})
    from synthlab.errors import SynthlabError

    with pytest.raises(SynthlabError, match="clock"):
        kit.render(data, tmp_path / "out", workers=1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sessions": {"clock": "host"}}, "must name a `date` value"),
        ({"split_by": "template"}, "use split_by: sample"),
        ({"same_per_sample": ["ip", "ts"]}, "cannot be shared"),
        (
            {"templates_extra": {"id": "two", "text": "{{ts}} a\nb", "tags": ["x"]}},
            "writes a line break",
        ),
    ],
)
def test_bad_sessions_are_refused_at_load(change, message):
    data = _recipe_data(count=10)
    params = data["generator"]["params"]
    if "sessions" in change:
        params["sessions"] = {**params["sessions"], **change["sessions"]}
    elif "templates_extra" in change:
        params["templates"].append(change["templates_extra"])
        params["sessions"]["kinds"]["normal"]["templates"]["two"] = 1
    else:
        params.update(change)
    with pytest.raises(RecipeError, match=message):
        _load(data)


def _render(tmp_path: Path, name: str, data: dict[str, Any], **kwargs: Any) -> Path:
    from synthlab.engine.render import render_dataset

    out = tmp_path / name
    render_dataset(_load(data), out, **kwargs)
    return out


def _log_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "log").iterdir())}


def test_the_log_stream_is_in_time_order_with_its_labels_right(tmp_path):
    data = _recipe_data(count=80, quotas={"brute_force": 4})
    data["output"] = {"formats": ["text-jsonl", "log-stream"]}
    out = _render(tmp_path, "one", data, workers=1, shard_size=80)
    # the same bytes with other shards and workers; other bytes with another seed
    again = _render(tmp_path, "two", data, workers=2, shard_size=7)
    assert _log_bytes(again) == _log_bytes(out)
    other = _render(tmp_path, "three", {**data, "seed": 1}, workers=1)
    assert _log_bytes(other)["stream.log"] != _log_bytes(out)["stream.log"]

    view = DatasetView.open(out)
    samples = {r["index"]: READER.load_sample(view, r) for r in view.records()}
    log = (out / "log" / "stream.log").read_text(encoding="utf-8").split("\n")
    assert log[-1] == ""
    log = log[:-1]
    rows = [json.loads(line) for line in (out / "log" / "lines.jsonl").read_text().splitlines()]
    assert len(rows) == len(log) == sum(len(s.lines) for s in samples.values())
    keys = [(r["time"], r["sample"], r["line_in_sample"]) for r in rows]
    assert keys == sorted(keys)  # time order, ties by index
    for number, (row, text) in enumerate(zip(rows, log, strict=True), start=1):
        sample = samples[row["sample"]]
        line = sample.lines[row["line_in_sample"]]
        assert row["line"] == number and row["time"] == line.time
        assert text == sample.line_text(line)
        assert row["classes"] == list(line.classes) and row["document"] == sample.document
        assert [(s["label"], text[s["start"] : s["end"]]) for s in row["spans"]] == [
            (s.label, s.text) for s in sample.spans if line.start <= s.start < line.end
        ]
    documents = [json.loads(x) for x in (out / "log" / "documents.jsonl").read_text().splitlines()]
    assert sorted(d["sample"] for d in documents) == sorted(samples)
    bursts = [d for d in documents if d["document"] == "brute_force"]
    assert len(bursts) == 4
    for document in documents:
        sample = samples[document["sample"]]
        numbers = document["lines"]
        assert len(numbers) == len(sample.lines)
        assert [rows[n - 1]["sample"] for n in numbers] == [sample.index] * len(numbers)
        assert numbers[0] == document["first_line"] and numbers[-1] == document["last_line"]
        assert document["start"] == sample.lines[0].time
        assert document["end"] == sample.lines[-1].time
        assert all("failed" in rows[n - 1]["classes"] for n in numbers) == (
            document["document"] == "brute_force"
        )


def test_log_stream_refuses_samples_without_timed_lines(tmp_path, kit):
    from synthlab.errors import SynthlabError

    data = kit.recipe_dict(
        {"values": {"w": {"words": ["a"]}}, "templates": [{"id": "t", "text": "{{w}} x"}]},
        count=3,
        output={"formats": ["log-stream"]},
    )
    with pytest.raises(SynthlabError, match="sessions"):
        kit.render(data, tmp_path / "out", workers=1)


@pytest.mark.slow  # spaCy and datasets imports: 20 s
def test_docbin_hf_and_conll_carry_the_whole_document(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    data = _recipe_data(count=24, quotas={"brute_force": 2})
    data["output"] = {"formats": ["text-jsonl", "spacy", "hf", "conll"]}
    out = _render(tmp_path, "out", data, workers=1)
    view = DatasetView.open(out)
    samples = {r["index"]: READER.load_sample(view, r) for r in view.records()}
    by_text = {s.text: s for s in samples.values()}

    nlp = spacy.blank("xx")
    docs = [
        doc
        for path in sorted((out / "spacy").rglob("*.spacy"))
        for doc in DocBin().from_disk(path).get_docs(nlp.vocab)
    ]
    assert len(docs) == len(samples)
    for doc in docs:
        sample = by_text[doc.text]  # the whole document, line breaks included
        assert doc.text.count("\n") == len(sample.lines) - 1
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
            (s.start, s.end, s.label) for s in sample.spans
        ]
        assert doc.cats == {"brute_force": float(sample.document == "brute_force"),
                            "normal": float(sample.document == "normal")}  # fmt: skip

    datasets = pytest.importorskip("datasets")
    loaded = datasets.load_dataset(str(out / "hf"), cache_dir=str(tmp_path / "cache"))
    names = loaded["train"].features["ner_tags"].feature.names
    rows = [row for split in loaded for row in loaded[split]]
    assert len(rows) == len(samples)
    for row in rows:
        sample = samples[row["id"]]
        assert row["text"] == sample.text and row["tokens"] == [t.text for t in sample.tokens]
        assert [names[t] for t in row["ner_tags"]] == list(sample.tags)

    conll_tokens = []
    for path in sorted((out / "conll").glob("*")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("-DOCSTART-"):
                conll_tokens.append((line.split()[0], line.split()[-1]))
    expected = [(t.text, tag) for s in sorted(samples.values(), key=lambda s: (s.split, s.index))
                for t, tag in zip(s.tokens, s.tags, strict=True)]  # fmt: skip
    assert sorted(conll_tokens) == sorted(expected)
