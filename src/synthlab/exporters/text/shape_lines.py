"""The JSONL line of a pieced sample, from a function written once per shape.

A `PiecedTextSample` is its shape (a template's literal pieces and slots, shared by every
sample that took the same way through it) filled with one `TextFill` per slot. Everything
in its line but the index and the fills' stretches is the same for the whole shape, so
`line_function` writes, once per shape, a function of straight-line code that puts the
line together: no loop over the slots, no branch per slot, each offset one addition. That
is about half the time of a loop that reads what to do per slot (the line is most of a
sentence's cost after making it).

Safety: the generated source holds only names, integers and Python syntax. Every string
(the template's literal text, labels, locale, the JSON punctuation) is passed in as a
named value, never written into the source, so no template or recipe can change the code.

JSON string escaping works character by character, so the escaped text is the join of the
escaped stretches; the token and tag lists are the joins of the stretches' items, each
spelled with a comma before it and the first comma cut off. The bytes are `jsonl_line`'s
(a property test compares the two over awkward text).

This is the exporter's side of the text fast path (the generator's is
`synthlab.generators.text.fast`, the sample's `synthlab.samples.text_pieced`): only
`PiecedTextSample`s come here; every other sample is spelled by `jsonl_line`.
"""

from __future__ import annotations

from collections.abc import Callable
from json.encoder import encode_basestring as _quote  # what json.dumps(ensure_ascii=False) uses

from synthlab.samples.text_pieced import PiecedTextSample, TextFill, TextSlot, comma_items

__all__ = ["LineFunction", "line_function", "line_source"]

LineFunction = Callable[[int, tuple[TextFill, ...]], str]


# A field of a generated f-string: ("", constant text) or (expression, "")
_Field = tuple[str, str]


class _Source:
    """Collects the named constants of a generated function."""

    def __init__(self) -> None:
        self.names: dict[str, object] = {}

    def name(self, value: str) -> str:
        """A name bound to `value`, for use in an expression."""
        name = f"c{len(self.names)}"
        self.names[name] = value
        return name

    def fstring(self, fields: list[_Field]) -> str:
        """An f-string of `fields`, each run of constants joined and read by one name."""
        out: list[str] = []
        pending = ""
        for expression, constant in [*fields, ("", "")]:
            if not expression:
                pending += constant
                continue
            if pending:
                out.append(f"{{{self.name(pending)}}}")
                pending = ""
            out.append(f"{{{expression}}}")
        if pending:
            out.append(f"{{{self.name(pending)}}}")
        return 'f"' + "".join(out) + '"'


def line_function(sample: PiecedTextSample) -> LineFunction:
    """`line(index, fills)`: the JSONL line of the samples that share `sample`'s shape,
    locale, seed, split, template and classes."""
    code, names = line_source(sample)
    namespace: dict[str, object] = {"__builtins__": {}, **names}
    exec(code, namespace)  # names and syntax only: see the module's note
    return namespace["line"]  # type: ignore[return-value]


def line_source(sample: PiecedTextSample) -> tuple[str, dict[str, object]]:
    """The source of `line_function(sample)` and the constants it reads by name."""
    source = _Source()
    body: list[str] = []  # statements of the function
    spans: list[_Field] = []  # the spans' JSON
    tags: list[_Field] = []  # the tag items, each with a comma before it
    text: list[_Field] = []
    tokens: list[_Field] = []  # the token items, each with a comma before it
    offset = ""  # an expression: where the text written up to the last slot ends ("": 0)
    gap = 0  # literal characters since `offset`
    slots = 0
    for part in sample.shape.parts:
        if type(part) is not TextSlot:
            gap += part.length  # type: ignore[union-attr]
            text.append(("", part.json_text))  # type: ignore[union-attr]
            tokens.append(("", comma_items([part.json_tokens])))  # type: ignore[union-attr]
            tags.append(("", comma_items([part.json_outside])))  # type: ignore[union-attr]
            continue
        fill = f"f{slots}"
        slots += 1
        before = " + ".join([term for term in (offset, str(gap) if gap else "") if term]) or "0"
        if part.label is None:
            tags.append((f"{fill}.comma_outside", ""))
        else:
            label = source.name(part.label)
            body.append(f"s{fill} = {before} + {fill}.lead")
            spans += [
                ("", "," if spans else ""),
                ("", '{"end":'),
                (f"s{fill} + {fill}.core_length", ""),
                ("", f',"label":{_quote(part.label)},"start":'),
                (f"s{fill}", ""),
                ("", ',"text":"'),
                (f"{fill}.core_json_text", ""),
                ("", '"}'),
            ]
            tags.append((f"{fill}.comma_tags_of.get({label}) or {fill}.comma_tags({label})", ""))
        body.append(f"o{fill} = {before} + {fill}.length")
        offset, gap = f"o{fill}", 0
        text.append((f"{fill}.json_text", ""))
        tokens.append((f"{fill}.comma_tokens", ""))
    if slots:  # the text after the last slot is not needed
        body.pop()
    fills = ", ".join(f"f{number}" for number in range(slots))
    line = [
        ("", f'{{"classes":[{",".join(map(_quote, sample.classes))}],"index":'),
        ("index", ""),
        ("", f',"locale":{_quote(sample.locale)},"seed":{int(sample.seed)},"spans":['),
        *spans,
        ("", f'],"split":{_quote(sample.split)},"tags":['),
        ("tags[1:]", ""),  # the first item's comma cut off
        ("", f'],"template":{_quote(sample.template_id)},"text":"'),
        *text,
        ("", '","tokens":['),
        ("tokens[1:]", ""),
        ("", "]}"),
    ]
    code = "\n    ".join(
        [
            "def line(index, fills):",
            f"({fills},) = fills" if slots else "pass",
            *body,
            f"tags = {source.fstring(tags)}",
            f"tokens = {source.fstring(tokens)}",
            f"return {source.fstring(line)}",
        ]
    )
    return code, source.names
