"""A role that shows a notebook's verdict as a badge: holds, holds under conditions, does not hold.

The outcome is read at build time from the notebook's stored outputs, the line its
verdict cell printed (the same reader as the execution-statistics table), so a page that
summarises the book, such as the preface, cannot disagree with the notebook it cites.
The badge is text, styled by outcome; its colour repeats the words, never replaces them.

Usage in a MyST page, with the notebook's path relative to the page, as for ``{doc}``::

    {outcome}`../notebooks/03-advantages/01-accuracy`
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.util.docutils import SphinxRole

from execution_stats import notebook_status

OUTCOMES = ("holds", "holds under conditions", "does not hold")


def badge(outcome: str) -> nodes.inline:
    """An inline node with the outcome's words and a class per outcome, for the stylesheet."""
    return nodes.inline(outcome, outcome, classes=["verdict-badge", "verdict-" + outcome.replace(" ", "-")])


class OutcomeRole(SphinxRole):
    """``{outcome}`path``: the verdict of the notebook at ``path`` (relative to this page)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        here = Path(self.env.doc2path(self.env.docname)).parent
        path = (here / self.text.strip()).with_suffix(".ipynb").resolve()
        if not path.exists():
            msg = self.inliner.reporter.error(f"outcome: no notebook at {self.text!r} (looked for {path}).",
                                              line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]
        self.env.note_dependency(str(path))
        status = notebook_status(nbformat.read(path, as_version=4))
        if status not in OUTCOMES:
            msg = self.inliner.reporter.error(
                f"outcome: {self.text!r} printed no verdict (its status is {status!r}); "
                f"expected one of {OUTCOMES}.", line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]
        return [badge(status)], []


def _serve_stylesheet(app, config) -> None:
    config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.add_role("outcome", OutcomeRole())
    app.connect("config-inited", _serve_stylesheet)
    app.add_css_file("verdicts.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
