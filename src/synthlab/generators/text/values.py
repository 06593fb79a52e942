"""Drawing placeholder values: Faker providers (pooled), word lists, files, patterns,
grammars, integers, dates from the recipe epoch, and one consistent identity per sample.

Speed and determinism: a live Faker call costs 15-70 µs, too slow for tens of thousands of
sentences per second, so each Faker value keeps a pool per locale (`pools.LazyPool`) whose
entry k depends only on (recipe seed, value name, locale, k) and is made the first time a
sample draws it. Samples pick entries with their own stream, so output never depends on
the worker or shard. The trade-off is diversity: at most `pool_size` distinct values per
value and locale (raise it, or set 0 to call Faker for every sample from a Faker seeded by
the sample's stream).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Protocol

from synthlab.errors import RecipeError, RecipeProblem
from synthlab.generators.text import sources as src
from synthlab.generators.text.faker_draws import speed_up
from synthlab.generators.text.files import read_csv_column, read_lines
from synthlab.generators.text.params import TextParams
from synthlab.generators.text.pools import LazyPool, fill_pools, pool_key
from synthlab.generators.text.realistic import realistic_draw
from synthlab.generators.text.stream import Draws
from synthlab.generators.text.terms import composed_draw, term_list

__all__ = ["Identity", "ValueBank"]

Draw = Callable[[Draws, str, "dict[str, Identity]"], str]
Entry = Callable[[str, int], str]  # (locale, position) -> a table's value


class Uniforms(Protocol):
    """A sample's `Draws` or a pool's numpy stream: both hand out single uniforms."""

    def random(self) -> float: ...


# Faker's date providers read the wall clock; dates come from the recipe instead.
_CLOCK_PROVIDERS = "faker.providers.date_time"
_FAMILY_NAME_FIRST = ("ja_JP", "zh_CN", "zh_TW", "ko_KR")


def _problem(field: str, message: str) -> RecipeError:
    return RecipeError([RecipeProblem("generator.params.values", None, None, field, message)])


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^A-Za-z0-9]", "", decomposed.encode("ascii", "ignore").decode())


class Identity:
    """One fake person: the name, email and username agree with each other. The fields are
    spelled out once when the person is made (pooled people are picked many times)."""

    __slots__ = ("fields", "locale")

    def __init__(self, locale: str, first: str, last: str, rfirst: str, rlast: str, domain: str):
        self.locale = locale
        roman_first = ascii_fold(rfirst) or "user"
        roman_last = ascii_fold(rlast) or "x"
        full = f"{last}{first}" if locale in _FAMILY_NAME_FIRST else f"{first} {last}"
        self.fields = {
            "first_name": first,
            "last_name": last,
            "name": full,
            "email": f"{roman_first}.{roman_last}@{domain}".lower(),
            "username": f"{roman_first[:1]}{roman_last}".lower(),
        }

    def field(self, name: str) -> str:
        return self.fields[name]


def _pick(rng: Draws, values: tuple[str, ...]) -> str:
    return values[int(rng.random() * len(values))]


class ValueBank:
    """Per worker: how to draw each named value for a locale from a sample's stream."""

    def __init__(self, params: TextParams, base_dir: Path, seed: int):
        self.params = params
        self.seed = seed
        self._fakers: dict[str, Any] = {}
        self._pools: dict[tuple[str, str], LazyPool[str]] = {}
        self._identities: dict[str, LazyPool[Identity]] = {}
        self._lists: dict[str, tuple[str, ...]] = {}  # the values of unweighted lists
        self.draws: dict[str, Draw] = {
            name: self._compile(name, source, base_dir) for name, source in params.values.items()
        }

    def table(self, name: str) -> tuple[int, Entry] | None:
        """For a value whose draw is entry `int(u * size)` of a table, u one uniform (a
        pooled Faker value, an unweighted list): (size, entry(locale, position)). None for
        the other values (weighted words, patterns, grammars, numbers, dates, live Faker
        calls, identities)."""
        source = self.params.values[name]
        if isinstance(source, src.FakerSource):
            size = source.pool if source.pool is not None else self.params.pool_size
            if not size:
                return None
            return size, lambda locale, position: self._faker_pool(name, source, locale)[position]
        if name in self._lists:
            values = self._lists[name]
            return len(values), lambda locale, position: values[position]
        return None

    def person_table(self, name: str) -> tuple[int, Entry] | None:
        """For an identity field drawn from the people pool (`pool_size` > 0): (size,
        entry(locale, position)), the field of the person at that position; the sample's
        first identity field draws the position, the others reuse it. None otherwise."""
        source = self.params.values[name]
        size = self.params.pool_size
        if not isinstance(source, src.IdentitySource) or not size:
            return None
        field = source.identity
        return size, lambda locale, position: self._people(locale)[position].fields[field]

    def _people(self, locale: str) -> LazyPool[Identity]:
        pool = self._identities.get(locale)
        if pool is None:
            pool = self._identities[locale] = self._identity_pool(locale)
        return pool

    def pool_entries(self) -> int:
        """How many pooled values (people included) the recipe's pools hold in all."""
        sources = self.params.values.values()
        total = sum(
            source.pool if source.pool is not None else self.params.pool_size
            for source in sources
            if isinstance(source, src.FakerSource)
        )
        if any(isinstance(source, src.IdentitySource) for source in sources):
            total += self.params.pool_size  # one pool of people for every identity field
        return total * len(self.params.locales)

    def build_pools(self, processes: int = 1) -> None:
        """Every entry of every pool the recipe can draw from, now (they are otherwise made
        on first draw), shared among `processes` processes (`fill_pools`): the same values
        either way, as entry k of a pool depends only on (seed, value, locale, k)."""
        pools: dict[int, LazyPool[Any]] = {}  # by identity: people serve several values
        for name, source in self.params.values.items():
            for locale in self.params.locales:
                pool: LazyPool[Any] | None = None
                if isinstance(source, src.FakerSource):
                    size = source.pool if source.pool is not None else self.params.pool_size
                    if size:
                        pool = self._faker_pool(name, source, locale)
                elif isinstance(source, src.IdentitySource) and self.params.pool_size:
                    pool = self._people(locale)
                if pool is not None:
                    pools[id(pool)] = pool
        fill_pools(list(pools.values()), processes)

    # -- Faker -------------------------------------------------------------------------------
    def faker(self, locale: str) -> Any:
        generator = self._fakers.get(locale)
        if generator is None:
            from faker import Factory

            # One Faker per locale per worker; reseeded with seed_instance, never Faker.seed.
            # Faker's values, drawn without re-summing word weights on every call.
            generator = self._fakers[locale] = speed_up(Factory.create(locale))
        return generator

    def _provider_method(
        self, name: str, source: src.FakerSource, locale: str
    ) -> Callable[..., Any]:
        generator = self.faker(locale)
        method_name = source.faker
        owner = next((p for p in generator.providers if hasattr(type(p), method_name)), None)
        if owner is None:
            raise _problem(name, f"Faker has no provider {source.faker!r} for locale {locale}")
        if type(owner).__module__.startswith(_CLOCK_PROVIDERS):
            raise _problem(
                name,
                f"Faker's {source.faker!r} depends on today's date; use "
                "{date: {start: ..., days: ...}} so dates come from the recipe",
            )
        method: Callable[..., Any] = getattr(generator, source.faker)
        try:
            method(**source.args)
        except TypeError as error:
            raise _problem(name, f"Faker {source.faker}({source.args}) failed: {error}") from None
        return method

    def _faker_pool(self, name: str, source: src.FakerSource, locale: str) -> LazyPool[str]:
        key = (name, locale)
        pool = self._pools.get(key)
        if pool is None:
            method = self._provider_method(name, source, locale)
            args = source.args

            def make(draws: Draws) -> str:
                return str(method(**args))

            size = source.pool if source.pool is not None else self.params.pool_size
            key_of_pool = pool_key(self.seed, name, locale)
            pool = self._pools[key] = LazyPool(size, key_of_pool, self._seeder(locale), make)
        return pool

    def _faker_draw(self, name: str, source: src.FakerSource) -> Draw:
        size = source.pool if source.pool is not None else self.params.pool_size
        for locale in self.params.locales:
            self._provider_method(name, source, locale)  # fail at setup, not at sample 1234
        if size == 0:
            methods: dict[str, Callable[..., Any]] = {}

            def live(rng: Draws, locale: str, _: dict[str, Identity]) -> str:
                if locale not in methods:
                    methods[locale] = self._provider_method(name, source, locale)
                self.faker(locale).seed_instance(rng.seed64())
                return str(methods[locale](**source.args))

            return live
        pools: dict[str, LazyPool[str]] = {}  # this value's pool per locale, at hand

        def pooled(rng: Draws, locale: str, _: dict[str, Identity]) -> str:
            pool = pools.get(locale)
            if pool is None:
                pool = pools[locale] = self._faker_pool(name, source, locale)
            return pool[int(rng.random() * len(pool))]

        return pooled

    # -- identity ----------------------------------------------------------------------------
    def identity(self, rng: Draws, locale: str, chosen: dict[str, Identity]) -> Identity:
        person = chosen.get(locale)
        if person is None:
            if self.params.pool_size == 0:  # live: a Faker seeded from the sample's stream
                generator = self.faker(locale)
                generator.seed_instance(rng.seed64())
                person = _make_identity(generator, locale, rng)
            else:
                pool = self._people(locale)
                person = pool[int(rng.random() * len(pool))]
            chosen[locale] = person
        return person

    def _identity_pool(self, locale: str) -> LazyPool[Identity]:
        generator = self.faker(locale)

        def make(draws: Draws) -> Identity:
            return _make_identity(generator, locale, draws)

        key = pool_key(self.seed, "\0identity", locale)
        return LazyPool(self.params.pool_size, key, self._seeder(locale), make)

    def _seeder(self, locale: str) -> Callable[[Draws], None]:
        """Seeds the locale's Faker for one block of a pool (`seed_instance`, never the
        global `Faker.seed`)."""
        generator = self.faker(locale)
        return lambda draws: generator.seed_instance(draws.seed64())

    # -- the other sources -------------------------------------------------------------------
    def _compile(self, name: str, source: Any, base_dir: Path) -> Draw:
        if isinstance(source, src.FakerSource):
            return self._faker_draw(name, source)
        if isinstance(source, src.IdentitySource):
            field = source.identity

            def person(rng: Draws, locale: str, chosen: dict[str, Identity]) -> str:
                found = chosen.get(locale)  # the sample's person, once drawn
                if found is None:
                    found = self.identity(rng, locale, chosen)
                return found.fields[field]

            return person
        if isinstance(source, src.WordsSource) and source.weights is not None:
            return _list_draw(source.words, source.weights)
        if isinstance(source, (src.WordsSource, src.FileSource, src.CsvSource)):
            if isinstance(source, src.WordsSource):
                values = source.words
            elif isinstance(source, src.FileSource):
                values = read_lines(base_dir, source.file)
            else:
                values = read_csv_column(base_dir, source.csv, source.column)
            self._lists[name] = values
            return _list_draw(values, None)
        if isinstance(source, src.PatternSource):
            return _pattern_draw(source.pattern)
        if isinstance(source, src.GrammarSource):
            return _grammar_draw(name, source)
        if isinstance(source, src.IntSource):
            low, high = source.int_range
            return lambda rng, locale, _: str(low + int(rng.random() * (high - low + 1)))
        if isinstance(source, src.DateSource):
            return _date_draw(source.date)
        if isinstance(source, src.TermSource):  # medical and legal terms (terms.py)
            listed = term_list(source.term)
            if listed is not None:  # a plain list: a table, as a word list is
                self._lists[name] = listed
                return _list_draw(listed, None)
            composed = composed_draw(source.term)
            return lambda rng, locale, _: composed(rng)
        if isinstance(source, src.REALISTIC_SOURCES):  # cards, IBANs, IPs, user agents, URLs
            made = realistic_draw(source)
            return lambda rng, locale, _: made(rng)
        raise TypeError(f"unknown value source {type(source).__name__}")


