"""A Sphinx directive that lists the book's real tables, from ``dlml.tables.TABLES``.

What is predicted from what, who collected the data, under which licence and in which
package: the page states what the library reads, so the two cannot drift apart.

Usage in a MyST page::

    ```{real-tables}
    ```
"""

from __future__ import annotations

from docutils import nodes
from execution_stats import _table
from sphinx.util.docutils import SphinxDirective

from dlml.tables import TABLES


class RealTables(SphinxDirective):
    """Render one row per real table: name, what is predicted, source and package, data licence."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        rows = [
            [
                nodes.literal(text=name),
                t.predicts[0].upper() + t.predicts[1:],
                f"{t.source}. In {t.package}: {t.item}",
                t.licence,
            ]
            for name, t in TABLES.items()
        ]
        header = ["Name", "What is predicted from what", "Source, and where it ships", "Data licence"]
        return [_table(header, rows, [14, 40, 30, 16], "real-tables")]


def setup(app):
    app.add_directive("real-tables", RealTables)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
