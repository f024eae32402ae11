# SPDX-License-Identifier: GPL-3.0-or-later
"""What a blend file needs, found with bpy itself, and the packed copy written to the job folder.

The artist's file is never touched: the paths are changed in memory, a copy is saved with
`save_as_mainfile(copy=True)`, and every path is put back, also when something fails.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Any, Callable, Optional

import bpy

from .packing import Dependency, PackPlan, make_plan, sequence_files, udim_files


@dataclass
class PathSlot:
    """One path property of one datablock, readable and writable."""

    dependency: Dependency
    get: Callable[[], str]
    set: Optional[Callable[[str], None]]  # None for linked data, which the copy cannot change


def _absolute(path: str, library: Any = None) -> str:
    resolved = bpy.path.abspath(path, library=library) if library is not None else bpy.path.abspath(path)
    return os.path.normpath(os.path.abspath(resolved))


def _image_files(image: Any, absolute: str) -> list[str]:
    if image.source == "SEQUENCE":
        folder = os.path.dirname(absolute)
        names = os.listdir(folder) if os.path.isdir(folder) else []
        return sequence_files(absolute, names)
    if image.source == "TILED":
        return udim_files(absolute, [tile.number for tile in image.tiles])
    return [absolute]


def _slot(owner: str, block: Any, attribute: str, files_of: Optional[Callable[[str], list[str]]] = None) -> Optional[PathSlot]:
    stored = getattr(block, attribute, "")
    if not stored:
        return None
    library = getattr(block, "library", None)
    absolute = _absolute(stored, library)
    files = files_of(absolute) if files_of else [absolute]
    dependency = Dependency(owner=owner, stored=stored, absolute=absolute, files=files)

    def setter(value: str, block: Any = block, attribute: str = attribute) -> None:
        setattr(block, attribute, value)

    return PathSlot(dependency, lambda: getattr(block, attribute), None if library is not None else setter)


def path_slots() -> list[PathSlot]:
    """Every file path the render needs that bpy can list: libraries, images, sounds, movie
    clips, caches, fonts, volumes, and the sequencer's image and movie strips."""
    slots: list[Optional[PathSlot]] = []
    for library in bpy.data.libraries:
        slots.append(_slot(f"libraries[{library.name!r}]", library, "filepath"))
    for image in bpy.data.images:
        if image.packed_file or image.source not in {"FILE", "SEQUENCE", "MOVIE", "TILED"}:
            continue
        slots.append(_slot(f"images[{image.name!r}]", image, "filepath_raw", lambda p, image=image: _image_files(image, p)))
    for collection, label in (
        (bpy.data.sounds, "sounds"),
        (bpy.data.movieclips, "movieclips"),
        (bpy.data.cache_files, "cache_files"),
        (bpy.data.fonts, "fonts"),
        (getattr(bpy.data, "volumes", []), "volumes"),
    ):
        for block in collection:
            if getattr(block, "packed_file", None) or getattr(block, "filepath", "") in ("", "<builtin>"):
                continue
            slots.append(_slot(f"{label}[{block.name!r}]", block, "filepath"))
    for scene in bpy.data.scenes:
        editor = scene.sequence_editor
        if editor is None:
            continue
        # `sequences_all` became `strips_all` in newer Blenders.
        for strip in getattr(editor, "sequences_all", None) or getattr(editor, "strips_all", []):
            owner = f"scenes[{scene.name!r}].sequences[{strip.name!r}]"
            if strip.type == "MOVIE":
                slots.append(_slot(owner, strip, "filepath"))
            elif strip.type == "IMAGE" and strip.elements:
                folder = _absolute(strip.directory)
                files = [os.path.join(folder, element.filename) for element in strip.elements]
                dependency = Dependency(owner=owner, stored=strip.directory, absolute=folder + os.sep, files=files)

                def set_directory(value: str, strip: Any = strip) -> None:
                    strip.directory = value

                slots.append(PathSlot(dependency, lambda strip=strip: strip.directory, set_directory))
    return [slot for slot in slots if slot is not None]


def uncovered_paths(slots: list[PathSlot]) -> list[str]:
    """Paths Blender knows of that the add-on does not pack (simulation caches and the like)."""
    covered = {os.path.normcase(f) for slot in slots for f in slot.dependency.files}
    covered |= {os.path.normcase(slot.dependency.absolute.rstrip(os.sep)) for slot in slots}
    known = bpy.utils.blend_paths(absolute=True, packed=False, local=True)
    return sorted({os.path.normpath(p) for p in known if os.path.normcase(os.path.normpath(p)) not in covered})


@dataclass
class PackResult:
    plan: PackPlan
    blend_path: str  # the copy's absolute path
    not_packed: list[str]


def prepare() -> tuple[list[PathSlot], PackPlan]:
    """The saved blend file's dependencies and where they go."""
    slots = path_slots()
    return slots, make_plan(os.path.normpath(bpy.data.filepath), [slot.dependency for slot in slots])


def save_copy(slots: list[PathSlot], plan: PackPlan, blend_target: str) -> None:
    """Saves a copy of the open blend file at `blend_target` whose paths point into the pack;
    the open file's paths are put back afterwards, also when saving fails."""
    os.makedirs(os.path.dirname(blend_target), exist_ok=True)
    originals: list[tuple[PathSlot, str]] = []
    try:
        for slot in slots:
            new_path = plan.rewrites.get(slot.dependency.owner)
            if new_path is None or slot.set is None:
                continue
            if slot.dependency.absolute.endswith(os.sep):  # a folder (image strips)
                new_path = new_path.rstrip("/") + "/"
            originals.append((slot, slot.get()))
            slot.set(new_path)
        bpy.ops.wm.save_as_mainfile(filepath=blend_target, copy=True, relative_remap=False, check_existing=False)
    finally:
        for slot, original in reversed(originals):
            slot.set(original)  # type: ignore[misc]


def pack_to_folder(job_folder: str, progress: Callable[[str], None] = lambda _: None) -> PackResult:
    """Copies the saved blend file's dependencies into `job_folder` and saves a copy of the
    blend file there whose paths point at them."""
    slots, plan = prepare()
    os.makedirs(job_folder, exist_ok=True)
    for placement in plan.copies:
        target = os.path.join(job_folder, *placement.target.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        progress(f"Copying {os.path.basename(placement.source)}")
        shutil.copy2(placement.source, target)
    blend_target = os.path.join(job_folder, *plan.blend_target.split("/"))
    progress("Saving the blend file's copy")
    save_copy(slots, plan, blend_target)
    return PackResult(plan=plan, blend_path=blend_target, not_packed=uncovered_paths(slots))


def pack_for_upload(scratch_folder: str) -> tuple[PackResult, list[tuple[str, str]]]:
    """The rewritten copy saved in `scratch_folder`, and every file to send as (source, path in
    the job folder): the copy and the dependencies where they are."""
    slots, plan = prepare()
    blend_target = os.path.join(scratch_folder, *plan.blend_target.split("/"))
    save_copy(slots, plan, blend_target)
    placements = [(blend_target, plan.blend_target)] + [(p.source, p.target) for p in plan.copies]
    return PackResult(plan=plan, blend_path=blend_target, not_packed=uncovered_paths(slots)), placements
