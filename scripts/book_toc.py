"""The book's pages in reading order, read from ``_toc.yml``.

One parser for everything that walks the book: the site check, the PDF printer and the
tests.

Examples
--------
>>> toc_pages()[0]
'book/preface'
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _files(entries: list[dict]) -> Iterator[str]:
    for entry in entries:
        if "file" in entry:
            yield entry["file"]
        yield from _files(entry.get("sections", []))


def toc_pages(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Every page of the table of contents, root first, as document names (no suffix), once each."""
    spec = yaml.safe_load(toc.read_text())
    pages = [spec["root"]]
    for part in spec.get("parts", []):
        pages += _files(part["chapters"])
    pages += _files(spec.get("chapters", []))
    return list(dict.fromkeys(pages))
