# SPDX-License-Identifier: GPL-3.0-or-later
"""Sending files through the manager's Shaman store (for studios whose artists cannot reach
the shared storage): ask which files (by SHA-256 and size) the manager lacks, upload only
those, then ask for a checkout — the job's folder made of links to the stored files.

No bpy here; `send` takes the client, so it is tested against a stand-in manager.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from typing import Callable, Optional

from .client import ManagerClient, ManagerError

CHUNK = 1 << 20


@dataclass
class ShamanFile:
    path: str  # inside the checkout, `/`-separated
    source: str  # on this computer
    sha: str
    size: int

    def spec(self) -> dict:
        return {"sha": self.sha, "size": self.size, "path": self.path}


def checksum(path: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        while True:
            block = file.read(CHUNK)
            if not block:
                break
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def shaman_files(placements: list[tuple[str, str]]) -> list[ShamanFile]:
    """(source, path in the checkout) pairs, with each file's checksum and size."""
    files = []
    for source, target in placements:
        sha, size = checksum(source)
        files.append(ShamanFile(path=target, source=source, sha=sha, size=size))
    return files


def send(
    client: ManagerClient,
    files: list[ShamanFile],
    checkout_path: str,
    progress: Callable[[str], None] = lambda _: None,
    sleep: Callable[[float], None] = time.sleep,
    max_rounds: int = 50,
) -> str:
    """Uploads what the manager lacks and makes the checkout; answers the checkout path the
    manager used (it may add a suffix to make it unique)."""
    specs = [f.spec() for f in files]
    by_content = {(f.sha, f.size): f for f in files}
    for round_number in range(max_rounds):
        wanted = client.shaman_requirements(specs)
        if not wanted:
            break
        uploaded = 0
        waiting = 0
        done: set[tuple[str, int]] = set()
        for item in wanted:
            key = (str(item.get("sha")), int(item.get("size", -1)))
            if key in done:
                continue
            done.add(key)
            file = by_content.get(key)
            if file is None:
                raise ManagerError(f"The manager asked for a file this submission does not have ({key[0][:12]}…)")
            if item.get("status") == "uploading":
                waiting += 1  # someone else sends it; ask again later
                continue
            progress(f"Uploading {os.path.basename(file.source)}")
            if _upload(client, file, can_defer=round_number == 0):
                uploaded += 1
            else:
                waiting += 1
        if uploaded == 0 and waiting:
            sleep(min(5.0, 0.2 * (round_number + 1)))
    else:
        raise ManagerError("The files could not all be sent to the manager's Shaman store; submit again")
    progress("Making the job's folder")
    return client.shaman_checkout(specs, checkout_path)


def _upload(client: ManagerClient, file: ShamanFile, can_defer: bool) -> bool:
    """True when the manager has the file now; False when it asked to wait (another upload)."""
    try:
        with open(file.source, "rb") as content:
            client.shaman_upload(file.sha, file.size, content, os.path.basename(file.source), can_defer=can_defer)
    except ManagerError as error:
        if error.status == 425:
            return False
        if error.status == 417:
            raise ManagerError(f"The manager received {file.source} with another checksum or size than announced "
                               "(did it change while being sent?); submit again", 417) from None
        raise
    return True


def checkout_name(folder: str) -> str:
    """A checkout path the manager accepts: no `?*:;{}\\`, not starting with `/`."""
    cleaned = "".join("_" if c in '?*:;{}\\' else c for c in folder).lstrip("/")
    return cleaned or "job"


def blendfile_on_farm(checkout: str, blend_target: str, jobs_variable: Optional[str] = "jobs") -> str:
    """The blend file as the job names it: `{jobs}/<checkout>/<path>`; each worker expands `{jobs}`."""
    return "{" + (jobs_variable or "jobs") + "}/" + checkout.strip("/") + "/" + blend_target
