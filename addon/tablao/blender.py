# SPDX-License-Identifier: GPL-3.0-or-later
"""The add-on inside Blender: preferences, the Tablao panel in Output Properties, and the
operators that test the connection, refresh the job types and submit the job."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any, Optional

import bpy

from . import client, collect, evaluation, form, packing, shaman

ADDON = __package__ or "tablao"
NO_SELECTION = "-"


def addon_version() -> tuple[int, ...]:
    from . import bl_info

    return tuple(bl_info["version"])


def preferences(context: Any = None) -> Any:
    context = context or bpy.context
    return context.preferences.addons[ADDON].preferences


def manager_client(context: Any = None) -> client.ManagerClient:
    return client.ManagerClient(preferences(context).manager_url)


def submitter_platform() -> str:
    return platform.system().lower()


# -- what the manager told us, kept across sessions -------------------------------------


class _State:
    cache = client.JobTypeCache()
    worker_tags: list[dict[str, Any]] = []
    job_type_items: list[tuple[str, str, str, int, int]] = [(NO_SELECTION, "Refresh to get job types", "", 0, 0)]
    tag_items: list[tuple[str, str, str, int, int]] = [(NO_SELECTION, "Any worker", "", 0, 0)]
    settings_class: Optional[type] = None
    specs: list[form.FieldSpec] = []


def _cache_file() -> Path:
    return Path(bpy.utils.user_resource("CONFIG")) / "tablao-manager-info.json"


def _save_cache() -> None:
    try:
        path = _cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.loads(_State.cache.to_json())
        data["worker_tags"] = _State.worker_tags
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    except OSError as error:
        print(f"Tablao: could not keep the job types for the next session: {error}")


def _load_cache() -> None:
    try:
        text = _cache_file().read_text(encoding="utf-8")
    except OSError:
        return
    _State.cache = client.JobTypeCache.from_json(text)
    try:
        tags = json.loads(text).get("worker_tags", [])
    except (ValueError, AttributeError):
        tags = []
    _State.worker_tags = [t for t in tags if isinstance(t, dict) and isinstance(t.get("id"), str)]
    _update_items()


def _enum_number(identifier: str) -> int:
    """A number that stays with the item: a blend file stores an enum's number, and the list of
    job types or tags may change between sessions without another choice sliding into place."""
    import zlib

    return 0 if identifier == NO_SELECTION else 1 + zlib.crc32(identifier.encode("utf-8")) % 0x7FFFFFFE


def _update_items() -> None:
    types = _State.cache.job_types
    _State.job_type_items = [(NO_SELECTION, "Select a job type", "", 0, 0)] + [
        (str(t["name"]), str(t.get("label") or t["name"]), str(t.get("description") or ""), 0, _enum_number(str(t["name"])))
        for t in types
    ]
    _State.tag_items = [(NO_SELECTION, "Any worker", "Any worker may render the job", 0, 0)] + [
        (str(t["id"]), str(t.get("name") or t["id"]), str(t.get("description") or ""), 0, _enum_number(str(t["id"])))
        for t in _State.worker_tags
    ]


def _job_type_items(_self: Any, _context: Any) -> list[tuple[str, str, str, int, int]]:
    return _State.job_type_items


def _tag_items(_self: Any, _context: Any) -> list[tuple[str, str, str, int, int]]:
    return _State.tag_items


def active_job_type(scene: Any) -> Optional[dict[str, Any]]:
    name = scene.tablao_job_type
    return None if name == NO_SELECTION else _State.cache.get(name)


# -- the form: a PropertyGroup made from the job type's settings -------------------------


def _eval_names(context: Any, settings: Any) -> dict[str, Any]:
    return evaluation.EvalHelpers(bpy).names(context, settings, context.scene.tablao_job_name)


def _property(spec: form.FieldSpec) -> Any:
    kwargs: dict[str, Any] = {"name": spec.label, "description": spec.description, "options": set()}
    if spec.prop == "EnumProperty":
        kwargs["items"] = [(choice, choice, "") for choice in spec.choices]
        if spec.default is not None:
            kwargs["default"] = spec.default
    else:
        kwargs["default"] = spec.blender_default()
    if spec.subtype:
        kwargs["subtype"] = spec.subtype
    if spec.type in ("int32", "float"):
        convert = int if spec.type == "int32" else float
        for name in ("min", "max", "soft_min", "soft_max"):
            value = getattr(spec, name)
            if value is not None:
                kwargs[name] = convert(value)
        if "default" in kwargs:
            low, high = kwargs.get("min"), kwargs.get("max")
            if low is not None and kwargs["default"] < low:
                kwargs["default"] = low
            if high is not None and kwargs["default"] > high:
                kwargs["default"] = high
    if not spec.editable:
        # A getter without a setter makes the property read-only in the form.
        kwargs["get"] = _read_only_getter(spec)
        kwargs.pop("default", None)
    maker = getattr(bpy.props, spec.prop)
    return maker(**kwargs)


def _read_only_getter(spec: form.FieldSpec) -> Any:
    """The value of a setting that is not editable: its expression's (or its default)."""

    def getter(group: Any) -> Any:
        if not spec.eval:
            return spec.blender_default()
        try:
            return evaluation.evaluate_setting(spec.key, spec.type, spec.eval, _eval_names(bpy.context, group))
        except evaluation.SettingEvalError:
            return spec.blender_default()

    return getter


