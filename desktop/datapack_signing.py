"""Who may publish data: Ed25519 signatures on data packs, and the keys this program trusts.

A pack carries ``signature.json`` beside its manifest: the Ed25519 signature of the manifest's
exact bytes (the manifest holds the SHA-256 and size of the database, so the signature covers
the database too) and the id of the key that made it. A pack is accepted only when that
signature verifies with one of the trusted public keys:

* the keys shipped with the program, ``resources/keys/*.pub`` (the 工商联 data key);
* the keys a site adds itself, ``<user data>/trusted_keys/*.pub`` (see docs/security.md).

Keys are PEM files (private: PKCS#8, public: SubjectPublicKeyInfo); a key's id is the first
16 hex digits of the SHA-256 of its raw 32 public bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop.atomic import write_bytes_atomic
from desktop.paths import resources_dir, user_data_dir

SIGNATURE_NAME = "signature.json"
ALGORITHM = "ed25519"
# What is signed: this prefix, then the manifest bytes (a signature made for anything else never fits).
DOMAIN = b"policy-desk-datapack-manifest-v1\n"
MAX_KEY_FILE_BYTES = 10_000
MAX_KEYS = 64


class SigningError(Exception):
    """A key or signature problem; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class TrustedKey:
    key_id: str
    key: Ed25519PublicKey
    origin: str  # the file it came from, for messages and docs


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def shipped_keys_dir() -> Path:
    return resources_dir() / "keys"


def site_keys_dir() -> Path:
    return user_data_dir() / "trusted_keys"


# --------------------------------------------------------------------------- keys


def generate_keypair(folder: Path, name: str = "policy-desk-signing") -> tuple[Path, Path, str]:
    """Write ``name.pem`` (private, owner-only) and ``name.pub`` into ``folder``; never overwrites."""
    folder = Path(folder)
    private_path, public_path = folder / f"{name}.pem", folder / f"{name}.pub"
    for path in (private_path, public_path):
        if path.exists():
            raise SigningError(f"{path} 已存在，未覆盖。请换一个文件夹或名称。")
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    folder.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(private_path, private_pem)  # mkstemp: 0600 on POSIX
    write_bytes_atomic(public_path, public_pem)
    os.chmod(public_path, 0o644)
    return private_path, public_path, key_id(private.public_key())


def _read_key_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_KEY_FILE_BYTES:
            raise SigningError(f"{path.name} 过大，不是密钥文件。")
        return path.read_bytes()
    except OSError as exc:
        raise SigningError(f"无法读取密钥文件 {path}：{exc.strerror or exc}") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = _read_key_file(Path(path))
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise SigningError(f"{Path(path).name} 不是可用的签名私钥（应为 keygen 生成的 .pem 文件，且未加密）。") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"{Path(path).name} 不是 Ed25519 私钥。")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    data = _read_key_file(Path(path))
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise SigningError(f"{Path(path).name} 不是可用的公钥文件。") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(f"{Path(path).name} 不是 Ed25519 公钥。")
    return key


def trusted_keys() -> list[TrustedKey]:
    """The shipped keys, then the site's; unreadable key files are skipped (they trust nothing)."""
    keys: list[TrustedKey] = []
    for folder in (shipped_keys_dir(), site_keys_dir()):
        try:
            files = sorted(folder.glob("*.pub"))[:MAX_KEYS]
        except OSError:
            continue
        for path in files:
            try:
                public = load_public_key(path)
            except SigningError:
                continue
            keys.append(TrustedKey(key_id(public), public, str(path)))
    return keys


# --------------------------------------------------------------------------- signatures


def sign_manifest(manifest_bytes: bytes, private: Ed25519PrivateKey) -> bytes:
    """The ``signature.json`` content for ``manifest_bytes``."""
    signature = private.sign(DOMAIN + manifest_bytes)
    record = {"algorithm": ALGORITHM, "key_id": key_id(private.public_key()),
              "signature": base64.b64encode(signature).decode("ascii")}
    return (json.dumps(record, indent=2) + "\n").encode("ascii")


def verify_manifest(manifest_bytes: bytes, signature_bytes: bytes | None,
                    keys: list[TrustedKey] | None = None) -> TrustedKey:
    """The trusted key that signed ``manifest_bytes``; SigningError (in Chinese) otherwise."""
    if signature_bytes is None:
        raise SigningError("数据包没有签名，无法确认它来自工商联或本单位，未导入。请使用正式发布的数据包。")
    try:
        record = json.loads(signature_bytes.decode("ascii"))
        if not isinstance(record, dict) or record.get("algorithm") != ALGORITHM:
            raise ValueError
        signature = base64.b64decode(str(record.get("signature")), validate=True)
        wanted = record.get("key_id")
        if len(signature) != 64 or not isinstance(wanted, str):
            raise ValueError
    except (ValueError, UnicodeDecodeError, binascii.Error, RecursionError):
        raise SigningError("数据包的签名文件无效，未导入。") from None
    keys = trusted_keys() if keys is None else keys
    candidates = [k for k in keys if k.key_id == wanted]
    if not candidates:
        raise SigningError(f"数据包的签名密钥（{wanted[:16]!r}）不在本程序信任的密钥中，无法确认来源，未导入。"
                           "如为本单位自行发布的数据包，请先按说明添加本单位的公钥。")
    for candidate in candidates:
        try:
            candidate.key.verify(signature, DOMAIN + manifest_bytes)
            return candidate
        except InvalidSignature:
            continue
    raise SigningError("数据包签名校验失败：清单在签名后被改动过，或签名不属于该数据包，未导入。")
