"""Which database the app reads: the bundled one, or an installed data pack whose signed record
checks out. Kept apart from installing so that opening the data (desktop.service) needs only the
format and signature checks, not the installer."""

from __future__ import annotations

import json
import os
from pathlib import Path

from desktop.datapack_format import MANIFEST_NAME, MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES, Manifest, PackError, sha256_file
from desktop.datapack_signing import SIGNATURE_NAME, SigningError, verify_manifest
from desktop import paths  # looked up at call time, so the tests can point it at their own folders
from desktop.library.schema import read_data_version
from desktop.paths import parse_data_version


def _record_paths(target: Path) -> tuple[Path, Path]:
    return target.with_name(MANIFEST_NAME), target.with_name(SIGNATURE_NAME)


def trusted_installed_version(target: Path | None = None) -> str | None:
    """The data version of the installed database if its signed record checks out, else None.

    The record is the pack's manifest and signature, kept beside the database: the signature must
    verify with a trusted key and the database must still match the manifest's size and SHA-256.
    """
    target = Path(target) if target else paths.installed_db_path()
    manifest_path, signature_path = _record_paths(target)
    try:
        if not target.is_file():
            return None
        raw = manifest_path.read_bytes()[: MAX_MANIFEST_BYTES + 1]
        signature = signature_path.read_bytes()[: MAX_SIGNATURE_BYTES + 1]
        verify_manifest(raw, signature)
        manifest = Manifest.from_json(json.loads(raw.decode("utf-8")))
        if target.stat().st_size != manifest.size or sha256_file(target) != manifest.sha256:
            return None
    except (OSError, ValueError, RecursionError, SigningError, PackError):
        return None
    return manifest.data_version


def active_db_path() -> Path:
    """The database the app reads: the trusted imported data pack or the bundled one, whichever is newer.

    An app upgrade that ships newer data is therefore not shadowed by an old pack; an installed
    pack that cannot be read, or whose signed record does not check out, is ignored (the bundled
    data still works). On equal versions the bundled database wins.
    """
    override = os.environ.get("POLICY_DESK_DB")
    if override:
        return Path(override)
    bundled = paths.bundled_db_path()
    installed = paths.installed_db_path()
    try:
        installed_version = parse_data_version(trusted_installed_version(installed))
    except ValueError:
        return bundled
    bundled_version = version_key(bundled)
    if bundled_version is None or installed_version > bundled_version:
        return installed
    return bundled


def version_key(path: Path) -> tuple[int, ...] | None:
    """The data version of the database at ``path`` as numbers, or None if it has none."""
    try:
        return parse_data_version(read_data_version(path))
    except ValueError:
        return None