def _rebuild_settings(scene: Any, context: Any = None) -> None:
    """Makes the settings form of the selected job type (Scene.tablao_job_settings)."""
    context = context or bpy.context
    if hasattr(bpy.types.Scene, "tablao_job_settings"):
        del bpy.types.Scene.tablao_job_settings
    if _State.settings_class is not None:
        bpy.utils.unregister_class(_State.settings_class)
        _State.settings_class = None
    _State.specs = []
    job_type = active_job_type(scene)
    if job_type is None:
        return
    try:
        specs = form.field_specs(job_type)
    except ValueError as error:
        print(f"Tablao: job type {job_type.get('name')!r} cannot be shown: {error}")
        return
    annotations: dict[str, Any] = {}
    for spec in specs:
        annotations[spec.key] = _property(spec)
        if spec.link_button:
            annotations[form.autoeval_name(spec.key)] = bpy.props.BoolProperty(
                name="Use Automatic Value",
                description=f"Work out {spec.label!r} when submitting: {spec.eval_description or spec.eval}",
                default=True,
                options=set(),
            )
    name = "TABLAO_PG_" + "".join(c if c.isalnum() else "_" for c in str(job_type["name"]))
    group = type(name, (bpy.types.PropertyGroup,), {"__annotations__": annotations})
    bpy.utils.register_class(group)
    _State.settings_class = group
    _State.specs = specs
    bpy.types.Scene.tablao_job_settings = bpy.props.PointerProperty(type=group, name="Job Settings")
    fill_empty_settings(context, scene)


def fill_empty_settings(context: Any, scene: Any) -> list[str]:
    """Evaluates shown settings that have an expression and no value yet; answers problems."""
    problems = []
    group = getattr(scene, "tablao_job_settings", None)
    if group is None:
        return problems
    for spec in _State.specs:
        if not spec.shown_in_addon or not spec.eval or not spec.editable:
            continue
        if getattr(group, spec.key):
            continue
        try:
            setattr(group, spec.key, evaluation.evaluate_setting(spec.key, spec.type, spec.eval, _eval_names(context, group)))
        except (evaluation.SettingEvalError, TypeError, ValueError) as error:
            problems.append(str(error))
    return problems


def _on_job_type_changed(scene: Any, context: Any) -> None:
    _rebuild_settings(scene, context)


