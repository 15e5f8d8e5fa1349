"""Every figure opens full size: a click on a notebook's figure shows the image file alone.

Multi-panel figures are drawn wider than a phone, where their labels are a few pixels tall;
the reader can open the image by itself and zoom. The image's alt text names the link.
"""

from __future__ import annotations

import re
from pathlib import Path

# An <img> of the book's own images (alt texts may span lines).
FIGURE = re.compile(r'<img\s[^>]*?src="([^"]*_images/[^"]+)"[^>]*>', re.DOTALL)
LINK = '<a class="figure-full-size" href="{}">'



def link_figures(html: str) -> str:
    """Wrap each image from ``_images/`` in a link to the image itself.

    >>> once = link_figures('<p><img alt="a plot" src="../_images/f.png" /></p>')
    >>> once
    '<p><a class="figure-full-size" href="../_images/f.png"><img alt="a plot" src="../_images/f.png" /></a></p>'
    >>> link_figures(once) == once
    True
    """
    def wrap(match: re.Match) -> str:
        link = LINK.format(match[1])
        if html[: match.start()].endswith(link):  # linked already, by an earlier build
            return match[0]
        return f"{link}{match[0]}</a>"

    return FIGURE.sub(wrap, html)


def _link_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "_images/" in text and (linked := link_figures(text)) != text:
            page.write_text(linked, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _link_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
