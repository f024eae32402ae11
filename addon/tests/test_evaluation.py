# SPDX-License-Identifier: GPL-3.0-or-later
"""The `eval` names and helpers, with a stand-in for bpy."""

import os
import sys
import unittest
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tablao import evaluation  # noqa: E402


def fake_bpy(blendfile):
    def abspath(path):
        if path.startswith("//"):
            return os.path.join(os.path.dirname(blendfile), path[2:])
        return path

    return SimpleNamespace(path=SimpleNamespace(abspath=abspath), data=SimpleNamespace(filepath=blendfile))


class EvalTest(unittest.TestCase):
    def setUp(self):
        self.bpy = fake_bpy("/projects/sierra/shots/sh010/lighting.blend")
        self.helpers = evaluation.EvalHelpers(self.bpy)
        scene = SimpleNamespace(frame_start=1, frame_end=250, name="Scene",
                                render=SimpleNamespace(fps=25, fps_base=1.0))
        self.context = SimpleNamespace(scene=scene)
        self.settings = SimpleNamespace(render_output_root="//../../renders", add_path_components=2)
        self.names = self.helpers.names(self.context, self.settings, "lighting")

    def test_the_names_flamenco_offers(self):
        self.assertEqual(set(self.names), {"bpy", "C", "settings", "jobname", "Path", "abspath", "last_n_dir_parts"})
        self.assertIs(self.names["bpy"], self.bpy)

    def test_scene_expressions(self):
        self.assertEqual(evaluation.evaluate_setting("frames", "string", "f'{C.scene.frame_start}-{C.scene.frame_end}'", self.names), "1-250")
        self.assertEqual(evaluation.evaluate_setting("fps", "float", "C.scene.render.fps / C.scene.render.fps_base", self.names), 25.0)

    def test_output_path_expression(self):
        expression = "str(Path(abspath(settings.render_output_root), last_n_dir_parts(settings.add_path_components), jobname, '{timestamp}', '######'))"
        value = evaluation.evaluate_setting("render_output_path", "string", expression, self.names)
        self.assertEqual(value, "/projects/sierra/renders/shots/sh010/lighting/{timestamp}/######")

    def test_last_n_dir_parts(self):
        self.assertEqual(self.helpers.last_n_dir_parts(0), Path())
        self.assertEqual(self.helpers.last_n_dir_parts(1), Path("sh010"))
        self.assertEqual(self.helpers.last_n_dir_parts(2, "/a/b/c/file.blend"), Path("b/c"))
        self.assertEqual(self.helpers.last_n_dir_parts(200, "/a/b/file.blend"), Path("a/b"))
        self.assertFalse(self.helpers.last_n_dir_parts(200, "/a/b/file.blend").is_absolute())

    def test_abspath(self):
        self.assertEqual(self.helpers.abspath("//tex/../wood.png"), Path("/projects/sierra/shots/sh010/wood.png"))
        self.assertTrue(self.helpers.abspath("relative/x").is_absolute())

    def test_errors_name_the_setting(self):
        with self.assertRaises(evaluation.SettingEvalError) as caught:
            evaluation.evaluate("frames", "C.scene.no_such_thing", self.names)
        self.assertIn("'frames'", str(caught.exception))
        self.assertIn("AttributeError", str(caught.exception))
        with self.assertRaises(evaluation.SettingEvalError):
            evaluation.evaluate("x", "1 +", self.names)
        with self.assertRaises(evaluation.SettingEvalError):
            evaluation.evaluate_setting("n", "int32", "2.5", self.names)

    def test_coercion(self):
        self.assertEqual(evaluation.coerce("string", Path("/a/b")), "/a/b")
        self.assertEqual(evaluation.coerce("int32", 3.0), 3)
        self.assertIs(evaluation.coerce("bool", 1), True)
        self.assertEqual(evaluation.default_job_name("/x/lighting.blend"), "lighting")


if __name__ == "__main__":
    unittest.main()