def form_values(context: Any, scene: Any, blendfile: str) -> dict[str, Any]:
    """The settings as they go to the manager: the form's values, the expressions of hidden and
    linked settings evaluated, and the blend file on the farm (SettingEvalError / FormProblem)."""
    group = scene.tablao_job_settings
    names = _eval_names(context, group)
    values: dict[str, Any] = {}
    for spec in _State.specs:
        if form.evaluated_at_submission(spec, bool(getattr(group, form.autoeval_name(spec.key), False))):
            if spec.eval:
                values[spec.key] = evaluation.evaluate_setting(spec.key, spec.type, spec.eval, names)
            elif spec.default is not None:
                values[spec.key] = spec.default
        else:
            values[spec.key] = getattr(group, spec.key)
    if any(spec.key == "blendfile" and spec.type == "string" for spec in _State.specs):
        values["blendfile"] = blendfile
    return values


def build_job(context: Any, blendfile: str, checkout_id: str = "") -> dict[str, Any]:
    scene = context.scene
    job_type = active_job_type(scene)
    assert job_type is not None
    settings = form.settings_for_submission(_State.specs, form_values(context, scene, blendfile))
    job: dict[str, Any] = {
        "name": scene.tablao_job_name or evaluation.default_job_name(bpy.data.filepath) or "job",
        "type": job_type["name"],
        "type_etag": str(job_type.get("etag", "")),
        "priority": scene.tablao_job_priority,
        "settings": settings,
        "metadata": {"user.name": os.environ.get("USER") or os.environ.get("USERNAME") or ""},
        "submitter_platform": submitter_platform(),
        "initial_status": "paused" if scene.tablao_submit_paused else "queued",
    }
    if scene.tablao_worker_tag != NO_SELECTION:
        job["worker_tag"] = scene.tablao_worker_tag
    if checkout_id:
        job["storage"] = {"shaman_checkout_id": checkout_id}
    return job


# -- preferences ---------------------------------------------------------------------


class TablaoPreferences(bpy.types.AddonPreferences):
    bl_idname = ADDON

    manager_url: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="Manager URL",
        description="Where the Tablao manager answers, e.g. http://render-manager:8080",
        default="http://localhost:8080",
    )

    def draw(self, context: Any) -> None:
        layout = self.layout
        row = layout.row(align=True)
        row.prop(self, "manager_url")
        row.operator("tablao.test_connection", text="Test Connection", icon="LINKED")
        status = context.window_manager.tablao_connection_status
        if status:
            layout.label(text=status, icon="ERROR" if context.window_manager.tablao_connection_failed else "CHECKMARK")


class TABLAO_OT_test_connection(bpy.types.Operator):
    bl_idname = "tablao.test_connection"
    bl_label = "Test Connection"
    bl_description = "Ask the manager for its name and version"
    bl_options = {"REGISTER"}

    def execute(self, context: Any) -> set[str]:
        level, message = client.describe_connection(manager_client(context), addon_version())
        context.window_manager.tablao_connection_status = message
        context.window_manager.tablao_connection_failed = level == "ERROR"
        self.report({level}, message)
        return {"FINISHED"} if level != "ERROR" else {"CANCELLED"}


class TABLAO_OT_refresh(bpy.types.Operator):
    bl_idname = "tablao.refresh"
    bl_label = "Refresh from Manager"
    bl_description = "Fetch the job types and worker tags from the manager"
    bl_options = {"REGISTER"}

    def execute(self, context: Any) -> set[str]:
        scene = context.scene
        chosen, tag = scene.tablao_job_type, scene.tablao_worker_tag
        api = manager_client(context)
        try:
            info = api.version()
            changed = api.refresh_job_types(_State.cache)
            _State.worker_tags = api.worker_tags()
        except client.ManagerError as error:
            self.report({"ERROR"}, error.message)
            return {"CANCELLED"}
        _update_items()
        _save_cache()
        level, message = "INFO", f"{info.describe()}: {len(_State.cache.job_types)} job types"
        if chosen != NO_SELECTION and _State.cache.get(chosen) is None:
            level, message = "WARNING", f"Job type {chosen!r} is no longer on the manager: choose another one"
            scene.tablao_job_type = NO_SELECTION
        elif chosen != NO_SELECTION and chosen in changed:
            message += f"; {chosen!r} changed, its form is rebuilt"
        if tag != NO_SELECTION and tag not in [t["id"] for t in _State.worker_tags]:
            scene.tablao_worker_tag = NO_SELECTION
        _rebuild_settings(scene, context)
        self.report({level}, message)
        return {"FINISHED"}


