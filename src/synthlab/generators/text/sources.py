"""Where placeholder values come from, as typed recipe models (cheap: no Faker import).

Each entry of `values:` is one of::

    "ACME Corp"                                  a constant
    {faker: iban, args: {}, pool: 1000}          a Faker provider by name (pooled, see below)
    {words: [a, b, c], weights: [2, 1, 1]}       an inline word list
    {file: products.txt}                         one value per line, relative to the recipe
    {csv: people.csv, column: name}              a CSV column, relative to the recipe
    {pattern: "DE## #### #### #### ####"}        # digit, ? A-Z, @ a-z, * A-Z or digit
    {grammar: {S: ["<user>@<host>"], ...}}       rules expanding <name>; start at `start`
    {int: [1, 65535]}                            an integer in an inclusive range
    {date: {start: 2024-01-01, days: 30, format: "%b %d %H:%M:%S"}}  from the recipe epoch
    {identity: email}                            a field of the sample's one fake identity
    {card: {schemes: [visa, amex]}}              a card number: scheme prefix, Luhn check
    {iban: {countries: [DE, FR]}}                an IBAN with a valid mod-97 check (ISO 13616)
    {ip: {version: 4}}                           a public unicast address (private: true)
    {user_agent: {kinds: [desktop, tool]}}       a browser, mobile, tool or bot user agent
    {url: {schemes: [https]}}                    a URL from synthlab's own word parts
    {term: drug}                                 a medical or legal term from synthlab's lists

The last five are drawn in `synthlab.generators.text.realistic`.

`asset:text/first_names.txt` names a file in synthlab's own assets folder.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from synthlab.recipe.model import RecipeModel

__all__ = [
    "REALISTIC_SOURCES",
    "SOURCE_KINDS",
    "CardSource",
    "CsvSource",
    "DateSource",
    "FakerSource",
    "FileSource",
    "GrammarSource",
    "IbanSource",
    "IdentitySource",
    "IntSource",
    "IpSource",
    "PatternSource",
    "TermSource",
    "UrlSource",
    "UserAgentSource",
    "ValueSource",
    "WordsSource",
    "parse_source",
]

IDENTITY_FIELDS = ("name", "first_name", "last_name", "email", "username")


class WordsSource(RecipeModel):
    words: tuple[str, ...] = Field(min_length=1)
    weights: tuple[float, ...] | None = None

    @model_validator(mode="after")
    def _weights_fit(self) -> WordsSource:
        if self.weights is not None:
            if len(self.weights) != len(self.words):
                raise ValueError(
                    f"{len(self.weights)} weights for {len(self.words)} words; give one each"
                )
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be >= 0 and not all 0")
        return self


class FakerSource(RecipeModel):
    faker: str = Field(description="a Faker provider method, e.g. iban, name, ipv4")
    args: dict[str, Any] = Field(default_factory=dict, description="keyword arguments")
    pool: int | None = Field(
        default=None, ge=0, description="values drawn ahead per locale; 0 calls Faker per sample"
    )

    @field_validator("faker")
    @classmethod
    def _provider_name(cls, name: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"{name!r} is not a Faker provider name (lower_case letters)")
        return name


class FileSource(RecipeModel):
    file: str = Field(description="text file, one value per line, relative to the recipe")


class CsvSource(RecipeModel):
    csv: str = Field(description="CSV file with a header row, relative to the recipe")
    column: str


class PatternSource(RecipeModel):
    pattern: str = Field(min_length=1)


class GrammarSource(RecipeModel):
    grammar: dict[str, tuple[str, ...]]
    start: str = "S"

    @model_validator(mode="after")
    def _rules_exist(self) -> GrammarSource:
        if self.start not in self.grammar:
            raise ValueError(f"start rule {self.start!r} is not among {sorted(self.grammar)}")
        for rule, options in self.grammar.items():
            if not options:
                raise ValueError(f"grammar rule {rule!r} has no alternatives")
            for option in options:
                for ref in re.findall(r"<([^<>]*)>", option):
                    if ref not in self.grammar:
                        raise ValueError(f"grammar rule {rule!r} refers to unknown rule <{ref}>")
        return self


class IntSource(RecipeModel):
    # written back as `int` (the manifest's resolved recipe must load again: verify
    # --regenerate and --resume read it)
    model_config = ConfigDict(**{**RecipeModel.model_config, "serialize_by_alias": True})

    int_range: tuple[int, int] = Field(alias="int")

    @model_validator(mode="after")
    def _ordered(self) -> IntSource:
        low, high = self.int_range
        if low > high:
            raise ValueError(f"Cannot have int: [{low}, {high}] with {low} > {high}")
        return self


class DateSpec(RecipeModel):
    start: dt.datetime = Field(description="the recipe's epoch (no wall clock)")
    days: float = Field(default=365, gt=0, description="dates fall in [start, start + days)")
    format: str = Field(default="%Y-%m-%d", description="strftime format")


class DateSource(RecipeModel):
    date: DateSpec


class IdentitySource(RecipeModel):
    identity: Literal["name", "first_name", "last_name", "email", "username"]


CardScheme = Literal["visa", "mastercard", "amex", "discover", "jcb", "diners", "unionpay"]
IbanCountry = Literal[
    "AT", "BE", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "LU", "NL", "NO", "PL",
    "PT", "SE",
]  # fmt: skip


class CardSpec(RecipeModel):
    schemes: tuple[CardScheme, ...] = Field(
        default=("visa", "mastercard", "amex"), min_length=1, description="issuer schemes"
    )
    grouped: bool = Field(default=False, description="digits in groups (4 4 4 4, amex 4 6 5)")


class CardSource(RecipeModel):
    card: CardSpec


class IbanSpec(RecipeModel):
    countries: tuple[IbanCountry, ...] = Field(default=("DE", "FR", "GB"), min_length=1)
    grouped: bool = Field(default=False, description="in groups of four, as printed")


class IbanSource(RecipeModel):
    iban: IbanSpec


class IpSpec(RecipeModel):
    version: Literal[4, 6] = 4
    private: bool = Field(default=False, description="RFC 1918 addresses instead (IPv4 only)")

    @model_validator(mode="after")
    def _private_v4(self) -> IpSpec:
        if self.private and self.version != 4:
            raise ValueError("private: true draws RFC 1918 addresses, which are IPv4 only")
        return self


class IpSource(RecipeModel):
    ip: IpSpec


class UserAgentSpec(RecipeModel):
    kinds: tuple[Literal["desktop", "mobile", "tool", "bot"], ...] = Field(
        default=("desktop", "mobile"), min_length=1
    )


class UserAgentSource(RecipeModel):
    user_agent: UserAgentSpec


class UrlSpec(RecipeModel):
    schemes: tuple[Literal["https", "http"], ...] = Field(default=("https",), min_length=1)


class UrlSource(RecipeModel):
    url: UrlSpec


TermKind = Literal[
    "drug", "condition", "procedure", "specialty", "legal_term",
    "dosage", "court", "statute", "case_number",
]  # fmt: skip


class TermSource(RecipeModel):
    term: TermKind = Field(description="a kind of synthlab's medical and legal word lists")


REALISTIC_SOURCES = (CardSource, IbanSource, IpSource, UserAgentSource, UrlSource)


ValueSource = (
    WordsSource
    | FakerSource
    | FileSource
    | CsvSource
    | PatternSource
    | GrammarSource
    | IntSource
    | DateSource
    | IdentitySource
    | CardSource
    | IbanSource
    | IpSource
    | UserAgentSource
    | UrlSource
    | TermSource
)

SOURCE_KINDS: dict[str, type[RecipeModel]] = {
    "words": WordsSource,
    "faker": FakerSource,
    "file": FileSource,
    "csv": CsvSource,
    "pattern": PatternSource,
    "grammar": GrammarSource,
    "int": IntSource,
    "date": DateSource,
    "identity": IdentitySource,
    "card": CardSource,
    "iban": IbanSource,
    "ip": IpSource,
    "user_agent": UserAgentSource,
    "url": UrlSource,
    "term": TermSource,
}


def parse_source(raw: Any) -> Any:
    """Pick the source model from the one key that names it (a clear error otherwise)."""
    if isinstance(raw, RecipeModel):
        return raw
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return WordsSource(words=(str(raw),))
    if not isinstance(raw, dict):
        raise ValueError(f"a value is a string or a mapping such as {{faker: name}}, got {raw!r}")
    if "int_range" in raw and "int" not in raw:  # manifests written before int kept its name
        raw = {("int" if key == "int_range" else key): value for key, value in raw.items()}
    kinds = [key for key in raw if key in SOURCE_KINDS]
    if len(kinds) != 1:
        from synthlab.errors import did_you_mean

        hint = "".join(did_you_mean(str(key), SOURCE_KINDS) for key in raw)
        raise ValueError(
            f"a value names exactly one source among {', '.join(SOURCE_KINDS)}; "
            f"got keys {sorted(map(str, raw))}{hint}"
        )
    kind = kinds[0]
    if kind in ("card", "iban", "ip", "user_agent", "url") and raw[kind] is None:
        raw = {**raw, kind: {}}  # `{ip: }` or `{card: null}`: the defaults
    return SOURCE_KINDS[kind].model_validate(raw)
