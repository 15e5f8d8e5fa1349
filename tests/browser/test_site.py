"""The built website, used the way a reader uses it: in a real (headless) browser.

Every page of the table of contents loads with no console errors and no missing
assets, its internal links resolve, notebook pages show their figures, search finds a
glossary term, and screenshots at desktop and phone widths are written to
``_build/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml
from book_toc import toc_pages  # scripts/, on the path through conftest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, SCREENSHOTS, SITE

DESKTOP, PHONE = (1366, 900), (390, 844)


PAGES = toc_pages()
NOTEBOOK_PAGES = [p for p in PAGES if (ROOT / f"{p}.ipynb").exists()]
TABLE_PAGE = "book/ch2-the-table-measured"  # the article's table, with the book's verdicts
VERDICT_PAGES = [p for p in NOTEBOOK_PAGES if ".decide(" in (ROOT / f"{p}.ipynb").read_text()]
LAPTOP = (1280, 800)  # the narrowest desktop width at which no verdict may scroll sideways
PREFACE_BUDGET = 1.5e6  # bytes, uncompressed: the home page of a reader on a slow connection
MAX_ALT = 250  # characters of alt text; a figure's longer description follows it in a <details>
PAGE_BUDGET = 2.5e6  # bytes, uncompressed: any other page
SITE_BUDGET = 21e6  # bytes: the whole website, the PDF of the book included (20 MB until the book
# grew to 22 notebooks: the PDF, about half of it, grows by some 0.25 MB with each notebook page)
WEIGHTS = SCREENSHOTS.parent / "page-weights.tsv"  # written by the weight test, for people to read
GLOSSARY_TERM = "backpropagation"


def open_page(browser, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


class Ids(HTMLParser):
    """The element ids of one HTML page (the targets of #fragment links)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k in ("id", "name") and v)


@contextlib.contextmanager
def window(browser, size: tuple[int, int]):
    """Lay pages out at ``size`` (width, height) inside the block, at desktop size after it."""
    browser.set_window_size(*size)
    try:
        yield
    finally:
        browser.set_window_size(*DESKTOP)


@functools.cache
def page_ids(path: Path) -> set[str]:
    parser = Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.ids


def broken_internal_links(hrefs: list[str], base: str) -> list[str]:
    """Links to this site whose file, or #fragment on it, does not exist."""
    broken = []
    for href in dict.fromkeys(hrefs):
        if not href.startswith(base):
            continue
        parts = urlsplit(href)
        target = SITE / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(href)
        elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in page_ids(target):
            broken.append(href)
    return broken


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_cleanly_and_its_links_resolve(browser, site, page):
    base, requests = site
    browser.get_log("browser")  # drop what earlier pages logged
    start = len(requests)
    open_page(browser, f"{base}/{page}.html")
    assert browser.title, f"{page}: the page has no title"
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"{page}: console errors: {errors}"
    missing = [path for path, status in requests[start:] if status >= 400]
    assert not missing, f"{page}: requests that failed: {missing}"
    hrefs = browser.execute_script("return Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    assert not (broken := broken_internal_links(hrefs, base)), f"{page}: broken internal links: {broken}"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_notebook_page_shows_its_figures(browser, site, page):
    base, _ = site
    nb = nbformat.read(ROOT / f"{page}.ipynb", as_version=4)
    shown = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and "remove-output" not in c.metadata.get("tags", [])
        and "remove-cell" not in c.metadata.get("tags", [])
    ]
    n_figures = sum("image/png" in o.get("data", {}) for c in shown for o in c.get("outputs", []))
    open_page(browser, f"{base}/{page}.html")
    images = browser.execute_script(
        "return Array.from(document.querySelectorAll('article img'),"
        " i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0, i.alt,"
        "       i.closest('a') ? i.closest('a').getAttribute('href') : null])"
    )
    figures = [img for img in images if "_images/" in img[0]]
    assert len(figures) >= n_figures, f"{page}: {n_figures} figures in the notebook, {len(figures)} on the page"
    assert all(ok for _, ok, _, _ in figures), (
        f"{page}: figures that did not load: {[s for s, ok, _, _ in figures if not ok]}"
    )
    assert all(alt.strip() for _, _, alt, _ in figures), f"{page}: a figure without alt text"
    unlinked = [src for src, _, _, href in figures if href != src]
    assert not unlinked, f"{page}: figures that do not open full size on a click: {unlinked}"
    long_alt = [alt[:40] for _, _, alt, _ in figures if len(alt) > MAX_ALT]
    assert not long_alt, f"{page}: alt texts over {MAX_ALT} characters, read by screen readers as one block: {long_alt}"
    described = browser.execute_script(
        "return Array.from(document.querySelectorAll('article details.figure-description p'), p => p.textContent)"
    )
    described = {" ".join(text.split()) for text in described}
    descriptions = [c.metadata.get("mystnb", {}).get("image", {}).get("alt", "") for c in shown]
    lost = [d[:40] for d in descriptions if len(d) > MAX_ALT and " ".join(d.split()) not in described]
    assert not lost, f"{page}: long figure descriptions missing from the page: {lost}"


@pytest.mark.parametrize("page", VERDICT_PAGES)
def test_the_verdict_is_a_callout_that_fits_the_page(browser, site, page):
    base, _ = site
    with window(browser, LAPTOP):
        open_page(browser, f"{base}/{page}.html")
        boxes = browser.execute_script(
            "return Array.from(document.querySelectorAll('.verdict-callout'),"
            " b => [b.scrollWidth, b.clientWidth, b.querySelectorAll('.verdict-badge').length,"
            "       b.querySelectorAll('li').length])"
        )
        assert len(boxes) == 1, f"{page}: {len(boxes)} verdict callouts; one expected"
        scroll, client, badges, items = boxes[0]
        assert scroll <= client, f"{page}: the verdict is {scroll} px wide in a {client} px column"
        assert badges == 1 and items >= 1, f"{page}: the callout lacks its outcome badge or its checks"
        hidden = browser.execute_script(
            "const b = document.querySelector('.verdict-callout');"
            "const cell = b.closest('.cell'); const d = cell && cell.querySelector('details');"
            "return d !== null && !d.open"
        )
        assert hidden, f"{page}: the code that decides the verdict is not collapsed above it"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_no_output_line_scrolls_sideways_at_laptop_width(browser, site, page):
    """Every printed output fits the column at 1280 px: shrunk or wrapped (wide_outputs.py)."""
    base, _ = site
    with window(browser, LAPTOP):
        open_page(browser, f"{base}/{page}.html")
        wide = browser.execute_script(
            "return Array.from(document.querySelectorAll('article .cell_output pre'))"
            ".filter(p => p.scrollWidth > p.clientWidth + 1)"
            ".map(p => [p.scrollWidth, p.clientWidth, p.textContent.trim().slice(0, 50)])"
        )
        assert not wide, f"{page}: outputs wider than the column at {LAPTOP[0]} px: {wide}"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_launch_and_download_buttons_point_at_this_notebook(browser, site, page):
    base, _ = site
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].removeprefix("https://github.com/")
    open_page(browser, f"{base}/{page}.html")
    hrefs = browser.execute_script("return Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    expected = {
        "Colab": f"https://colab.research.google.com/github/{repo}/blob/main/{page}.ipynb",
        "Binder": f"https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/{page}.ipynb",
        "download": f"{base}/_sources/{page}.ipynb",
    }
    for button, url in expected.items():
        assert url in hrefs, f"{page}: no {button} button pointing at {url}"
    assert (SITE / "_sources" / f"{page}.ipynb").exists()


