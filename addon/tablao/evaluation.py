# SPDX-License-Identifier: GPL-3.0-or-later
"""Evaluating the `eval` expressions of job settings, with the names Flamenco's add-on offers.

An expression sees `bpy`, `C` (the context), `settings` (the form's values by attribute),
`jobname`, `Path`, `abspath(path)` and `last_n_dir_parts(n, path=None)`. bpy is passed in,
so this module runs without Blender in tests.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Any, Union


class SettingEvalError(Exception):
    """An expression that failed, with a message naming the setting and the error."""

    def __init__(self, key: str, expression: str, error: BaseException) -> None:
        self.key = key
        self.expression = expression
        self.error = error
        super().__init__(
            f"Could not work out setting {key!r} from its expression {expression!r}: "
            f"{type(error).__name__}: {error}")


def make_absolute(path: Union[str, PurePath]) -> Path:
    """An absolute path with `.` and `..` folded, symlinks left alone (as artists see paths)."""
    return Path(os.path.normpath(os.path.abspath(str(path))))


class EvalHelpers:
    """The helper functions, bound to one bpy (the real one in Blender, a stand-in in tests)."""

    def __init__(self, bpy: Any) -> None:
        self.bpy = bpy

    def abspath(self, filepath: Union[str, PurePath]) -> Path:
        """A path as absolute: blend-file relative `//…` resolved, `..` folded."""
        return make_absolute(self.bpy.path.abspath(str(filepath)))

    def last_n_dir_parts(self, n: int, filepath: Union[str, PurePath, None] = None) -> Path:
        """The last `n` folder names above `filepath` (the blend file when None), as a relative path."""
        if n <= 0:
            return Path()
        if filepath is None:
            filepath = self.bpy.data.filepath
        directory = self.abspath(filepath).parent
        parts = directory.parts
        if n >= len(parts):
            return Path(*parts[1:]) if len(parts) > 1 else Path()
        return Path(*parts[-n:])

    def names(self, context: Any, settings: Any, jobname: str) -> dict[str, Any]:
        return {
            "bpy": self.bpy,
            "C": context,
            "settings": settings,
            "jobname": jobname,
            "Path": Path,
            "abspath": self.abspath,
            "last_n_dir_parts": self.last_n_dir_parts,
        }


def evaluate(key: str, expression: str, names: dict[str, Any]) -> Any:
    try:
        return eval(expression, {"__builtins__": __builtins__}, dict(names))  # noqa: S307 - the job type's own expression
    except Exception as error:  # any error of the expression becomes a message, never a traceback
        raise SettingEvalError(key, expression, error) from error


def coerce(kind: str, value: Any, key: str = "", expression: str = "") -> Any:
    """An evaluated value as the setting's type: a Path becomes text, 25 becomes 25.0 for a float."""
    try:
        if kind == "string":
            return value if isinstance(value, str) else ("" if value is None else str(value))
        if kind == "bool":
            return bool(value)
        if kind == "int32":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(f"{value} is not a whole number")
            return int(value)
        if kind == "float":
            return float(value)
    except (TypeError, ValueError) as error:
        raise SettingEvalError(key, expression, error) from error
    return value


def evaluate_setting(key: str, kind: str, expression: str, names: dict[str, Any]) -> Any:
    return coerce(kind, evaluate(key, expression, names), key, expression)


def default_job_name(blend_filepath: str) -> str:
    """The blend file's name without `.blend`, as Flamenco names jobs."""
    return PurePath(blend_filepath).stem if blend_filepath else ""
