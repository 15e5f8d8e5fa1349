"""Print the built website into one PDF of the whole book (``make pdf``), offline.

Every page of ``_toc.yml``, in the book's order, is opened in headless Chromium from the
site served on loopback, printed with the site's print stylesheet (``print.css``: no
navigation, code wrapped, figures whole) once its fonts have loaded, and the pages are
joined with ``pypdf``, with one bookmark per page. The PDF goes into the site, so that the
website can link to it.

Usage: ``python scripts/print_pdf.py`` (after ``make book``).
"""

from __future__ import annotations

import base64
import io
import re
import sys
import tempfile
import time
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter

from site_browser import ROOT, SITE, chromium, serve

PDF = SITE / "dl-vs-ml-measured.pdf"
PRINT = {  # Chrome DevTools Protocol, Page.printToPDF: A4, 15 mm margins, page numbers below
    "paperWidth": 8.27, "paperHeight": 11.69, "marginTop": 0.6, "marginBottom": 0.7,
    "marginLeft": 0.6, "marginRight": 0.6, "printBackground": True, "displayHeaderFooter": True,
    "headerTemplate": "<span></span>",
    "footerTemplate": '<div style="font-size:8px;width:100%;text-align:center;color:#666">'
                      '<span class="title"></span> · <span class="pageNumber"></span></div>',
}
FONTS_LOADED = "const done = arguments[0]; document.fonts.ready.then(() => done(true));"


def toc_pages() -> list[str]:
    """Every page of _toc.yml, root first, as document names."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return list(dict.fromkeys([toc["root"], *re.findall(r"file: (\S+)", yaml.safe_dump(toc))]))


def print_page(driver, url: str) -> tuple[str, bytes]:
    """The page's title and its printed PDF."""
    driver.get(url)
    driver.execute_async_script(FONTS_LOADED)
    time.sleep(0.2)
    title = driver.execute_script("const h = document.querySelector('article h1');"
                                  "return h ? h.textContent.replace('#', '').trim() : document.title")
    data = driver.execute_cdp_cmd("Page.printToPDF", PRINT)["data"]
    return title, base64.b64decode(data)


def main() -> int:
    start = time.perf_counter()
    writer = PdfWriter()
    with serve(SITE) as (base, _), tempfile.TemporaryDirectory() as profile:
        driver = chromium(Path(profile))
        try:
            for page in toc_pages():
                title, pdf = print_page(driver, f"{base}/{page}.html")
                first = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(pdf)))
                writer.add_outline_item(title=title, page_number=first)
        finally:
            driver.quit()
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)  # one copy of each font
    writer.add_metadata({"/Title": "Deep Learning vs Machine Learning, measured", "/Author": "The dlml authors"})
    with PDF.open("wb") as fh:
        writer.write(fh)
    print(f"{PDF.relative_to(ROOT)}: {len(writer.pages)} pages, {PDF.stat().st_size / 1e6:.1f} MB, "
          f"{len(toc_pages())} chapters and sections, {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
