"""The test signing key: tests sign their data packs with tests/keys/test-signing.pem, and trust its
public key the way a site trusts its own (a copy in <user data>/trusted_keys/). The program itself
ships only the project key in resources/keys/, so a test pack is refused anywhere else."""

from __future__ import annotations

import shutil
from pathlib import Path

KEYS = Path(__file__).resolve().parent / "keys"
TEST_SIGN_KEY = KEYS / "test-signing.pem"
TEST_PUBLIC_KEY = KEYS / "test-signing.pub"


def trust_test_key(data_dir: Path) -> Path:
    """Add the test public key to the site keys of the user-data folder ``data_dir``."""
    folder = Path(data_dir) / "trusted_keys"
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(TEST_PUBLIC_KEY, folder / TEST_PUBLIC_KEY.name))
