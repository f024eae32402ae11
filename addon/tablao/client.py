# SPDX-License-Identifier: GPL-3.0-or-later
"""Talking to a Tablao (or Flamenco 3) manager over its /api/v3 HTTP API.

Standard library only (urllib), no bpy: every failure an artist can meet ends as a
ManagerError whose message says what happened and what to do about it.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

# The oldest Flamenco API this add-on works with: worker tags came with Flamenco 3.3.
MIN_API_VERSION = (3, 3)

DEFAULT_TIMEOUT = 10.0


class ManagerError(Exception):
    """A failure talking to the manager, with a message meant for the artist."""

    def __init__(self, message: str, status: Optional[int] = None, body: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body

    def __str__(self) -> str:
        return self.message


class JobTypeOutdated(ManagerError):
    """The job type changed on the manager since it was fetched (HTTP 412)."""


class JobRefused(ManagerError):
    """The manager refused the job (HTTP 400): bad settings or the script threw."""


@dataclass
class ManagerVersion:
    name: str
    version: str
    shortversion: str
    git: str = ""

    @property
    def is_tablao(self) -> bool:
        return "tablao" in self.version.lower()

    def describe(self) -> str:
        return f"{self.name} (version {self.version})"


@dataclass
class JobTypeCache:
    """Job types as last fetched, each with the etag the submission must carry."""

    job_types: list[dict[str, Any]] = field(default_factory=list)

    def names(self) -> list[str]:
        return [str(t.get("name", "")) for t in self.job_types]

    def get(self, name: str) -> Optional[dict[str, Any]]:
        for job_type in self.job_types:
            if job_type.get("name") == name:
                return job_type
        return None

    def etag(self, name: str) -> str:
        job_type = self.get(name)
        return str(job_type.get("etag", "")) if job_type else ""

    def replace(self, job_types: list[dict[str, Any]]) -> list[str]:
        """Takes a new list; answers the names whose etag changed or that are new."""
        old = {str(t.get("name")): t.get("etag") for t in self.job_types}
        self.job_types = list(job_types)
        return [str(t.get("name")) for t in job_types if old.get(str(t.get("name"))) != t.get("etag")]

    def to_json(self) -> str:
        return json.dumps({"job_types": self.job_types}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "JobTypeCache":
        try:
            data = json.loads(text)
        except ValueError:
            return cls()
        types = data.get("job_types") if isinstance(data, dict) else None
        if not isinstance(types, list):
            return cls()
        return cls([t for t in types if isinstance(t, dict) and isinstance(t.get("name"), str)])


def parse_version(text: str) -> Optional[tuple[int, ...]]:
    """'3.9' → (3, 9); '3.8.5-beta' → (3, 8, 5); None when it is not a version."""
    parts = []
    for piece in text.strip().split("."):
        digits = ""
        for char in piece:
            if not char.isdigit():
                break
            digits += char
        if digits == "":
            break
        parts.append(int(digits))
    return tuple(parts) if parts else None


def normalise_url(url: str) -> str:
    """The manager's base URL: scheme added when missing, no trailing slash."""
    url = url.strip()
    if url and "://" not in url:
        url = "http://" + url
    return url.rstrip("/")


Opener = Callable[..., Any]


