"""Fuzzing recipes (issue 18): mutated bundled recipes, random YAML and random --set flags.

Every run of `synthlab check` must end in exit 0, or exit 2 with a message that says where
the problem is (the recipe's file:line or the --set flag), or exit 1 with a readable error;
never an "internal error" (an exception synthlab did not expect). Recipes that check ok are
also rendered (a sample or two, in a subprocess with a memory cap and a time limit): that
too ends in exit 0 with a complete dataset, or a readable error that leaves no dataset file
behind, only the engine's own `.synthlab/` state for --resume.

Hypothesis runs derandomized (the same cases every run, no example database), so a failure
here reproduces exactly; SYNTHLAB_FUZZ_EXAMPLES scales the number of cases (CI: default)
and SYNTHLAB_FUZZ_SHRINK=1 lets hypothesis shrink a failure (slow: every step re-renders).
The number of cases tried and their outcomes are printed at the end of each test.
"""

from __future__ import annotations

import collections
import copy
import json
import os
import re
import resource
import select
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from synthlab.cli import main

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SCALE = float(os.environ.get("SYNTHLAB_FUZZ_EXAMPLES", "1"))

# The fast generators: time series, text and the engine's own debug generator.
BUNDLED = ["machine-sensors", "accelerometer-falls", "intent-rare", "auth-log-bruteforce"]
DEBUG = """\
version: 1
name: fuzz-debug
seed: 5
count: 30
generator:
  kind: debug
  params:
    values: {x: {uniform: [0, 1]}, y: {normal: {mean: 0, std: 2}}, n: {int: [1, 6]}}
    labels: {color: {choice: [red, green], weights: [1, 3]}}
    conditions: [rare, common]
    condition_rate: 0.3
    payload_bytes: 8
quotas: {rare: 0.1, common: 2}
output: {shard_size: 4}
spotcheck: {n: 5}
"""


def _bases() -> dict[str, str]:
    texts = {name: (REPO / "recipes" / f"{name}.yaml").read_text() for name in BUNDLED}
    texts["debug"] = DEBUG
    # fails at its second sample: a render must then leave no dataset file behind
    texts["debug-fails"] = DEBUG.replace("payload_bytes: 8", "payload_bytes: 8\n    fail_at: 1")
    return texts


BASES = _bases()

# -- values a mutation puts in ----------------------------------------------------------

ODD_STRINGS = [
    "",
    " ",
    "a\x00b",
    "\x00",
    "\x07bell",
    "é☃𝔘\u200b\u202e",
    "\ud7ff",
    "x" * 5000,
    "{{",
    "}}{{x:",
    "[[a|",
    "%",
    "%(x)s",
    "{0}",
    "../../../../etc/passwd",
    "/etc/passwd",
    "asset:../../pyproject.toml",
    "asset:",
    "asset:text/nope.txt",
    "~",
    "null",
    "NaN",
    "1e309",
    "-0",
    "2024-13-45T99:99:99",
    "*",
    "&",
    "!!python/object:os.system",
]
TAME_NUMBERS = [0, 1, 2, 3, -1, 0.5, 1e-9, -0.0, 1.5, 7]
WILD_NUMBERS = [
    10**12,
    -(10**12),
    10**30,
    2**63,
    2**64 + 1,
    1e308,
    -1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    5e-324,
    True,
    False,
]
CONTAINERS: list[Any] = [None, [], {}, [None], [[]], {"x": None}, {"uniform": [1, 0]}, [1, "a"]]


def values(wild: bool) -> st.SearchStrategy[Any]:
    numbers = TAME_NUMBERS + (WILD_NUMBERS if wild else [True])
    return st.one_of(
        st.sampled_from(numbers),
        st.sampled_from(ODD_STRINGS),
        st.sampled_from(CONTAINERS),
        st.text(max_size=12),
        st.integers(-5, 5),
    )


# -- where a mutation goes ----------------------------------------------------------------

Path_ = tuple[str | int, ...]


