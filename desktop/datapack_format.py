"""The data-pack file (Qt-free): its format, its manifest, reading it safely, showing its changelog.

A pack (``*.pdpack``) is a zip holding exactly ``manifest.json``, ``signature.json`` and
``policies.db``. The manifest carries the data version, the build date, the hash of the sources
the database was built from, the SHA-256 and size of the database and a changelog of measures
added / changed / removed / expired since the previous pack; ``signature.json`` signs the
manifest (desktop/datapack_signing.py). Building is desktop/datapack_build.py, installing
desktop/datapack_install.py; desktop/datapack.py gathers the three for callers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.datapack_signing import SIGNATURE_NAME, SigningError, verify_manifest
from desktop.paths import parse_data_version

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
    def from_json(cls, data: Any) -> Manifest:
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
        if not isinstance(version, str):
            raise bad
        try:
            parse_data_version(version)
        except ValueError:
            raise PackError(f"数据包的数据版本号无效（{str(version)[:40]!r}），无法导入。未做任何更改。") from None
        text = {k: data.get(k) for k in ("build_date", "sources_hash", "app_version", "created")}
        if not all(isinstance(v, str) or v is None for v in text.values()):
            raise bad
        raw_counts, raw_changelog = data.get("counts"), data.get("changelog")
        counts: dict[str, Any] = raw_counts if isinstance(raw_counts, dict) else {}
        changelog: dict[str, Any] = raw_changelog if isinstance(raw_changelog, dict) else {}
        return cls(
            data_version=version, build_date=text["build_date"] or "", sources_hash=text["sources_hash"] or "",
            sha256=sha, size=size, app_version=text["app_version"] or "",
            counts={str(k): v for k, v in counts.items() if isinstance(v, int)}, changelog=changelog,
            created=text["created"] or "",
        )


# --------------------------------------------------------------------------- reading


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def corrupt(path: Path, detail: object = "") -> PackError:
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
        raise corrupt(path, type(exc).__name__) from None
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
        raise corrupt(path, "同名文件重复出现")
    if len(infos) > MAX_ENTRIES:
        raise corrupt(path, f"包含 {len(infos)} 个文件，数据包最多 {MAX_ENTRIES} 个")
    limits = {MANIFEST_NAME: MAX_MANIFEST_BYTES, SIGNATURE_NAME: MAX_SIGNATURE_BYTES, DB_NAME: MAX_DB_BYTES}
    strangers = [n for n in names if n not in limits]
    if strangers:
        raise corrupt(path, f"含有不属于数据包的文件 {plain_text(strangers[0], 60)!r}")
    total = sum(i.file_size for i in infos)
    if total > MAX_DB_BYTES + MAX_MANIFEST_BYTES + MAX_SIGNATURE_BYTES:
        raise corrupt(path, "解压后过大")
    for info in infos:
        if info.filename in limits and info.file_size > limits[info.filename]:
            raise corrupt(path, "清单过大" if info.filename == MANIFEST_NAME else f"{info.filename} 过大")
    return {i.filename: i for i in infos if i.filename in limits}


def extract_verified(pack: Path, manifest: Manifest, dest: Path) -> None:
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
        raise corrupt(pack, type(exc).__name__) from None
    if written != manifest.size or digest.hexdigest() != manifest.sha256:
        raise PackError("数据包校验失败：数据库的 SHA-256 校验和与清单不符，文件可能已损坏或被改动。未做任何更改。")


# --------------------------------------------------------------------------- showing


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
