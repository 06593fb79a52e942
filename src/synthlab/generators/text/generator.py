"""The `text` generator: template choice under the quota plan, values, noise, tokens."""

from __future__ import annotations

import warnings
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from synthlab.errors import RuntimeFailure
from synthlab.generators.base import Generator, GeneratorContext, SamplePlan
from synthlab.generators.text.builder import Builder
from synthlab.generators.text.catalog import Catalog, CompiledTemplate
from synthlab.generators.text.documents import SessionMaker, document_sample
from synthlab.generators.text.fast import (
    Fill,
    PieceTokens,
    PreparedTemplate,
    Shape,
    TemplateRunner,
    compile_template,
)
from synthlab.generators.text.hf_tokens import hf_word_offsets, load_fast_tokenizer
from synthlab.generators.text.noise import NoisePlan
from synthlab.generators.text.params import TextParams
from synthlab.generators.text.split_warnings import split_gap_message
from synthlab.generators.text.splits import SampleSplitter, template_split_gaps
from synthlab.generators.text.stream import WIDTH, Draws
from synthlab.generators.text.tokenize import (
    builtin_tokens,
    separate_spans,
    separated_fully,
    spacy_tokenizer,
    tokenize,
)
from synthlab.generators.text.values import ValueBank
from synthlab.quotas import QuotaPlan
from synthlab.samples.text import EntitySpan, TextSample, Token
from synthlab.samples.text_pieced import PiecedTextSample, pieced_text_and_spans, shape_pieces
from synthlab.samples.text_tags import bio_tags, misaligned_spans
from synthlab.seeding import counter_key, counter_uniforms

__all__ = ["SplitWarning", "TextGenerator"]


class SplitWarning(UserWarning):
    """A template-disjoint split that cannot hold one of the recipe's quota classes."""


