# SPDX-License-Identifier: GPL-3.0-or-later
"""Run inside Blender by addon/test/blender-submit.test.ts: installs the add-on from the zip
the manager serves, makes a small project (a texture by absolute path, a linked library),
fills the Tablao form and submits; writes what it saw as JSON for the test to check.

blender --background --factory-startup --python-exit-code 1 --python submit_in_blender.py -- '<json>'
"""

import hashlib
import json
import os
import sys
import urllib.request

import addon_utils
import bpy

ARGS = json.loads(sys.argv[sys.argv.index("--") + 1])
result = {}


def call(operator, **kwargs):
    """Runs an operator as a button does; (return value, the error it reported or "")."""
    try:
        return sorted(operator(**kwargs)), ""
    except RuntimeError as error:  # an operator's ERROR report, when called from Python
        return ["CANCELLED"], str(error)


def sha256(path):
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


# Installed as an artist installs it: Preferences → Add-ons → Install… with the zip, then enabled.
bpy.ops.preferences.addon_install(filepath=ARGS["zip"])
addon_utils.enable("tablao", default_set=True, handle_error=None)
assert "tablao" in bpy.context.preferences.addons, "the add-on did not enable"
prefs = bpy.context.preferences.addons["tablao"].preferences

# Test Connection: nothing listening, then the real manager.
prefs.manager_url = ARGS["unreachable_url"]
result["unreachable"] = call(bpy.ops.tablao.test_connection)
prefs.manager_url = ARGS["manager_url"]
result["connected"] = call(bpy.ops.tablao.test_connection)
result["connected_status"] = bpy.context.window_manager.tablao_connection_status

# A small project: shots/sh010/scene.blend using tex/wood.png (absolute path) and lib/mats.blend.
project = ARGS["project"]
for folder in ("shots/sh010", "tex", "lib"):
    os.makedirs(os.path.join(project, folder), exist_ok=True)
image = bpy.data.images.new("wood", 4, 4)
image.filepath_raw = os.path.join(project, "tex", "wood.png")
image.file_format = "PNG"
image.save()
material = bpy.data.materials.new("Wood")
material.use_nodes = True
material.node_tree.nodes.new("ShaderNodeTexImage").image = image
cube = bpy.data.objects["Cube"]
cube.data.materials.append(material)
library_material = bpy.data.materials.new("LibMat")
bpy.data.libraries.write(os.path.join(project, "lib", "mats.blend"), {library_material})
bpy.data.materials.remove(library_material)
with bpy.data.libraries.load(os.path.join(project, "lib", "mats.blend"), link=True, relative=True) as (_, linked):
    linked.materials = ["LibMat"]
cube.data.materials.append(bpy.data.materials["LibMat"])
# Two frames of a plate in the sequencer, and a texture whose file is gone.
for frame in (1, 2):
    plate = bpy.data.images.new(f"plate{frame}", 2, 2)
    plate.filepath_raw = os.path.join(project, "plates", f"plate{frame:04}.png")
    plate.file_format = "PNG"
    os.makedirs(os.path.dirname(plate.filepath_raw), exist_ok=True)
    plate.save()
    bpy.data.images.remove(plate)
scene = bpy.context.scene
editor = scene.sequence_editor_create()
strip = editor.sequences.new_image("plate", os.path.join(project, "plates", "plate0001.png"), 1, 1)
strip.elements.append("plate0002.png")
gone = bpy.data.images.load(os.path.join(project, "tex", "wood.png"))
gone.name = "gone"
gone.filepath_raw = os.path.join(project, "tex", "gone.png")
material.node_tree.nodes.new("ShaderNodeTexImage").image = gone
scene.frame_start, scene.frame_end = 1, 3
scene.render.fps = 24
scene.render.image_settings.file_format = "PNG"
blendfile = os.path.join(project, "shots", "sh010", "scene.blend")
bpy.ops.wm.save_as_mainfile(filepath=blendfile, relative_remap=False)  # keeps the texture's absolute path
bpy.ops.wm.open_mainfile(filepath=blendfile)
scene = bpy.context.scene
result["job_name_from_file"] = scene.tablao_job_name
result["stored_image_path"] = bpy.data.images["wood"].filepath_raw

from tablao import blender as tablao_blender  # noqa: E402

# The form: refresh, choose the job type, fill it in.
result["refresh"] = call(bpy.ops.tablao.refresh)
result["job_type_choices"] = [item[0] for item in tablao_blender._job_type_items(scene, bpy.context)]
scene.tablao_job_type = "simple-blender-render"
settings = scene.tablao_job_settings
result["frames_prefilled"] = settings.frames
result["form"] = {
    prop.identifier: {"type": prop.type, "subtype": getattr(prop, "subtype", ""), "readonly": prop.is_readonly}
    for prop in settings.bl_rna.properties if prop.identifier not in ("rna_type", "name")
}