def paths(node: Any, prefix: Path_ = (), above: frozenset[int] = frozenset()) -> Iterator[Path_]:
    """Every path into the data, containers and leaves, the root too; a container that holds
    itself (after a recursive-alias mutation) is entered once."""
    yield prefix
    if id(node) in above:
        return
    inside = above | {id(node)}
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key), inside)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*prefix, i), inside)


def get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def spelled(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


MUTATIONS = ["set", "drop", "retype", "add-key", "alias", "recursive-alias", "duplicate"]
TEXT_MUTATIONS = ["none"] * 6 + ["control", "truncate", "line", "dup-line", "nest", "bomb"]
YAML_LINES = [
    "- -",
    ": :",
    "{",
    "]",
    "? [a]: b",
    "a: &x 1\nb: *x",
    "c: *undefined",
    "<<: *nope",
    "<<: 5",
    "x: !!python/object/apply:os.system [echo hi]",
    "x: !!binary aGVsbG8=",
    "x: !!set {a, b}",
    "x: !custom 3",
    "\tx: 1",
    "x: 'unterminated",
    "%YAML 1.1",
    "---",
    "...",
    "x: 2024-13-01",
    "x: " + "9" * 4400,
    "x: 0o777",
    "x: 0x1F",
    "x: .inf",
    "x: 1_000",
]


@st.composite
def mutated_recipe(draw: st.DrawFn, wild: bool) -> tuple[str, list[str], list[str]]:
    """(recipe text, --set flags, what was done) from a bundled recipe and a few mutations."""
    base = draw(st.sampled_from(sorted(BASES)))
    data = yaml.safe_load(BASES[base])
    done = [base]
    for _ in range(draw(st.integers(0, 3))):
        every = list(paths(data))
        path = every[draw(st.integers(0, len(every) - 1))]
        kind = draw(st.sampled_from(MUTATIONS))
        parent_path, last = path[:-1], path[-1] if path else None
        parent = get(data, parent_path) if path else None
        done.append(f"{kind} {spelled(path) or '<root>'}")
        if kind == "set" and path:
            parent[last] = draw(values(wild))
        elif kind == "drop" and path:
            del parent[last]
        elif kind == "retype" and path:
            old = parent[last]
            parent[last] = [old] if not isinstance(old, list) else {"x": old}
        elif kind == "add-key":
            target = get(data, path)
            if isinstance(target, dict):
                target[draw(st.sampled_from(["extra", "kind", "params", "x", "1", "count"]))] = (
                    draw(values(wild))
                )
        elif kind == "alias" and path:
            # the same object in two places: yaml.safe_dump writes an anchor and an alias
            other = every[draw(st.integers(0, len(every) - 1))]
            parent[last] = get(data, other)
        elif kind == "recursive-alias" and path:
            target = get(data, path)
            if isinstance(target, list):
                target.append(target)
            elif isinstance(target, dict):
                target["self"] = target
        elif kind == "duplicate" and path and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
    try:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200)
    except (yaml.YAMLError, RecursionError, ValueError):  # a shape yaml cannot write
        text = BASES[base]
    text = draw_text_mutation(draw, text, done)
    sets = draw(st.lists(set_flag(data, wild), max_size=2))
    return text, sets, done


def draw_text_mutation(draw: st.DrawFn, text: str, done: list[str]) -> str:
    kind = draw(st.sampled_from(TEXT_MUTATIONS))
    lines = text.splitlines()
    where = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind != "none":
        done.append(f"text {kind} at line {where + 1}")
    if kind == "control":
        at = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\ufeff", "\ufffe"]))
        return text[:at] + char + text[at:]
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "line" and lines:
        lines[where] = draw(st.sampled_from(YAML_LINES))
    elif kind == "dup-line" and lines:
        lines.insert(where, lines[where])
    elif kind == "nest":
        depth = draw(st.sampled_from([40, 60, 70, 300]))
        lines.append("deep: " + "[" * depth + "]" * depth)
    elif kind == "bomb":
        levels = draw(st.integers(2, 12))
        lines.append("l0: &l0 [a, a, a, a, a, a, a, a, a]")
        lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@st.composite
