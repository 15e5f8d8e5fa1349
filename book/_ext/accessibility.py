"""Fixes for what axe-core finds in the theme's and the extensions' HTML (the browser test runs it).

- docutils marks the bibliography's container ``role="list"``, but its children are
  ``doc-biblioentry`` entries and back-links, which a list may not hold (axe:
  aria-required-children, critical): the role is dropped, the entries keep theirs.
- Links inside the light-blue admonitions (exercises, notes) are a shade darker than the
  theme's link colour, which has a contrast of 4.3:1 there, under the 4.5:1 of WCAG AA
  (``accessibility.css``).
- A figure's alt text is its first sentence, which says what kind of figure it is; a
  screen reader reads alt text as one block that cannot be skimmed, and the notebooks'
  descriptions run to a thousand characters. The whole description follows the figure in a
  closed ``<details>`` element, for anyone who wants it, sighted readers included.
"""

from __future__ import annotations

import html
import re

from docutils import nodes

CITATION_LIST = '<div role="list" class="citation-list">'


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
DESCRIPTION = '<details class="figure-description"><summary>The figure in words</summary><p>{}</p></details>'


def short_alt(description: str) -> tuple[str, bool]:
    """The first sentence of a figure's description, and whether there is more.

    >>> short_alt("A line plot of loss against epochs. It falls fast, then slowly.")
    ('A line plot of loss against epochs.', True)
    >>> short_alt("A line plot.")
    ('A line plot.', False)
    """
    first, *rest = SENTENCE_END.split(description.strip(), maxsplit=1)
    return first, bool(rest)


def _describe_figures(app, doctree, docname) -> None:
    for image in list(doctree.findall(nodes.image)):
        alt, longer = short_alt(image.get("alt", ""))
        if not longer:
            continue
        description = nodes.raw("", DESCRIPTION.format(html.escape(image["alt"])), format="html")
        image["alt"] = alt
        after = image.parent if isinstance(image.parent, nodes.figure) else image
        after.parent.insert(after.parent.index(after) + 1, description)


def _fix_body(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = context["body"].replace(CITATION_LIST, '<div class="citation-list">')


def setup(app):
    app.add_css_file("accessibility.css")
    app.connect("html-page-context", _fix_body)
    app.connect("doctree-resolved", _describe_figures)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