class Layout:
    """Stands in for UILayout when drawing without a screen: checks every property and
    operator the panel names exists, and records the labels."""

    def __init__(self, record):
        self.record = record

    def __getattr__(self, name):  # row, column, split, box, separator…
        return lambda *args, **kwargs: self

    def prop(self, data, name, **kwargs):
        assert name in data.bl_rna.properties, f"the panel shows {name!r}, which {data!r} does not have"
        self.record.append(("prop", name))

    def operator(self, idname, **kwargs):
        category, name = idname.split(".")
        assert hasattr(getattr(bpy.ops, category), name), f"no operator {idname}"
        self.record.append(("operator", idname))
        return type("Properties", (), {})()

    def label(self, text="", **kwargs):
        self.record.append(("label", text))


def draw(panel_class):
    record = []
    panel_class.draw(type("Panel", (), {"layout": Layout(record)})(), bpy.context)
    return record


result["drawn"] = draw(tablao_blender.TABLAO_PT_job_submission)
scene.tablao_worker_tag = ARGS["worker_tag"]
scene.tablao_job_name = "sh010 lighting"
scene.tablao_job_priority = 70
settings.chunk_size = 2
settings.render_output_root = ARGS["renders"]
settings.add_path_components = 1
result["render_output_path_shown"] = settings.render_output_path

bpy.ops.wm.save_mainfile(relative_remap=False)  # the artist saved; what the submission does must leave the file as it is
before = sha256(blendfile)
result["submit"] = call(bpy.ops.tablao.submit_job)
wm = bpy.context.window_manager
result["submit_status"] = wm.tablao_submit_status
result["job_id"] = wm.tablao_last_job_id
result["job_url"] = wm.tablao_last_job_url
result["drawn_submitted"] = draw(tablao_blender.TABLAO_PT_job_submission)
result["original_unchanged"] = sha256(blendfile) == before
result["image_path_after"] = bpy.data.images["wood"].filepath_raw

# A job type that changed on the manager since it was fetched: a message, no traceback.
# A job the job type's script refuses (it renders images, not videos): its message, no traceback.
bpy.context.scene.render.image_settings.file_format = "FFMPEG"
result["refused"] = call(bpy.ops.tablao.submit_job)
bpy.context.scene.render.image_settings.file_format = "PNG"
# A required setting left empty: named before anything is sent.
bpy.context.scene.tablao_job_settings.render_output_root = ""
result["incomplete"] = call(bpy.ops.tablao.submit_job)
bpy.context.scene.tablao_job_settings.render_output_root = ARGS["renders"]

for job_type in tablao_blender._State.cache.job_types:
    if job_type["name"] == "simple-blender-render":
        job_type["etag"] = "0" * 40
result["stale"] = call(bpy.ops.tablao.submit_job)
result["drawn_after"] = draw(tablao_blender.TABLAO_PT_job_submission)
result["drawn_preferences"] = []


class PreferencesDrawn:
    def __init__(self, prefs):
        self.layout = Layout(result["drawn_preferences"])
        self._prefs = prefs

    def __getattr__(self, name):
        return getattr(self._prefs, name)


call(bpy.ops.tablao.test_connection)
tablao_blender.TablaoPreferences.draw(PreferencesDrawn(prefs), bpy.context)
result["stale_failed_flag"] = wm.tablao_submit_failed

# The copy on the farm: its paths lead to the copied files.
with urllib.request.urlopen(f"{ARGS['manager_url']}/api/v3/jobs/{result['job_id']}") as response:
    job = json.load(response)
copy = job["settings"]["blendfile"]
result["job_storage"] = job.get("storage") or {}
# With Shaman the job names the file `{jobs}/…`: expanded here as the users' variables say.
with urllib.request.urlopen(f"{ARGS['manager_url']}/api/v3/configuration/variables/users/linux") as response:
    for name, variable in json.load(response).items():
        copy = copy.replace("{" + name + "}", variable["value"])
bpy.ops.wm.open_mainfile(filepath=blendfile)
result["original_image_path_on_disk"] = bpy.data.images["wood"].filepath_raw
reopened = bpy.context.scene
result["reopened"] = {
    "job_type": reopened.tablao_job_type,
    "chunk_size": reopened.tablao_job_settings.chunk_size,
    "render_output_root": reopened.tablao_job_settings.render_output_root,
    "job_name": reopened.tablao_job_name,
}
bpy.ops.wm.open_mainfile(filepath=copy)
copied_image = bpy.data.images["wood"]
result["copy"] = {
    "image_path": copied_image.filepath_raw,
    "image_exists": os.path.exists(bpy.path.abspath(copied_image.filepath_raw)),
    "library_paths": [lib.filepath for lib in bpy.data.libraries],
    "library_exists": [os.path.exists(bpy.path.abspath(lib.filepath)) for lib in bpy.data.libraries],
    "linked_material_loaded": not getattr(bpy.data.materials["LibMat"], "is_missing", False),
    "strip_directory": bpy.context.scene.sequence_editor.sequences_all["plate"].directory,
    "strip_files_exist": [
        os.path.exists(os.path.join(bpy.path.abspath(bpy.context.scene.sequence_editor.sequences_all["plate"].directory), e.filename))
        for e in bpy.context.scene.sequence_editor.sequences_all["plate"].elements
    ],
}

with open(ARGS["output"], "w", encoding="utf-8") as out:
    json.dump(result, out, indent=1)
