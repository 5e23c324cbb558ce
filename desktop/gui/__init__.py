"""The PySide6 desktop application: the only package of Policy Desk that imports Qt.

Start it with :func:`desktop.gui.app.run` (``policy-desk``, ``python -m desktop``). The modules are
small and each owns one area of the window; the Qt-free helpers (``profiles_store``,
``consultation``, ``citations``, ``docstatus``, ``preview``) can be used and tested without a display.
"""

from desktop.gui import qtfix as _qtfix

_qtfix.apply()
