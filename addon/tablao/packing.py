# SPDX-License-Identifier: GPL-3.0-or-later
"""The packing plan: where the .blend and every file it uses go in the job's folder, how the
paths inside the copy are rewritten to reach them, and how paths are written for the workers.

No bpy here: the Blender side lists the dependencies (collect.py) and carries the plan out.
"""

from __future__ import annotations

import datetime
import ntpath
import os
import re
from dataclasses import dataclass, field
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any, Callable, Optional

OUTSIDE_PROJECT = "_outside_project"


@dataclass
class Dependency:
    """One path stored in the blend file (an image, library, sound, cache…)."""

    owner: str  # e.g. "images['wood']", for messages
    stored: str  # the path as the blend file stores it, maybe `//relative`
    absolute: str  # the path resolved against the blend file
    files: list[str] = field(default_factory=list)  # the files on disk (several for sequences, UDIMs)


@dataclass
class Placement:
    source: str
    target: str  # relative to the job folder, `/`-separated


@dataclass
class PackPlan:
    blend_target: str  # where the .blend copy goes, relative to the job folder
    copies: list[Placement]  # the other files
    rewrites: dict[str, str]  # Dependency.owner → the path to store in the copy
    missing: list[Dependency]

    def all_targets(self) -> list[str]:
        return [self.blend_target] + [p.target for p in self.copies]


def sequence_files(absolute: str, names_in_folder: list[str]) -> list[str]:
    """The frames of an image sequence: the files of its folder named like it with another
    frame number (`shot_0001.png` → `shot_0002.png`, …), in order; the file itself when none."""
    folder, name = os.path.split(absolute)
    match = re.match(r"^(.*?)(\d+)(\.[^.]*)?$", name)
    if not match:
        return [absolute]
    prefix, ext = match.group(1), match.group(3) or ""
    pattern = re.compile(re.escape(prefix) + r"\d+" + re.escape(ext))
    found = sorted(n for n in names_in_folder if pattern.fullmatch(n))
    return [os.path.join(folder, n) for n in found] or [absolute]


def udim_files(absolute: str, tiles: list[int]) -> list[str]:
    """The files of a tiled (UDIM) image: `<UDIM>` or the 1001-style number in its file name
    replaced by each tile's number."""
    if "<UDIM>" in absolute:
        return [absolute.replace("<UDIM>", str(tile)) for tile in tiles]
    match = re.search(r"(?<!\d)1\d{3}(?!\d)(?=[^/\\]*$)", absolute)
    if not match or not tiles:
        return [absolute]
    return [absolute[: match.start()] + str(tile) + absolute[match.end():] for tile in tiles]


def safe_name(name: str, fallback: str = "job") -> str:
    """A job name usable as a folder name on every platform."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip()).strip("._")
    return cleaned[:64] or fallback


def job_folder_name(job_name: str, now: Optional[datetime.datetime] = None) -> str:
    moment = now or datetime.datetime.now()
    return f"{moment.strftime('%Y-%m-%d_%H%M%S')}-{safe_name(job_name)}"


def _pure(path: str) -> PurePath:
    return PureWindowsPath(path) if ntpath.splitdrive(path)[0] or "\\" in path else PurePosixPath(path)


def _parts_without_anchor(path: PurePath) -> list[str]:
    drive = path.drive.rstrip(":").strip("\\/").replace("\\", "_").replace("/", "_")
    rest = list(path.parts[1:]) if path.anchor else list(path.parts)
    return ([drive] if drive else []) + rest


def _is_under(path: PurePath, root: PurePath) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def project_root_of(blendfile: str, dependency_files: list[str]) -> PurePath:
    """The deepest folder holding the blend file and its dependencies, but never a bare drive or `/`
    (then the blend file's own folder: what is outside goes under `_outside_project`)."""
    blend_dir = _pure(blendfile).parent
    root = blend_dir
    for file in dependency_files:
        folder = _pure(file).parent
        if type(folder) is not type(root) or folder.anchor.lower() != root.anchor.lower():
            continue
        common = []
        for mine, theirs in zip(root.parts, folder.parts):
            if mine != theirs:
                break
            common.append(mine)
        candidate = type(root)(*common) if common else type(root)()
        if len(candidate.parts) > 1:  # more than the anchor
            root = candidate
    return root


def target_of(path: str, root: PurePath) -> str:
    pure = _pure(path)
    if type(pure) is type(root) and _is_under(pure, root):
        return pure.relative_to(root).as_posix()
    return PurePosixPath(OUTSIDE_PROJECT, *_parts_without_anchor(pure)).as_posix()


def relative_from(target: str, blend_target: str) -> str:
    """A `//…` path, as Blender stores it, from the blend copy to a file of the pack."""
    start = PurePosixPath(blend_target).parent.as_posix() or "."
    return "//" + PurePosixPath(os.path.relpath(PurePosixPath("/", target).as_posix(), PurePosixPath("/", start).as_posix())).as_posix()


def make_plan(blendfile: str, dependencies: list[Dependency], exists: Callable[[str], bool] = os.path.exists) -> PackPlan:
    """Where everything goes: paths relative to the project root are kept, so relative paths
    inside linked libraries keep working; each dependency's stored path is rewritten relative
    to the copy, so absolute paths work on the farm too."""
    present = [d for d in dependencies if d.files and all(exists(f) for f in d.files)]
    missing = [d for d in dependencies if d not in present]
    root = project_root_of(blendfile, [f for d in present for f in d.files])
    blend_target = target_of(blendfile, root)
    copies: list[Placement] = []
    seen: set[str] = {blend_target}
    rewrites: dict[str, str] = {}
    for dependency in present:
        for file in dependency.files:
            target = target_of(file, root)
            if target not in seen:
                seen.add(target)
                copies.append(Placement(file, target))
        rewrites[dependency.owner] = relative_from(target_of(dependency.absolute, root), blend_target)
    return PackPlan(blend_target=blend_target, copies=copies, rewrites=rewrites, missing=missing)


# -- paths for the workers -------------------------------------------------------------


def _comparable(path: str) -> str:
    return path.replace("\\", "/").rstrip("/").lower()


def to_variable_form(path: str, variables: dict[str, dict[str, Any]]) -> str:
    """`path` with the longest two-way variable value it starts with replaced by `{name}`.

    `variables` are the manager's for the users on this platform
    (GET /api/v3/configuration/variables/users/{platform}); the manager gives each worker
    the value for its own platform. Matching ignores case and the kind of slash, as Flamenco's.
    """
    given = path.replace("\\", "/")
    best: Optional[tuple[int, str]] = None
    for name, variable in variables.items():
        if not variable.get("is_twoway"):
            continue
        value = _comparable(str(variable.get("value", "")))
        if not value:
            continue
        lowered = given.lower()
        if lowered == value or lowered.startswith(value + "/"):
            if best is None or len(value) > best[0]:
                best = (len(value), name)
    if best is None:
        return path
    length, name = best
    return "{" + name + "}" + given[length:]


def path_on_farm(storage_location: str, folder: str, target: str, variables: dict[str, dict[str, Any]]) -> str:
    """The blend file's path in the job folder, as the submission names it for the workers."""
    base = storage_location.rstrip("/\\")
    sep = "\\" if "\\" in base and "/" not in base else "/"
    full = sep.join([base, folder, *PurePosixPath(target).parts])
    return to_variable_form(full, variables)
