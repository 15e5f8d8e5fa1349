"""Include each script only once per page.

With Sphinx 7.4, sphinx-thebe's inline configuration script is added to every page
twice, and its second ``const THEBE_JS_URL`` declaration is a JavaScript error in the
reader's console (the browser test of the site caught it): one copy is registered with
the file name ``None``, the other with ``""``. This drops such duplicates from the
page's script list before the page is rendered.
"""

from __future__ import annotations


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (getattr(script, "filename", str(script)) or "", tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: Sphinx still sorts this list by priority


def setup(app):
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
