"""A Sphinx directive that tabulates how each notebook of the book was executed.

``make execute`` (scripts/execute.py) stores in every notebook's metadata when it ran,
for how long and on what hardware (``metadata.dlml.execution``). This directive reads
those records from the notebooks in the table of contents at build time, and the
notebook's stored outputs give its status: the outcome its verdict cell printed
(holds, holds under conditions, does not hold) or that a cell stored an error. Nothing is typed by hand.

Usage in a MyST page::

    ```{execution-statistics}
    ```
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from dlml.verdict import outcome_of

BUDGET_S = 90.0  # per notebook, on the reference machine (DESIGN.md)


def notebook_status(nb) -> str:
    """'error', the verdict's outcome ('holds', ...) or 'executed', from a notebook's stored outputs."""
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    if any(o.get("output_type") == "error" for o in outputs):
        return "error"
    for o in outputs:
        for line in o.get("text", "").splitlines() if o.get("output_type") == "stream" else ():
            if outcome := outcome_of(line):
                return outcome.lower()
    return "executed"


def _record_cells(docname: str, nb) -> tuple[str, list[str]]:
    """The page title and the other cells of a notebook's row."""
    title = next(
        (
            c.source.splitlines()[0].lstrip("# ")
            for c in nb.cells
            if c.cell_type == "markdown" and c.source.startswith("# ")
        ),
        docname,
    )
    record = nb.metadata.get("dlml", {}).get("execution")
    if record is None:
        return title, ["not recorded", "", "", notebook_status(nb)]
    seconds = float(record["seconds"])
    over = " (over budget)" if seconds > BUDGET_S else ""
    made_on = record["platform"]
    hardware = (
        f"{made_on['cpu']} ({made_on['cpu_capability']}), {record['cores']} cores, "
        f"{record['threads']} thread(s), {record['device']}; Python {made_on['python']}, "
        f"torch {made_on['packages']['torch']}"
    )
    return title, [f"{seconds:.1f}{over}", record["date"], hardware, notebook_status(nb)]


def _doc_link(docname: str, title: str) -> nodes.Node:
    """A cross-reference to another page, resolved by Sphinx like the {doc} role."""
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=True, refwarn=True
    )
    ref += nodes.inline(title, title)
    return ref


def _table(
    header: list[str], rows: list[list[nodes.Node]], widths: list[int], css_class: str = "execution-statistics"
) -> nodes.table:
    """A docutils table: a header row, then one row per list of cells (text or nodes)."""
    table = nodes.table(classes=[css_class])
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in widths)
    head, body = nodes.thead(), nodes.tbody()
    group += [head, body]
    for cells, parent in [(header, head)] + [(r, body) for r in rows]:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph("", "", cell if isinstance(cell, nodes.Node) else nodes.Text(cell))
            row += entry
        parent += row
    return table


class ExecutionStatistics(SphinxDirective):
    """Render the execution table of every notebook in the book."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        srcdir = Path(self.env.srcdir)
        rows, total = [], 0.0
        for path in sorted((srcdir / "notebooks").rglob("*.ipynb")):
            docname = path.relative_to(srcdir).with_suffix("").as_posix()
            if docname not in self.env.found_docs or ".ipynb_checkpoints" in path.parts:
                continue
            self.env.note_dependency(str(path))
            nb = nbformat.read(path, as_version=4)
            title, cells = _record_cells(docname, nb)
            rows.append([_doc_link(docname, title), *cells])
            total += float(nb.metadata.get("dlml", {}).get("execution", {}).get("seconds", 0.0))
        header = ["Page", "Run time (s)", "Executed", "Hardware and versions", "Status"]
        summary = nodes.paragraph(
            text=f"{len(rows)} notebooks, {total:.0f} s of execution in total ({total / 60:.1f} min)."
        )
        return [_table(header, rows, [30, 10, 16, 34, 10]), summary]


def setup(app):
    app.add_directive("execution-statistics", ExecutionStatistics)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
