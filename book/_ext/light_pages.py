"""Lighter pages: what a page does not use, it does not load, and the site does not ship.

- **Icons from the font, not from JavaScript.** The theme draws its twenty-odd icons with
  Font Awesome's JavaScript (1.5 MB per page). The same icons come from the Font Awesome
  web fonts the theme already ships (``icons.css``, about 270 kB, cached once), so the
  script is taken out of every page and out of the site.
- **Figures in 256 colours.** A plot has few colours but matplotlib writes it as full RGBA;
  the same image as a 256-colour PNG is about a third of the size and looks the same (the
  mean change per pixel is a fraction of one level of 255; an image that would change more
  stays as it was). The notebooks keep their full images; only the site's copies change.
- **No script for mathematics.** Formulas are MathML, written at build time (``mathml.py``).
- **No unused files.** Source maps and TrueType copies of the web fonts are deleted from
  the built site. Everything a page loads is served by the site itself: the book works offline.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
from PIL import Image

FONTAWESOME_TAG = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
MAX_MEAN_CHANGE = 1.0  # levels of 255, per pixel and channel, that a 256-colour copy may change on average


def compress_figure(path: Path) -> bool:
    """Rewrite a PNG with 256 colours if that makes it smaller and looks the same; True if it did."""
    with Image.open(path) as image:
        if image.mode == "P":  # already a palette image
            return False
        rgb = image.convert("RGB")
    palette = rgb.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    change = np.abs(np.asarray(palette.convert("RGB"), dtype=np.int16) - np.asarray(rgb, dtype=np.int16)).mean()
    smaller = io.BytesIO()
    palette.save(smaller, "PNG", optimize=True)
    if change > MAX_MEAN_CHANGE or smaller.tell() >= path.stat().st_size:
        return False
    path.write_bytes(smaller.getvalue())
    return True


def _prune_site(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if (lighter := FONTAWESOME_TAG.sub("", text)) != text:
            page.write_text(lighter, encoding="utf-8")
    for figure in (out / "_images").glob("*.png"):
        compress_figure(figure)
    static = out / "_static"
    for path in [static / "scripts" / "fontawesome.js", *static.rglob("*.map"), *static.rglob("*.ttf")]:
        path.unlink(missing_ok=True)


def setup(app):
    app.add_css_file("icons.css")
    app.connect("build-finished", _prune_site)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
