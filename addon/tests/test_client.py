# SPDX-License-Identifier: GPL-3.0-or-later
"""The API client against a small real HTTP server on the loopback."""

import json
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tablao import client  # noqa: E402


class FakeManager(BaseHTTPRequestHandler):
    routes: dict = {}
    received: list = []

    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        type(self).received.append((self.command, self.path, body))
        status, content_type, payload = type(self).routes.get((self.command, self.path), (404, "application/json", b""))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer


def json_answer(status, data):
    return (status, "application/json", json.dumps(data).encode())


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeManager)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.url = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        FakeManager.routes = {}
        FakeManager.received = []
        self.client = client.ManagerClient(self.url, timeout=5)

    def test_version_of_a_tablao_manager(self):
        FakeManager.routes[("GET", "/api/v3/version")] = json_answer(200, {
            "name": "Studio Farm", "version": "3.9 (Tablao 0.1.0)", "shortversion": "3.9", "git": "0.1.0"})
        info = self.client.version()
        self.assertEqual(info.name, "Studio Farm")
        self.assertTrue(info.is_tablao)
        level, message = client.describe_connection(self.client, (0, 1, 0))
        self.assertEqual(level, "INFO")
        self.assertIn("Studio Farm", message)
        self.assertIn("3.9 (Tablao 0.1.0)", message)

    def test_a_different_tablao_version_suggests_the_matching_addon(self):
        FakeManager.routes[("GET", "/api/v3/version")] = json_answer(200, {
            "name": "Farm", "version": "3.9 (Tablao 0.2.0)", "shortversion": "3.9", "git": "0.2.0"})
        level, message = client.describe_connection(self.client, (0, 1, 0))
        self.assertEqual(level, "WARNING")
        self.assertIn("/tablao-addon.zip", message)

    def test_too_old_manager(self):
        FakeManager.routes[("GET", "/api/v3/version")] = json_answer(200, {
            "name": "Old", "version": "3.2", "shortversion": "3.2"})
        level, message = client.describe_connection(self.client, (0, 1, 0))
        self.assertEqual(level, "ERROR")
        self.assertIn("too old", message)
        self.assertIn("3.3", message)

    def test_not_a_manager(self):
        FakeManager.routes[("GET", "/api/v3/version")] = (200, "text/html", b"<html>hello</html>")
        with self.assertRaises(client.ManagerError) as caught:
            self.client.version()
        self.assertIn("does not look like a Tablao or Flamenco manager", str(caught.exception))
        # A web server without the route at all.
        FakeManager.routes = {}
        with self.assertRaises(client.ManagerError) as caught:
            self.client.version()
        self.assertEqual(caught.exception.status, 404)
        self.assertIn("Tablao or Flamenco", str(caught.exception))

    def test_json_without_version(self):
        FakeManager.routes[("GET", "/api/v3/version")] = json_answer(200, {"hello": "world"})
        level, message = client.describe_connection(self.client, (0, 1, 0))
        self.assertEqual(level, "ERROR")
        self.assertIn("no version", message)

    def test_unreachable(self):
        # A port nothing listens on: the server's port after it is closed.
        server = ThreadingHTTPServer(("127.0.0.1", 0), FakeManager)
        port = server.server_address[1]
        server.server_close()
        level, message = client.describe_connection(client.ManagerClient(f"127.0.0.1:{port}", timeout=2), (0, 1, 0))
        self.assertEqual(level, "ERROR")
        self.assertIn("Cannot reach the manager", message)
        self.assertIn(f"http://127.0.0.1:{port}", message)

    def test_no_url(self):
        with self.assertRaises(client.ManagerError) as caught:
            client.ManagerClient("  ").version()
        self.assertIn("preferences", str(caught.exception))
        with self.assertRaises(client.ManagerError):
            client.ManagerClient("ftp://x").version()

    def test_job_types_cached_with_their_etag(self):
        FakeManager.routes[("GET", "/api/v3/jobs/types")] = json_answer(200, {"job_types": [
            {"name": "a", "label": "A", "etag": "1", "settings": []},
            {"name": "b", "label": "B", "etag": "2", "settings": []}]})
        cache = client.JobTypeCache()
        self.assertEqual(self.client.refresh_job_types(cache), ["a", "b"])
        self.assertEqual(cache.etag("b"), "2")
        FakeManager.routes[("GET", "/api/v3/jobs/types")] = json_answer(200, {"job_types": [
            {"name": "a", "label": "A", "etag": "1", "settings": []},
            {"name": "b", "label": "B", "etag": "3", "settings": []}]})
        self.assertEqual(self.client.refresh_job_types(cache), ["b"])
        restored = client.JobTypeCache.from_json(cache.to_json())
        self.assertEqual(restored.etag("b"), "3")
        self.assertEqual(restored.names(), ["a", "b"])
        self.assertEqual(client.JobTypeCache.from_json("not json").names(), [])

    def test_check_and_submit(self):
        FakeManager.routes[("POST", "/api/v3/jobs/check")] = (204, "application/json", b"")
        FakeManager.routes[("POST", "/api/v3/jobs")] = json_answer(200, {"id": "abc-123", "name": "shot"})
        job = {"name": "shot", "type": "a", "priority": 50, "submitter_platform": "linux", "settings": {"x": 1}}
        self.client.check_job(job)
        answer = self.client.submit_job(job)
        self.assertEqual(answer["id"], "abc-123")
        self.assertEqual(json.loads(FakeManager.received[-1][2]), job)
        self.assertEqual(self.client.job_url("abc-123"), f"{self.url}/jobs/abc-123")

    def test_outdated_job_type_and_refusal(self):
        FakeManager.routes[("POST", "/api/v3/jobs/check")] = json_answer(412, {"code": 412, "message": "etag"})
        with self.assertRaises(client.JobTypeOutdated) as caught:
            self.client.check_job({})
        self.assertIn("refresh the job types", str(caught.exception))
        FakeManager.routes[("POST", "/api/v3/jobs")] = json_answer(400, {"code": 400, "message": 'setting "frames" is required'})
        with self.assertRaises(client.JobRefused) as refused:
            self.client.submit_job({})
        self.assertIn('setting "frames" is required', str(refused.exception))

    def test_other_errors_carry_the_managers_message(self):
        FakeManager.routes[("GET", "/api/v3/jobs/types")] = json_answer(500, {"code": 500, "message": "database is locked"})
        with self.assertRaises(client.ManagerError) as caught:
            self.client.job_types()
        self.assertIn("database is locked", str(caught.exception))

    def test_variables_in_either_shape(self):
        FakeManager.routes[("GET", "/api/v3/configuration/variables/users/linux")] = json_answer(200, {
            "jobs": {"value": "/srv/jobs", "is_twoway": False}, "render": {"value": "/render", "is_twoway": True}})
        self.assertEqual(self.client.variables("linux")["render"]["value"], "/render")
        FakeManager.routes[("GET", "/api/v3/configuration/variables/users/linux")] = json_answer(200, {
            "variables": {"render": {"value": "/r", "is_twoway": True}}})
        self.assertEqual(set(self.client.variables("linux")), {"render"})

    def test_parse_version(self):
        self.assertEqual(client.parse_version("3.9"), (3, 9))
        self.assertEqual(client.parse_version("3.8.5-beta1"), (3, 8, 5))
        self.assertIsNone(client.parse_version("beta"))


if __name__ == "__main__":
    unittest.main()
