"""A space inserted for one entity edge can make a token that swallows the next edge
(spaCy reads `a a.` as `a` + `a.`: one letter and a period are an abbreviation); one more
round cuts it, instead of refusing the template (hypothesis found `{{v:PER}}{{v:PER}}.`)."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from synthlab.exporters.text.reader import check_text_sample  # noqa: E402
from synthlab.generators.text.tokenize import separated_fully, spacy_tokenizer  # noqa: E402
from synthlab.samples.text import EntitySpan  # noqa: E402


def test_a_second_round_cuts_what_the_first_space_glued():
    split = spacy_tokenizer("xx")
    spans = (EntitySpan(0, 1, "PER", "a"), EntitySpan(1, 2, "PER", "a"))
    found = separated_fully("aa.", spans, split)
    assert found is not None
    text, moved = found
    assert text == "a a ."
    edges = {edge for token in split(text) for edge in token}
    assert all(s.start in edges and s.end in edges for s in moved)
    assert [text[s.start : s.end] for s in moved] == ["a", "a"]


def test_the_template_renders_on_spacys_tokens(kit):
    params = {
        "values": {"v": {"words": ["a"]}},
        "templates": [{"id": "t", "text": "{{v:PER}}{{v:PER}}."}],
        "tokenizer": "spacy",
    }
    samples = kit.samples(kit.recipe_dict(params, count=3))
    nlp = spacy.blank("xx")
    for sample in samples:
        assert sample.text == "a a ." and check_text_sample(sample) == []
        doc = nlp.make_doc(sample.text)
        assert all(doc.char_span(s.start, s.end) is not None for s in sample.spans)
