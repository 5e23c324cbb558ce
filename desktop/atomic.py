"""Atomic file writes: a file is either the old one or the complete new one, never half-written.

The content goes to a temporary file in the same folder, is flushed to disk, and replaces the
target in one rename. Any failure (read-only folder, full disk) removes the temporary file and
raises :class:`WriteError` with a message a person can act on.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class WriteError(OSError):
    """The file could not be written; nothing at the target was changed."""


def _message(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法保存 {path.name}。原文件未被改动。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有权限写入 {path.parent}（文件夹只读或受保护），无法保存 {path.name}。"
    if exc.errno == errno.ENOENT:
        return f"文件夹 {path.parent} 不存在，无法保存 {path.name}。"
    return f"无法保存 {path.name}：{exc.strerror or exc}。原文件未被改动。"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise WriteError(exc.errno, _message(path, exc), str(path)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
