# SPDX-License-Identifier: GPL-3.0-or-later
"""Tablao: submit renders from Blender to a Tablao (or Flamenco 3) render farm."""

bl_info = {
    "name": "Tablao",
    "author": "Tablao",
    "version": (0, 1, 0),
    "blender": (3, 1, 0),
    "description": "Submit render jobs to a Tablao render farm",
    "location": "Output Properties > Tablao",
    "category": "Render",
    "support": "COMMUNITY",
}

# The pure modules (client, form, evaluation, packing) import without Blender; the Blender
# side is loaded only when Blender registers the add-on.


def register() -> None:
    from . import blender

    blender.register()


def unregister() -> None:
    from . import blender

    blender.unregister()
