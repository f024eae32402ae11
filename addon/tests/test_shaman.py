# SPDX-License-Identifier: GPL-3.0-or-later
"""Sending files through Shaman, against a stand-in manager that checks what it receives."""

import hashlib
import json
import os
import sys
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tablao import client, shaman  # noqa: E402


class FakeShaman(BaseHTTPRequestHandler):
    stored: dict = {}
    busy_rounds: dict = {}  # (sha, size) → rounds someone else is still uploading it
    uploads: list = []
    defer_headers: list = []
    checkouts: list = []
    corrupt = False

    def log_message(self, *args):
        pass

    def _json(self, status, data):
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):
        cls = type(self)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/api/v3/shaman/checkout/requirements":
            files = json.loads(body)["files"]
            answer = []
            for f in files:
                key = (f["sha"], f["size"])
                if key in cls.stored:
                    continue
                if cls.busy_rounds.get(key, 0) > 0:
                    cls.busy_rounds[key] -= 1
                    if cls.busy_rounds[key] == 0:
                        cls.stored[key] = b"(uploaded by someone else)"
                    answer.append(dict(f, status="uploading"))
                else:
                    answer.append(dict(f, status="unknown"))
            return self._json(200, {"files": answer})
        if self.path.startswith("/api/v3/shaman/files/"):
            sha, size = self.path.split("/")[-2:]
            cls.defer_headers.append(self.headers.get("X-Shaman-Can-Defer-Upload"))
            if cls.corrupt or hashlib.sha256(body).hexdigest() != sha or len(body) != int(size):
                return self._json(417, {"code": 417, "message": "checksum mismatch"})
            cls.uploads.append((sha, self.headers.get("X-Shaman-Original-Filename")))
            cls.stored[(sha, int(size))] = body
            self.send_response(204)
            self.end_headers()
            return None
        if self.path == "/api/v3/shaman/checkout/create":
            request = json.loads(body)
            missing = [f for f in request["files"] if (f["sha"], f["size"]) not in cls.stored]
            if missing:
                return self._json(424, {"code": 424, "message": "files missing"})
            cls.checkouts.append(request)
            return self._json(200, {"checkoutPath": request["checkoutPath"] + "-x1y2"})
        return self._json(404, {"code": 404, "message": "no"})


class ShamanTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeShaman)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.client = client.ManagerClient(f"http://127.0.0.1:{cls.server.server_address[1]}", timeout=5)

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        FakeShaman.stored, FakeShaman.busy_rounds, FakeShaman.uploads = {}, {}, []
        FakeShaman.defer_headers, FakeShaman.checkouts, FakeShaman.corrupt = [], [], False
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name, content):
        path = os.path.join(self.dir.name, name)
        with open(path, "wb") as file:
            file.write(content)
        return path

    def test_only_what_the_manager_lacks_is_sent_then_checked_out(self):
        blend = self.write("scene.blend", b"BLENDER" * 1000)
        known = self.write("known.png", b"already there")
        twin_a = self.write("a.png", b"same content")
        twin_b = self.write("b.png", b"same content")
        busy = self.write("busy.exr", b"someone else sends this")
        files = shaman.shaman_files([
            (blend, "shots/scene.blend"), (known, "tex/known.png"), (twin_a, "tex/a.png"),
            (twin_b, "tex/b.png"), (busy, "tex/busy.exr")])
        self.assertEqual(files[0].sha, hashlib.sha256(b"BLENDER" * 1000).hexdigest())
        self.assertEqual(files[0].size, 7000)
        FakeShaman.stored[(files[1].sha, files[1].size)] = b"already there"
        FakeShaman.busy_rounds[(files[4].sha, files[4].size)] = 2
        sleeps = []
        checkout = shaman.send(self.client, files, "2026-11-25_020000-shot", sleep=sleeps.append)
        self.assertEqual(checkout, "2026-11-25_020000-shot-x1y2")
        uploaded = sorted(sha for sha, _ in FakeShaman.uploads)
        self.assertEqual(uploaded, sorted([files[0].sha, files[2].sha]))  # the twins once, nothing known or busy
        self.assertIn(("scene.blend"), [name for _, name in FakeShaman.uploads])
        self.assertEqual(FakeShaman.defer_headers[0], "true")
        self.assertTrue(sleeps, "waits while another client uploads")
        paths = [f["path"] for f in FakeShaman.checkouts[0]["files"]]
        self.assertEqual(paths, ["shots/scene.blend", "tex/known.png", "tex/a.png", "tex/b.png", "tex/busy.exr"])

    def test_a_damaged_upload_is_a_message(self):
        path = self.write("scene.blend", b"content")
        FakeShaman.corrupt = True
        with self.assertRaises(client.ManagerError) as caught:
            shaman.send(self.client, shaman.shaman_files([(path, "scene.blend")]), "job", sleep=lambda s: None)
        self.assertIn("another checksum or size", str(caught.exception))

    def test_gives_up_with_a_message_when_files_never_arrive(self):
        path = self.write("x.blend", b"x")
        files = shaman.shaman_files([(path, "x.blend")])
        FakeShaman.busy_rounds[(files[0].sha, files[0].size)] = 1000
        with self.assertRaises(client.ManagerError) as caught:
            shaman.send(self.client, files, "job", sleep=lambda s: None, max_rounds=3)
        self.assertIn("could not all be sent", str(caught.exception))

    def test_non_ascii_names_and_checkout_names(self):
        path = self.write("escena ñ.blend", b"x")
        shaman.send(self.client, shaman.shaman_files([(path, "escena ñ.blend")]), "job", sleep=lambda s: None)
        self.assertTrue(FakeShaman.uploads[0][1].startswith("=?utf-8?b?"))
        self.assertEqual(shaman.checkout_name("/a:b{c}"), "a_b_c_")
        self.assertEqual(shaman.blendfile_on_farm("job-x1y2", "shots/a.blend"), "{jobs}/job-x1y2/shots/a.blend")


if __name__ == "__main__":
    unittest.main()