def nudged_recipe(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """A bundled recipe with one or two leaves changed to plausible-but-edgy values (zero,
    negative, tiny, empty, odd text) or dropped: most still validate, so they reach render,
    where a value `check` let through but the generator cannot use would show."""
    base = draw(st.sampled_from(sorted(BASES)))
    data = yaml.safe_load(BASES[base])
    done = [base]
    for _ in range(draw(st.integers(1, 2))):
        leaves = [p for p in paths(data) if p and not isinstance(get(data, p), (dict, list))]
        path = leaves[draw(st.integers(0, len(leaves) - 1))]
        parent = get(data, path[:-1])
        old = parent[path[-1]]
        if isinstance(old, (int, float)) and not isinstance(old, bool):
            new: Any = draw(st.sampled_from([*TAME_NUMBERS, old * 10, -old, old / 1000]))
        elif isinstance(old, str):
            new = draw(st.sampled_from(ODD_STRINGS[:7] + ODD_STRINGS[8:19] + [old * 3]))
        else:
            new = draw(st.sampled_from([None, 0, "x"]))
        if draw(st.integers(0, 4)) == 0 and isinstance(parent, dict):
            del parent[path[-1]]
            done.append(f"drop {spelled(path)}")
        else:
            parent[path[-1]] = new
            done.append(f"{spelled(path)}={new!r:.40}")
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200)
    return text, [], done


@st.composite
def set_flag(draw: st.DrawFn, data: Any, wild: bool) -> str:
    every = [p for p in paths(data) if p]
    path = spelled(every[draw(st.integers(0, len(every) - 1))]) if every else "count"
    path = draw(st.sampled_from([path, path, "count", "seed", "name", "nope.deeper", "a[3]"]))
    raw = draw(
        st.one_of(
            st.sampled_from(["1", "0", "-1", "true", "null", "[]", "{}", "x", "1e999", "[1, 2"]),
            st.sampled_from([str(n) for n in (WILD_NUMBERS if wild else TAME_NUMBERS)]),
            st.text(
                alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=8
            ),
            st.sampled_from(ODD_STRINGS),
        )
    )
    return f"{path}={raw}"


# -- the checks -----------------------------------------------------------------------------

TALLY: collections.Counter[str] = collections.Counter()
SLOWEST: list[tuple[float, str]] = []


def located(output: str, recipe: Path) -> bool:
    """A recipe error names the recipe's file with a line, or the flag it came from."""
    return bool(re.search(re.escape(str(recipe)) + r":\d+", output)) or "--set " in output


def run_check(recipe: Path, sets: list[str], done: list[str]) -> tuple[int, str]:
    args = ["check", str(recipe), *_flags(sets)]
    started = time.perf_counter()
    result = CliRunner().invoke(main, args)
    seconds = time.perf_counter() - started
    output = result.output
    context = f"{done} {sets}\n{output[-2000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), context
    assert "internal error" not in output, context
    assert "Traceback" not in output, context
    assert result.exit_code in (0, 1, 2), context
    if result.exit_code == 2:
        assert output.startswith("error: ") and located(output, recipe), context
    elif result.exit_code == 1:
        assert output.startswith("error: "), context
    assert seconds < 20, f"check took {seconds:.1f} s: {context}"
    SLOWEST.append((seconds, " / ".join(done)))
    TALLY[
        {0: "check ok", 1: "check runtime error", 2: "check recipe/usage error"}[result.exit_code]
    ] += 1
    return result.exit_code, output


MEMORY_CAP = 3 * 1024**3  # address space a render may add: a recipe that asks for more fails


def address_space_now() -> int:
    """This process's mapped address space. The cap is set above it: in a full test run the
    forked child inherits whatever earlier tests mapped (EGL, torch, spaCy reserve gigabytes
    of address space), and a cap below that would fail every allocation, even the one that
    reports the error, and leave the child hanging until its timeout."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def invoke_in_child(args: list[str], timeout: float) -> tuple[int, str]:
    """Run the CLI in a forked child (synthlab is already imported, so this costs
    milliseconds, not a new interpreter) under a memory cap; kill it after `timeout`."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code, output = 1, "child failed before running"
        try:
            os.close(read_end)
            limit = address_space_now() + MEMORY_CAP
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            result = CliRunner().invoke(main, args)
            code, output = result.exit_code, result.output
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                output += f"\nTraceback: {result.exception!r}"
        finally:
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(json.dumps([code, output]).encode())
            os._exit(0)
    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + timeout
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                pytest.fail(f"{args} ran past {timeout} s")
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    os.waitpid(pid, 0)
    code, output = json.loads(b"".join(chunks))
    return int(code), str(output)