class ManagerClient:
    """One manager, by its base URL (e.g. http://render-manager:8080)."""

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT, opener: Optional[Opener] = None) -> None:
        self.url = normalise_url(url)
        self.timeout = timeout
        self._open = opener or urllib.request.urlopen

    # -- plumbing ---------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, raw: Any = None,
                headers: Optional[dict[str, str]] = None) -> tuple[int, Any]:
        """(status, decoded JSON or None); ManagerError for anything that is not 2xx."""
        if not self.url:
            raise ManagerError("No manager URL is set: enter it in the Tablao add-on's preferences")
        parsed = urllib.parse.urlsplit(self.url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ManagerError(f"{self.url!r} is not a manager URL; it should look like http://render-manager:8080")
        data = raw
        all_headers = {"Accept": "application/json", "User-Agent": "tablao-blender-addon"}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        try:
            with self._open(req, timeout=self.timeout) as response:
                status = response.status
                payload = response.read()
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            payload = error.read() if error.fp is not None else b""
            raise self._http_error(error.code, payload, method, path) from None
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ManagerError(
                f"Cannot reach the manager at {self.url} ({reason}). "
                "Check the URL in the add-on's preferences and that the manager is running."
            ) from None
        if not payload:
            return status, None
        if "json" not in content_type:
            raise ManagerError(
                f"{self.url} answered {path} with {content_type or 'something'} instead of JSON: "
                "it does not look like a Tablao or Flamenco manager"
            )
        try:
            return status, json.loads(payload.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise ManagerError(f"{self.url} answered {path} with JSON it cannot read: is it a Tablao or Flamenco manager?") from None

    def _http_error(self, status: int, payload: bytes, method: str, path: str) -> ManagerError:
        message = ""
        body: Any = None
        try:
            body = json.loads(payload.decode("utf-8")) if payload else None
        except (ValueError, UnicodeDecodeError):
            body = None
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            message = body["message"].strip()
        if status == 412:
            return JobTypeOutdated(
                "The job type changed on the manager since it was fetched: refresh the job types "
                "(the refresh button in the Tablao panel), check the form and submit again",
                status, body)
        if status == 400 and path.startswith("/api/v3/jobs"):
            return JobRefused(f"The manager refused the job: {message or 'no reason given'}", status, body)
        if status == 404 and not message:
            return ManagerError(
                f"{self.url} has no {path}: it does not look like a Tablao or Flamenco 3 manager", status, body)
        if status == 503 and path.startswith("/api/v3/shaman"):
            return ManagerError("The manager's Shaman file store is not enabled", status, body)
        detail = message or f"HTTP {status}"
        return ManagerError(f"The manager answered {method} {path} with an error: {detail}", status, body)

    def get(self, path: str) -> Any:
        return self.request("GET", path)[1]

    # -- operations -------------------------------------------------------------------

    def version(self) -> ManagerVersion:
        """The manager's name and version; refuses what is not a usable manager."""
        data = self.get("/api/v3/version")
        if not isinstance(data, dict) or not isinstance(data.get("shortversion"), str):
            raise ManagerError(f"{self.url} answered, but not as a Tablao or Flamenco manager does (no version)")
        info = ManagerVersion(
            name=str(data.get("name") or "Manager"),
            version=str(data.get("version") or data["shortversion"]),
            shortversion=data["shortversion"],
            git=str(data.get("git") or ""),
        )
        parsed = parse_version(info.shortversion)
        if parsed is None:
            raise ManagerError(f"{self.url} gives version {info.shortversion!r}, which this add-on does not understand")
        if parsed < MIN_API_VERSION:
            needed = ".".join(str(n) for n in MIN_API_VERSION)
            raise ManagerError(
                f"{info.name} speaks the Flamenco {info.shortversion} API, which is too old for this add-on "
                f"(it needs {needed} or newer): upgrade the manager")
        return info

    def shared_storage(self, platform: str) -> dict[str, Any]:
        data = self.get(f"/api/v3/configuration/shared-storage/users/{urllib.parse.quote(platform)}")
        if not isinstance(data, dict):
            raise ManagerError("The manager's shared storage answer cannot be read")
        return data

    def variables(self, platform: str, audience: str = "users") -> dict[str, dict[str, Any]]:
        data = self.get(f"/api/v3/configuration/variables/{urllib.parse.quote(audience)}/{urllib.parse.quote(platform)}")
        if not isinstance(data, dict):
            return {}
        # Flamenco answers {"variables": {...}}; Tablao answers the mapping itself.
        mapping = data.get("variables") if isinstance(data.get("variables"), dict) else data
        return {k: v for k, v in mapping.items() if isinstance(v, dict) and isinstance(v.get("value"), str)}

    def job_types(self) -> list[dict[str, Any]]:
        data = self.get("/api/v3/jobs/types")
        types = data.get("job_types") if isinstance(data, dict) else None
        if not isinstance(types, list):
            raise ManagerError("The manager's list of job types cannot be read")
        return [t for t in types if isinstance(t, dict) and isinstance(t.get("name"), str)]

    def refresh_job_types(self, cache: JobTypeCache) -> list[str]:
        """Fetches the job types into `cache`; answers the names that are new or changed."""
        return cache.replace(self.job_types())

    def worker_tags(self) -> list[dict[str, Any]]:
        data = self.get("/api/v3/worker-mgt/tags")
        tags = data.get("tags") if isinstance(data, dict) else None
        return [t for t in tags or [] if isinstance(t, dict) and isinstance(t.get("id"), str)]

    def check_job(self, job: dict[str, Any]) -> None:
        """Raises JobTypeOutdated / JobRefused / ManagerError when the job would not be accepted."""
        self.request("POST", "/api/v3/jobs/check", job)

    def submit_job(self, job: dict[str, Any]) -> dict[str, Any]:
        status, data = self.request("POST", "/api/v3/jobs", job)
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ManagerError(f"The manager accepted the job (HTTP {status}) but did not say its id")
        return data

    def job_url(self, job_id: str) -> str:
        """Where the studio shows the job."""
        return f"{self.url}/jobs/{urllib.parse.quote(job_id)}"

    # -- Shaman -----------------------------------------------------------------------

    def shaman_requirements(self, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        data = self.request("POST", "/api/v3/shaman/checkout/requirements", {"files": files})[1]
        return list(data.get("files") or []) if isinstance(data, dict) else []

    def shaman_upload(self, checksum: str, size: int, content: Any, filename: str = "", can_defer: bool = False) -> int:
        """Sends one file (bytes or a binary file object of `size` bytes); 204 stored, 208 known."""
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
        if filename:
            headers["X-Shaman-Original-Filename"] = _rfc2047(filename)
        if can_defer:
            headers["X-Shaman-Can-Defer-Upload"] = "true"
        return self.request("POST", f"/api/v3/shaman/files/{checksum}/{size}", raw=content, headers=headers)[0]

    def shaman_checkout(self, files: list[dict[str, Any]], checkout_path: str) -> str:
        data = self.request("POST", "/api/v3/shaman/checkout/create", {"files": files, "checkoutPath": checkout_path})[1]
        if not isinstance(data, dict) or not isinstance(data.get("checkoutPath"), str):
            raise ManagerError("The manager made the Shaman checkout but did not say where")
        return data["checkoutPath"]


def _rfc2047(name: str) -> str:
    """A file name for a header: as it is when ASCII, else RFC 2047 encoded (as Flamenco's add-on sends it)."""
    try:
        name.encode("ascii")
        return name
    except UnicodeEncodeError:
        import base64

        return "=?utf-8?b?" + base64.b64encode(name.encode("utf-8")).decode("ascii") + "?="


def describe_connection(client: ManagerClient, addon_version: tuple[int, ...]) -> tuple[str, str]:
    """For "Test connection": (level, message), level INFO / WARNING / ERROR; never raises."""
    try:
        info = client.version()
    except ManagerError as error:
        return "ERROR", error.message
    message = f"Connected to {info.describe()}"
    if info.is_tablao:
        mine = ".".join(str(n) for n in addon_version)
        theirs = info.git or ""
        if theirs and parse_version(theirs) is not None and parse_version(theirs) != addon_version:
            return "WARNING", (f"{message}; this add-on is version {mine}: install the matching one from "
                               f"{client.url}/tablao-addon.zip")
    return "INFO", message
