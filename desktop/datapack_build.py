"""Building data packs (Qt-free): ``policy-desk build --pack OUT --sign-key PRIVATE [--previous OLD]``.

The database is built from resources/ (or given), compared with the previous pack for the
changelog, described in a manifest, signed, and written as one zip, atomically.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from collections.abc import Iterator

from desktop.atomic import atomic_target
from desktop.datapack_format import (DB_NAME, MANIFEST_NAME, Manifest, PackError, extract_verified, read_manifest,
                                     sha256_file)
from desktop.datapack_signing import SIGNATURE_NAME, SigningError, load_private_key, sign_manifest
from desktop.library.schema import measure_summaries, read_meta
from desktop.paths import parse_data_version

# --------------------------------------------------------------------------- changelog


def _day(text: str | None) -> str | None:
    return text[:10] if isinstance(text, str) and len(text) >= 10 else None


def measure_changes(new_db: Path, old_db: Path | None, build_date: str, old_build_date: str | None = None) -> dict[str, Any]:
    """Measures added, changed (which fields), removed and expired between two databases.

    "Expired" lists measures of the new database whose ``valid_to`` has passed on the build date
    and had not yet passed on the previous build date (with no previous pack: all that have
    passed).
    """
    new = measure_summaries(new_db)
    old = measure_summaries(old_db) if old_db is not None else {}
    today = _day(build_date) or dt.date.today().isoformat()
    before = _day(old_build_date) if old_db is not None else None

    def item(mid: str, m: dict) -> dict[str, Any]:
        return {"id": mid, "title": m["title"]}

    added = [item(i, new[i]) for i in sorted(new) if i not in old]
    removed = [item(i, old[i]) for i in sorted(old) if i not in new]
    changed = []
    for i in sorted(set(new) & set(old)):
        a, b = old[i]["record"], new[i]["record"]
        if a != b:
            fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            changed.append({**item(i, new[i]), "fields": fields})
    expired = []
    for i in sorted(new):
        end = _day(new[i]["valid_to"])
        if end and end < today and not (before and end < before):
            expired.append({**item(i, new[i]), "valid_to": new[i]["valid_to"]})
    return {
        "since": None,
        "added": added,
        "changed": changed,
        "removed": removed,
        "expired": expired,
    }


# --------------------------------------------------------------------------- building


def _read_meta(db: Path) -> dict[str, str]:
    from desktop.library.db import LibraryError, connect_readonly

    try:
        conn = connect_readonly(db)
    except LibraryError as exc:
        raise PackError(str(exc)) from None
    try:
        return read_meta(conn)
    finally:
        conn.close()


@contextmanager
def _previous_db(previous: Path | None) -> Iterator[tuple[Path | None, dict[str, str]]]:
    """The database of the previous pack (or a previous policies.db) and its meta."""
    if previous is None:
        yield None, {}
        return
    previous = Path(previous)
    if not previous.is_file():
        raise PackError(f"找不到上一版数据包：{previous}")
    if not zipfile.is_zipfile(previous):
        yield previous, _read_meta(previous)
        return
    with tempfile.TemporaryDirectory(prefix="policy-desk-pack-") as tmp:
        manifest = read_manifest(previous, trusted=False)  # only feeds the changelog
        db = Path(tmp) / DB_NAME
        extract_verified(previous, manifest, db)
        yield db, _read_meta(db)


def write_pack(db: Path, out: Path, previous: Path | None = None, sign_key: Path | None = None) -> Manifest:
    """Pack the database ``db`` into ``out`` (written atomically), with a changelog against ``previous``,
    signed with the private key file ``sign_key``."""
    db, out = Path(db), Path(out)
    if sign_key is None:
        raise PackError("生成数据包需要签名私钥（--sign-key 私钥.pem）：未签名的数据包无法被导入。")
    try:
        private = load_private_key(Path(sign_key))
    except SigningError as exc:
        raise PackError(str(exc)) from None
    meta = _read_meta(db)
    version = meta.get("data_version", "")
    try:
        parse_data_version(version)
    except ValueError:
        raise PackError(f"数据库的数据版本号无效（{version!r}）：应为 2026.11.1 这样的数字。") from None
    with _previous_db(previous) as (old_db, old_meta):
        changelog = measure_changes(db, old_db, meta.get("build_date", ""), old_meta.get("build_date"))
        changelog["since"] = old_meta.get("data_version") if old_db is not None else None
    if changelog["since"]:
        try:
            if parse_data_version(changelog["since"]) >= parse_data_version(version):
                raise PackError(f"新数据包的版本 {version} 不高于上一版 {changelog['since']}：请先提高 resources/DATA_VERSION。")
        except ValueError:
            pass
    manifest = Manifest(
        data_version=version,
        build_date=meta.get("build_date", ""),
        sources_hash=meta.get("sources_hash", ""),
        sha256=sha256_file(db),
        size=db.stat().st_size,
        app_version=meta.get("app_version", ""),
        counts={k: int(meta[k]) for k in ("documents", "sections", "measures") if str(meta.get(k, "")).isdigit()},
        changelog=changelog,
        created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    )
    manifest.raw = (json.dumps(manifest.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    manifest.signature = sign_manifest(manifest.raw, private)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # A file to hand on, not a private one (mkstemp makes 0600).
        with atomic_target(out, mode=0o644) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
                zf.writestr(MANIFEST_NAME, manifest.raw)
                zf.writestr(SIGNATURE_NAME, manifest.signature)
                zf.write(db, DB_NAME)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise PackError(f"磁盘空间不足，无法写入数据包 {out.name}。原文件未被改动。") from None
        raise PackError(f"无法写入数据包 {out}：{exc.strerror or exc}。原文件未被改动。") from None
    return manifest


def build_pack(out: Path, previous: Path | None = None, root: Path | None = None,
               db_out: Path | None = None, build_date: str | None = None,
               sign_key: Path | None = None) -> Manifest:
    """Build the database from ``root``/resources and pack it (``policy-desk build --pack``).

    The database is also kept at ``db_out`` when given; otherwise it is built in a temporary folder.
    """
    from desktop.build import build_database

    if sign_key is None:  # before the minutes the build takes
        raise PackError("生成数据包需要签名私钥（--sign-key 私钥.pem）：未签名的数据包无法被导入。")
    with tempfile.TemporaryDirectory(prefix="policy-desk-build-") as tmp:
        db = Path(db_out) if db_out else Path(tmp) / DB_NAME
        build_database(db, root, build_date=build_date)
        return write_pack(db, out, previous, sign_key)
