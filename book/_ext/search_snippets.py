"""Search results that quote prose: the snippet under each result skips code and page buttons.

Sphinx's search shows the text around the first match in a page's main element, which in
this theme begins with the header's download menu (so a search for "overfitting" showed
"....pdf") and includes every code cell. ``search-snippets.js`` removes those parts from
the page before Sphinx picks the snippet; the ranking itself is Sphinx's.
"""


def setup(app):
    app.add_js_file("search-snippets.js", loading_method="defer")  # after searchtools.js defines Search
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
