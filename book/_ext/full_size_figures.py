"""Figures for every screen: legible on a phone, and a click opens any figure full size.

The notebooks draw their figures at 150 dots per inch with 11-point text (``dlml.plots``),
so text in the image is about 23 pixels tall. A multi-panel figure 9 to 15 inches wide
shrunk to a phone's column would have text 4 pixels tall. So each figure gets a *legible
width*, the narrowest width at which its text is still ``MIN_TEXT_PX`` CSS pixels tall; on
a screen narrower than that (``figures.css``) the figure keeps that width and scrolls
sideways inside the column, and the page itself never scrolls sideways. A figure that fits
is simply shrunk to the column, as before.

Every figure also links to its image file, to open alone and zoom.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from PIL import Image

# An <img> of the book's own images (alt texts may span lines).
FIGURE = re.compile(r'<img\s[^>]*?src="([^"]*_images/([^"/]+))"[^>]*?(/?)>', re.DOTALL)
LINK = '<a class="figure-full-size" href="{}">'
SAVEFIG_DPI, FONT_PT = 150, 11  # dlml.plots.use_book_style: the figures' resolution and text size
MIN_TEXT_PX = 8  # CSS pixels: the smallest text height a reader can still read


def legible_width(pixels: int) -> int:
    """The narrowest CSS width at which a figure ``pixels`` wide keeps its text legible.

    >>> legible_width(1384)  # a 9.2-inch, twelve-panel figure: wider than a phone
    484
    >>> legible_width(960)   # a 6.4-inch figure: fits a phone's column
    336
    """
    text_px = FONT_PT / 72 * SAVEFIG_DPI
    return math.ceil(pixels * MIN_TEXT_PX / text_px)


def link_figures(html: str, widths: dict[str, int] | None = None) -> str:
    """Wrap each image from ``_images/`` in a link to the image itself, and give it the
    legible width of its pixel width in ``widths`` (by file name), where known.

    >>> link_figures('<p><img alt="a plot" src="../_images/f.png" /></p>', {"f.png": 1384})
    '<p><a class="figure-full-size" href="../_images/f.png"><img alt="a plot" src="../_images/f.png" \
style="--legible-width: 484px" /></a></p>'
    """
    widths = widths or {}

    def wrap(match: re.Match) -> str:
        tag = match[0]
        if match[2] in widths:
            end = len(match[3]) + 1  # "/>" or ">"
            tag = f'{tag[:-end].rstrip()} style="--legible-width: {legible_width(widths[match[2]])}px" {tag[-end:]}'
        return f"{LINK.format(match[1])}{tag}</a>"

    return FIGURE.sub(wrap, html)


def _image_widths(app, html: str) -> dict[str, int]:
    """Pixel widths of the images a page shows, read from their source files."""
    sources = {out: source for source, out in app.builder.images.items()}
    widths = {}
    for name in {m[2] for m in FIGURE.finditer(html)} & sources.keys():
        with Image.open(Path(app.srcdir, sources[name])) as image:
            widths[name] = image.width
    return widths


def _link_body(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = link_figures(context["body"], _image_widths(app, context["body"]))


def setup(app):
    app.add_css_file("figures.css")
    app.connect("html-page-context", _link_body)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