class TABLAO_OT_eval_setting(bpy.types.Operator):
    bl_idname = "tablao.eval_setting"
    bl_label = "Work Out Value"
    bl_description = "Set the value from the job type's expression"
    bl_options = {"REGISTER", "UNDO", "INTERNAL"}

    setting_key: bpy.props.StringProperty(name="Setting")  # type: ignore[valid-type]

    def execute(self, context: Any) -> set[str]:
        group = getattr(context.scene, "tablao_job_settings", None)
        spec = next((s for s in _State.specs if s.key == self.setting_key), None)
        if group is None or spec is None or not spec.eval:
            self.report({"ERROR"}, f"No expression for setting {self.setting_key!r}")
            return {"CANCELLED"}
        try:
            setattr(group, spec.key, evaluation.evaluate_setting(spec.key, spec.type, spec.eval, _eval_names(context, group)))
        except (evaluation.SettingEvalError, TypeError, ValueError) as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        return {"FINISHED"}


class TABLAO_OT_submit_job(bpy.types.Operator):
    bl_idname = "tablao.submit_job"
    bl_label = "Submit to Tablao"
    bl_description = "Check the job with the manager, put the blend file and what it uses on the farm, and submit"
    bl_options = {"REGISTER"}

    @classmethod
    def poll(cls, context: Any) -> bool:
        if active_job_type(context.scene) is None:
            cls.poll_message_set("Choose a job type first")
            return False
        return True

    def fail(self, context: Any, message: str) -> set[str]:
        context.window_manager.tablao_submit_status = message
        context.window_manager.tablao_submit_failed = True
        self.report({"ERROR"}, message)
        return {"CANCELLED"}

    def execute(self, context: Any) -> set[str]:
        try:
            return self._submit(context)
        except client.ManagerError as error:
            return self.fail(context, error.message)
        except (evaluation.SettingEvalError, form.FormProblem) as error:
            return self.fail(context, str(error))
        except OSError as error:
            return self.fail(context, f"Could not write the job's files: {error}")
        except Exception as error:  # a bug of the add-on: still a message, with the details in the console
            import traceback

            traceback.print_exc()
            return self.fail(context, f"The submission failed: {type(error).__name__}: {error} (details in the system console)")

    def _submit(self, context: Any) -> set[str]:
        wm = context.window_manager
        wm.tablao_submit_failed = False
        api = manager_client(context)
        api.version()
        if not bpy.data.filepath:
            return self.fail(context, "Save the blend file before submitting it to Tablao")

        # The manager checks the job before any file moves.
        api.check_job(build_job(context, "check-only.blend"))
        if bpy.data.is_dirty:
            bpy.ops.wm.save_mainfile()
        job_name = context.scene.tablao_job_name or evaluation.default_job_name(bpy.data.filepath)

        storage = api.shared_storage(submitter_platform())
        location = str(storage.get("location") or "")
        if storage.get("shamanEnabled"):
            return self._submit_through_shaman(context, api, job_name)
        if not location:
            return self.fail(context, "The manager has no shared storage yet: finish its setup in the studio (Setup)")
        variables = api.variables(submitter_platform())

        blendfile = os.path.normpath(bpy.data.filepath)
        missing: list[str] = []
        not_packed: list[str] = []
        if _is_inside(blendfile, location):
            on_farm = packing.to_variable_form(blendfile, variables)
        else:
            if not os.path.isdir(location):
                return self.fail(context, f"The shared storage {location} is not reachable from this computer")
            folder = _unique_folder(location, packing.job_folder_name(job_name))
            wm.tablao_submit_status = "Copying files to the farm"
            try:
                result = collect.pack_to_folder(os.path.join(location, folder))
                missing = [f"{d.owner}: {d.absolute}" for d in result.plan.missing]
                on_farm = packing.path_on_farm(location, folder, result.plan.blend_target, variables)
                return self._finish(context, api, build_job(context, on_farm), job_name, missing, result.not_packed)
            except BaseException:
                # Nothing of a job that was not submitted stays in the shared storage.
                import shutil

                shutil.rmtree(os.path.join(location, folder), ignore_errors=True)
                raise

        return self._finish(context, api, build_job(context, on_farm), job_name, missing, not_packed)

    def _submit_through_shaman(self, context: Any, api: client.ManagerClient, job_name: str) -> set[str]:
        """Uploads what the manager lacks to its Shaman store; the job's folder is a checkout."""
        import shutil
        import tempfile

        wm = context.window_manager
        scratch = tempfile.mkdtemp(prefix="tablao-")
        try:
            result, placements = collect.pack_for_upload(scratch)
            wm.tablao_submit_status = "Sending files to the farm"
            files = shaman.shaman_files(placements)
            checkout = shaman.send(api, files, shaman.checkout_name(packing.job_folder_name(job_name)))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        on_farm = shaman.blendfile_on_farm(checkout, result.plan.blend_target)
        missing = [f"{d.owner}: {d.absolute}" for d in result.plan.missing]
        return self._finish(context, api, build_job(context, on_farm, checkout), job_name, missing, result.not_packed)

    def _finish(self, context: Any, api: client.ManagerClient, job: dict[str, Any], job_name: str,
                missing: list[str], not_packed: list[str]) -> set[str]:
        wm = context.window_manager
        job = api.submit_job(job)
        wm.tablao_last_job_id = job["id"]
        wm.tablao_last_job_url = api.job_url(job["id"])
        message = f"Job {job.get('name', job_name)!r} submitted as {job['id']}"
        level = "INFO"
        if missing or not_packed:
            level = "WARNING"
            message += f"; {len(missing)} missing and {len(not_packed)} unpacked files (see the console)"
            for line in missing:
                print(f"Tablao: missing file {line}")
            for line in not_packed:
                print(f"Tablao: not packed: {line}")
        wm.tablao_submit_status = message
        self.report({level}, message)
        return {"FINISHED"}


