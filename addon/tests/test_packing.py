# SPDX-License-Identifier: GPL-3.0-or-later
"""The packing plan and the paths written for the workers."""

import datetime
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tablao import packing  # noqa: E402
from tablao.packing import Dependency  # noqa: E402

BLEND = "/projects/sierra/shots/sh010/lighting.blend"


def dep(owner, stored, absolute, files=None):
    return Dependency(owner=owner, stored=stored, absolute=absolute, files=files if files is not None else [absolute])


class PlanTest(unittest.TestCase):
    def test_files_keep_their_place_under_the_project(self):
        deps = [
            dep("images['wood']", "//tex/wood.png", "/projects/sierra/shots/sh010/tex/wood.png"),
            dep("libraries['chars']", "//../../lib/chars.blend", "/projects/sierra/lib/chars.blend"),
        ]
        plan = packing.make_plan(BLEND, deps, exists=lambda p: True)
        self.assertEqual(plan.blend_target, "shots/sh010/lighting.blend")
        self.assertEqual([p.target for p in plan.copies], ["shots/sh010/tex/wood.png", "lib/chars.blend"])
        self.assertEqual(plan.rewrites["images['wood']"], "//tex/wood.png")
        self.assertEqual(plan.rewrites["libraries['chars']"], "//../../lib/chars.blend")
        self.assertEqual(plan.missing, [])

    def test_absolute_paths_become_relative_to_the_copy(self):
        deps = [dep("images['sky']", "/projects/sierra/hdri/sky.exr", "/projects/sierra/hdri/sky.exr")]
        plan = packing.make_plan(BLEND, deps, exists=lambda p: True)
        self.assertEqual(plan.rewrites["images['sky']"], "//../../hdri/sky.exr")

    def test_files_outside_the_project(self):
        deps = [dep("sounds['beep']", "/usr/share/sounds/beep.wav", "/usr/share/sounds/beep.wav")]
        plan = packing.make_plan("/home/ana/shot/shot.blend", deps, exists=lambda p: True)
        self.assertEqual(plan.blend_target, "shot.blend")
        self.assertEqual(plan.copies[0].target, "_outside_project/usr/share/sounds/beep.wav")
        self.assertEqual(plan.rewrites["sounds['beep']"], "//_outside_project/usr/share/sounds/beep.wav")

    def test_windows_paths(self):
        deps = [dep("images['a']", "D:\\tex\\a.png", "D:\\tex\\a.png")]
        plan = packing.make_plan("C:\\proj\\shot.blend", deps, exists=lambda p: True)
        self.assertEqual(plan.blend_target, "shot.blend")
        self.assertEqual(plan.copies[0].target, "_outside_project/D/tex/a.png")

    def test_missing_files_are_reported_not_copied(self):
        deps = [
            dep("images['gone']", "//gone.png", "/projects/sierra/shots/sh010/gone.png"),
            dep("images['here']", "//here.png", "/projects/sierra/shots/sh010/here.png"),
        ]
        plan = packing.make_plan(BLEND, deps, exists=lambda p: "here" in p)
        self.assertEqual([d.owner for d in plan.missing], ["images['gone']"])
        self.assertEqual([p.target for p in plan.copies], ["here.png"])
        self.assertNotIn("images['gone']", plan.rewrites)

    def test_sequences_copy_every_file_once(self):
        files = [f"/projects/sierra/shots/sh010/seq/f{n}.png" for n in range(3)]
        deps = [
            dep("images['seq']", "//seq/f0.png", files[0], files),
            dep("images['seq2']", "//seq/f0.png", files[0], files[:1]),
        ]
        plan = packing.make_plan(BLEND, deps, exists=lambda p: True)
        self.assertEqual([p.target for p in plan.copies], ["seq/f0.png", "seq/f1.png", "seq/f2.png"])

    def test_image_sequences_and_udim_tiles(self):
        names = ["shot_0002.png", "shot_0001.png", "shot_0010.png", "shot_0001.exr", "other_0001.png", "shot_final.png"]
        self.assertEqual(
            packing.sequence_files("/p/seq/shot_0001.png", names),
            ["/p/seq/shot_0001.png", "/p/seq/shot_0002.png", "/p/seq/shot_0010.png"])
        self.assertEqual(packing.sequence_files("/p/seq/still.png", names), ["/p/seq/still.png"])
        self.assertEqual(packing.sequence_files("/p/seq/shot_0001.png", []), ["/p/seq/shot_0001.png"])
        self.assertEqual(packing.udim_files("/p/t/wood.<UDIM>.png", [1001, 1002]), ["/p/t/wood.1001.png", "/p/t/wood.1002.png"])
        self.assertEqual(packing.udim_files("/p/1001/wood.1001.png", [1001, 1011]), ["/p/1001/wood.1001.png", "/p/1001/wood.1011.png"])
        self.assertEqual(packing.udim_files("/p/t/wood.png", [1001]), ["/p/t/wood.png"])

    def test_job_folder_name(self):
        moment = datetime.datetime(2026, 11, 25, 2, 30, 5)
        self.assertEqual(packing.job_folder_name("Shot 10: lighting/v2", moment), "2026-11-25_023005-Shot_10_lighting_v2")
        self.assertEqual(packing.job_folder_name("../..", moment), "2026-11-25_023005-job")


class VariablesTest(unittest.TestCase):
    VARIABLES = {
        "jobs": {"value": "/srv/farm", "is_twoway": False},
        "render": {"value": "/mnt/render", "is_twoway": True},
        "shots": {"value": "/mnt/render/shots/", "is_twoway": True},
        "win": {"value": "R:\\Farm", "is_twoway": True},
    }

    def test_longest_two_way_prefix_wins(self):
        self.assertEqual(packing.to_variable_form("/mnt/render/x.png", self.VARIABLES), "{render}/x.png")
        self.assertEqual(packing.to_variable_form("/mnt/render/shots/a/b.blend", self.VARIABLES), "{shots}/a/b.blend")
        self.assertEqual(packing.to_variable_form("/mnt/rendering/x", self.VARIABLES), "/mnt/rendering/x")
        self.assertEqual(packing.to_variable_form("/srv/farm/x", self.VARIABLES), "/srv/farm/x")  # one-way

    def test_case_and_slashes_ignored(self):
        self.assertEqual(packing.to_variable_form("r:\\farm\\jobs\\a.blend", self.VARIABLES), "{win}/jobs/a.blend")

    def test_path_on_farm(self):
        self.assertEqual(
            packing.path_on_farm("/mnt/render/", "2026-job", "shots/a.blend", self.VARIABLES),
            "{render}/2026-job/shots/a.blend")
        self.assertEqual(packing.path_on_farm("/srv/other", "f", "a.blend", self.VARIABLES), "/srv/other/f/a.blend")


if __name__ == "__main__":
    unittest.main()