def _make_identity(generator: Any, locale: str, rng: Uniforms) -> Identity:
    """Names with a romanization that belongs to them: Faker's name pairs for ja_JP,
    a small hanzi-pinyin table for Chinese, the names themselves (ASCII-folded) else."""
    if hasattr(generator, "first_name_pair"):
        first, _, rfirst = generator.first_name_pair()
        last, _, rlast = generator.last_name_pair()
    elif locale.startswith("zh"):
        first, rfirst, last, rlast = _chinese_name(rng)
    else:
        first, last = generator.first_name(), generator.last_name()
        rfirst, rlast = first, last
    return Identity(locale, first, last, rfirst, rlast, generator.free_email_domain())


@cache
def _pinyin_table() -> dict[str, list[tuple[str, str]]]:
    table: dict[str, list[tuple[str, str]]] = {"surname": [], "given": []}
    text = (Path(__file__).parent / "data" / "zh_pinyin.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        table[row["kind"]].append((row["hanzi"], row["pinyin"]))
    return table


def _chinese_name(rng: Uniforms) -> tuple[str, str, str, str]:
    table = _pinyin_table()
    surname = table["surname"][int(rng.random() * len(table["surname"]))]
    given = [table["given"][int(rng.random() * len(table["given"]))] for _ in range(2)]
    given = given[: 1 + int(rng.random() * 2)]
    return "".join(g[0] for g in given), "".join(g[1] for g in given), surname[0], surname[1]


def _list_draw(words: tuple[str, ...], weights: tuple[float, ...] | None) -> Draw:
    if weights is None:
        return lambda rng, locale, _: _pick(rng, words)
    cumulative = list(accumulate(weights))
    total = cumulative[-1]

    def draw(rng: Draws, locale: str, _: dict[str, Identity]) -> str:
        return words[min(bisect_right(cumulative, rng.random() * total), len(words) - 1)]

    return draw


_PATTERN_CLASSES = {
    "#": "0123456789",
    "?": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "@": "abcdefghijklmnopqrstuvwxyz",
    "*": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
}


def _pattern_draw(pattern: str) -> Draw:
    pieces: list[str] = []  # a literal, or a class of characters to draw from
    classes: list[int] = []  # positions of the classes in `pieces`
    escaped = False
    for char in pattern:
        if escaped:
            pieces.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _PATTERN_CLASSES:
            classes.append(len(pieces))
            pieces.append(_PATTERN_CLASSES[char])
        else:
            pieces.append(char)

    def draw(rng: Draws, locale: str, _: dict[str, Identity]) -> str:
        out = list(pieces)
        if classes:
            for position, u in zip(classes, rng.take(len(classes)), strict=True):
                options = pieces[position]
                out[position] = options[int(u * len(options))]
        return "".join(out)

    return draw


def _grammar_draw(name: str, source: src.GrammarSource) -> Draw:
    rules = source.grammar
    reference = re.compile(r"<([^<>]*)>")

    def expand(rule: str, rng: Draws, depth: int) -> str:
        if depth > 32:
            raise RuntimeError(f"value {name!r}: grammar recursion deeper than 32 (a loop?)")
        option = _pick(rng, rules[rule])
        return reference.sub(lambda m: expand(m.group(1), rng, depth + 1), option)

    return lambda rng, locale, _: expand(source.start, rng, 0)


def _date_draw(spec: src.DateSpec) -> Draw:
    seconds = spec.days * 86400

    def draw(rng: Draws, locale: str, _: dict[str, Identity]) -> str:
        offset = dt.timedelta(seconds=int(rng.random() * seconds))
        return (spec.start + offset).strftime(spec.format)

    return draw