def _is_inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([os.path.normcase(os.path.abspath(path)), os.path.normcase(os.path.abspath(folder))]) == os.path.normcase(os.path.abspath(folder))
    except ValueError:
        return False


def _unique_folder(location: str, name: str) -> str:
    candidate, number = name, 1
    while os.path.exists(os.path.join(location, candidate)):
        number += 1
        candidate = f"{name}-{number}"
    return candidate


# -- the panel -------------------------------------------------------------------------


class TABLAO_PT_job_submission(bpy.types.Panel):
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "output"
    bl_label = "Tablao"

    def draw(self, context: Any) -> None:
        layout = self.layout
        layout.use_property_split = True
        layout.use_property_decorate = False
        scene = context.scene
        wm = context.window_manager

        col = layout.column(align=True)
        col.prop(scene, "tablao_job_name", text="Job Name")
        col.prop(scene, "tablao_job_priority", text="Priority")
        col.prop(scene, "tablao_submit_paused", text="Submit Paused")
        layout.operator("tablao.refresh", icon="FILE_REFRESH")
        col = layout.column(align=True)
        col.prop(scene, "tablao_job_type", text="Job Type")
        col.prop(scene, "tablao_worker_tag", text="Worker Tag")

        group = getattr(scene, "tablao_job_settings", None)
        if group is not None and active_job_type(scene) is not None:
            box = layout.column(align=True)
            for spec in _State.specs:
                if spec.shown_in_addon:
                    _draw_setting(box, group, spec)

        layout.separator()
        layout.operator("tablao.submit_job", icon="RENDER_ANIMATION")
        if wm.tablao_submit_status:
            layout.label(text=wm.tablao_submit_status, icon="ERROR" if wm.tablao_submit_failed else "INFO")
        if wm.tablao_last_job_url and not wm.tablao_submit_failed:
            op = layout.operator("wm.url_open", text="Open the Job in the Studio", icon="URL")
            op.url = wm.tablao_last_job_url



