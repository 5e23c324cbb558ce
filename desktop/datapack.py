"""Data packs: the policy database shipped as one versioned, checksummed file (Qt-free).

A pack (``*.pdpack``) is a zip holding ``manifest.json`` and ``policies.db``. The manifest carries
the data version, the build date, the hash of the sources the database was built from, the
SHA-256 of the database and a changelog of measures added / changed / removed / expired since the
previous pack. ``policy-desk build --pack OUT.pdpack [--previous OLD.pdpack]`` writes one;
``policy-desk import-pack FILE`` and :func:`import_pack` (what the GUI calls) install one.

Importing never damages the data in use: the database is extracted to a temporary file beside
the installed one, its checksum and contents are verified, and only then is it moved over the
old file in one ``os.replace``. A pack that is corrupt, tampered with, not newer than the data in
use, or built for an incompatible program is refused with a message in Chinese, and nothing on
disk changes. On Windows the old database cannot be replaced while it is open: the GUI closes its
:class:`desktop.service.PolicyData` before calling :func:`import_pack` and reopens it after.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import time
import unicodedata
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from desktop.atomic import atomic_target, write_bytes_atomic
from desktop.datapack_signing import (SIGNATURE_NAME, SigningError, load_private_key, sign_manifest,
                                      verify_manifest)
from desktop.paths import (bundled_db_path, installed_db_path, parse_data_version, read_data_version,
                           sqlite_readonly_uri)

PACK_FORMAT = "policy-desk-datapack"
PACK_FORMAT_VERSION = 1
PACK_SUFFIX = ".pdpack"
MANIFEST_NAME = "manifest.json"
DB_NAME = "policies.db"
MAX_MANIFEST_BYTES = 4_000_000
MAX_SIGNATURE_BYTES = 4_000
MAX_DB_BYTES = 1_000_000_000  # refuses a zip bomb long before the disk fills
MAX_ENTRIES = 3  # manifest, signature, database
CHUNK = 1 << 20
# Terminal escape sequences (CSI, OSC), removed whole so no "[2J" is left behind.
ESCAPE_SEQUENCE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?")
STALE_TEMP_SECONDS = 3600

__all__ = [
    "PackError", "Manifest", "ImportResult", "build_pack", "write_pack", "read_manifest", "verify_pack",
    "import_pack", "measure_changes", "current_data_version", "parse_data_version",
]


class PackError(Exception):
    """A data pack that cannot be built or imported; the message is for the user (Chinese)."""


# --------------------------------------------------------------------------- manifest


@dataclass
class Manifest:
    data_version: str
    build_date: str
    sources_hash: str
    sha256: str
    size: int
    app_version: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    changelog: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    raw: bytes = b""  # the manifest exactly as signed (written beside an installed database)
    signature: bytes | None = None
    signed_by: str = ""  # id of the trusted key that signed it ("" when not checked)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PACK_FORMAT,
            "format_version": PACK_FORMAT_VERSION,
            "data_version": self.data_version,
            "build_date": self.build_date,
            "created": self.created,
            "app_version": self.app_version,
            "sources_hash": self.sources_hash,
            "database": {"file": DB_NAME, "sha256": self.sha256, "size": self.size},
            "counts": self.counts,
            "changelog": self.changelog,
        }

    @classmethod
    def from_json(cls, data: Any) -> "Manifest":
        """Check the shape of a manifest read from a pack; PackError on anything unexpected."""
        bad = PackError("数据包的清单（manifest.json）内容无效，无法导入。未做任何更改。")
        if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
            raise PackError("该文件不是惠企政策通的数据包（清单格式不符）。未做任何更改。")
        fmt = data.get("format_version")
        if not isinstance(fmt, int) or isinstance(fmt, bool):
            raise bad
        if fmt > PACK_FORMAT_VERSION:
            raise PackError("该数据包需要更新版本的惠企政策通程序，请先升级程序。未做任何更改。")
        db = data.get("database")
        if not isinstance(db, dict):
            raise bad
        sha, size = db.get("sha256"), db.get("size")
        if not (isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)):
            raise bad
        if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= MAX_DB_BYTES:
            raise bad
        version = data.get("data_version")
        try:
            parse_data_version(version)
        except ValueError:
            raise PackError(f"数据包的数据版本号无效（{str(version)[:40]!r}），无法导入。未做任何更改。") from None
        text = {k: data.get(k) for k in ("build_date", "sources_hash", "app_version", "created")}
        if not all(isinstance(v, str) or v is None for v in text.values()):
            raise bad
        counts = data.get("counts") if isinstance(data.get("counts"), dict) else {}
        changelog = data.get("changelog") if isinstance(data.get("changelog"), dict) else {}
        return cls(
            data_version=version, build_date=text["build_date"] or "", sources_hash=text["sources_hash"] or "",
            sha256=sha, size=size, app_version=text["app_version"] or "",
            counts={str(k): v for k, v in counts.items() if isinstance(v, int)}, changelog=changelog,
            created=text["created"] or "",
        )


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


# --------------------------------------------------------------------------- changelog


def _read_measures(db: Path) -> dict[str, dict[str, Any]]:
    conn = sqlite3.connect(sqlite_readonly_uri(db), uri=True)
    try:
        rows = conn.execute("SELECT id, title, valid_to, record FROM measures").fetchall()
    finally:
        conn.close()
    out = {}
    for mid, title, valid_to, record in rows:
        try:
            rec = json.loads(record) if record else {}
        except ValueError:
            rec = {"_raw": record}
        out[mid] = {"title": title, "valid_to": valid_to, "record": rec}
    return out


def _day(text: str | None) -> str | None:
    return text[:10] if isinstance(text, str) and len(text) >= 10 else None


def measure_changes(new_db: Path, old_db: Path | None, build_date: str, old_build_date: str | None = None) -> dict[str, Any]:
    """Measures added, changed (which fields), removed and expired between two databases.

    "Expired" lists measures of the new database whose ``valid_to`` has passed on the build date
    and had not yet passed on the previous build date (with no previous pack: all that have
    passed).
    """
    new = _read_measures(new_db)
    old = _read_measures(old_db) if old_db is not None else {}
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


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_meta(db: Path) -> dict[str, str]:
    from desktop.library.db import LibraryError, connect_readonly

    try:
        conn = connect_readonly(db)
    except LibraryError as exc:
        raise PackError(str(exc)) from None
    try:
        return dict(conn.execute("SELECT key, value FROM meta"))
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
        _extract_verified(previous, manifest, db)
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
        sha256=_sha256_file(db),
        size=db.stat().st_size,
        app_version=meta.get("app_version", ""),
        counts={k: int(meta[k]) for k in ("documents", "sections", "measures") if str(meta.get(k, "")).isdigit()},
        changelog=changelog,
        created=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
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


# --------------------------------------------------------------------------- reading and importing


def _corrupt(path: Path, detail: object = "") -> PackError:
    extra = f"（{detail}）" if detail else ""
    return PackError(f"数据包已损坏，无法读取：{Path(path).name}{extra}。未做任何更改。")


def read_manifest(path: Path, trusted: bool = True) -> Manifest:
    """The checked manifest of the pack at ``path``; PackError if the file is not a usable pack.

    With ``trusted`` (the default: anything about to be installed or shown) the signature must
    verify with a trusted key; the build reads a previous pack for its changelog only, unchecked.
    """
    path = Path(path)
    try:
        if not path.is_file():
            raise PackError(f"找不到数据包文件：{path}")
        if not zipfile.is_zipfile(path):
            raise PackError(f"{path.name} 不是数据包文件（应为 {PACK_SUFFIX} 文件），或文件已损坏。未做任何更改。")
        with zipfile.ZipFile(path) as zf:
            infos = _checked_entries(zf, path)
            if MANIFEST_NAME not in infos or DB_NAME not in infos:
                raise PackError(f"数据包 {path.name} 不完整（缺少清单或数据库）。未做任何更改。")
            raw = zf.read(infos[MANIFEST_NAME])
            signature = zf.read(infos[SIGNATURE_NAME]) if SIGNATURE_NAME in infos else None
        data = json.loads(raw.decode("utf-8"))
    except PackError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError, ValueError, RecursionError,
            NotImplementedError, RuntimeError) as exc:
        raise _corrupt(path, type(exc).__name__) from None
    except OSError as exc:
        raise PackError(f"无法读取数据包 {path}：{exc.strerror or exc}") from None
    signed_by = ""
    if trusted:
        try:
            signed_by = verify_manifest(raw, signature).key_id
        except SigningError as exc:
            raise PackError(str(exc)) from None
    manifest = Manifest.from_json(data)
    manifest.raw, manifest.signature, manifest.signed_by = raw, signature, signed_by
    return manifest


def _checked_entries(zf: zipfile.ZipFile, path: Path) -> dict[str, zipfile.ZipInfo]:
    """The pack's entries by name, bounded before anything is decompressed.

    A pack holds exactly the three known names, read into fixed places (never extracted by their
    own names, so an entry called ``../x`` or ``C:\\x`` could place nothing anywhere; it is
    refused all the same). Too many entries, a name twice, another name, or declared sizes beyond
    the limits refuse the pack.
    """
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):  # which copy would be read depends on the reader
        raise _corrupt(path, "同名文件重复出现")
    if len(infos) > MAX_ENTRIES:
        raise _corrupt(path, f"包含 {len(infos)} 个文件，数据包最多 {MAX_ENTRIES} 个")
    limits = {MANIFEST_NAME: MAX_MANIFEST_BYTES, SIGNATURE_NAME: MAX_SIGNATURE_BYTES, DB_NAME: MAX_DB_BYTES}
    strangers = [n for n in names if n not in limits]
    if strangers:
        raise _corrupt(path, f"含有不属于数据包的文件 {plain_text(strangers[0], 60)!r}")
    total = sum(i.file_size for i in infos)
    if total > MAX_DB_BYTES + MAX_MANIFEST_BYTES + MAX_SIGNATURE_BYTES:
        raise _corrupt(path, "解压后过大")
    for info in infos:
        if info.filename in limits and info.file_size > limits[info.filename]:
            raise _corrupt(path, "清单过大" if info.filename == MANIFEST_NAME else f"{info.filename} 过大")
    return {i.filename: i for i in infos if i.filename in limits}


def _extract_verified(pack: Path, manifest: Manifest, dest: Path) -> None:
    """Copy the pack's database to ``dest`` (fsynced), checking its size and SHA-256."""
    digest = hashlib.sha256()
    written = 0
    try:
        with zipfile.ZipFile(pack) as zf:
            info = zf.getinfo(DB_NAME)
            if info.file_size != manifest.size:
                raise PackError("数据包校验失败：数据库大小与清单不符，文件可能已损坏或被改动。未做任何更改。")
            with zf.open(info) as src, dest.open("wb") as out:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    written += len(chunk)
                    if written > manifest.size:
                        raise PackError("数据包校验失败：数据库大小与清单不符，文件可能已损坏或被改动。未做任何更改。")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
    except PackError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise _corrupt(pack, type(exc).__name__) from None
    if written != manifest.size or digest.hexdigest() != manifest.sha256:
        raise PackError("数据包校验失败：数据库的 SHA-256 校验和与清单不符，文件可能已损坏或被改动。未做任何更改。")


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
        meta = dict(conn.execute("SELECT key, value FROM meta"))
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
        _extract_verified(Path(path), manifest, db)
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
        if best is None or key > best[0]:
            best = (key, version)
    return best[1] if best else None