def page_weight(browser, url: str) -> tuple[int, list[str]]:
    """Bytes a page loads with an empty cache (uncompressed, Resource Timing API), and the URLs."""
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        open_page(browser, url)
        time.sleep(0.3)  # web fonts are requested after the load event
        size, urls = browser.execute_script(
            "const nav = performance.getEntriesByType('navigation')[0];"
            "const rs = performance.getEntriesByType('resource');"
            "return [nav.decodedBodySize + rs.reduce((t, r) => t + r.decodedBodySize, 0), rs.map(r => r.name)];"
        )
    finally:
        browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    return size, urls


def test_pages_load_only_what_they_use(browser, site):
    """No icon JavaScript and no script for mathematics (MathML needs none); the home page
    within 1.5 MB and every page within 2.5 MB; every page's weight is written to
    _build/page-weights.tsv."""
    base, _ = site
    rows, problems = [], []
    for page in PAGES:
        size, urls = page_weight(browser, f"{base}/{page}.html")
        has_math = 'class="math' in (SITE / f"{page}.html").read_text(encoding="utf-8")
        rows.append(f"{page}\t{size}\t{len(urls) + 1}\t{'yes' if has_math else 'no'}")
        if any("fontawesome.js" in u for u in urls):
            problems.append(f"{page} loads Font Awesome's JavaScript")
        if any("mathjax" in u.lower() for u in urls):
            problems.append(f"{page} loads MathJax")
        if size > PAGE_BUDGET:
            problems.append(f"{page} loads {size / 1e6:.2f} MB (budget {PAGE_BUDGET / 1e6} MB)")
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    WEIGHTS.write_text("page\tbytes\trequests\tmathematics\n" + "\n".join(rows) + "\n")
    preface = int(rows[0].split("\t")[1])
    assert preface <= PREFACE_BUDGET, f"the home page loads {preface / 1e6:.2f} MB (budget {PREFACE_BUDGET / 1e6} MB)"
    assert not problems, problems