def _draw_setting(layout: Any, group: Any, spec: form.FieldSpec) -> None:
    """One setting: read-only, with its link toggle, or editable with a button for its expression."""
    row = layout.row(align=True)
    if not spec.editable:
        row.prop(group, spec.key)
        return
    if spec.link_button:
        toggle = form.autoeval_name(spec.key)
        if getattr(group, toggle):
            split = row.split(factor=0.4, align=True)
            split.alignment = "RIGHT"
            split.label(text=spec.label)
            inner = split.row(align=True)
            inner.label(text=spec.eval_description or spec.eval)
            inner.prop(group, toggle, text="", icon="LINKED")
            return
        row.prop(group, spec.key)
        row.prop(group, toggle, text="", icon="UNLINKED")
        return
    row.prop(group, spec.key)
    if spec.eval:
        op = row.operator("tablao.eval_setting", text="", icon="SCRIPTPLUGINS")
        op.setting_key = spec.key


# -- registration ----------------------------------------------------------------------

CLASSES = (
    TablaoPreferences,
    TABLAO_OT_test_connection,
    TABLAO_OT_refresh,
    TABLAO_OT_eval_setting,
    TABLAO_OT_submit_job,
    TABLAO_PT_job_submission,
)


@bpy.app.handlers.persistent
def _on_file_loaded(_path: Any = None, _other: Any = None) -> None:
    scene = bpy.context.scene
    if scene is not None and not scene.tablao_job_name:
        scene.tablao_job_name = evaluation.default_job_name(bpy.data.filepath)
    if scene is not None:
        _rebuild_settings(scene)


def register() -> None:
    for cls in CLASSES:
        bpy.utils.register_class(cls)
    Scene, WM = bpy.types.Scene, bpy.types.WindowManager
    Scene.tablao_job_type = bpy.props.EnumProperty(name="Job Type", items=_job_type_items, update=_on_job_type_changed)
    Scene.tablao_worker_tag = bpy.props.EnumProperty(name="Worker Tag", items=_tag_items,
                                                     description="Only workers with this tag render the job")
    Scene.tablao_job_name = bpy.props.StringProperty(name="Job Name", description="Name of the job on the farm")
    Scene.tablao_job_priority = bpy.props.IntProperty(name="Priority", default=50, min=0, max=100,
                                                      description="Higher priority jobs are rendered first")
    Scene.tablao_submit_paused = bpy.props.BoolProperty(name="Submit Paused", default=False,
                                                        description="Submit the job paused; start it from the studio")
    WM.tablao_connection_status = bpy.props.StringProperty()
    WM.tablao_connection_failed = bpy.props.BoolProperty()
    WM.tablao_submit_status = bpy.props.StringProperty()
    WM.tablao_submit_failed = bpy.props.BoolProperty()
    WM.tablao_last_job_id = bpy.props.StringProperty()
    WM.tablao_last_job_url = bpy.props.StringProperty()
    _load_cache()
    bpy.app.handlers.load_post.append(_on_file_loaded)


def unregister() -> None:
    if _on_file_loaded in bpy.app.handlers.load_post:
        bpy.app.handlers.load_post.remove(_on_file_loaded)
    if hasattr(bpy.types.Scene, "tablao_job_settings"):
        del bpy.types.Scene.tablao_job_settings
    if _State.settings_class is not None:
        bpy.utils.unregister_class(_State.settings_class)
        _State.settings_class = None
    for owner, names in (
        (bpy.types.Scene, ("tablao_job_type", "tablao_worker_tag", "tablao_job_name", "tablao_job_priority", "tablao_submit_paused")),
        (bpy.types.WindowManager, ("tablao_connection_status", "tablao_connection_failed", "tablao_submit_status",
                                   "tablao_submit_failed", "tablao_last_job_id", "tablao_last_job_url")),
    ):
        for name in names:
            if hasattr(owner, name):
                delattr(owner, name)
    for cls in reversed(CLASSES):
        bpy.utils.unregister_class(cls)
