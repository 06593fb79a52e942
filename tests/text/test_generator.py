"""Spans, tokens, classes, identity and quotas of samples made directly."""

from __future__ import annotations

from collections import Counter

from synthlab.exporters.text.reader import check_text_sample


def test_every_span_equals_its_slice_and_sits_on_tokens(pii_params, kit):
    made = kit.samples(kit.recipe_dict(pii_params, count=60))
    assert {s.locale for s in made} >= {"en_US", "ja_JP", "zh_CN"}
    for sample in made:
        assert check_text_sample(sample) == [], sample.text
        for span in sample.spans:
            assert sample.text[span.start : span.end] == span.text
        assert sample.conditions == {s.label for s in sample.spans} | set(sample.classes)


def test_identity_is_consistent_within_a_sample(pii_params, kit):
    pii_params["templates"] = [{"id": "t", "text": "{{name:PERSON}} <{{email:EMAIL}}>"}]
    pii_params["locales"] = {"en_US": 1, "de_DE": 1, "ja_JP": 1, "zh_CN": 1}
    for sample in kit.samples(kit.recipe_dict(pii_params, count=30)):
        name, email = (s.text for s in sample.spans)
        local = email.split("@")[0]
        if sample.locale in ("en_US", "de_DE"):
            first = name.split(" ")[0].lower()
            assert local.startswith(first[:1]), (name, email)
        assert "." in local and local.isascii(), email


def test_quotas_for_rare_entities_and_classes_are_exact(pii_params, kit):
    data = kit.recipe_dict(pii_params, count=80, quotas={"IBAN": 3, "PASSPORT": 2, "praise": 4})
    made = kit.samples(data)
    counts = Counter(c for s in made for c in s.conditions)
    assert counts["IBAN"] == 3
    assert counts["PASSPORT"] == 2
    assert counts["praise"] == 4
    # refund is the only template with an IBAN, so complaints follow the IBAN quota
    assert counts["complaint"] == 3


def test_required_label_inside_an_optional_part_is_forced(pii_params, kit):
    pii_params["templates"] = [
        {"id": "a", "text": "Hi {{name:PERSON}}[[? mail {{email:EMAIL}}]]."},
    ]
    pii_params["optional_probability"] = 0.0
    made = kit.samples(kit.recipe_dict(pii_params, count=30, quotas={"EMAIL": 7}))
    assert sum("EMAIL" in s.conditions for s in made) == 7


def test_noise_changes_text_but_keeps_labels_exact(pii_params, kit):
    pii_params["noise"] = {
        "lowercase": 0.3,
        "uppercase": 0.2,
        "typo": 0.3,
        "value_typo": 0.5,
        "whitespace": 0.3,
        "punctuation": 0.3,
    }
    noisy = kit.samples(kit.recipe_dict(pii_params, count=60))
    for sample in noisy:
        assert check_text_sample(sample) == [], sample.text
    assert any(s.text.islower() for s in noisy)
    assert any("  " in s.text for s in noisy)


def test_bilou_tags(pii_params, kit):
    pii_params["tagging"] = "BILOU"
    for sample in kit.samples(kit.recipe_dict(pii_params, count=20)):
        assert check_text_sample(sample, "BILOU") == []
        assert all(t == "O" or t[:2] in ("B-", "I-", "L-", "U-") for t in sample.tags)
        assert not any(t.startswith("B-") for t in sample.tags if t) or any(
            t.startswith("L-") for t in sample.tags
        )


def test_spacy_tokenizer_keeps_spans_on_token_boundaries(pii_params, kit):
    pii_params["tokenizer"] = "spacy"
    for sample in kit.samples(kit.recipe_dict(pii_params, count=20)):
        assert check_text_sample(sample) == []


def test_nested_entities_when_allowed(pii_params, kit):
    pii_params["nested_entities"] = True
    pii_params["values"]["street"] = {"words": ["Hauptstraße 5", "Rue de Rivoli 2"]}
    pii_params["values"]["city"] = {"words": ["Berlin", "Paris", "大阪"]}
    pii_params["templates"] = [
        {"id": "addr", "text": "Send it to [[#ADDRESS: {{street:STREET}}, {{city:CITY}}]] now."}
    ]
    for sample in kit.samples(kit.recipe_dict(pii_params, count=10)):
        labels = [s.label for s in sample.spans]
        assert labels == ["ADDRESS", "STREET", "CITY"]
        address = sample.spans[0]
        assert all(address.start <= s.start and s.end <= address.end for s in sample.spans[1:])
        assert sample.tags.count("B-ADDRESS") == 1 and "B-CITY" not in sample.tags
        assert check_text_sample(sample) == []
