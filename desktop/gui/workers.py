"""Long work off the GUI thread: a QRunnable whose result, error and progress come back as signals.

Used for building the search index on first use and for writing the checklist PDF. The callbacks
run on the GUI thread (queued signals); a task keeps itself alive until it has reported.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Qt, Signal, Slot

log = logging.getLogger("policy_desk.gui")


class TaskSignals(QObject):
    finished = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)


class Task(QRunnable):
    """Run ``fn(*args, progress=cb)`` (or ``fn(*args)``) on the thread pool."""

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False):
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.args = args
        self.with_progress = with_progress
        self.signals = TaskSignals()

    def run(self) -> None:  # on a pool thread
        try:
            if self.with_progress:
                result = self.fn(*self.args, progress=self._progress)
            else:
                result = self.fn(*self.args)
        except Exception as exc:  # reported to the user as a message, details to the log
            log.error("background task failed: %s", traceback.format_exc())
            self._emit(self.signals.failed, _describe(exc))
        else:
            self._emit(self.signals.finished, result)

    def _progress(self, done: int, total: int) -> None:
        self._emit(self.signals.progress, int(done), int(total))

    @staticmethod
    def _emit(signal, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window went away while we worked (closing the app)
            pass


def _describe(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"无法读写文件 {exc.filename or ''}：{exc.strerror or exc}"
    return str(exc) or exc.__class__.__name__


class _Relay(QObject):
    """Lives on the GUI thread, so the task's signals reach the callbacks there (queued)."""

    def __init__(self, task: Task, on_done, on_error, on_progress):
        super().__init__()
        self.task, self.on_done, self.on_error, self.on_progress = task, on_done, on_error, on_progress

    @Slot(object)
    def done(self, result: Any) -> None:
        _alive.discard(self)
        if self.on_done:
            self.on_done(result)

    @Slot(str)
    def failed(self, message: str) -> None:
        _alive.discard(self)
        if self.on_error:
            self.on_error(message)

    @Slot(int, int)
    def progress(self, done: int, total: int) -> None:
        if self.on_progress:
            self.on_progress(done, total)


_alive: set[_Relay] = set()


def start_task(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    pool: QThreadPool | None = None,
) -> Task:
    """Start ``fn`` on the pool; ``fn`` gets a ``progress`` keyword when ``on_progress`` is given.

    Call from the GUI thread: the callbacks then run on the GUI thread.
    """
    task = Task(fn, *args, with_progress=on_progress is not None)
    relay = _Relay(task, on_done, on_error, on_progress)
    _alive.add(relay)
    task.signals.finished.connect(relay.done, Qt.ConnectionType.QueuedConnection)
    task.signals.failed.connect(relay.failed, Qt.ConnectionType.QueuedConnection)
    task.signals.progress.connect(relay.progress, Qt.ConnectionType.QueuedConnection)
    (pool or QThreadPool.globalInstance()).start(task)
    return task
