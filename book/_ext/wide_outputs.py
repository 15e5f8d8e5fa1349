"""Printed output that fits the column: no line of a cell's output scrolls sideways at 1280 px.

A notebook prints tables and summaries up to a few hundred characters wide, while the text
column holds about 75 characters of code at the normal size. Each output block gets a class
for its longest line, and ``outputs.css`` sets its font just small enough for that line
to fit the column, whatever the column's width (container query units), down to about
8 pixels at desktop width; a block whose lines are longer than ``MAX_SHRUNK`` characters
wraps its lines instead. On a phone, shrunk blocks keep a legible size and scroll inside
the column.

>>> output_class("a" * 50), output_class("a" * 101), output_class("a" * 200)
(None, 'fit-110', 'wrap-output')
"""

from __future__ import annotations

from docutils import nodes

FITS = 74  # characters of a line that the column shows at the normal size at 1280 px (measured: 75)
STEP = 10  # width classes fit-90, fit-100, ... (outputs.css has one rule per class)
MAX_SHRUNK = 130  # longer lines wrap: shrinking them further would leave text too small to read


def output_class(text: str) -> str | None:
    """The class that makes output ``text`` fit the column, or None if it fits already."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest <= FITS:
        return None
    if longest > MAX_SHRUNK:
        return "wrap-output"
    return f"fit-{-(-longest // STEP) * STEP}"


def _fit_outputs(app, doctree, docname) -> None:
    for block in doctree.findall(nodes.literal_block):
        parent = block.parent
        if parent is None or "cell_output" not in parent.get("classes", []):
            continue
        if (name := output_class(block.astext())) is not None:
            block["classes"].append(name)


def setup(app):
    app.add_css_file("outputs.css")
    app.connect("doctree-resolved", _fit_outputs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
