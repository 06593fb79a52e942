"""Templates are data: parse errors are precise, nothing executes, paths stay inside."""

from __future__ import annotations

import pytest

from synthlab.errors import RecipeError, SynthlabError
from synthlab.generators.text.splits import assign_splits
from synthlab.generators.text.templates import TemplateError, can_make, parse_template


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Hi {{name:PERSON", "never closed"),
        ("Hi [[a|b", "never closed"),
        ("Hi {{__import__('os').system('x')}}", "must be letters"),
        ("Hi {{name.__class__}}", "must be letters"),
        ("Hi {{name:PER SON}}", "entity label"),
        ("Hi [[only]]", "needs alternatives"),
        ("Hi }} there", "without an opening"),
    ],
)
def test_malformed_templates_name_id_position_and_problem(text, problem):
    with pytest.raises(TemplateError) as caught:
        parse_template("greeting", text)
    message = str(caught.value)
    assert "'greeting'" in message and "line 1 column" in message and problem in message


def test_error_position_counts_lines_and_columns():
    with pytest.raises(TemplateError) as caught:
        parse_template("t", "first line\nsecond {{bad name}}")
    assert "line 2 column 8" in str(caught.value)


def test_escapes_are_literal_text():
    tree, slots = parse_template("t", r"a \{\{b\}\} \[\[c\]\] \| \\")
    assert slots == ()
    assert tree.parts[0].text == r"a {{b}} [[c]] | \ "[:-1]


def test_feasibility_of_quota_plans():
    tree, _ = parse_template("t", "{{a:A}}[[ {{b:B}}| {{c:C}}]][[? {{d:D}}]]")
    assert can_make(tree, frozenset({"B"}), frozenset({"C", "D"}))
    assert can_make(tree, frozenset(), frozenset({"B", "D"}))
    assert not can_make(tree, frozenset(), frozenset({"B", "C"}))
    assert not can_make(tree, frozenset(), frozenset({"A"}))
    assert not can_make(tree, frozenset({"B", "C"}), frozenset())


def test_recipe_errors_name_the_template(kit, pii_params):
    pii_params["templates"].append({"id": "oops", "text": "Dear {{nmae:PERSON}}"})
    with pytest.raises(RecipeError) as caught:
        kit.load(kit.recipe_dict(pii_params))
    message = caught.value.show()
    assert "'oops'" in message and "unknown value 'nmae'" in message and "did you mean" in message


def test_unknown_quota_condition_is_a_recipe_error(kit, pii_params):
    with pytest.raises(RecipeError) as caught:
        kit.load(kit.recipe_dict(pii_params, quotas={"IBNA": 2}))
    assert 'did you mean "IBAN"' in caught.value.show()


def test_nesting_needs_permission(kit, pii_params):
    pii_params["templates"] = [{"id": "n", "text": "[[#ADDR: {{name:PERSON}}]]"}]
    with pytest.raises(RecipeError) as caught:
        kit.load(kit.recipe_dict(pii_params))
    assert "nested_entities" in caught.value.show()


def test_files_outside_the_recipe_folder_are_refused(kit, pii_params, tmp_path):
    (tmp_path / "recipe").mkdir()
    (tmp_path / "secret.txt").write_text("password\n")
    pii_params["values"]["product"] = {"file": "../secret.txt"}
    with pytest.raises(SynthlabError) as caught:
        kit.samples(kit.recipe_dict(pii_params, count=2), base_dir=tmp_path / "recipe")
    assert "outside the recipe's folder" in str(caught.value)


def test_word_lists_csv_and_template_files_relative_to_the_recipe(kit, pii_params, tmp_path):
    (tmp_path / "products.txt").write_text("# products\nkettle\ntoaster\n", encoding="utf-8")
    (tmp_path / "cities.csv").write_text("city,country\nLyon,FR\nKöln,DE\n", encoding="utf-8")
    (tmp_path / "more.yaml").write_text(
        "- id: filed\n  text: 'A {{product:PRODUCT}} to {{city:CITY}}'\n  tags: [order]\n",
        encoding="utf-8",
    )
    pii_params["values"]["product"] = {"file": "products.txt"}
    pii_params["values"]["city"] = {"csv": "cities.csv", "column": "city"}
    pii_params["template_files"] = ["more.yaml"]
    pii_params["labels"] = ["CITY"]
    pii_params["classes"] = ["order"]
    made = kit.samples(kit.recipe_dict(pii_params, count=30, quotas={"CITY": 4}), base_dir=tmp_path)
    filed = [s for s in made if s.template_id == "filed"]
    assert len(filed) == 4
    assert {s.spans[0].text for s in filed} <= {"kettle", "toaster"}
    assert {s.spans[1].text for s in filed} <= {"Lyon", "Köln"}


def test_faker_date_providers_that_read_the_clock_are_refused(kit, pii_params):
    pii_params["values"]["when"] = {"faker": "date_this_year"}
    pii_params["templates"][0]["text"] += " {{when}}"
    with pytest.raises(RecipeError) as caught:
        kit.samples(kit.recipe_dict(pii_params, count=2))
    assert "today's date" in caught.value.show()


def test_splits_are_template_disjoint_and_stable():
    templates = [(f"t{i}", 1.0 + i % 3) for i in range(20)]
    splits = assign_splits(templates, {"train": 0.8, "validation": 0.1, "test": 0.1}, seed=5)
    assert set(splits.values()) == {"train", "validation", "test"}
    shuffled = assign_splits(list(reversed(templates)), {"test": 0.1, "train": 0.8,
                                                         "validation": 0.1}, seed=5)  # fmt: skip
    assert shuffled == splits
    weight = {name: sum(w for t, w in templates if splits[t] == name) for name in ("train",)}
    assert weight["train"] / sum(w for _, w in templates) > 0.6


def test_samples_of_a_template_share_its_split(kit, pii_params):
    pii_params["splits"] = {"train": 0.5, "test": 0.5}
    pii_params["split_by"] = "template"
    made = kit.samples(kit.recipe_dict(pii_params, count=40))
    split_of: dict[str, set[str]] = {}
    for sample in made:
        split_of.setdefault(sample.template_id, set()).add(sample.split)
    assert all(len(s) == 1 for s in split_of.values())
    assert {s.split for s in made} == {"train", "test"}