def _record_paths(target: Path) -> tuple[Path, Path]:
    return target.with_name(MANIFEST_NAME), target.with_name(SIGNATURE_NAME)


def trusted_installed_version(target: Path | None = None) -> str | None:
    """The data version of the installed database if its signed record checks out, else None.

    The record is the pack's manifest and signature, kept beside the database: the signature must
    verify with a trusted key and the database must still match the manifest's size and SHA-256.
    """
    target = Path(target) if target else installed_db_path()
    manifest_path, signature_path = _record_paths(target)
    try:
        if not target.is_file():
            return None
        raw = manifest_path.read_bytes()[: MAX_MANIFEST_BYTES + 1]
        signature = signature_path.read_bytes()[: MAX_SIGNATURE_BYTES + 1]
        verify_manifest(raw, signature)
        manifest = Manifest.from_json(json.loads(raw.decode("utf-8")))
        if target.stat().st_size != manifest.size or _sha256_file(target) != manifest.sha256:
            return None
    except (OSError, ValueError, RecursionError, SigningError, PackError):
        return None
    return manifest.data_version


def _write_failed(folder: Path, exc: OSError) -> PackError:
    if exc.errno == errno.ENOSPC:
        return PackError(f"磁盘空间不足，无法导入数据包（{folder}）。原数据未被改动。")
    return PackError(f"无法写入数据文件夹 {folder}：{exc.strerror or exc}。原数据未被改动。")


