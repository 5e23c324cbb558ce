"""Data packs: the policy database shipped as one signed, versioned, checksummed file (Qt-free).

``policy-desk build --pack OUT.pdpack --sign-key PRIVATE.pem [--previous OLD.pdpack]`` writes one;
``policy-desk import-pack FILE`` and :func:`import_pack` (what the GUI calls) install one;
``policy-desk restore-bundled`` and :func:`restore_bundled` go back to the data shipped with the
program. The work is split by job:

* desktop/datapack_format.py  — the file: manifest, bounded reading, changelog as plain text;
* desktop/datapack_signing.py — Ed25519 keys and signatures, the trusted keys;
* desktop/datapack_build.py   — building and signing a pack;
* desktop/datapack_checks.py  — what a database must pass before it is installed;
* desktop/datapack_install.py — verifying, installing, trust of the installed data, restoring.

This module gathers their public names for callers (the GUI, the command line, the tests).
See docs/security.md for what a pack can and cannot do.
"""

from __future__ import annotations

from desktop.datapack_build import build_pack, measure_changes, write_pack
from desktop.datapack_format import (DB_NAME, MANIFEST_NAME, PACK_SUFFIX, Manifest, PackError, format_changelog,
                                     plain_text, read_manifest)
from desktop.datapack_install import (ImportResult, current_data_version, import_pack, installed_manifest,
                                      restore_bundled, trusted_installed_version, verify_pack)
from desktop.library.schema import read_data_version
from desktop.paths import bundled_db_path, installed_db_path, parse_data_version

__all__ = [
    "DB_NAME", "MANIFEST_NAME", "PACK_SUFFIX", "ImportResult", "Manifest", "PackError", "build_pack",
    "bundled_db_path", "current_data_version", "format_changelog", "import_pack", "installed_db_path",
    "installed_manifest", "measure_changes", "parse_data_version", "plain_text", "read_data_version",
    "read_manifest", "restore_bundled", "trusted_installed_version", "verify_pack", "write_pack",
]