def test_site_is_small():
    """The website, with the PDF of the book that it offers for download, within 21 MB."""
    files = [f for f in SITE.rglob("*") if f.is_file()]
    size = sum(f.stat().st_size for f in files)
    largest = sorted(files, key=lambda f: f.stat().st_size)[-3:]
    assert size <= SITE_BUDGET, (
        f"the site is {size / 1e6:.1f} MB (budget {SITE_BUDGET / 1e6:.0f} MB); largest: "
        + ", ".join(f"{f.relative_to(SITE)} {f.stat().st_size / 1e6:.1f} MB" for f in largest)
    )


AXE = Path(__import__("selenium_axe_python").__file__).parent / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_serious_accessibility_violation(browser, site, page):
    """axe-core on the page in light and in dark mode: no serious or critical violation."""
    base, _ = site
    open_page(browser, f"{base}/{page}.html")
    browser.set_script_timeout(60)
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    # Without transitions, colours are final as soon as the theme changes.
    browser.execute_script(
        "document.head.insertAdjacentHTML('beforeend', '<style>*{transition:none!important}</style>')"
    )
    found = []
    for mode, rules in (("light", None), ("dark", ["color-contrast"])):  # only colours change with the theme
        browser.execute_script("document.documentElement.dataset.theme = arguments[0]", mode)
        violations = browser.execute_async_script(
            "const [rules, done] = arguments;"
            "const options = rules ? {resultTypes: ['violations'], runOnly: rules} : {resultTypes: ['violations']};"
            "axe.run(document, options).then(r => done(r.violations.map("
            "  v => [v.id, v.impact, v.help, v.nodes.map(n => n.target.join(' ')).slice(0, 3)])));",
            rules,
        )
        found += [
            f"{mode}: {rule} ({impact}): {help} at {where}"
            for rule, impact, help, where in violations
            if impact in SEVERE
        ]
    assert not found, f"{page}: " + "; ".join(found)


def test_search_finds_a_glossary_term(browser, site):
    base, _ = site
    open_page(browser, f"{base}/search.html?q={GLOSSARY_TERM}")
    results = WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results ul.search li")
    )
    links = [r.find_element(By.TAG_NAME, "a").get_attribute("href") for r in results]
    assert any("glossary" in link for link in links), f"no glossary hit among {links}"


@pytest.mark.parametrize("term", ["overfitting", GLOSSARY_TERM])
def test_search_snippets_quote_prose(browser, site, term):
    """Each hit quotes the page's prose (search-snippets.js), not the header's download menu
    (".ipynb .pdf"), the printed table of contents or code; "overfitting" quoted "....pdf"."""
    base, _ = site
    open_page(browser, f"{base}/search.html?q={term}")
    snippets = WebDriverWait(browser, 30).until(
        lambda d: [p.text for p in d.find_elements(By.CSS_SELECTOR, "#search-results p.context")][:4] or None
    )
    furniture = (".ipynb", ".pdf", "Contents", "import ", "glue(")
    not_prose = [s[:60] for s in snippets if any(f in s for f in furniture)]
    assert not not_prose, f"search snippets for {term!r} that quote page furniture or code: {not_prose}"


def _figure_text_px():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from full_size_figures import FONT_PT, MIN_TEXT_PX, SAVEFIG_DPI

    return FONT_PT / 72 * SAVEFIG_DPI, MIN_TEXT_PX


