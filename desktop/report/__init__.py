"""Printable outputs: the checklist PDF and the deadline calendar."""
