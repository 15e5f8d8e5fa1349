"""Fixes for what axe-core finds in the theme's and the extensions' HTML (the browser test runs it).

- docutils marks the bibliography's container ``role="list"``, but its children are
  ``doc-biblioentry`` entries and back-links, which a list may not hold (axe:
  aria-required-children, critical): the role is dropped, the entries keep theirs.
- Links inside the light-blue admonitions (exercises, notes) are a shade darker than the
  theme's link colour, which has a contrast of 4.3:1 there, under the 4.5:1 of WCAG AA
  (``accessibility.css``).
"""

from __future__ import annotations

CITATION_LIST = '<div role="list" class="citation-list">'


def _fix_body(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = context["body"].replace(CITATION_LIST, '<div class="citation-list">')


def setup(app):
    app.add_css_file("accessibility.css")
    app.connect("html-page-context", _fix_body)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
