"""Formats that would write the same files, found when a recipe is loaded.

Every exporter declares where it writes (`Exporter.writes`): a file relative to the dataset
folder (`coco.json`), or a folder's files by name ending (`labels/*.txt`; the `*` covers
sub-folders too, as big datasets fan out into them). Two formats conflict when a file could
match a pattern of each: `yolo` and `yolo-seg` both write `labels/*.txt`, while the image
layout's `depth/*.png` and `depth-npy`'s `depth/*.npy` share a folder and no file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from synthlab.exporters.base import Exporter

__all__ = ["format_conflicts", "patterns_overlap"]


def _parts(pattern: str) -> tuple[str, str, bool]:
    """(folder or file, name ending, whether it is a folder pattern)."""
    if "*" in pattern:
        folder, _, ending = pattern.partition("*")
        return folder, ending, True
    return pattern, "", False


def patterns_overlap(a: str, b: str) -> bool:
    """Whether some file path matches both `a` and `b`."""
    path_a, end_a, folder_a = _parts(a)
    path_b, end_b, folder_b = _parts(b)
    if not folder_a and not folder_b:
        return path_a == path_b
    if folder_a and folder_b:
        nested = path_a.startswith(path_b) or path_b.startswith(path_a)
        return nested and (end_a.endswith(end_b) or end_b.endswith(end_a))
    file, (folder, ending) = (path_a, (path_b, end_b)) if folder_b else (path_b, (path_a, end_a))
    return file.startswith(folder) and file.endswith(ending) and len(file) > len(folder)


def format_conflicts(
    formats: Sequence[str], exporters: Mapping[str, Exporter]
) -> list[tuple[int, str]]:
    """(position in `formats`, message) for each format that writes where an earlier one
    does. Formats not in `exporters` are left to the unknown-format check."""
    problems: list[tuple[int, str]] = []
    for position, name in enumerate(formats):
        if name not in exporters:
            continue
        for earlier in dict.fromkeys(formats[:position]):
            if earlier not in exporters or earlier == name:
                continue
            shared = next(
                (
                    (mine, theirs)
                    for mine in exporters[name].writes
                    for theirs in exporters[earlier].writes
                    if patterns_overlap(mine, theirs)
                ),
                None,
            )
            if shared is not None:
                where = shared[0] if shared[0] == shared[1] else f"{shared[0]} and {shared[1]}"
                problems.append(
                    (position, f"formats {earlier!r} and {name!r} both write {where}; choose one")
                )
    return problems
