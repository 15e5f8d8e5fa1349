"""Lighter pages: what a page does not use, it does not load, and the site does not ship.

- **Icons from the font, not from JavaScript.** The theme draws its twenty-odd icons with
  Font Awesome's JavaScript (1.5 MB per page). The same icons come from the Font Awesome
  web fonts the theme already ships (``icons.css``, about 270 kB, cached once), so the
  script is taken out of every page and out of the site.
- **Figures in 256 colours.** A plot has few colours but matplotlib writes it as full RGBA;
  the same image as a 256-colour PNG is about a third of the size and looks the same (the
  mean change per pixel is a fraction of one level of 255; an image that would change more
  stays as it was). This applies to the site's images and to the copies of the notebooks it
  offers for download (``_sources``); the notebooks in the repository keep their images.
- **No script for mathematics.** Formulas are MathML, written at build time (``mathml.py``).
- **No unused files.** Source maps, TrueType copies of the web fonts and the theme's
  translation catalogues (read when the site is built, never by a browser) are deleted from
  the built site. Everything a page loads is served by the site itself: the book works offline.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

FONTAWESOME_TAG = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
MAX_MEAN_CHANGE = 1.0  # levels of 255, per pixel and channel, that a 256-colour copy may change on average


def smaller_png(png: bytes) -> bytes | None:
    """The same picture as a 256-colour PNG, if that is smaller and looks the same; else None."""
    with Image.open(io.BytesIO(png)) as image:
        if image.mode == "P":  # already a palette image
            return None
        rgb = image.convert("RGB")
    palette = rgb.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    change = np.abs(np.asarray(palette.convert("RGB"), dtype=np.int16) - np.asarray(rgb, dtype=np.int16)).mean()
    smaller = io.BytesIO()
    palette.save(smaller, "PNG", optimize=True)
    if change > MAX_MEAN_CHANGE or smaller.tell() >= len(png):
        return None
    return smaller.getvalue()


def compress_figure(path: Path) -> bool:
    """Rewrite a PNG file with 256 colours where :func:`smaller_png` allows; True if it did."""
    if (smaller := smaller_png(path.read_bytes())) is None:
        return False
    path.write_bytes(smaller)
    return True


def compress_notebook_figures(path: Path) -> int:
    """Rewrite the PNG outputs of a notebook file with 256 colours where allowed; how many."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    done = 0
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if isinstance(data := output.get("data", {}).get("image/png"), str):
                if (smaller := smaller_png(base64.b64decode(data))) is not None:
                    output["data"]["image/png"] = base64.b64encode(smaller).decode("ascii")
                    done += 1
    if done:
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return done


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
    for notebook in (out / "_sources").rglob("*.ipynb"):
        compress_notebook_figures(notebook)
    static = out / "_static"
    for path in [static / "scripts" / "fontawesome.js", *static.rglob("*.map"), *static.rglob("*.ttf")]:
        path.unlink(missing_ok=True)
    shutil.rmtree(static / "locales", ignore_errors=True)


def setup(app):
    app.add_css_file("icons.css")
    app.connect("build-finished", _prune_site)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
