"""One consultation at the desk, without Qt: the profile being answered, saved profiles and
history, citations into the corpus, document status and the HTML renderings the window shows.

The window (``desktop.gui``) and the tests use these; nothing here imports Qt.
"""
