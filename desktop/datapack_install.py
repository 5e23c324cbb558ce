"""Installing data packs (Qt-free): verify, probe, swap in atomically, or go back to the bundled data.

Importing never damages the data in use: the pack's signature and manifest are checked, its
database is extracted to a temporary file beside the installed one (desktop/atomic.py), its
checksum verified and its contents probed (desktop/datapack_checks.py), and only then is it
renamed over the old file. Beside it goes the signed manifest, which makes it trusted: an
installed database whose record does not check out is ignored (the bundled data is used). A
pack that is unsigned, untrusted, corrupt, tampered with, not newer than the trusted data in use,
or unusable by this program is refused with a message in Chinese, and nothing on disk changes.
On Windows the old database cannot be replaced while it is open: the GUI closes its
:class:`desktop.service.PolicyData` before calling :func:`import_pack` and reopens it after.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.atomic import WriteError, atomic_target, write_bytes_atomic
from desktop.datapack_format import (DB_NAME, Manifest,
                                     PackError, extract_verified, read_manifest)
from desktop.datapack_trust import _record_paths, trusted_installed_version
from desktop.library.schema import read_data_version, read_meta
from desktop.paths import bundled_db_path, installed_db_path, parse_data_version


@dataclass
class ImportResult:
    """What :func:`import_pack` installed."""

    data_version: str
    previous_version: str | None
    db_path: Path
    manifest: Manifest

    @property
    def changelog(self) -> dict[str, Any]:
        return self.manifest.changelog

    def summary(self) -> str:
        log = self.changelog
        parts = [f"{label} {len(log[key]) if isinstance(log.get(key), list) else 0} 条" for key, label in
                 (("added", "新增"), ("changed", "修改"), ("removed", "删除"), ("expired", "到期"))]
        before = f"（原为 {self.previous_version}）" if self.previous_version else ""
        return f"已导入数据包，政策数据版本更新为 {self.data_version}{before}：" + "，".join(parts) + "。"


def _check_database(db: Path, manifest: Manifest) -> None:
    """The extracted database is sound, carries the manifest's version and works in this program
    (desktop.datapack_checks); PackError otherwise."""
    from desktop.datapack_checks import ProbeError, check_integrity, check_meta, probe_database
    from desktop.library.db import LibraryError, connect_readonly

    try:
        conn = connect_readonly(db)
    except LibraryError:
        raise PackError("数据包中的数据库无法打开或不完整，未导入。未做任何更改。") from None
    try:
        check_integrity(conn)
        meta = read_meta(conn)
        check_meta(meta, manifest.data_version)
    except ProbeError as exc:
        raise PackError(f"{exc}未做任何更改。") from None
    except sqlite3.DatabaseError:
        raise PackError("数据包中的数据库已损坏，未导入。未做任何更改。") from None
    finally:
        conn.close()
    try:
        probe_database(db)
    except ProbeError as exc:
        raise PackError(f"{exc}未做任何更改。") from None
    except sqlite3.DatabaseError:
        raise PackError("数据包中的数据库已损坏，未导入。未做任何更改。") from None


def verify_pack(path: Path, workdir: Path | None = None) -> Manifest:
    """Fully check a pack (manifest, checksum, database) without installing it."""
    manifest = read_manifest(path)
    with tempfile.TemporaryDirectory(prefix="policy-desk-verify-", dir=workdir) as tmp:
        db = Path(tmp) / DB_NAME
        extract_verified(Path(path), manifest, db)
        _check_database(db, manifest)
    return manifest


def current_data_version(target: Path | None = None) -> str | None:
    """The newest data version among the trusted installed pack (``target``) and the bundled database.

    An installed database without a valid signature record (say, from a program version that did
    not check signatures) does not count: versions only move forward among trusted packs.
    """
    best: tuple[tuple[int, ...], str] | None = None
    for version in (trusted_installed_version(target), read_data_version(bundled_db_path())):
        try:
            key = parse_data_version(version)
        except ValueError:
            continue
        assert version is not None  # parse_data_version refuses None
        if best is None or key > best[0]:
            best = (key, version)
    return best[1] if best else None


def _write_failed(folder: Path, exc: OSError) -> PackError:
    detail = exc.strerror if isinstance(exc, WriteError) else f"无法写入数据文件夹 {folder}：{exc.strerror or exc}。"
    return PackError(f"导入未完成：{detail} 原数据未被改动。")


def import_pack(path: Path, target: Path | None = None) -> ImportResult:
    """Verify the pack at ``path`` and install its database atomically (default: user_data_dir()/data).

    Refuses (PackError, nothing changed) a pack that is unsigned or untrusted, corrupt, fails its
    checksum, is not newer than the trusted data in use, or cannot be used by this program.
    """
    path = Path(path)
    target = Path(target) if target else installed_db_path()
    manifest = read_manifest(path)
    current = current_data_version(target)
    if current is not None:
        try:
            newer = parse_data_version(manifest.data_version) > parse_data_version(current)
        except ValueError:
            newer = True
        if not newer:
            same = parse_data_version(manifest.data_version) == parse_data_version(current)
            word = "与当前数据版本相同" if same else "比当前数据旧"
            raise PackError(f"数据包版本 {manifest.data_version} {word}（当前为 {current}），未导入。"
                            "请使用更新的数据包。")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Extracted and probed beside the target, then renamed over it; a refusal or a failure
        # removes the temporary file (a kill leaves it for desktop/housekeeping.py).
        with atomic_target(target) as tmp:
            extract_verified(path, manifest, tmp)
            _check_database(tmp, manifest)
    except OSError as exc:
        raise _write_failed(target.parent, exc) from None
    # The signed record that makes the installed database trusted (see trusted_installed_version).
    # Were the program killed before it is written, the new database is merely not trusted and
    # the bundled data is used until the pack is imported again.
    manifest_path, signature_path = _record_paths(target)
    try:
        write_bytes_atomic(manifest_path, manifest.raw)
        write_bytes_atomic(signature_path, manifest.signature or b"")
    except OSError as exc:
        raise _write_failed(target.parent, exc) from None
    return ImportResult(manifest.data_version, current, target, manifest)


def restore_bundled(target: Path | None = None) -> str | None:
    """Remove the installed pack so the data shipped with the program is used again ("恢复内置数据").

    Returns the bundled data version. The signature goes first, so a removal cut short leaves an
    untrusted (hence ignored) database, never a trusted half.
    """
    target = Path(target) if target else installed_db_path()
    bundled = read_data_version(bundled_db_path())
    if bundled is None:
        raise PackError("随程序发布的政策数据无法读取，不能恢复内置数据。请重新安装惠企政策通。未做任何更改。")
    manifest_path, signature_path = _record_paths(target)
    try:
        for path in (signature_path, target, manifest_path):
            path.unlink(missing_ok=True)
    except OSError as exc:
        raise PackError(f"无法删除已导入的数据 {target}（可能正被使用）：{exc.strerror or exc}。"
                        "请关闭程序的其他窗口后重试。") from None
    return bundled


def installed_manifest(target: Path | None = None) -> dict[str, Any] | None:
    """The manifest of the installed pack, for an "about the data" view (None if none)."""
    target = Path(target) if target else installed_db_path()
    try:
        return json.loads(target.with_name("manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
