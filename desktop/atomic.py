"""Atomic file writes: a file is either the old one or the complete new one, never half-written.

The content goes to a temporary file in the same folder, is flushed to disk, and replaces the
target in one rename (then the folder is synced where the platform allows). Any failure
(read-only folder, full disk) removes the temporary file and raises :class:`WriteError` with a
message a person can act on. Profiles, history, checklists, calendars and data packs all go
through here.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator


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


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable where the platform allows it (not on Windows)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replace(src: str, dst: Path) -> None:
    """os.replace, retried briefly on Windows, where a reader may hold the old file for a moment."""
    for attempt in range(5):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


@contextmanager
def atomic_target(path: Path, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without error it becomes ``path``.

    The caller writes the temporary file however it likes (a zip, a database); it is then synced
    and renamed over the target. ``mode`` sets the file's permissions (mkstemp makes 0600).
    """
    path = Path(path)
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        yield Path(tmp_name)
        with open(tmp_name, "rb+") as fh:
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        _replace(tmp_name, path)
        tmp_name = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise WriteError(exc.errno, _message(path, exc), str(path)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_target(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a damaged pasted character) has no UTF-8 form
        path = Path(path)
        raise WriteError(errno.EILSEQ, f"无法保存 {path.name}：内容中有损坏的字符（可能来自复制粘贴），"
                                       "请删除后重新输入。原文件未被改动。", str(path)) from None
    write_bytes_atomic(path, data)
