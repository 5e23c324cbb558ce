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


def installed_db_path() -> Path:
    """Where an imported data pack is installed (desktop.datapack.import_pack writes it)."""
    return user_data_dir() / "data" / "policies.db"


def parse_data_version(text: object) -> tuple[int, ...]:
    """"2026.11.1" → (2026, 11, 1), so versions compare as numbers; ValueError if not that form."""
    if not isinstance(text, str):
        raise ValueError(f"invalid data version: {text!r}")
    parts = text.strip().split(".")
    if not parts or len(parts) > 8 or not all(p.isascii() and p.isdigit() and len(p) <= 9 for p in parts):
        raise ValueError(f"invalid data version: {text!r}")
    return tuple(int(p) for p in parts)


def sqlite_readonly_uri(path: Path) -> str:
    """A read-only SQLite URI for ``path``, percent-encoded (a folder named "R&D #2" or "50%" works)."""
    return Path(path).resolve().as_uri() + "?mode=ro"
