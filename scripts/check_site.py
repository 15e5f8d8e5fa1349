"""Checks of the built website that Sphinx's -W cannot make (run by `make test`).

- A glued number referenced with a bare key from another page renders as empty text,
  with no warning: every ``pasted-text`` span must hold something.
- Every image has alt text.
- Every page of _toc.yml was built, with a description for search engines and link
  previews, and a footer that names the book's version (the one in pyproject.toml).
- Every verdict badge shows one of the three outcomes.
- The site has a 404 page at its root.
"""

from __future__ import annotations

import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path

from book_toc import toc_pages

from dlml.verdict import OUTCOMES as VERDICT_OUTCOMES

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
OUTCOMES = tuple(word.lower() for word in VERDICT_OUTCOMES)  # as the badges write them


class PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_paste = 0
        self._paste_text = ""
        self.description = ""
        self._badge: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content") or ""
        if tag == "span" and "verdict-badge" in (attrs.get("class") or "").split():
            self._badge = ""
        if tag == "img" and not (attrs.get("alt") or "").strip():
            self.problems.append(f"image without alt text: {attrs.get('src')}")
        if tag == "span" and "pasted-text" in (attrs.get("class") or "").split():
            self._in_paste, self._paste_text = 1, ""
        elif self._in_paste and tag == "span":
            self._in_paste += 1

    def handle_endtag(self, tag):
        if self._badge is not None and tag == "span":
            if self._badge.strip() not in OUTCOMES:
                self.problems.append(f"a verdict badge says {self._badge.strip()!r}; expected one of {OUTCOMES}")
            self._badge = None
        if self._in_paste and tag == "span":
            self._in_paste -= 1
            if not self._in_paste and not self._paste_text.strip():
                self.problems.append("a glued value rendered empty")

    def handle_data(self, data):
        if self._badge is not None:
            self._badge += data
        if self._in_paste:
            self._paste_text += data


def main() -> int:
    problems = []
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    if not (SITE / "404.html").exists():
        problems.append("the site has no 404.html at its root")
    for page in toc_pages():
        html = SITE / f"{page}.html"
        if not html.exists():
            problems.append(f"{page}: not built")
            continue
        text = html.read_text(encoding="utf-8")
        scan = PageScan()
        scan.feed(text)
        problems += [f"{page}: {p}" for p in scan.problems]
        if len(scan.description.split()) < 8:
            problems.append(f"{page}: no description for search engines ({scan.description!r})")
        if f"Version {version}, built " not in text:
            problems.append(f"{page}: the footer does not name version {version}")
    for p in problems:
        print(p)
    files = [f for f in SITE.rglob("*") if f.is_file()]
    print(
        f"site check: {len(problems)} problem(s) in {len(toc_pages())} pages; the site is "
        f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB in {len(files)} files"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
