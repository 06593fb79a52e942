"""The text generator's fast path: compiled templates walked over cached pieces.

Everything in this package exists for speed only; none of it may change a byte of output.
The general builder (`generators.text.builder`) makes every sample on its own; for the
common sample (no quota plan, no noise, the built-in tokenizer, a template without
labelled groups or values repeated per sample) the generator takes this path instead:

- `compile`: a template's tree compiled to steps (`steps`: one named tuple per kind);
- `runner`: the steps prepared (slots drawn from tables become table steps) and walked,
  reading the sample's uniforms in the general builder's order;
- `fills` and `shapes`: what the walk hands out, each made once and reused (a value's
  pieces per distinct value, a template way's literals and boundaries per way);
- `pieces`: each distinct stretch of text tokenized once, and whether a token could cross
  from one piece into the next (then the sample is tokenized whole, as the builder does).

The samples it makes are `samples.text_pieced.PiecedTextSample`s, which the JSONL exporter
spells without making their text (`exporters.text.shape_lines`). Tests make the same
samples both ways over random templates (`tests/text/test_compiled.py`).
"""

from synthlab.generators.text.fast.compile import compile_template
from synthlab.generators.text.fast.fills import Fill
from synthlab.generators.text.fast.pieces import PieceTokens
from synthlab.generators.text.fast.runner import CompiledSample, PreparedTemplate, TemplateRunner
from synthlab.generators.text.fast.shapes import Shape

__all__ = [
    "CompiledSample",
    "Fill",
    "PieceTokens",
    "PreparedTemplate",
    "Shape",
    "TemplateRunner",
    "compile_template",
]
