# SPDX-License-Identifier: GPL-3.0-or-later
"""The job form of a job type, from its `JOB_TYPE.settings`, by the rules of job-types.md.

No bpy here: `field_specs` says what each setting becomes in Blender (which property, its
subtype, choices, bounds, default, whether it is shown, editable, evaluated), and
`settings_for_submission` turns the form's values into the job's `settings`, with every
problem the manager would report, named by setting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

SETTING_TYPES = ("string", "int32", "float", "bool")

# Flamenco's subtypes as Blender's StringProperty subtypes; Blender has no hashed file path.
BLENDER_SUBTYPES = {
    "file_path": "FILE_PATH",
    "dir_path": "DIR_PATH",
    "file_name": "FILE_NAME",
    "hashed_file_path": "FILE_PATH",
}


@dataclass
class FieldSpec:
    key: str
    label: str
    type: str  # string, int32, float, bool
    prop: str  # StringProperty, EnumProperty, IntProperty, FloatProperty, BoolProperty
    description: str = ""
    subtype: str = ""  # Blender's: FILE_PATH, DIR_PATH, FILE_NAME or ""
    choices: list[str] = field(default_factory=list)
    min: Optional[float] = None
    max: Optional[float] = None
    soft_min: Optional[float] = None
    soft_max: Optional[float] = None
    default: Any = None  # None: no default
    required: bool = False
    visible: str = "visible"
    editable: bool = True
    eval: str = ""
    link_button: bool = False
    eval_description: str = ""

    @property
    def shown_in_addon(self) -> bool:
        """`visible` and `submission` settings are in Blender's form; `hidden` and `web` are not."""
        return self.visible in ("visible", "submission")

    @property
    def is_path(self) -> bool:
        return self.type == "string" and self.subtype in ("FILE_PATH", "DIR_PATH")

    def blender_default(self) -> Any:
        """The value a new form shows: the default, else the type's empty value."""
        if self.default is not None:
            return self.default
        if self.prop == "EnumProperty":
            return self.choices[0] if self.choices else ""
        return {"string": "", "int32": 0, "float": 0.0, "bool": False}[self.type]