def _remove_stale_temps(folder: Path) -> None:
    """Temporary files of imports that were killed midway (older than an hour)."""
    now = time.time()
    for tmp in folder.glob(f".{DB_NAME}.*.importing"):
        try:
            if now - tmp.stat().st_mtime > STALE_TEMP_SECONDS:
                tmp.unlink()
        except OSError:
            pass


def _replace(src: str, dst: Path) -> None:
    """os.replace, retried briefly: on Windows a reader may hold the old file for a moment."""
    for attempt in range(5):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def import_pack(path: Path, target: Path | None = None) -> ImportResult:
    """Verify the pack at ``path`` and install its database atomically (default: user_data_dir()/data).

    Refuses (PackError, nothing changed) a pack that is corrupt, fails its checksum, is not newer
    than the data in use, or cannot be read by this program.
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
        _remove_stale_temps(target.parent)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{DB_NAME}.", suffix=".importing", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise _write_failed(target.parent, exc) from None
    try:
        try:
            _extract_verified(path, manifest, Path(tmp_name))
        except OSError as exc:
            raise _write_failed(target.parent, exc) from None
        _check_database(Path(tmp_name), manifest)
        try:
            _replace(tmp_name, target)
        except OSError as exc:
            raise PackError(f"无法替换数据文件 {target}（可能正被使用）：{exc.strerror or exc}。"
                            "请关闭程序的其他窗口后重试。原数据未被改动。") from None
        tmp_name = None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
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


def plain_text(value: object, limit: int = 200) -> str:
    """A value from a pack made safe to show: text only, no control, format (bidi, zero-width) or
    surrogate characters, white space flattened, at most ``limit`` characters."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return ""
    kept = []
    for ch in ESCAPE_SEQUENCE.sub("", str(value)[: limit * 4]):
        category = unicodedata.category(ch)
        if ch.isspace():
            kept.append(" ")
        elif category[0] != "C":  # Cc, Cf, Cs, Co, Cn: controls, formats, surrogates, private, unassigned
            kept.append(ch)
    text = " ".join("".join(kept).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_changelog(changelog: dict[str, Any], limit: int = 50) -> str:
    """The changelog as plain Chinese text (the CLI prints it; the GUI shows it as plain text).

    Every value comes from the pack, so each is cleaned by :func:`plain_text`: an escape sequence
    or a right-to-left override in a title cannot reach the terminal or the window.
    """
    changelog = changelog if isinstance(changelog, dict) else {}
    lines: list[str] = []
    since = plain_text(changelog.get("since"), 40)
    lines.append(f"相对于 {since} 的变化：" if since else "（无上一版数据包，以下为全部措施）")
    for key, label in (("added", "新增"), ("changed", "修改"), ("removed", "删除"), ("expired", "已到期")):
        items = changelog.get(key)
        items = [it for it in items if isinstance(it, dict)] if isinstance(items, list) else []
        lines.append(f"{label}：{len(items)} 条")
        for it in items[:limit]:
            extra = ""
            fields = it.get("fields")
            if key == "changed" and isinstance(fields, list) and fields:
                extra = f"（{plain_text(', '.join(str(f) for f in fields[:20]), 120)}）"
            elif key == "expired" and it.get("valid_to"):
                extra = f"（有效期至 {plain_text(it['valid_to'], 20)}）"
            lines.append(f"  - {plain_text(it.get('id'), 80)} {plain_text(it.get('title'))}{extra}")
        if len(items) > limit:
            lines.append(f"  … 另有 {len(items) - limit} 条")
    return "\n".join(lines)
