"""The PySide6 desktop application: the only package of Policy Desk that imports Qt.

Start it with :func:`desktop.gui.app.run` (``policy-desk``, ``python -m desktop``). Each module
owns one area of the window; the Qt-free logic they show lives in ``desktop.session``.
"""
