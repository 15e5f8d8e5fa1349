"""The stylesheet for printing (``print.css``): what ``make pdf`` and a reader's browser print.

It hides the navigation, wraps code instead of cutting it at the margin, and keeps figures,
tables and verdict callouts whole; see ``scripts/print_pdf.py``.
"""

from __future__ import annotations


def setup(app):
    app.add_css_file("print.css", media="print")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
