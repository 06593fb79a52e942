"""Text fidelity: how close synthetic texts are to real ones, and what to change in the recipe.

Measured on both sides (a seeded subsample of at most `max_items` texts each):
lengths (characters, tokens); vocabulary (out-of-vocabulary rate of real words against the
synthetic vocabulary, words only the synthetic side uses, unigram Jensen-Shannon distance),
each beside the same number between two halves of the real texts, the floor that sampling
alone gives; diversity (distinct-1/2/3 on equal token budgets, mean pairwise cosine
similarity of word n-gram vectors, exact duplicates); character classes per text;
entities (length per label, the words around them, entities per text, label mix) and
document classes. Feature rows per text (lengths, character rates, hashed word n-grams)
feed the common two-sample test. When the real side carries labels, a fixed logistic
regression on hashed n-grams (classes) and a blank spaCy NER (spans) are trained on
synthetic and on real texts and both tested on held-out real texts (TSTR vs TRTR).

Tokens here are `\\w+` runs and single other non-space characters; words are the `\\w+`
tokens, lower-cased, with digits mapped to 0 (so "2023" and "1999" are one word shape).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from synthlab.fidelity.base import Metric, ModalityComparison, TaskScore
from synthlab.fidelity.compare_stats import distribution_metric, histogram_figure, js_distance
from synthlab.fidelity.options import FidelityOptions
from synthlab.fidelity.text_inputs import TextCorpus, TextItem, load_text

if TYPE_CHECKING:  # spaCy is imported only when a comparison has spans
    from spacy.language import Language
    from spacy.training import Example

__all__ = ["FEATURE_NAMES", "compare", "compare_corpora", "text_features"]

TOKEN = re.compile(r"\w+|[^\w\s]")
WORD = re.compile(r"\w+")
DIGIT = re.compile(r"\d")
CHARACTER_CLASSES = {
    "letters": re.compile(r"[^\W\d_]"),
    "digits": re.compile(r"\d"),
    "punctuation": re.compile(r"[^\w\s]|_"),
    "uppercase": re.compile(r"[^\W\d_]"),  # counted with str.isupper below
    "non_ascii": re.compile(r"[^\x00-\x7f]"),
    "whitespace": re.compile(r"\s"),
}
HASHED_FEATURES = 64  # word uni- and bigrams hashed into this many columns of a feature row
NUMERIC_NAMES = (
    "chars",
    "tokens",
    "mean_word_length",
    *(f"{name}_rate" for name in CHARACTER_CLASSES),
    "entities",
    "entity_char_fraction",
    "type_token_ratio",
)
FEATURE_NAMES = (*NUMERIC_NAMES, *(f"ngram_hash_{i}" for i in range(HASHED_FEATURES)))

SELF_SIMILARITY_ITEMS = 400  # texts per side in the pairwise-similarity matrix
DISTINCT_BUDGET = 20_000  # at most this many tokens per side for distinct-n
CONTEXT_WIDTH = 2  # words either side of an entity
NER_TRAIN_ITEMS = 300  # cap on texts an NER model trains on (fast, small on purpose)
NER_EPOCHS = 10
VOCABULARY_FAR = 0.15  # OOV rate this much above the real-vs-real floor is far
DIVERSITY_RATIO_FAR = 0.7  # synthetic distinct-n below 70% (or above 1/0.7) of real is far

PARAMS = "generator.params"


def words(text: str) -> list[str]:
    return [DIGIT.sub("0", word.lower()) for word in WORD.findall(text)]


def _character_rates(text: str) -> list[float]:
    size = max(len(text), 1)
    letters = CHARACTER_CLASSES["letters"].findall(text)
    rates = []
    for name, pattern in CHARACTER_CLASSES.items():
        if name == "uppercase":  # share of letters that are capitals
            rates.append(sum(c.isupper() for c in letters) / max(len(letters), 1))
        else:
            rates.append(len(pattern.findall(text)) / size)
    return rates


def text_features(items: Sequence[TextItem]) -> np.ndarray:
    """One row per text: NUMERIC_NAMES, then the hashed word n-grams (FEATURE_NAMES)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    rows = []
    for item in items:
        tokens = TOKEN.findall(item.text)
        word_list = WORD.findall(item.text)
        entity_chars = sum(end - start for start, end, _ in item.spans)
        rows.append(
            [
                len(item.text),
                len(tokens),
                float(np.mean([len(w) for w in word_list])) if word_list else 0.0,
                *_character_rates(item.text),
                len(item.spans),
                entity_chars / max(len(item.text), 1),
                len({w.lower() for w in word_list}) / max(len(word_list), 1),
            ]
        )
    numeric = np.asarray(rows, dtype=float).reshape(len(items), len(NUMERIC_NAMES))
    hashing = HashingVectorizer(
        n_features=HASHED_FEATURES, ngram_range=(1, 2), alternate_sign=False, norm="l2"
    )
    hashed = hashing.transform([item.text for item in items]).toarray()
    return np.hstack([numeric, hashed])


