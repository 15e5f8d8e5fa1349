"""The built site served on loopback, and headless Chromium driven by Selenium.

Shared by the browser test (``tests/browser``) and the PDF printer (``scripts/print_pdf.py``).
Chromium and its driver are Debian's ``chromium`` and ``chromium-driver`` (``make test``
installs them when they are missing); ``CHROMIUM`` and ``CHROMEDRIVER`` point elsewhere,
e.g. at Google Chrome and its driver.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

# Offline and quiet: no update checks, sync or other background traffic.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-extensions",
    "--hide-scrollbars",
)


class RecordingHandler(SimpleHTTPRequestHandler):
    """Serves the site and records every request with its status code."""

    requests: list[tuple[str, int]]

    def log_request(self, code="-", size="-"):
        self.requests.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, format, *args):  # keep the output clean
        pass


@contextlib.contextmanager
def serve(directory: Path = SITE) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """Serve ``directory`` on a free loopback port: its base URL and the log of requests."""
    if not (directory / "index.html").exists():
        raise FileNotFoundError(f"no built site at {directory}: run `make book` first.")
    log: list[tuple[str, int]] = []
    handler = type("Handler", (RecordingHandler,), {"requests": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()


def chromium(user_data_dir: Path, window: tuple[int, int] = (1366, 900)):
    """A headless Chromium driven by Selenium, with the console log enabled."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            raise FileNotFoundError(
                f"{path} is missing: install Debian's chromium and chromium-driver "
                "(make test does), or set CHROMIUM and CHROMEDRIVER."
            )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.add_argument(f"--window-size={window[0]},{window[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    return driver
