"""Diversity figures: a render's manifest and stderr line equal a direct computation on the
samples, whatever the worker count and shard size."""

from __future__ import annotations

import io
import json
from itertools import pairwise

import pytest

from synthlab.generators.text.diversity import DiversitySummary, frame_of, ngram_figures, words
from synthlab.samples.text import EntitySpan


def test_words_and_frames() -> None:
    assert words("Hi, Ann-Lee!\t東京 \r\nok ") == ["Hi,", "Ann-Lee!", "東京", "ok"]
    spans = [EntitySpan(3, 10, "PERSON", "Ann Lee"), EntitySpan(7, 10, "LAST", "Lee")]
    assert frame_of("Hi Ann Lee, bye", spans) == "Hi <PERSON>, bye"


def test_direct_figures_on_a_tiny_corpus() -> None:
    figures = ngram_figures(["a b a", "a b"])
    # unigrams a, b of 5; bigrams (a b), (b a) of 3
    assert figures == {"distinct_1": 0.4, "distinct_2": 0.6667, "unigrams": 5, "bigrams": 3}


class _Sample:
    def __init__(self, index: int, text: str, template: str):
        self.index, self.text, self.template_id, self.spans = index, text, template, ()


def test_parts_merge_to_the_same_figures_however_the_samples_are_split() -> None:
    corpus = [_Sample(i, f"w{i % 7} x w{i % 3} .", f"t{i % 4}") for i in range(60)]
    whole = DiversitySummary(5, sampled=40)
    for sample in corpus:
        whole.add(sample)
    pieces = []
    for start in range(0, 60, 13):  # shards of 13, handed over in reverse order
        part = DiversitySummary(5, sampled=40)
        for sample in corpus[start : start + 13]:
            part.add(sample)
        pieces.insert(0, json.loads(json.dumps(part.part())))  # as a shard record keeps it
    merged = DiversitySummary.merge(pieces)
    assert merged == DiversitySummary.merge([whole.part()])
    direct = ngram_figures(s.text for s in corpus[:40])  # only the first 40 are measured
    assert (merged["distinct_1"], merged["distinct_2"]) == (
        direct["distinct_1"],
        direct["distinct_2"],
    )
    assert merged["sampled"] == 40
    assert merged["frames"] == len({s.text for s in corpus[:40]})
    # no entities: the frames are the texts, the context figures the text's
    assert (merged["context_distinct_1"], merged["context_distinct_2"]) == (
        direct["distinct_1"],
        direct["distinct_2"],
    )
    assert (merged["templates_used"], merged["templates_available"]) == (4, 5)


@pytest.mark.parametrize("noise", [False, True])
def test_render_records_the_direct_figures_with_one_or_two_workers(
    kit, pii_params, tmp_path, noise
):
    if noise:  # the general builder's samples (noise) as well as the fast path's
        pii_params["noise"] = {"typo": 0.2, "lowercase": 0.2}
    data = kit.recipe_dict(pii_params, count=120)
    stream = io.StringIO()
    kit.render(
        data, tmp_path / "one", workers=1, shard_size=120, quiet=False, progress_stream=stream
    )
    kit.render(data, tmp_path / "two", workers=2, shard_size=17)
    one = json.loads((tmp_path / "one" / "manifest.json").read_text())["summary"]
    two = json.loads((tmp_path / "two" / "manifest.json").read_text())["summary"]
    assert one == two

    samples = kit.samples(data)
    direct = ngram_figures(s.text for s in samples)
    assert one["distinct_1"] == direct["distinct_1"]
    assert one["distinct_2"] == direct["distinct_2"]
    frames = [frame_of(s.text, s.spans) for s in samples]
    assert one["frames"] == len({tuple(words(frame)) for frame in frames})
    context = ngram_figures(frames)
    assert one["context_distinct_1"] == context["distinct_1"]
    assert one["context_distinct_2"] == context["distinct_2"]
    assert one["context_distinct_2"] != one["distinct_2"]  # names and e-mails are masked
    assert one["templates_used"] == len({s.template_id for s in samples})
    assert one["templates_available"] == len(pii_params["templates"])
    assert one["sampled"] == 120
    assert DiversitySummary.line(one) in stream.getvalue()
    if noise:
        return
    # the figures are the corpus's: another seed, other words
    data["seed"] = 99
    kit.render(data, tmp_path / "other", workers=1)
    other = json.loads((tmp_path / "other" / "manifest.json").read_text())["summary"]
    assert other["distinct_1"] != one["distinct_1"] or other["distinct_2"] != one["distinct_2"]


def test_bigram_hashes_tell_pairs_apart() -> None:
    summary = DiversitySummary(1)
    summary.add(_Sample(0, "a b b a", "t"))
    assert len(summary.text.bigrams) == len(set(pairwise("abba")))
