"""The book's PDF (``make pdf``): every page of the book in it, in order, and no code cut off.

``make test`` prints the PDF after building the site and before this test runs.
"""

from __future__ import annotations

import sys
import unicodedata

import pytest
from pypdf import PdfReader
from test_site import NOTEBOOK_PAGES, PAGES, open_page

from conftest import ROOT, SITE

sys.path.insert(0, str(ROOT / "scripts"))
from print_pdf import PDF  # noqa: E402

PRINT_WIDTH = (794, 1123)  # A4 at 96 dpi: the width Chromium lays a printed page out at


@pytest.fixture(scope="module")
def book_pdf():
    if not PDF.exists():
        pytest.fail(f"no {PDF.relative_to(ROOT)}: run `make pdf` (make test does).", pytrace=False)
    return PdfReader(PDF)


def test_the_pdf_has_every_page_of_the_book_in_order(book_pdf):
    outline = [(item.title, book_pdf.get_destination_page_number(item)) for item in book_pdf.outline]
    assert len(outline) == len(PAGES), f"{len(outline)} bookmarks for {len(PAGES)} pages of the book"
    starts = [page for _, page in outline]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), "the pages are not in the book's order"
    titles = {page: (SITE / f"{page}.html").read_text(encoding="utf-8") for page in PAGES}
    for (title, first), page in zip(outline, PAGES):
        assert title and title in titles[page], f"bookmark {title!r} is not the title of {page}"
        text = " ".join(unicodedata.normalize("NFKC", book_pdf.pages[first].extract_text()).split())  # no ligatures
        assert " ".join(title.split()[:3]) in text, f"{page} does not begin on its page of the PDF ({first + 1})"


def test_the_site_links_to_the_pdf(browser, site):
    base, _ = site
    open_page(browser, f"{base}/{PAGES[0]}.html")
    hrefs = browser.execute_script("return Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    assert f"{base}/{PDF.name}" in hrefs, "the home page does not link to the PDF"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_printed_code_is_wrapped_not_cut(browser, site, page):
    """With the print stylesheet at A4 width, no code or output block is wider than its box."""
    base, _ = site
    browser.set_window_size(*PRINT_WIDTH)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        open_page(browser, f"{base}/{page}.html")
        cut = browser.execute_script(
            "return Array.from(document.querySelectorAll('article pre'))"
            ".filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent.slice(0, 60))"
        )
        assert not cut, f"{page}: {len(cut)} code blocks are cut at the printed margin, e.g. {cut[0]!r}"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.set_window_size(1366, 900)
