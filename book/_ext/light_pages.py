"""Lighter pages: what a page does not use, it does not load, and the site does not ship.

- **Icons from the font, not from JavaScript.** The theme draws its twenty-odd icons with
  Font Awesome's JavaScript (1.5 MB per page). The same icons come from the Font Awesome
  web fonts the theme already ships (``icons.css``, about 270 kB, cached once), so the
  script is taken out of every page and out of the site.
- **MathJax only where there is mathematics.** Sphinx loads MathJax on a page when the
  page *or any page in its table of contents* has an equation, so the preface loaded it for
  the whole book. Here a page loads it only for its own equations.
- **No unused files.** MathJax's other bundles (SVG output, MathML input, the "full"
  builds), source maps and TrueType copies of the web fonts are deleted from the built site.
  Everything a page loads is still served by the site itself: the book works offline.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

FONTAWESOME_TAG = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
# MathJax files that tex-chtml.js (the one the book uses) never loads.
UNUSED_MATHJAX = ("mml-chtml.js", "mml-svg.js", "tex-chtml-full.js", "tex-chtml-full-speech.js", "tex-mml-chtml.js",
                  "tex-mml-svg.js", "tex-svg.js", "tex-svg-full.js", "node-main.js", "output/svg", "input/tex-full.js",
                  "input/tex-base.js", "input/tex.js", "input/mml.js", "input/mml", "input/asciimath.js", "adaptors")


def _page_context(app, pagename, templatename, context, doctree) -> None:
    """Drop MathJax from a page whose own text has no mathematics."""
    if doctree is None or app.env.get_domain("math").data["has_equations"].get(pagename, False):
        return
    context["script_files"] = [s for s in context.get("script_files", []) if "mathjax" not in str(s).lower()]


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _prune_site(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if (lighter := FONTAWESOME_TAG.sub("", text)) != text:
            page.write_text(lighter, encoding="utf-8")
    static = out / "_static"
    for path in [static / "scripts" / "fontawesome.js", *(static / "mathjax" / name for name in UNUSED_MATHJAX),
                 *static.rglob("*.map"), *static.rglob("*.ttf")]:
        _remove(path)


def setup(app):
    app.add_css_file("icons.css")
    app.connect("html-page-context", _page_context, priority=900)  # after sphinx.ext.mathjax has added it
    app.connect("build-finished", _prune_site)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
