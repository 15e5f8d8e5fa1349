"""What every page says about itself: the book's version, the build date, the licences, a description.

- The footer of every page gives the version of the book (the ``dlml`` package's, one
  number for the library and the text), the date of the build and the two licences, with
  a link to "how to cite" on the preface.
- Each page gets a ``<meta name="description">``, its first paragraph shortened to about
  160 characters, for search engines and link previews; nobody has to write one per page.

Examples
--------
>>> description("A neuron computes a weighted sum of its inputs, adds a bias and applies a function. " * 3)[-1]
'…'
"""

from __future__ import annotations

import datetime
import html
from importlib.metadata import version

from docutils import nodes

MAX_DESCRIPTION = 160  # characters: what search engines show of a description


def description(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """One line of at most ``limit`` characters, cut at a word and marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def first_paragraph(doctree: nodes.document) -> str:
    """The text of the page's first paragraph of prose (not in a table, a caption or an output)."""
    skip = (nodes.table, nodes.caption, nodes.literal_block, nodes.admonition, nodes.footnote)
    for paragraph in doctree.findall(nodes.paragraph):
        parent, inside = paragraph.parent, False
        while parent is not None:
            if isinstance(parent, skip) or "cell_output" in parent.get("classes", []):
                inside = True
                break
            parent = parent.parent
        has_math = any(True for _ in paragraph.findall(nodes.math))  # TeX source reads badly in a preview
        if not inside and not has_math and len(paragraph.astext().split()) >= 8:
            return paragraph.astext()
    return ""


def _footer(app, config) -> None:
    built = datetime.datetime.now(datetime.UTC).date().isoformat()
    config.html_theme_options["extra_footer"] = (
        f"<p>Version {version('dlml')}, built {built}. Text: "
        '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>; code: MIT. '
        '<a href="{root}#licence-and-how-to-cite">How to cite</a>.</p>'
    )


def _page_context(app, pagename, templatename, context, doctree) -> None:
    footer = app.config.html_theme_options.get("extra_footer", "")
    if "{root}" in footer:  # the preface's address, relative to this page
        context["theme_extra_footer"] = footer.replace(
            "{root}", app.builder.get_relative_uri(pagename, app.config.root_doc)
        )
    if doctree is not None and (text := first_paragraph(doctree)):
        context["metatags"] = (
            context.get("metatags", "") + f'\n<meta name="description" content="{html.escape(description(text))}" />'
        )


def setup(app):
    app.connect("config-inited", _footer)
    app.connect("html-page-context", _page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