# ---------------------------------------------------------------- lengths and characters


def _shorter_longer(unit: str) -> Callable[[float, float], str]:
    def advice(real: float, synth: float) -> str:
        if synth < real:
            return (
                f"synthetic texts are shorter (median {synth:g} vs {real:g} {unit}): write longer "
                f"templates ({PARAMS}.templates) or add optional parts [[? ...]] and raise "
                f"{PARAMS}.optional_probability"
            )
        return (
            f"synthetic texts are longer (median {synth:g} vs {real:g} {unit}): shorten the "
            f"templates ({PARAMS}.templates) or lower {PARAMS}.optional_probability"
        )

    return advice


CHARACTER_ADVICE = {
    "letters": ("letters", f"the templates' wording ({PARAMS}.templates)"),
    "digits": ("digits", f"values with numbers ({PARAMS}.values patterns) and their share"),
    "punctuation": (
        "punctuation",
        f"{PARAMS}.noise.punctuation (drops or swaps marks) and the templates' punctuation",
    ),
    "uppercase": ("capital letters", f"{PARAMS}.noise.lowercase and {PARAMS}.noise.uppercase"),
    "non_ascii": ("non-ASCII characters", f"{PARAMS}.locales (accents, other scripts)"),
    "whitespace": ("whitespace", f"{PARAMS}.noise.whitespace and the template lengths"),
}


def _character_advice(name: str) -> Callable[[float, float], str]:
    what, field = CHARACTER_ADVICE[name]

    def advice(real: float, synth: float) -> str:
        share = "higher" if synth > real else "lower"
        return (
            f"synthetic texts have a {share} share of {what} (median {synth:.3f} vs "
            f"{real:.3f} in real): adjust {field}"
        )

    return advice


def _length_and_character_metrics(real: np.ndarray, synth: np.ndarray) -> list[Metric]:
    column = {name: i for i, name in enumerate(NUMERIC_NAMES)}
    metrics = [
        distribution_metric(
            "length.characters", real[:, 0], synth[:, 0], _shorter_longer("characters")
        ),
        distribution_metric("length.tokens", real[:, 1], synth[:, 1], _shorter_longer("tokens")),
    ]
    for name in CHARACTER_CLASSES:
        index = column[f"{name}_rate"]
        metrics.append(
            distribution_metric(
                f"characters.{name}", real[:, index], synth[:, index], _character_advice(name)
            )
        )
    return metrics


# ---------------------------------------------------------------- vocabulary


def _take_tokens(word_lists: list[list[str]], order: np.ndarray, budget: int) -> list[str]:
    taken: list[str] = []
    for index in order:
        if len(taken) >= budget:
            break
        taken += word_lists[index]
    return taken


def _oov(tokens: list[str], vocabulary: set[str]) -> float:
    return sum(t not in vocabulary for t in tokens) / max(len(tokens), 1)


