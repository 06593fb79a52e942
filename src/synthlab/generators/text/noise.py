"""Noise that keeps labels exact: every change is made to one piece (a stretch of context or
one value) before the pieces are joined and offsets counted, so a span always points at the
text that was really written, typos and all.

Each function draws from the sample's stream only when its probability is above 0, so
turning a kind of noise off never shifts the other draws of older recipes.
"""

from __future__ import annotations

import re

from synthlab.generators.text.params import NoiseParams
from synthlab.generators.text.stream import Draws

__all__ = ["NoisePlan", "noisy_context", "noisy_value"]

_WORD = re.compile(r"[^\W\d_]{3,}")
_PUNCT = re.compile(r"[,.!?;:]")
_KEYBOARD_NEIGHBOURS = {
    "a": "qsz", "b": "vgn", "c": "xvd", "d": "sfe", "e": "wrd", "f": "dgr", "g": "fht",
    "h": "gjy", "i": "uok", "j": "hku", "k": "jli", "l": "kop", "m": "nj", "n": "bmh",
    "o": "ipl", "p": "ol", "q": "wa", "r": "etf", "s": "adw", "t": "ryg", "u": "yij",
    "v": "cbf", "w": "qes", "x": "zcs", "y": "tuh", "z": "xa",
}  # fmt: skip


class NoisePlan:
    """The per-sample decisions (casing) and the per-piece probabilities."""

    __slots__ = ("case", "params")

    def __init__(self, params: NoiseParams, rng: Draws):
        self.params = params
        self.case = ""
        if params.lowercase or params.uppercase:
            u = rng.random()
            if u < params.lowercase:
                self.case = "lower"
            elif u < params.lowercase + params.uppercase:
                self.case = "upper"

    def cased(self, text: str) -> str:
        if self.case == "lower":
            return text.lower()
        if self.case == "upper":
            return text.upper()
        return text


def typo(word: str, u: float, v: float) -> str:
    """One typo in `word` (at least 3 letters): swap, drop, double or a neighbouring key."""
    position = 1 + int(v * (len(word) - 2))  # never the first letter
    kind = int(u * 4)
    if kind == 0 and position < len(word) - 1:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if kind == 1:
        return word[:position] + word[position + 1 :]
    if kind == 2:
        return word[:position] + word[position] + word[position:]
    letter = word[position]
    neighbours = _KEYBOARD_NEIGHBOURS.get(letter.lower())
    if not neighbours:
        return word[:position] + word[position] + word[position:]
    replacement = neighbours[int(v * 997) % len(neighbours)]
    if letter.isupper():
        replacement = replacement.upper()
    return word[:position] + replacement + word[position + 1 :]


def _typos(text: str, chance: float, rng: Draws) -> str:
    words = list(_WORD.finditer(text))
    if not words:
        return text
    flat = rng.take(3 * len(words))
    draws = zip(flat[0::3], flat[1::3], flat[2::3], strict=True)
    out: list[str] = []
    last = 0
    for match, (hit, u, v) in zip(words, draws, strict=True):
        if hit < chance:
            out.append(text[last : match.start()])
            out.append(typo(match.group(), u, v))
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def _per_match(text: str, pattern: re.Pattern[str], chance: float, rng: Draws,
               change: str | None) -> str:  # fmt: skip
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    hits = [u < chance for u in rng.take(len(matches))]
    out: list[str] = []
    last = 0
    for match, hit in zip(matches, hits, strict=True):
        if hit:
            out.append(text[last : match.start()])
            out.append(match.group() * 2 if change is None else change)
            last = match.end()
    out.append(text[last:])
    return "".join(out)


_SPACE = re.compile(r" ")


def noisy_context(text: str, plan: NoisePlan, rng: Draws) -> str:
    params = plan.params
    if params.typo:
        text = _typos(text, params.typo, rng)
    if params.punctuation:
        text = _per_match(text, _PUNCT, params.punctuation, rng, "")
    if params.whitespace:
        text = _per_match(text, _SPACE, params.whitespace, rng, None)
    return plan.cased(text)


def noisy_value(text: str, plan: NoisePlan, rng: Draws) -> str:
    params = plan.params
    if params.value_typo:
        hit, u, v = rng.take(3)
        if hit < params.value_typo:
            words = list(_WORD.finditer(text))
            if words:
                match = words[int(u * len(words))]
                text = text[: match.start()] + typo(match.group(), u, v) + text[match.end() :]
    return plan.cased(text)
