"""The exceptions synthlab raises on purpose, each with the exit code the CLI maps it to.

Everything a user can cause (a bad recipe, a bad flag, an occupied output directory) is a
`SynthlabError`; the CLI prints its `show()` text and exits with its `exit_code`, without a
traceback unless `--debug` is given. Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "OutputDirError",
    "RecipeError",
    "RecipeProblem",
    "RuntimeFailure",
    "SynthlabError",
    "UsageError",
    "did_you_mean",
]

EXIT_USAGE = 2
EXIT_RUNTIME = 1


class SynthlabError(Exception):
    """Base class: a readable message and an exit code."""

    exit_code = EXIT_RUNTIME

    def show(self) -> str:
        return str(self)


class UsageError(SynthlabError):
    """A bad command line or argument (exit 2)."""

    exit_code = EXIT_USAGE


class OutputDirError(SynthlabError):
    """The output directory cannot be used as asked (exit 2: the user must choose)."""

    exit_code = EXIT_USAGE


class RuntimeFailure(SynthlabError):
    """Something failed while running: a generator crashed, a disk filled, a lock is held."""

    exit_code = EXIT_RUNTIME


@dataclass(frozen=True)
class RecipeProblem:
    """One thing wrong with a recipe, located as precisely as we can."""

    source: str  # a file path, or "--set" for a command-line override
    line: int | None  # 1-based
    column: int | None  # 1-based
    field: str  # dotted path, e.g. "generator.params.channels[0].rate"
    message: str

    def show(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class RecipeError(SynthlabError):
    """A recipe (file plus overrides) that does not validate; holds every problem found."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: Sequence[RecipeProblem]):
        self.problems = tuple(problems)
        super().__init__(self.show())

    def show(self) -> str:
        count = len(self.problems)
        head = f"recipe is invalid ({count} problem{'s' if count != 1 else ''}):"
        return "\n".join([head, *("  " + p.show() for p in self.problems)])


def did_you_mean(bad: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' when a choice is close to `bad`, else ''."""
    close = difflib.get_close_matches(str(bad), list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""
