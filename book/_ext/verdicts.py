"""How the website shows verdicts: as callouts on the notebook pages, as badges elsewhere.

- **Callouts.** A verdict cell prints its outcome, the claim, and every check ticked or not
  (:meth:`dlml.verdict.Claim.decide`). On the website that printout becomes a callout: the
  outcome as a badge, the claim, and each case with its checks as a wrapped list, so that
  no line runs off the side of the page. The stored notebook is not changed; the text is
  read back with :func:`dlml.verdict.read_printed`, next to the code that prints it.
- **Badges.** ``{outcome}`path``` shows the outcome of the notebook at ``path`` (relative
  to the page, as for ``{doc}``), read at build time from its stored outputs (the same
  reader as the execution-statistics table), so a page that summarises the book, such as
  the preface, cannot disagree with the notebook it cites::

      {outcome}`../notebooks/03-advantages/01-accuracy`

A badge is text, styled by outcome; its colour repeats the words, never replaces them.

- **Findings tables** (``:class: findings``) become cards on a phone; each cell then starts
  with its column's name, which the hidden header row no longer shows.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from docutils import nodes
from execution_stats import notebook_status
from sphinx.util.docutils import SphinxRole

from dlml.verdict import OUTCOMES as OUTCOME_WORDS
from dlml.verdict import PrintedVerdict, read_printed

OUTCOMES = tuple(word.lower() for word in OUTCOME_WORDS)  # as the summaries and badges write them


def badge(outcome: str) -> nodes.inline:
    """An inline node with the outcome's words and a class per outcome, for the stylesheet."""
    return nodes.inline(outcome, outcome, classes=["verdict-badge", "verdict-" + outcome.replace(" ", "-")])


def _marker(held: bool) -> nodes.inline:
    """A tick or a cross, followed by its meaning in words that only screen readers announce."""
    marker = nodes.inline("", "", classes=["verdict-mark", "verdict-mark-" + ("held" if held else "failed")])
    marker += nodes.Text("✓" if held else "✗")
    marker += nodes.inline("", " held: " if held else " did not hold: ", classes=["visually-hidden"])
    return marker


def _item(held: bool, text: str) -> nodes.list_item:
    return nodes.list_item("", nodes.paragraph("", "", _marker(held), nodes.Text(" " + text)))


def callout(printed: PrintedVerdict) -> nodes.container:
    """The verdict as a container: badge and claim, then each case with its checks."""
    outcome = printed.outcome.lower()
    box = nodes.container(classes=["verdict-callout", "verdict-callout-" + outcome.replace(" ", "-")])
    box += nodes.paragraph(
        "", "", badge(outcome), nodes.Text(" "), nodes.inline("", printed.claim, classes=["verdict-claim"])
    )
    cases = nodes.bullet_list(classes=["verdict-cases"])
    for case, held in printed.cases.items():
        checks = nodes.bullet_list(classes=["verdict-checks"])
        checks.extend(_item(ok, check) for c, check, ok in printed.checks if c == case)
        if case is None:  # a claim decided as a whole: its checks directly
            box += checks
            continue
        item = _item(held, case)
        item[0]["classes"].append("verdict-case")
        item += checks
        cases += item
    if len(cases):
        box += cases
    if printed.sanity:
        box += nodes.paragraph(
            "", "Sanity checks (true by construction, not evidence):", classes=["verdict-sanity-head"]
        )
        box += nodes.bullet_list("", *(_item(True, text) for text in printed.sanity), classes=["verdict-checks"])
    return box


def _verdict_callouts(app, doctree, docname) -> None:
    """Replace each printed verdict in a notebook's outputs by its callout."""
    for block in list(doctree.findall(nodes.literal_block)):
        if "stream" in block.get("classes", []) and (printed := read_printed(block.astext())):
            block.parent.replace(block, callout(printed))  # not replace_self: it would copy the output's classes


def _label_findings_cells(app, doctree, docname) -> None:
    """Give each cell of a findings table its column's name, shown on a phone (verdicts.css)."""
    for table in doctree.findall(nodes.table):
        if "findings" not in table.get("classes", []):
            continue
        for thead in table.findall(nodes.thead):
            names = [entry.astext() for entry in thead.findall(nodes.entry)]
            tbody = next(table.findall(nodes.tbody))
            for row in tbody.findall(nodes.row):
                for name, entry in zip(names, row.findall(nodes.entry)):
                    label = nodes.inline("", name, classes=["findings-label"])
                    first = entry.children[0] if entry.children else None
                    if isinstance(first, nodes.paragraph):
                        first.insert(0, label)
                    else:
                        entry.insert(0, nodes.paragraph("", "", label))


class OutcomeRole(SphinxRole):
    """``{outcome}`path``: the verdict of the notebook at ``path`` (relative to this page)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        here = Path(self.env.doc2path(self.env.docname)).parent
        path = (here / self.text.strip()).with_suffix(".ipynb").resolve()
        if not path.exists():
            msg = self.inliner.reporter.error(
                f"outcome: no notebook at {self.text!r} (looked for {path}).", line=self.lineno
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]
        self.env.note_dependency(str(path))
        status = notebook_status(nbformat.read(path, as_version=4))
        if status not in OUTCOMES:
            msg = self.inliner.reporter.error(
                f"outcome: {self.text!r} printed no verdict (its status is {status!r}); expected one of {OUTCOMES}.",
                line=self.lineno,
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]
        return [badge(status)], []


def setup(app):
    app.add_role("outcome", OutcomeRole())
    app.connect("doctree-resolved", _verdict_callouts)
    app.connect("doctree-resolved", _label_findings_cells)
    app.add_css_file("verdicts.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
