"""JSONL lines written by a function generated per shape: the same bytes as the general
spelling, and no template text ever in the generated source."""

from __future__ import annotations

import json

from synthlab.exporters.text.jsonl import PieceSpelling, jsonl_line
from synthlab.exporters.text.shape_lines import line_source
from synthlab.samples.text_pieced import PiecedTextSample

# Literal text that would be code if it were pasted into an f-string or a format string.
HOSTILE = [
    'x"}{__import__("os").system("false")}{"',
    "{index} {fills} {c0} %s %d {{}}",
    '\\\\ \\" \'\'\' """ \\n',
    "#; import os",
]


def _escaped(text: str) -> str:
    """`text` as a template literal (a backslash escapes the template syntax)."""
    return "".join("\\" + char if char in "\\{}" else char for char in text)


def test_generated_lines_carry_no_template_text_and_match_the_general_spelling(kit) -> None:
    params = {
        "templates": [
            {"id": f"t{i}", "text": f"{text} {{{{who:PER}}}} [[?{text}|and]] {{{{n}}}} {text}"}
            for i, text in enumerate(["Hi", *map(_escaped, HOSTILE)])
        ],
        "values": {"who": {"words": ["Ann", "Bo {c1}", '"}{x}']}, "n": {"words": ["7", ""]}},
    }
    samples = kit.samples(kit.recipe_dict(params, count=60))
    pieced = [s for s in samples if isinstance(s, PiecedTextSample)]
    assert {s.template_id for s in pieced} == {f"t{i}" for i in range(len(HOSTILE) + 1)}
    spelling = PieceSpelling()
    for sample in pieced:
        line = spelling.line(sample)
        assert line == jsonl_line(sample)
        assert json.loads(line)["text"] == sample.text
        code, names = line_source(sample)
        for part in sample.shape.parts:
            text = getattr(part, "text", None)
            if text is not None and text.strip(" ") and not text.strip(" ").isalpha():
                assert text not in code  # read by name, never pasted
        assert all(type(value) is str for value in names.values())
    assert len(spelling.shapes) >= 2 * len(HOSTILE)  # optional groups: two shapes each