@pytest.mark.parametrize("page", [*NOTEBOOK_PAGES, TABLE_PAGE])
def test_figures_and_tables_stay_legible_on_a_phone(browser, site, page):
    """At phone width the page never scrolls sideways; every figure is drawn large enough
    for its text to be read (wider ones scroll inside the column); every table shows all
    its columns, scrolling inside the column or laid out as cards."""
    base, _ = site
    text_px, min_text_px = _figure_text_px()
    with window(browser, PHONE):
        open_page(browser, f"{base}/{page}.html")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{page} scrolls sideways by {overflow} px on a phone"
        scales = browser.execute_script(
            "return Array.from(document.querySelectorAll('article img[src*=\"_images/\"]'),"
            " i => [i.getAttribute('src'), i.getBoundingClientRect().width / i.naturalWidth])"
        )
        small = [
            f"{src.rsplit('/', 1)[-1][:12]} ({scale * text_px:.1f} px)"
            for src, scale in scales
            if scale * text_px < min_text_px - 0.05
        ]
        assert not small, f"{page}: figure text under {min_text_px} px on a phone: {small}"
        hidden = browser.execute_script(
            "return Array.from(document.querySelectorAll('article table td, article table tbody th'))"
            ".filter(c => c.getClientRects().length === 0).length"
        )
        assert hidden == 0, f"{page}: {hidden} table cells are hidden on a phone"
        unlabelled = browser.execute_script(  # a findings table is cards: each cell names its column
            "return Array.from(document.querySelectorAll('article table.findings td'))"
            ".filter(c => { const l = c.querySelector('.findings-label');"
            "               return !l || l.getClientRects().length === 0 || !l.textContent.trim(); }).length"
        )
        assert unlabelled == 0, f"{page}: {unlabelled} cells of a findings table do not show their column's name"


@pytest.mark.parametrize("name, page", [("home", PAGES[0]), ("chapter", NOTEBOOK_PAGES[0]), ("table", TABLE_PAGE)])
@pytest.mark.parametrize("width, height", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshot(browser, site, name, page, width, height):
    base, _ = site
    with window(browser, (width, height)):
        open_page(browser, f"{base}/{page}.html")
        time.sleep(0.5)  # let the theme finish laying out the page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{'desktop' if width == DESKTOP[0] else 'phone'}.png"
        assert browser.save_screenshot(str(path))
        inner = browser.execute_script("return window.innerWidth")
        assert inner == width, f"the page was laid out {inner} px wide, not {width}"
        overflow = browser.execute_script("return document.documentElement.scrollWidth") - inner
        assert overflow <= 1, f"{page} scrolls sideways by {overflow} px at {width} px"


def test_a_phone_shows_the_book_title_and_a_desktop_one_search_box(browser, site):
    base, _ = site
    title = yaml.safe_load((ROOT / "_config.yml").read_text())["title"]
    visible = (
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".filter(e => e.offsetParent !== null).map(e => e.textContent.trim())"
    )
    with window(browser, PHONE):
        open_page(browser, f"{base}/{NOTEBOOK_PAGES[0]}.html")
        assert browser.execute_script(visible, ".book-title-narrow") == [title], "no book title in the phone header"
    open_page(browser, f"{base}/{NOTEBOOK_PAGES[0]}.html")
    assert browser.execute_script(visible, ".book-title-narrow") == [], "the header repeats the sidebar's title"
    searches = browser.execute_script(visible, ".search-button-field")
    assert len(searches) == 1, f"{len(searches)} search boxes on a desktop"


def test_figures_stay_readable_in_dark_mode(browser, site):
    """In the dark theme a figure keeps its own white background (no dark-on-dark plot)."""
    base, _ = site
    page = NOTEBOOK_PAGES[0]
    open_page(browser, f"{base}/{page}.html")
    browser.execute_script(
        "localStorage.setItem('theme', 'dark');"
        "document.documentElement.dataset.theme = 'dark';"
        "document.documentElement.dataset.mode = 'dark';"
        "document.querySelector('article img[src*=\"_images/\"]').scrollIntoView();"
    )
    time.sleep(0.5)
    body = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert body != "rgb(255, 255, 255)", "the dark theme did not switch on"
    # The figure's own pixels: a corner of the first figure must be opaque white.
    corner = browser.execute_script(
        "const img = document.querySelector('article img[src*=\"_images/\"]');"
        "const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;"
        "const g = c.getContext('2d'); g.drawImage(img, 0, 0); return Array.from(g.getImageData(2, 2, 1, 1).data);"
    )
    assert corner == [255, 255, 255, 255], f"the figure's background is {corner}, not opaque white"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "chapter-desktop-dark.png"))
    browser.execute_script("localStorage.setItem('theme', 'light');")
