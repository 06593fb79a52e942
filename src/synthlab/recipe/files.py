"""Every file or folder a recipe names is resolved here, and only here.

A recipe is data from whoever wrote it, so a path in it may only reach what lies inside the
recipe's own folder (or synthlab's bundled assets, spelled `asset:...`). The path is resolved
with its symbolic links before anything is opened, so a link that leads out (to
`/etc/passwd`, to `/dev/zero`) is refused without being read; so are absolute paths, `..`
escapes, folders where a file is expected, FIFOs, devices and sockets (opening a FIFO would
block forever, reading a device never ends), missing and empty files. Text is read as UTF-8
and a binary file is named as such instead of failing deep inside a parser.

The checks raise `RecipeFileError`, a `ValueError` whose message names the path; the recipe
loader turns it into a problem located at the field's line, and code that reads the file at
render time wraps it in the error its generator raises.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = [
    "ASSETS_DIR",
    "ASSET_PREFIX",
    "RecipeFileError",
    "check_relative_path",
    "list_recipe_folder",
    "read_recipe_bytes",
    "read_recipe_text",
    "resolve_recipe_file",
]

ASSET_PREFIX = "asset:"
# The project's assets (word lists and templates written for synthlab itself), inside the
# package so that a wheel carries them and `asset:` resolves wherever synthlab is installed.
ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class RecipeFileError(ValueError):
    """A path a recipe names that synthlab refuses to read (the message says why)."""


def _kind_of(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _root_and_rest(base_dir: Path, relpath: str, allow_assets: bool) -> tuple[Path, str, str]:
    """(the folder `relpath` must stay in, the path below it, how to name that folder)."""
    if allow_assets and relpath.startswith(ASSET_PREFIX):
        return ASSETS_DIR.resolve(), relpath.removeprefix(ASSET_PREFIX), "synthlab's assets"
    return Path(os.path.realpath(base_dir)), relpath, "the recipe's folder"


def check_relative_path(relpath: str, *, what: str = "file", allow_assets: bool = True) -> None:
    """What can be told from the spelling alone (no file system): a path in a recipe is not
    empty, holds no NUL byte, is not absolute (nor `~`), and does not climb out with `..`.
    Params models call it so the error comes with the field even before files are looked at."""
    label = f"{what} {relpath!r}"
    if not relpath.strip():
        raise RecipeFileError(f"{what}: the path is empty")
    if "\0" in relpath:
        raise RecipeFileError(f"{label}: a path cannot contain a NUL byte")
    rest = relpath
    where = "the recipe's folder"
    if allow_assets and relpath.startswith(ASSET_PREFIX):
        rest, where = relpath.removeprefix(ASSET_PREFIX), "synthlab's assets"
        if not rest.strip():
            raise RecipeFileError(f"{label}: name a file inside {where}")
    if Path(rest).is_absolute() or rest.startswith("~"):
        raise RecipeFileError(
            f"{label} is an absolute path; give a path inside {where} (relative to it)"
        )
    lexical = os.path.normpath(rest)
    if lexical == ".." or lexical.startswith(".." + os.sep):
        raise RecipeFileError(
            f"{label} points outside {where} with '..'; give a path inside {where}"
        )


def resolve_recipe_file(
    base_dir: Path,
    relpath: str,
    *,
    what: str = "file",
    folder: bool = False,
    allow_assets: bool = True,
    allow_empty: bool = False,
) -> Path:
    """The real path of `relpath` (relative to `base_dir`, the recipe's folder), after making
    sure it stays inside that folder and is a non-empty regular file (`folder=True`: a
    folder). Raises RecipeFileError naming `what` and the path otherwise. Nothing is opened."""
    label = f"{what} {relpath!r}"
    check_relative_path(relpath, what=what, allow_assets=allow_assets)
    root, rest, root_name = _root_and_rest(base_dir, relpath, allow_assets)
    path = Path(os.path.realpath(root / rest))
    if not path.is_relative_to(root):
        raise RecipeFileError(
            f"{label} leads outside {root_name} ({root}) through a symbolic link (to {path}); "
            "synthlab reads only files inside it"
        )
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise RecipeFileError(f"{label} not found (looked for {path})") from None
    except OSError as err:
        raise RecipeFileError(f"{label} cannot be read: {err.strerror}") from None
    if folder:
        if not stat.S_ISDIR(info.st_mode):
            found = "a file" if stat.S_ISREG(info.st_mode) else _kind_of(info.st_mode)
            raise RecipeFileError(f"{label} is {found}, not a folder")
        return path
    if stat.S_ISDIR(info.st_mode):
        raise RecipeFileError(f"{label} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise RecipeFileError(f"{label} is {_kind_of(info.st_mode)}, not a regular file")
    if info.st_size == 0 and not allow_empty:
        raise RecipeFileError(f"{label} is empty (0 bytes)")
    return path


def read_recipe_bytes(
    base_dir: Path, relpath: str, *, what: str = "file", allow_assets: bool = True
) -> bytes:
    """The bytes of a file that `resolve_recipe_file` accepts. The file is opened without
    following a final link and without blocking, and checked again once open, so a file
    swapped for a link or a FIFO after the check is still refused (and never hangs)."""
    path = resolve_recipe_file(base_dir, relpath, what=what, allow_assets=allow_assets)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as err:
        raise RecipeFileError(f"{what} {relpath!r} cannot be opened: {err.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise RecipeFileError(f"{what} {relpath!r} is {_kind_of(info.st_mode)}")
        return handle.read()


def read_recipe_text(
    base_dir: Path, relpath: str, *, what: str = "file", allow_assets: bool = True
) -> str:
    """A recipe-named text file, decoded as UTF-8 (a leading byte-order mark is dropped);
    binary content is refused with its first bad byte's offset."""
    data = read_recipe_bytes(base_dir, relpath, what=what, allow_assets=allow_assets)
    nul = data.find(b"\0")
    if nul >= 0:
        raise RecipeFileError(
            f"{what} {relpath!r} is a binary file (a NUL byte at offset {nul}), not UTF-8 text"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        bad = data[err.start]
        raise RecipeFileError(
            f"{what} {relpath!r} is not UTF-8 text (byte 0x{bad:02x} at offset {err.start}); "
            "is it a binary file? Save it as UTF-8"
        ) from None


def list_recipe_folder(
    base_dir: Path,
    relpath: str,
    suffixes: tuple[str, ...],
    *,
    what: str = "folder",
    noun: str = "files",
    allow_assets: bool = True,
) -> list[Path]:
    """The files in a recipe-named folder whose suffix is among `suffixes` (any case), sorted
    by name; each is contained and checked like a named file (a link among them that leads
    out is refused, not followed). Raises when none is found."""
    root = resolve_recipe_file(base_dir, relpath, what=what, folder=True, allow_assets=allow_assets)
    names = sorted(entry.name for entry in os.scandir(root))
    found = [
        resolve_recipe_file(
            base_dir, f"{relpath.rstrip('/')}/{name}", what="file", allow_assets=allow_assets
        )
        for name in names
        if Path(name).suffix.lower() in suffixes
    ]
    if not found:
        kinds = "/".join(suffix.lstrip(".") for suffix in suffixes)
        raise RecipeFileError(f"{what} {relpath!r} holds no {noun} ({kinds}; looked in {root})")
    return found
