"""Print the built website into one PDF of the whole book (``make pdf``), offline.

Every page of ``_toc.yml``, in the book's order, is opened in headless Chromium from the
site served on loopback, printed with the site's print stylesheet (``print.css``: no
navigation, code wrapped, figures whole) once its fonts have loaded, and the pages are
joined with ``pypdf``, with one bookmark per page. Chromium embeds each figure as full
colour; like the site's images (``book/_ext/light_pages.py``), a figure is stored with 256
colours where that looks the same, which halves the file. The PDF goes into the site, so
that the website can link to it.

Usage: ``python scripts/print_pdf.py`` (after ``make book``).
"""

from __future__ import annotations

import base64
import io
import struct
import sys
import tempfile
import time
from pathlib import Path

from book_toc import toc_pages
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, NumberObject
from site_browser import ROOT, SITE, chromium, serve

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from light_pages import smaller_png  # noqa: E402  (the site's rule for 256-colour figures)

PDF = SITE / "dl-vs-ml-measured.pdf"
PRINT = {  # Chrome DevTools Protocol, Page.printToPDF: A4, 15 mm margins, page numbers below
    "paperWidth": 8.27,
    "paperHeight": 11.69,
    "marginTop": 0.6,
    "marginBottom": 0.7,
    "marginLeft": 0.6,
    "marginRight": 0.6,
    "printBackground": True,
    "displayHeaderFooter": True,
    "headerTemplate": "<span></span>",
    "footerTemplate": '<div style="font-size:8px;width:100%;text-align:center;color:#666">'
    '<span class="title"></span> · <span class="pageNumber"></span></div>',
}
FONTS_LOADED = "const done = arguments[0]; document.fonts.ready.then(() => done(true));"


def print_page(driver, url: str) -> tuple[str, bytes]:
    """The page's title and its printed PDF."""
    driver.get(url)
    driver.execute_async_script(FONTS_LOADED)
    time.sleep(0.2)
    title = driver.execute_script(
        "const h = document.querySelector('article h1');"
        "return h ? h.textContent.replace('#', '').trim() : document.title"
    )
    data = driver.execute_cdp_cmd("Page.printToPDF", PRINT)["data"]
    return title, base64.b64decode(data)


def png_chunks(png: bytes) -> dict[str, bytes]:
    """A PNG's chunks by type, the IDAT chunks joined (PNG's zlib stream of filtered rows)."""
    chunks: dict[str, bytes] = {}
    at = 8  # after the signature
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        chunks[kind.decode()] = chunks.get(kind.decode(), b"") + png[at + 8 : at + 8 + length]
        at += 12 + length
    return chunks


def figures_in_256_colours(writer: PdfWriter) -> int:
    """Store each image of the PDF as an indexed-colour image where :func:`smaller_png`
    allows it; the PNG's compressed rows are what a PDF Flate stream with PNG predictors
    holds, so they are used as they are. Returns how many images changed."""
    changed, seen = 0, set()
    for page in writer.pages:
        for image in page.images:
            ref = image.indirect_reference
            if ref is None or ref.idnum in seen or image.image.mode not in ("RGB", "L"):
                continue
            seen.add(ref.idnum)
            full = io.BytesIO()
            image.image.save(full, "PNG")
            if (png := smaller_png(full.getvalue())) is None:
                continue
            chunks = png_chunks(png)
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks["IHDR"])
            if colour_type != 3 or interlace or "tRNS" in chunks:
                continue
            stream = ref.get_object()
            stream._data = chunks["IDAT"]
            stream[NameObject("/Filter")] = NameObject("/FlateDecode")
            stream[NameObject("/DecodeParms")] = DictionaryObject(
                {
                    NameObject("/Predictor"): NumberObject(15),
                    NameObject("/Colors"): NumberObject(1),
                    NameObject("/BitsPerComponent"): NumberObject(depth),
                    NameObject("/Columns"): NumberObject(width),
                }
            )
            stream[NameObject("/ColorSpace")] = ArrayObject(
                [
                    NameObject("/Indexed"),
                    NameObject("/DeviceRGB"),
                    NumberObject(len(chunks["PLTE"]) // 3 - 1),
                    ByteStringObject(chunks["PLTE"]),
                ]
            )
            stream[NameObject("/BitsPerComponent")] = NumberObject(depth)
            changed += 1
    return changed


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
    figures_in_256_colours(writer)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)  # one copy of each font
    writer.add_metadata({"/Title": "Deep Learning vs Machine Learning, measured", "/Author": "The dlml authors"})
    with PDF.open("wb") as fh:
        writer.write(fh)
    print(
        f"{PDF.relative_to(ROOT)}: {len(writer.pages)} pages, {PDF.stat().st_size / 1e6:.1f} MB, "
        f"{len(toc_pages())} chapters and sections, {time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