def _unigram_js(a: list[str], b: list[str]) -> float:
    counts_a, counts_b = Counter(a), Counter(b)
    keys = sorted(set(counts_a) | set(counts_b))
    return js_distance(
        np.array([counts_a[k] for k in keys], float), np.array([counts_b[k] for k in keys], float)
    )


def _vocabulary_metrics(
    real_words: list[list[str]], synth_words: list[list[str]], rng: np.random.Generator
) -> list[Metric]:
    """Real texts split in halves A and B: B is what a model would meet; A is the floor (how
    far one real sample is from another), the synthetic side takes A's place with as many
    tokens."""
    order = rng.permutation(len(real_words))
    half_a, half_b = order[: len(order) // 2], order[len(order) // 2 :]
    tokens_b = [t for i in half_b for t in real_words[i]]
    tokens_a = [t for i in half_a for t in real_words[i]]
    tokens_s = _take_tokens(synth_words, rng.permutation(len(synth_words)), len(tokens_a))
    if not tokens_a or not tokens_b or not tokens_s:
        return []
    vocab_a, vocab_b, vocab_s = set(tokens_a), set(tokens_b), set(tokens_s)
    floor_oov, oov = _oov(tokens_b, vocab_a), _oov(tokens_b, vocab_s)
    floor_only, synth_only = _oov(tokens_a, vocab_b), _oov(tokens_s, vocab_b)
    metrics = []
    missing = Counter(t for t in tokens_b if t not in vocab_s).most_common(8)
    far = oov - floor_oov > VOCABULARY_FAR
    metrics.append(
        Metric(
            name="vocabulary.oov_rate",
            value=round(oov, 6),
            real=round(floor_oov, 6),
            synth=round(oov, 6),
            far=far,
            advice=(
                f"{oov:.0%} of real words never occur in the synthetic texts ({floor_oov:.0%} "
                "between two halves of the real texts); frequent ones: "
                f"{', '.join(w for w, _ in missing)}: bring the real vocabulary into "
                f"{PARAMS}.templates and the word lists of {PARAMS}.values"
                if far
                else None
            ),
        )
    )
    extra = Counter(t for t in tokens_s if t not in vocab_b).most_common(8)
    far = synth_only - floor_only > VOCABULARY_FAR
    metrics.append(
        Metric(
            name="vocabulary.synthetic_only_rate",
            value=round(synth_only, 6),
            real=round(floor_only, 6),
            synth=round(synth_only, 6),
            far=far,
            advice=(
                f"{synth_only:.0%} of synthetic words never occur in the real texts "
                f"({floor_only:.0%} between real halves), e.g. {', '.join(w for w, _ in extra)}: "
                f"check the word lists of {PARAMS}.values and {PARAMS}.noise.typo"
                if far
                else None
            ),
        )
    )
    floor_js, synth_js = _unigram_js(tokens_a, tokens_b), _unigram_js(tokens_s, tokens_b)
    metrics.append(
        Metric(
            name="vocabulary.unigram_js",
            value=round(synth_js, 6),
            real=round(floor_js, 6),
            synth=round(synth_js, 6),
            far=synth_js - floor_js > 0.2,
        )
    )
    return metrics


# ---------------------------------------------------------------- diversity


def _distinct(word_lists: list[list[str]], order: np.ndarray, budget: int, n: int) -> float:
    grams: list[tuple[str, ...]] = []
    used = 0
    for index in order:
        if used >= budget:
            break
        tokens = word_lists[index]
        used += len(tokens)
        grams += [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def _self_similarity(texts: list[str]) -> float:
    """Mean cosine similarity of word uni/bigram vectors over all pairs (self-BLEU's idea)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    if len(texts) < 2:
        return 0.0
    vectors = HashingVectorizer(
        n_features=2**14, ngram_range=(1, 2), alternate_sign=False, norm="l2"
    ).transform(texts)
    gram = (vectors @ vectors.T).toarray()
    count = len(texts)
    return float((gram.sum() - np.trace(gram)) / (count * (count - 1)))


def _duplicate_rate(texts: list[str]) -> float:
    counts = Counter(texts)
    return sum(c for c in counts.values() if c > 1) / max(len(texts), 1)


UNIFORM_ADVICE = (
    f"add templates and [[a|b]] alternatives inside them ({PARAMS}.templates), and draw values "
    f"from larger pools ({PARAMS}.values, {PARAMS}.pool_size)"
)


def _diversity_metrics(
    real: TextCorpus,
    synth: TextCorpus,
    real_words: list[list[str]],
    synth_words: list[list[str]],
    rng: np.random.Generator,
) -> list[Metric]:
    metrics = []
    budget = min(DISTINCT_BUDGET, sum(map(len, real_words)), sum(map(len, synth_words)))
    real_order, synth_order = rng.permutation(len(real_words)), rng.permutation(len(synth_words))
    for n in (1, 2, 3):
        real_value = _distinct(real_words, real_order, budget, n)
        synth_value = _distinct(synth_words, synth_order, budget, n)
        ratio = synth_value / real_value if real_value > 0 else 1.0
        far = budget >= 200 and not DIVERSITY_RATIO_FAR <= ratio <= 1 / DIVERSITY_RATIO_FAR
        advice = None
        if far:
            advice = (
                f"synthetic texts repeat their {n}-grams more (distinct-{n} {synth_value:.2f} "
                f"vs {real_value:.2f}): templates are too uniform; {UNIFORM_ADVICE}"
                if ratio < 1
                else f"synthetic texts vary more than real ones (distinct-{n} {synth_value:.2f} "
                f"vs {real_value:.2f}): fewer, more typical templates or lower "
                f"{PARAMS}.noise.typo"
            )
        metrics.append(
            Metric(
                name=f"diversity.distinct_{n}",
                value=round(abs(synth_value - real_value), 6),
                real=round(real_value, 6),
                synth=round(synth_value, 6),
                far=far,
                advice=advice,
            )
        )
    size = min(SELF_SIMILARITY_ITEMS, len(real.items), len(synth.items))
    real_texts = [real.items[i].text for i in real_order[:size]]
    synth_texts = [synth.items[i].text for i in synth_order[:size]]
    real_value, synth_value = _self_similarity(real_texts), _self_similarity(synth_texts)
    far = synth_value - real_value > 0.1 or real_value - synth_value > 0.1
    metrics.append(
        Metric(
            name="diversity.self_similarity",
            value=round(abs(synth_value - real_value), 6),
            real=round(real_value, 6),
            synth=round(synth_value, 6),
            far=far,
            advice=(
                f"synthetic texts resemble each other more (mean pairwise similarity "
                f"{synth_value:.2f} vs {real_value:.2f}): {UNIFORM_ADVICE}"
                if far and synth_value > real_value
                else None
            ),
        )
    )
    real_dup = _duplicate_rate([item.text for item in real.items])
    synth_dup = _duplicate_rate([item.text for item in synth.items])
    far = synth_dup - real_dup > 0.05
    metrics.append(
        Metric(
            name="diversity.duplicate_rate",
            value=round(abs(synth_dup - real_dup), 6),
            real=round(real_dup, 6),
            synth=round(synth_dup, 6),
            far=far,
            advice=(
                f"{synth_dup:.0%} of synthetic texts occur more than once ({real_dup:.0%} of "
                f"real ones): {UNIFORM_ADVICE}"
                if far
                else None
            ),
        )
    )
    return metrics


# ---------------------------------------------------------------- entities and classes


def _contexts(items: Sequence[TextItem]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in items:
        for start, end, label in item.spans:
            left = words(item.text[:start])[-CONTEXT_WIDTH:]
            right = words(item.text[end:])[:CONTEXT_WIDTH]
            found.setdefault(label, []).extend(left + right)
    return found


def _entity_lengths(items: Sequence[TextItem]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for item in items:
        for start, end, label in item.spans:
            found.setdefault(label, []).append(end - start)
    return found


def _mix_metric(name: str, real: Counter[str], synth: Counter[str], what: str) -> list[Metric]:
    keys = sorted(set(real) | set(synth))
    distance = js_distance(
        np.array([real[k] for k in keys], float), np.array([synth[k] for k in keys], float)
    )
    missing = [k for k in keys if real[k] and not synth[k]]
    missing_share = sum(real[k] for k in missing) / max(sum(real.values()), 1)
    field = (
        f"templates with {{{{value:LABEL}}}} placeholders ({PARAMS}.templates)"
        if what == "entity labels"
        else f"templates tagged with them ({PARAMS}.templates[].tags)"
    )
    return [
        Metric(
            name=f"{name}.mix",
            value=round(distance, 6),
            far=distance > 0.3,
            advice=(
                f"the {what} occur in other proportions than in real data: set quotas or "
                f"template weights ({PARAMS}.templates[].weight)"
                if distance > 0.3
                else None
            ),
        ),
        Metric(
            name=f"{name}.missing",
            value=round(missing_share, 6),
            far=missing_share > 0.05,
            advice=(
                f"{missing_share:.0%} of real {what} are ones the synthetic data never has "
                f"({', '.join(missing[:6])}): add {field}"
                if missing_share > 0.05
                else None
            ),
        ),
    ]


def _entity_length_advice(label: str) -> Callable[[float, float], str]:
    def advice(real: float, synth: float) -> str:
        return (
            f"{label} entities are {synth:g} characters long in synthetic vs {real:g} in real "
            f"(medians): change the value source of the {label} placeholders ({PARAMS}.values)"
        )

    return advice


def _entity_metrics(real: TextCorpus, synth: TextCorpus) -> list[Metric]:
    metrics: list[Metric] = []
    if not any(item.spans for item in real.items):
        return metrics
    metrics.append(
        distribution_metric(
            "entities.per_text",
            [len(i.spans) for i in real.items],
            [len(i.spans) for i in synth.items],
            lambda r, s: (
                f"synthetic texts carry {'more' if s > r else 'fewer'} entities (median {s:g} vs "
                f"{r:g}): change the placeholders per template ({PARAMS}.templates) or "
                f"{PARAMS}.optional_probability"
            ),
        )
    )
    real_labels = Counter(label for i in real.items for _, _, label in i.spans)
    synth_labels = Counter(label for i in synth.items for _, _, label in i.spans)
    metrics += _mix_metric("entities", real_labels, synth_labels, "entity labels")
    real_lengths, synth_lengths = _entity_lengths(real.items), _entity_lengths(synth.items)
    real_context, synth_context = _contexts(real.items), _contexts(synth.items)
    for label in sorted(set(real_lengths) & set(synth_lengths)):
        metrics.append(
            distribution_metric(
                "entities.length",
                real_lengths[label],
                synth_lengths[label],
                _entity_length_advice(label),
                condition=label,
            )
        )
        seen = set(synth_context.get(label, ()))
        context = real_context.get(label, [])
        if len(context) >= 10:
            uncovered = sum(word not in seen for word in context) / len(context)
            common = [w for w, _ in Counter(w for w in context if w not in seen).most_common(5)]
            metrics.append(
                Metric(
                    name="entities.context_unseen",
                    value=round(uncovered, 6),
                    condition=label,
                    far=uncovered > 0.7,
                    advice=(
                        f"{uncovered:.0%} of the words around real {label} entities never appear "
                        f"around synthetic ones (e.g. {', '.join(common)}): write templates with "
                        f"that context around the {label} placeholders ({PARAMS}.templates)"
                        if uncovered > 0.7
                        else None
                    ),
                )
            )
    return metrics


def _class_metrics(real: TextCorpus, synth: TextCorpus) -> list[Metric]:
    if not real.classes:
        return []
    real_counts = Counter(c for i in real.items for c in i.classes)
    synth_counts = Counter(c for i in synth.items for c in i.classes if c in real_counts)
    return _mix_metric("classes", real_counts, synth_counts, "document classes")


# ---------------------------------------------------------------- TSTR / TRTR


def _class_task(real: TextCorpus, synth: TextCorpus, options: FidelityOptions) -> TaskScore | None:
    """One class per text (the real side's class set): a fixed logistic regression on hashed
    word n-grams, TRTR by stratified cross-validation on real, TSTR trained on synthetic."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    wanted = set(real.classes)
    real_pairs = [(i.text, i.classes[0]) for i in real.items if len(i.classes) == 1]
    synth_pairs = []
    for item in synth.items:
        shared = wanted.intersection(item.classes)
        if len(shared) == 1:
            synth_pairs.append((item.text, shared.pop()))
    counts = Counter(label for _, label in real_pairs)
    classes = sorted(c for c in counts if counts[c] >= 2 and c in {lab for _, lab in synth_pairs})
    if len(classes) < 2:
        return None
    real_pairs = [p for p in real_pairs if p[1] in classes]
    synth_pairs = [p for p in synth_pairs if p[1] in classes]
    vectorizer = HashingVectorizer(
        n_features=2**14, ngram_range=(1, 2), alternate_sign=False, norm="l2"
    )
    x_real = vectorizer.transform([t for t, _ in real_pairs])
    y_real = np.array([c for _, c in real_pairs])
    x_synth = vectorizer.transform([t for t, _ in synth_pairs])
    y_synth = np.array([c for _, c in synth_pairs])

    def model() -> LogisticRegression:
        return LogisticRegression(C=10.0, max_iter=1000, random_state=options.seed)

    folds = min(options.folds, min(counts[c] for c in classes))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=options.seed)
    trtr_pred = cross_val_predict(model(), x_real, y_real, cv=splitter)
    tstr_pred = model().fit(x_synth, y_synth).predict(x_real)
    trtr_each = f1_score(y_real, trtr_pred, labels=classes, average=None, zero_division=0)
    tstr_each = f1_score(y_real, tstr_pred, labels=classes, average=None, zero_division=0)
    return TaskScore(
        task=f"text classes (logistic regression on hashed word 1-2-grams, {folds}-fold TRTR)",
        metric="macro F1",
        tstr=round(float(np.mean(tstr_each)), 6),
        trtr=round(float(np.mean(trtr_each)), 6),
        classes=tuple(classes),
        per_class={
            c: (round(float(s), 6), round(float(r), 6))
            for c, s, r in zip(classes, tstr_each, trtr_each, strict=True)
        },
    )


def _ner_examples(nlp: Language, items: Sequence[TextItem], labels: set[str]) -> list[Example]:
    from spacy.training import Example
    from spacy.util import filter_spans

    examples = []
    for item in items:
        doc = nlp.make_doc(item.text)
        spans = [
            doc.char_span(start, end, label=label, alignment_mode="expand")
            for start, end, label in item.spans
            if label in labels
        ]
        kept = filter_spans([s for s in spans if s is not None])
        entities = [(s.start_char, s.end_char, s.label_) for s in kept]
        examples.append(Example.from_dict(doc, {"entities": entities}))
    return examples


def _ner_scores(
    train: Sequence[TextItem], test: Sequence[TextItem], labels: list[str], seed: int
) -> tuple[float, dict[str, float]]:
    import spacy
    from spacy.util import fix_random_seed, minibatch  # type: ignore[attr-defined]

    fix_random_seed(seed)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in labels:
        ner.add_label(label)  # type: ignore[attr-defined]
    train_examples = _ner_examples(nlp, train, set(labels))
    optimizer = nlp.initialize(lambda: train_examples)
    order = np.random.default_rng(seed)
    for _ in range(NER_EPOCHS):
        shuffled = [train_examples[i] for i in order.permutation(len(train_examples))]
        for batch in minibatch(shuffled, size=16):  # type: ignore[no-untyped-call]
            nlp.update(batch, sgd=optimizer, drop=0.1, losses={})
    scores = nlp.evaluate(_ner_examples(nlp, test, set(labels)))
    per_type = scores.get("ents_per_type") or {}
    return float(scores.get("ents_f") or 0.0), {
        label: float(per_type.get(label, {}).get("f", 0.0)) for label in labels
    }


def _ner_task(real: TextCorpus, synth: TextCorpus, options: FidelityOptions) -> TaskScore | None:
    """A blank spaCy NER trained on synthetic texts and on half of the real ones, both tested
    on the other real half, over the labels both sides have."""
    labels = sorted(set(real.labels) & set(synth.labels))
    if not labels or len(real.items) < 4:
        return None
    try:
        import spacy  # noqa: F401
    except ImportError:
        return None
    order = np.random.default_rng(options.seed).permutation(len(real.items))
    half = len(order) // 2
    train_real = [real.items[i] for i in order[:half][:NER_TRAIN_ITEMS]]
    test_real = [real.items[i] for i in order[half:][: 2 * NER_TRAIN_ITEMS]]
    synth_order = np.random.default_rng(options.seed + 1).permutation(len(synth.items))
    train_synth = [synth.items[i] for i in synth_order[: max(len(train_real), 1)]]
    tstr, tstr_each = _ner_scores(train_synth, test_real, labels, options.seed)
    trtr, trtr_each = _ner_scores(train_real, test_real, labels, options.seed)
    return TaskScore(
        task=(
            f"NER (blank spaCy 'en', {NER_EPOCHS} epochs, {len(train_real)} training texts "
            "a side, tested on the other half of the real texts)"
        ),
        metric="entity F1",
        tstr=round(tstr, 6),
        trtr=round(trtr, 6),
        classes=tuple(labels),
        per_class={
            label: (round(tstr_each[label], 6), round(trtr_each[label], 6)) for label in labels
        },
    )


# ---------------------------------------------------------------- the comparison


def compare_corpora(
    real: TextCorpus, synth: TextCorpus, options: FidelityOptions, rng: np.random.Generator
) -> ModalityComparison:
    """The comparison of two loaded corpora (`compare` reads them from disk first)."""
    from threadpoolctl import threadpool_limits

    real_features, synth_features = text_features(real.items), text_features(synth.items)
    real_words = [words(item.text) for item in real.items]
    synth_words = [words(item.text) for item in synth.items]
    metrics = _length_and_character_metrics(real_features, synth_features)
    metrics += _vocabulary_metrics(real_words, synth_words, rng)
    metrics += _diversity_metrics(real, synth, real_words, synth_words, rng)
    metrics += _entity_metrics(real, synth)
    metrics += _class_metrics(real, synth)
    tasks = []
    with threadpool_limits(1):  # model fits that repeat bit for bit whatever the machine
        for make in (_class_task, _ner_task):
            score = make(real, synth, options)
            if score is not None:
                tasks.append(score)
    figures = []
    if options.figures:
        figures = [
            histogram_figure(
                "Text length", real_features[:, 0], synth_features[:, 0], "characters"
            ),
            histogram_figure(
                "Tokens per text", real_features[:, 1], synth_features[:, 1], "tokens"
            ),
        ]
    notes = [
        f"real: {len(real.items)} of {real.seen} texts ({real.source}); synthetic: "
        f"{len(synth.items)} of {synth.seen} texts ({synth.source})",
        "vocabulary metrics: 'real' is the same number between two halves of the real texts "
        "(the floor sampling alone gives)",
    ]
    if real.labels and not set(real.labels) & set(synth.labels):
        notes.append("no entity label is shared by both sides: no NER comparison")
    return ModalityComparison(
        modality="text",
        metrics=metrics,
        feature_names=list(FEATURE_NAMES),
        real_features=real_features,
        synth_features=synth_features,
        figures=figures,
        tasks=tasks,
        notes=notes,
    )


def compare(
    real: Path, synth: Path, options: FidelityOptions, rng: np.random.Generator
) -> ModalityComparison:
    real_corpus = load_text(Path(real), options.max_items, rng)
    synth_corpus = load_text(Path(synth), options.max_items, rng)
    return compare_corpora(real_corpus, synth_corpus, options, rng)