def run_render(recipe: Path, sets: list[str], out: Path, done: list[str], count: int) -> None:
    """Render samples 0 and 1 (or 0 alone) in a child with a 3 GB address space."""
    only = "0-1" if count > 1 else "0"
    args = ["render", str(recipe), "-o", str(out), "-q", "-j", "1", "--only", only]
    code, output = invoke_in_child(args + _flags(sets), timeout=120)
    context = f"{done} {sets}\n{output[-3000:]}"
    assert "internal error" not in output and "Traceback" not in output, context
    assert code in (0, 1, 2), context
    left = [
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and ".synthlab" not in p.relative_to(out).parts
    ]
    if code == 0:
        assert (out / "manifest.json").is_file(), context
        assert not [p for p in left if p.endswith(".tmp") or ".tmp." in p], (left, context)
        TALLY["render ok"] += 1
    else:
        assert output.startswith("error: "), context
        if code == 2:
            assert located(output, recipe) or "--only" in output, context
        assert left == [], f"a failed render left dataset files {left[:5]}: {context}"
        TALLY[f"render exit {code}"] += 1


def _flags(sets: list[str]) -> list[str]:
    return [part for s in sets for part in ("--set", s)]


def write(directory: Path, text: str) -> Path:
    recipe = directory / "recipe.yaml"
    recipe.write_text(text, encoding="utf-8", errors="surrogatepass")
    return recipe


FUZZ = settings(
    derandomize=True,
    # shrinking a failure re-runs renders for minutes; the report names the mutations anyway
    phases=[Phase.explicit, Phase.generate]
    + ([Phase.shrink] if os.environ.get("SYNTHLAB_FUZZ_SHRINK") else []),
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def report(name: str, started: float, capsys: pytest.CaptureFixture[str]) -> None:
    tried = sum(TALLY.values()) if "check" in name else TALLY["tried"]
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(TALLY.items()) if k != "tried")
    with capsys.disabled():
        print(
            f"\n[fuzz] {name}: {tried} cases in {time.perf_counter() - started:.0f} s ({outcomes})"
        )


def test_check_never_fails_with_an_internal_error(capsys: pytest.CaptureFixture[str]) -> None:
    TALLY.clear()
    started = time.perf_counter()

    @settings(FUZZ, max_examples=max(1, int(300 * SCALE)))
    @given(mutated_recipe(wild=True))
    def case(drawn: tuple[str, list[str], list[str]]) -> None:
        text, sets, done = drawn
        with tempfile.TemporaryDirectory() as tmp:
            run_check(write(Path(tmp), text), sets, done)

    case()
    report("check", started, capsys)
    assert TALLY["check ok"] > 0 and TALLY["check recipe/usage error"] > 0


def test_render_ends_complete_or_with_a_clear_error_and_no_dataset(
    capsys: pytest.CaptureFixture[str],
) -> None:
    TALLY.clear()
    started = time.perf_counter()

    @settings(FUZZ, max_examples=max(1, int(60 * SCALE)))
    @given(st.one_of(nudged_recipe(), nudged_recipe(), mutated_recipe(wild=False)))
    def case(drawn: tuple[str, list[str], list[str]]) -> None:
        text, sets, done = drawn
        TALLY["tried"] += 1
        with tempfile.TemporaryDirectory() as tmp:
            recipe = write(Path(tmp), text)
            code, output = run_check(recipe, sets, done)
            if code == 0:
                count = int(re.findall(r", (\d+) samples, seed", output)[-1])
                run_render(recipe, sets, Path(tmp) / "out", done, count)

    case()
    report("render", started, capsys)
    assert TALLY["render ok"] > 0