class FormProblem(Exception):
    """Settings that the manager would refuse; `problems` is [(key, message)]."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def label_of(key: str) -> str:
    """`chunk_size` → "Chunk Size", as Blender forms name settings without a label."""
    return " ".join(word[:1].upper() + word[1:] for word in key.split("_") if word)


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None


def _coerce_default(kind: str, value: Any) -> Any:
    """Defaults as JSON gives them, made the Python type of the setting (1 → 1.0 for floats)."""
    if value is None:
        return None
    try:
        if kind == "bool":
            return value if isinstance(value, bool) else None
        if kind == "string":
            return value if isinstance(value, str) else str(value)
        if kind == "int32":
            number = _number(value)
            return int(number) if number is not None and float(number).is_integer() else None
        if kind == "float":
            number = _number(value)
            return float(number) if number is not None else None
    except (TypeError, ValueError):
        return None
    return None


def field_spec(setting: dict[str, Any]) -> FieldSpec:
    key = str(setting.get("key", ""))
    kind = setting.get("type")
    if kind not in SETTING_TYPES:
        raise ValueError(f"setting {key!r} has type {kind!r}; expected one of {', '.join(SETTING_TYPES)}")
    label = setting.get("label")
    description = setting.get("description")
    spec = FieldSpec(
        key=key,
        label=label if isinstance(label, str) and label else label_of(key),
        type=kind,
        prop={"string": "StringProperty", "int32": "IntProperty", "float": "FloatProperty", "bool": "BoolProperty"}[kind],
        description=description if isinstance(description, str) else "",
        required=setting.get("required") is True,
        visible=setting.get("visible") if setting.get("visible") in ("visible", "hidden", "submission", "web") else "visible",
        editable=setting.get("editable") is not False,
        eval=setting.get("eval") if isinstance(setting.get("eval"), str) else "",
    )
    if kind == "string":
        spec.subtype = BLENDER_SUBTYPES.get(str(setting.get("subtype", "")), "")
        choices = setting.get("choices")
        if isinstance(choices, list) and choices:
            spec.choices = [str(choice) for choice in choices]
            spec.prop = "EnumProperty"
    if kind in ("int32", "float"):
        propargs = setting.get("propargs") if isinstance(setting.get("propargs"), dict) else {}
        spec.min = _number(propargs.get("min"))
        spec.max = _number(propargs.get("max"))
        spec.soft_min = _number(propargs.get("soft_min"))
        spec.soft_max = _number(propargs.get("soft_max"))
        if kind == "int32":
            spec.min = max(INT32_MIN, int(math.ceil(spec.min)) if spec.min is not None else INT32_MIN)
            spec.max = min(INT32_MAX, int(math.floor(spec.max)) if spec.max is not None else INT32_MAX)
    spec.default = _coerce_default(kind, setting.get("default"))
    if spec.prop == "EnumProperty" and spec.default not in spec.choices:
        spec.default = None
    eval_info = setting.get("evalInfo") or setting.get("eval_info")
    if isinstance(eval_info, dict) and spec.eval:
        spec.link_button = bool(eval_info.get("showLinkButton") or eval_info.get("show_link_button"))
        described = eval_info.get("description")
        spec.eval_description = described if isinstance(described, str) else ""
    return spec


def field_specs(job_type: dict[str, Any]) -> list[FieldSpec]:
    settings = job_type.get("settings") or []
    return [field_spec(s) for s in settings if isinstance(s, dict)]


def autoeval_name(key: str) -> str:
    """The property holding the link toggle of a setting with `evalInfo.showLinkButton`."""
    return f"autoeval_{key}"


def evaluated_at_submission(spec: FieldSpec, autoeval_on: bool) -> bool:
    """`hidden` and `web` settings are always filled at submission; a linked one too."""
    if not spec.shown_in_addon:
        return True
    return spec.link_button and autoeval_on


def check_value(spec: FieldSpec, value: Any) -> Optional[str]:
    """The problem with one value, as the manager would word it, or None."""
    name = f'"{spec.label}"'
    if spec.type == "bool":
        return None if isinstance(value, bool) else f"{name} must be true or false"
    if spec.type == "string":
        if not isinstance(value, str):
            return f"{name} must be text"
        if spec.choices and value not in spec.choices:
            return f"{name} must be one of {', '.join(repr(c) for c in spec.choices)}, not {value!r}"
        return None
    number = _number(value)
    if number is None:
        return f"{name} must be a number"
    if spec.type == "int32" and not float(number).is_integer():
        return f"{name} must be a whole number, not {value}"
    if spec.min is not None and number < spec.min:
        return f"{name} must be at least {_show(spec.min)}, not {_show(number)}"
    if spec.max is not None and number > spec.max:
        return f"{name} must be at most {_show(spec.max)}, not {_show(number)}"
    return None


def _show(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def settings_for_submission(specs: list[FieldSpec], values: dict[str, Any]) -> dict[str, Any]:
    """The job's `settings` from the form's values; FormProblem listing every setting at fault.

    An empty text is "not filled in": it is left out so that the manager applies the default,
    and is a problem only for a required setting without one. Values of settings the job type
    does not declare are passed on (Flamenco keeps them).
    """
    declared = {spec.key for spec in specs}
    settings: dict[str, Any] = {k: v for k, v in values.items() if k not in declared and v is not None}
    problems: list[tuple[str, str]] = []
    for spec in specs:
        value = values.get(spec.key)
        if spec.type == "string" and value == "":
            value = None
        if value is None:
            if spec.required and spec.default is None:
                hint = f" ({spec.description})" if spec.description else ""
                problems.append((spec.key, f'"{spec.label}" is required{hint}: fill it in'))
            continue
        if spec.type == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        problem = check_value(spec, value)
        if problem:
            problems.append((spec.key, problem))
            continue
        if spec.type == "int32":
            value = int(value)
        settings[spec.key] = value
    if problems:
        raise FormProblem(problems)
    return settings