class TextGenerator(Generator):
    params: TextParams
    batched = True

    def setup(self, params: TextParams, context: GeneratorContext) -> None:
        super().setup(params, context)
        self.catalog = Catalog.load(params, context.recipe_dir, context.seed, paraphrase=True)
        self.bank = ValueBank(params, context.recipe_dir, context.seed)
        self.builder = Builder(
            self.bank, params.optional_probability, frozenset(params.same_per_sample)
        )
        self.locales = tuple(params.locales)
        self.locale_cumulative = list(accumulate(params.locales.values()))
        self.split_tokens = (
            spacy_tokenizer(params.tokenizer_language)
            if params.tokenizer == "spacy"
            else builtin_tokens
        )
        if params.tokenizer == "hf":  # the words of a Hugging Face fast tokenizer (hf_tokens.py)
            tokenizer = load_fast_tokenizer(params.tokenizer_name or "", context.recipe_dir)
            self.split_tokens = hf_word_offsets(tokenizer)
        self.noise_on = params.noise.active
        self.tagging = params.tagging
        self.seed = context.seed
        self.count = context.count
        self.key = counter_key(context.seed)
        # split_by: sample: a sample's split from (seed, index, quota plan), see splits.py
        by_sample = bool(params.splits) and params.split_by == "sample"
        self.splitter = SampleSplitter(params.splits, context.seed) if by_sample else None
        # Noisy pieces rarely repeat, so caching their tokens would not pay.
        fast_tokens = params.tokenizer == "builtin" and not self.noise_on
        self.pieces = PieceTokens(params.tagging) if fast_tokens else None
        # Templates compiled to steps over cached pieces, for samples without a quota plan;
        # the others (and templates the steps cannot express) take the general builder.
        self.runner: TemplateRunner | None = None
        self.steps: dict[str, PreparedTemplate] = {}
        if self.pieces is not None:
            self.runner = TemplateRunner(self.pieces, self.bank.draws, params.optional_probability)
            same = frozenset(params.same_per_sample)
            for template in self.catalog.templates:
                steps = compile_template(template.tree, self.pieces, same)
                if steps is not None:
                    self.steps[template.id] = self.runner.prepare(steps, self.bank)
        # sessions: documents of several lines (documents.py), by the general builder
        self.sessions = (
            SessionMaker(params, self.catalog, self.bank) if params.sessions is not None else None
        )
        # (labels, template id) -> the sample's conditions: a few hundred combinations
        self._conditions: dict[tuple[tuple[str, ...], str], frozenset[str]] = {}

    def _on_spacy_tokens(
        self, text: str, spans: tuple[EntitySpan, ...], template: CompiledTemplate
    ) -> tuple[str, tuple[EntitySpan, ...]]:
        """A space where an entity edge falls inside a spaCy token (`card=4111...`);
        refused, naming the template, if spaCy still does not cut there."""
        found = separated_fully(text, spans, self.split_tokens)
        if found is None:
            separated, moved = separate_spans(text, spans, self.split_tokens)
            raise RuntimeFailure(_on_spacy_tokens_problem(template.id, separated, moved))
        return found

    def use_quota_plan(self, plan: QuotaPlan) -> None:
        """The run's quota plan, from the engine: quota samples are stratified over the
        splits by their rank in it; template-disjoint splits warn about quota classes a
        split cannot hold."""
        if self.splitter is not None:
            self.splitter.use_quota_plan(plan)
        elif self.params.splits:
            carried = [(t.split, t.classes | t.labels) for t in self.catalog.templates]
            for split, condition in template_split_gaps(carried, plan.names):
                # warn_explicit: one line naming the setting, not this file and its source
                warnings.warn_explicit(
                    split_gap_message(split, condition),
                    SplitWarning,
                    "synthlab",
                    0,
                )

    def prepare_shared(self, processes: int = 1) -> None:
        """Value pools filled once in the driver when the run is long enough to use most of
        their entries, by `processes` processes together; forked workers inherit them (a
        second of Faker calls per worker otherwise), with each entry's fill for the compiled
        walks (`TemplateRunner.make_fills`). A shorter run leaves each entry to the first
        sample that draws it."""
        if self.count >= self.bank.pool_entries():
            self.bank.build_pools(processes)
            if self.runner is not None:  # and the pooled values' fills, once for all workers
                self.runner.make_fills(self.locales, self.count)

    def _locale(self, u: float) -> str:
        total = self.locale_cumulative[-1]
        return self.locales[
            min(bisect_right(self.locale_cumulative, u * total), len(self.locales) - 1)
        ]

    def generate(self, index: int, rng: np.random.Generator, plan: SamplePlan) -> TextSample:
        """Sample `index` alone: a batch of one (`rng` is not used, see `make_batch`)."""
        return self.make_batch([index], [plan])[0]

    def make_batch(self, indices: Sequence[int], plans: Sequence[SamplePlan]) -> list[TextSample]:
        """Each sample draws from its row of the counter-based derivation of (seed, index)
        (`synthlab.seeding.counter_uniforms`), all rows computed in one numpy call. The
        template and locale of the samples without a quota plan are chosen for the whole
        batch in numpy too: the same choice `Catalog.choose` and `_locale` make from a
        sample's first two uniforms (a test compares them)."""
        uniforms = counter_uniforms(self.key, indices, WIDTH)
        rows = uniforms.tolist()
        if self.sessions is not None:
            return [
                self._document(index, Draws(row, self.key, index), plan)
                for index, row, plan in zip(indices, rows, plans, strict=True)
            ]
        templates = _weighted_positions(self.catalog.cumulative, uniforms[:, 0]).tolist()
        locales = _weighted_positions(self.locale_cumulative, uniforms[:, 1]).tolist()
        key = self.key
        compiled = [self.steps.get(template.id) for template in self.catalog.templates]
        # a template laid out as ways is taken straight from the row (most of the benchmark)
        ways = [None if prepared is None else prepared.ways for prepared in compiled]
        run = self.runner.run if self.runner is not None else None
        take = self.runner.take if self.runner is not None else None
        splitter = self.splitter
        made: list[TextSample] = []
        for index, row, plan, template_number, locale_number in zip(
            indices, rows, plans, templates, locales, strict=True
        ):
            prepared = compiled[template_number]
            if prepared is None or plan.require or plan.forbid:
                made.append(self._make(index, Draws(row, key, index), plan))
                continue
            # the first two uniforms chose the template and the locale
            template = self.catalog.templates[template_number]
            locale = self.locales[locale_number]
            laid_out = ways[template_number]
            if laid_out is not None:
                shape, fills, crossing = take(laid_out, row, locale)  # type: ignore[misc]
            else:
                shape, fills, crossing = run(prepared, Draws(row, key, index, 2), locale)  # type: ignore[misc]
            split = template.split if splitter is None else splitter.split_of(index, False)
            made.append(
                self._compiled_sample(index, template, locale, shape, fills, crossing, split)
            )
        return made

    def _document(self, index: int, stream: Draws, plan: SamplePlan) -> TextSample:
        locale = self._locale(stream.random())
        document = self.sessions.make(stream, plan.require, plan.forbid, locale)  # type: ignore[union-attr]
        splitter = self.splitter  # sessions split by sample (params refuse split_by: template)
        split = "train" if splitter is None else splitter.split_of(index, bool(plan.require))
        return document_sample(
            document,
            index=index,
            locale=locale,
            split=split,
            seed=self.seed,
            split_tokens=self.split_tokens,
            separate=self.params.tokenizer != "builtin",
            tagging=self.tagging,
        )

    def _make(self, index: int, stream: Draws, plan: SamplePlan) -> TextSample:
        u_template = stream.random()
        u_locale = stream.random()
        template, need = self.catalog.choose(u_template, plan.require, plan.forbid)
        locale = self._locale(u_locale) if len(self.locales) > 1 else self.locales[0]
        split = template.split
        if self.splitter is not None:
            split = self.splitter.split_of(index, bool(plan.require))
        steps = None if plan.require or plan.forbid else self.steps.get(template.id)
        if steps is not None:
            shape, fills, crossing = self.runner.run(steps, stream, locale)  # type: ignore[union-attr]
            return self._compiled_sample(index, template, locale, shape, fills, crossing, split)
        text, spans, tokens, tags = self._build(template, need, plan, stream, locale)
        labels = tuple([span.label for span in spans])
        return self._text_sample(index, template, locale, labels, text, spans, tokens, tags, split)

    def _compiled_sample(
        self,
        index: int,
        template: CompiledTemplate,
        locale: str,
        shape: Shape,
        fills: tuple[Fill | None, ...],
        crossing: bool,
        split: str,
    ) -> TextSample:
        """The sample a compiled template's walk made: pieced, unless a token may cross a
        piece boundary (then the whole text is tokenized, as `_build` does)."""
        if not crossing:
            conditions = shape.conditions
            if conditions is None:  # a shape belongs to one template
                conditions = shape.conditions = self._conditions_of(shape.labels, template)
            return PiecedTextSample.from_pieces(
                index=index,
                conditions=conditions,
                metadata={"template": template.id, "locale": locale, "split": split},
                classes=template.sorted_classes,
                template_id=template.id,
                locale=locale,
                split=split,
                seed=self.seed,
                shape=shape,
                fills=fills,  # type: ignore[arg-type]
            )
        pieces, marks = shape_pieces(shape, fills)
        labels = tuple([label for _, label, _ in marks])
        text, spans = pieced_text_and_spans(pieces, marks)
        tokens = tokenize(text, spans, self.split_tokens)
        tags = bio_tags(tokens, spans, self.tagging)
        return self._text_sample(index, template, locale, labels, text, spans, tokens, tags, split)

    def _text_sample(
        self,
        index: int,
        template: CompiledTemplate,
        locale: str,
        labels: tuple[str, ...],
        text: str,
        spans: tuple[EntitySpan, ...],
        tokens: tuple[Token, ...],
        tags: tuple[str, ...],
        split: str,
    ) -> TextSample:
        return TextSample(
            index=index,
            conditions=self._conditions_of(labels, template),
            metadata={"template": template.id, "locale": locale, "split": split},
            text=text,
            spans=spans,
            classes=template.sorted_classes,
            tokens=tokens,
            tags=tags,
            template_id=template.id,
            locale=locale,
            split=split,
            seed=self.seed,
        )

    def _conditions_of(self, labels: tuple[str, ...], template: CompiledTemplate) -> frozenset[str]:
        """The entity labels and the template's classes (a few hundred combinations)."""
        conditions = self._conditions.get((labels, template.id))
        if conditions is None:
            conditions = frozenset(labels) | template.classes
            self._conditions[(labels, template.id)] = conditions
        return conditions

    def _build(
        self,
        template: CompiledTemplate,
        need: frozenset[str],
        plan: SamplePlan,
        stream: Draws,
        locale: str,
    ) -> tuple[str, tuple[EntitySpan, ...], tuple[Token, ...], tuple[str, ...]]:
        """The general builder: quota plans, noise, nested groups, spaCy."""
        noise = NoisePlan(self.params.noise, stream) if self.noise_on else None
        text, spans, parts, labelled = self.builder.build(
            template.tree, need, plan.forbid, stream, locale, noise
        )
        if self.params.tokenizer != "builtin":  # spans on the tokens a model is trained on
            text, spans = self._on_spacy_tokens(text, spans, template)
            tokens = tokenize(text, spans, self.split_tokens)
            return text, spans, tokens, bio_tags(tokens, spans, self.tagging)
        fast = self.pieces.tokens(parts, labelled) if self.pieces is not None else None
        if fast is None:  # spaCy, noise, or a token that may cross pieces: the whole text
            tokens = tokenize(text, spans, self.split_tokens)
            return text, spans, tokens, bio_tags(tokens, spans, self.tagging)
        tokens, piece_tags = fast
        tags = bio_tags(tokens, spans, self.tagging) if piece_tags is None else piece_tags
        return text, spans, tokens, tags


def _on_spacy_tokens_problem(template_id: str, text: str, spans: Sequence[EntitySpan]) -> str:
    shown = ", ".join(f"{s.label} {s.text!r}" for s in spans)
    return (
        f"template {template_id!r}: an entity ({shown}) falls inside one of the tokenizer's "
        f"tokens of {text!r} even with a space around it; change the template's text around it"
    )


def _weighted_positions(cumulative: Sequence[float], uniforms: np.ndarray) -> np.ndarray:
    """For each uniform u, `min(bisect_right(cumulative, u * total), len - 1)`: the same
    float products and comparisons, so the same choice."""
    found = np.searchsorted(
        np.asarray(cumulative, dtype=np.float64), uniforms * cumulative[-1], "right"
    )
    return np.minimum(found, len(cumulative) - 1)


def check_alignment(sample: TextSample) -> list[str]:
    """Spans that do not sit on token boundaries (none, by construction)."""
    return [
        f"span {s.label} [{s.start}:{s.end}] {s.text!r} does not sit on token boundaries"
        for s in misaligned_spans(sample.tokens, sample.spans)
    ]
