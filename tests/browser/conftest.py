"""Fixtures of the browser test: the built site served on loopback, and headless Chromium.

The site must be built first (``make book``); ``make test`` runs this test after the
build. Chromium and its driver are Debian's ``chromium`` and ``chromium-driver``
(``make test`` installs them when they are missing); ``CHROMIUM`` and ``CHROMEDRIVER``
point elsewhere, e.g. at Google Chrome and its driver.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from site_browser import SITE, chromium, serve  # noqa: E402  (shared with scripts/print_pdf.py)

SCREENSHOTS = ROOT / "_build" / "screenshots"


@pytest.fixture(scope="session")
def site():
    """Base URL of the built site, served from _build/html, and its request log."""
    try:
        with serve(SITE) as (base, log):
            yield base, log
    except FileNotFoundError as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A headless Chromium driven by Selenium, with the console log enabled."""
    try:
        driver = chromium(tmp_path_factory.mktemp("chromium"))
    except FileNotFoundError as missing:
        pytest.fail(str(missing), pytrace=False)
    yield driver
    driver.quit()
