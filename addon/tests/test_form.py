# SPDX-License-Identifier: GPL-3.0-or-later
"""The form rules of job-types.md: what each setting becomes, and what a submission may hold."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tablao import form  # noqa: E402

JOB_TYPE = {
    "name": "demo",
    "label": "Demo",
    "etag": "e1",
    "settings": [
        {"key": "frames", "type": "string", "required": True, "eval": "f'{C.scene.frame_start}-{C.scene.frame_end}'",
         "evalInfo": {"showLinkButton": True, "description": "Frame range of the scene"}},
        {"key": "chunk_size", "type": "int32", "default": 1, "visible": "submission", "propargs": {"min": 1, "max": 100}},
        {"key": "render_output_root", "type": "string", "subtype": "dir_path", "required": True, "visible": "submission"},
        {"key": "render_output_path", "type": "string", "subtype": "file_path", "editable": False, "eval": "'x'"},
        {"key": "blendfile", "type": "string", "required": True, "visible": "web"},
        {"key": "fps", "type": "float", "eval": "24", "visible": "hidden"},
        {"key": "quality", "type": "string", "choices": ["low", "high"], "default": "high", "label": "Render Quality"},
        {"key": "denoise", "type": "bool", "description": "Denoise the frames"},
        {"key": "strength", "type": "float", "default": 1, "propargs": {"min": 0, "max": 2.5}},
        {"key": "frame_pattern", "type": "string", "subtype": "hashed_file_path"},
        {"key": "name_only", "type": "string", "subtype": "file_name"},
    ],
}


class FieldSpecTest(unittest.TestCase):
    def setUp(self):
        self.specs = {s.key: s for s in form.field_specs(JOB_TYPE)}

    def test_types_become_blender_properties(self):
        self.assertEqual(self.specs["frames"].prop, "StringProperty")
        self.assertEqual(self.specs["chunk_size"].prop, "IntProperty")
        self.assertEqual(self.specs["fps"].prop, "FloatProperty")
        self.assertEqual(self.specs["denoise"].prop, "BoolProperty")
        self.assertEqual(self.specs["quality"].prop, "EnumProperty")
        self.assertEqual(self.specs["quality"].choices, ["low", "high"])

    def test_subtypes_become_pickers(self):
        self.assertEqual(self.specs["render_output_root"].subtype, "DIR_PATH")
        self.assertEqual(self.specs["render_output_path"].subtype, "FILE_PATH")
        self.assertEqual(self.specs["frame_pattern"].subtype, "FILE_PATH")
        self.assertEqual(self.specs["name_only"].subtype, "FILE_NAME")
        self.assertEqual(self.specs["frames"].subtype, "")

    def test_labels(self):
        self.assertEqual(self.specs["chunk_size"].label, "Chunk Size")
        self.assertEqual(self.specs["quality"].label, "Render Quality")

    def test_bounds_and_defaults(self):
        self.assertEqual((self.specs["chunk_size"].min, self.specs["chunk_size"].max), (1, 100))
        self.assertEqual(self.specs["chunk_size"].default, 1)
        self.assertEqual(self.specs["strength"].default, 1.0)
        self.assertIsInstance(self.specs["strength"].default, float)
        self.assertEqual(self.specs["strength"].max, 2.5)
        # int32 without bounds is still bounded by int32.
        spec = form.field_spec({"key": "n", "type": "int32"})
        self.assertEqual((spec.min, spec.max), (form.INT32_MIN, form.INT32_MAX))
        self.assertEqual(spec.blender_default(), 0)
        self.assertEqual(self.specs["quality"].blender_default(), "high")
        bad_default = form.field_spec({"key": "q", "type": "string", "choices": ["a"], "default": "zzz"})
        self.assertIsNone(bad_default.default)
        self.assertEqual(bad_default.blender_default(), "a")

    def test_visibility(self):
        self.assertTrue(self.specs["frames"].shown_in_addon)
        self.assertTrue(self.specs["chunk_size"].shown_in_addon)  # submission: the add-on only
        self.assertFalse(self.specs["blendfile"].shown_in_addon)  # web: not in Blender
        self.assertFalse(self.specs["fps"].shown_in_addon)  # hidden
        self.assertTrue(form.evaluated_at_submission(self.specs["fps"], autoeval_on=False))
        self.assertTrue(form.evaluated_at_submission(self.specs["frames"], autoeval_on=True))
        self.assertFalse(form.evaluated_at_submission(self.specs["frames"], autoeval_on=False))
        self.assertFalse(form.evaluated_at_submission(self.specs["chunk_size"], autoeval_on=True))

    def test_editable_and_link_button(self):
        self.assertFalse(self.specs["render_output_path"].editable)
        self.assertTrue(self.specs["frames"].editable)
        self.assertTrue(self.specs["frames"].link_button)
        self.assertEqual(self.specs["frames"].eval_description, "Frame range of the scene")
        self.assertFalse(self.specs["render_output_path"].link_button)
        self.assertEqual(form.autoeval_name("frames"), "autoeval_frames")

    def test_unknown_type_is_refused(self):
        with self.assertRaises(ValueError):
            form.field_spec({"key": "x", "type": "vector"})


class SubmissionTest(unittest.TestCase):
    def setUp(self):
        self.specs = form.field_specs(JOB_TYPE)
        self.values = {
            "frames": "1-10", "chunk_size": 3, "render_output_root": "/out", "render_output_path": "x",
            "blendfile": "/jobs/a.blend", "fps": 24, "quality": "low", "denoise": True, "strength": 2,
            "frame_pattern": "", "name_only": "",
        }

    def test_values_become_settings(self):
        settings = form.settings_for_submission(self.specs, self.values)
        self.assertEqual(settings["chunk_size"], 3)
        self.assertEqual(settings["fps"], 24.0)
        self.assertIsInstance(settings["fps"], float)
        self.assertIsInstance(settings["strength"], float)
        self.assertEqual(settings["quality"], "low")
        self.assertIs(settings["denoise"], True)
        # Empty texts are left out, so that the manager applies defaults.
        self.assertNotIn("frame_pattern", settings)

    def test_every_problem_is_named(self):
        values = dict(self.values, frames="", chunk_size=0, quality="medium", strength=3.5, denoise="yes")
        with self.assertRaises(form.FormProblem) as caught:
            form.settings_for_submission(self.specs, values)
        problems = dict(caught.exception.problems)
        self.assertIn("required", problems["frames"])
        self.assertIn("at least 1", problems["chunk_size"])
        self.assertIn("one of", problems["quality"])
        self.assertIn("at most 2.5", problems["strength"])
        self.assertIn("true or false", problems["denoise"])
        self.assertEqual(set(problems), {"frames", "chunk_size", "quality", "strength", "denoise"})

    def test_required_with_a_default_may_be_left_out(self):
        specs = form.field_specs({"settings": [{"key": "n", "type": "int32", "required": True, "default": 4}]})
        self.assertEqual(form.settings_for_submission(specs, {}), {})
        specs = form.field_specs({"settings": [{"key": "n", "type": "int32", "required": True}]})
        with self.assertRaises(form.FormProblem):
            form.settings_for_submission(specs, {})

    def test_whole_numbers_and_int32(self):
        specs = form.field_specs({"settings": [{"key": "n", "type": "int32"}]})
        with self.assertRaises(form.FormProblem):
            form.settings_for_submission(specs, {"n": 2.5})
        with self.assertRaises(form.FormProblem):
            form.settings_for_submission(specs, {"n": 2**31})
        self.assertEqual(form.settings_for_submission(specs, {"n": 2.0}), {"n": 2})

    def test_undeclared_values_are_kept(self):
        specs = form.field_specs({"settings": []})
        self.assertEqual(form.settings_for_submission(specs, {"extra": "x"}), {"extra": "x"})


if __name__ == "__main__":
    unittest.main()
