"""Guard against a PySide6 6.12 defect on Python 3.11: every Qt call that returns None drops a
reference to ``None``.

With PySide6-Essentials 6.12.0 on CPython 3.11, each call of a Qt method that returns nothing
(``widget.setObjectName(…)``, ``item.data(role)`` of an unset role, ``widget.parent()`` …)
decrements ``None``'s reference count without having incremented it; after some tens of
thousands of calls CPython aborts with "Fatal Python error: none_dealloc". Python 3.12 made None
immortal, which hides the defect there, and PySide6 6.11 does not have it.

:func:`apply` detects the defect with a few harmless calls and, only when it is present, lifts
None's reference count far out of reach (what Python 3.12 does for every build). Pinning
``PySide6-Essentials<6.12`` (or running on Python ≥ 3.12) makes this a no-op.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger("policy_desk.gui")
_applied = False
HEADROOM = 1 << 40  # about 10^12 Qt calls


def defect_present() -> bool:
    """True when Qt calls returning None leak a reference to None (the 6.12 / 3.11 defect)."""
    if sys.version_info >= (3, 12):
        return False  # None is immortal: nothing can reach zero
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before


def apply() -> bool:
    """Apply the guard once if the defect is present; True when it was applied."""
    global _applied
    if _applied:
        return True
    if not defect_present():
        return False
    refcnt = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    refcnt.value += HEADROOM
    _applied = True
    log.info("PySide6 %s leaks references to None on Python %s; guard applied",
                _pyside_version(), sys.version.split()[0])
    return True


def _pyside_version() -> str:
    try:
        import PySide6

        return PySide6.__version__
    except Exception:  # pragma: no cover
        return "?"
