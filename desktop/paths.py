"""Where things live: read-only shipped data apart from the user's own data.

Shipped data (resources/, policies.db) sits next to the package in a checkout, or inside the
PyInstaller bundle; it is never written at run time. The user's profiles, history, settings and
caches go to the platform's user-data folders (platformdirs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "PolicyDesk"
APP_AUTHOR = "BeijingFIC"


def app_root() -> Path:
    """The folder holding resources/ and policies.db (the bundle folder when frozen)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return app_root() / "resources"


def bundled_db_path() -> Path:
    return app_root() / "policies.db"


def user_data_dir() -> Path:
    override = os.environ.get("POLICY_DESK_DATA")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    return path


def user_cache_dir() -> Path:
    override = os.environ.get("POLICY_DESK_CACHE")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def active_db_path() -> Path:
    """The database the app reads: an imported data pack if one is installed, else the bundled one."""
    override = os.environ.get("POLICY_DESK_DB")
    if override:
        return Path(override)
    installed = user_data_dir() / "data" / "policies.db"
    return installed if installed.exists() else bundled_db_path()
