"""Mathematics as MathML, written at build time: no JavaScript, nothing to download.

Every browser a reader is likely to use draws MathML itself (MathML Core: Chromium since
version 109, Firefox and Safari for longer), and screen readers read it as mathematics.
MathJax did the same job in the browser at a cost of about 1.3 MB per page with an
equation, and 7.6 MB in the site. Here each formula's TeX is turned into MathML once,
by ``latex2mathml``, while the book is built; the printed PDF gets the same mathematics.

Two things MathML Core leaves to the author are done here:

- **Styled letters are Unicode letters.** Browsers ignore ``mathvariant`` except
  ``normal``, so ``\\mathbf x`` and ``\\mathbb R`` become 𝐱 and ℝ, the characters made for
  this (Unicode's Mathematical Alphanumeric Symbols).
- **Function names are identifiers**, not operators: ``\\max`` is spaced like ``\\log``.

A formula that cannot be converted stops the build with its page and its TeX.

>>> to_mathml(r"\\mathbf w^\\top \\mathbf x", display=False)[:42]
'<math xmlns="http://www.w3.org/1998/Math/M'
"""

from __future__ import annotations

import re
import unicodedata

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util.math import get_node_equation_number

# TeX that latex2mathml reads differently from TeX, rewritten before conversion.
TEX_SPELLINGS = ((r"\lVert", r"\|"), (r"\rVert", r"\|"))
UNICODE_STYLE = {"bold": "BOLD", "double-struck": "DOUBLE-STRUCK", "bold-italic": "BOLD ITALIC", "script": "SCRIPT"}
STYLED = re.compile(rf'<(mi|mn) mathvariant="({"|".join(UNICODE_STYLE)})">([^<]+)</\1>')
FUNCTION_NAME = re.compile(r"<mo>([A-Za-z]{2,})</mo>")


def styled_character(char: str, style: str) -> str:
    """The Unicode character for ``char`` in a mathematical ``style``: ('x', 'bold') -> '𝐱'."""
    if char.isdigit():
        name = f"{UNICODE_STYLE[style]} DIGIT {unicodedata.name(char).split()[-1]}"
    elif char.isascii() and char.isalpha():
        name = f"{UNICODE_STYLE[style]} {'CAPITAL' if char.isupper() else 'SMALL'} {char.upper()}"
    else:
        return char
    for full_name in (f"MATHEMATICAL {name}", name):  # ℝ, ℕ, ℬ, ... came earlier, as Letterlike Symbols
        try:
            return unicodedata.lookup(full_name)
        except KeyError:
            pass
    return char


def to_mathml(tex: str, display: bool) -> str:
    """One formula's TeX as a MathML ``<math>`` element."""
    for spelling, meaning in TEX_SPELLINGS:
        tex = tex.replace(spelling, meaning)
    mathml = convert(tex, display="block" if display else "inline")
    mathml = STYLED.sub(lambda m: f"<{m[1]}>{''.join(styled_character(c, m[2]) for c in m[3])}</{m[1]}>", mathml)
    return FUNCTION_NAME.sub(r"<mi>\1</mi>", mathml)


def _convert(translator, node, display: bool) -> str:
    try:
        return to_mathml(node.astext(), display)
    except Exception as error:  # latex2mathml raises its own exception types for bad TeX
        where = translator.builder.current_docname
        raise ExtensionError(f"{where}: cannot write this formula as MathML ({error}): {node.astext()!r}") from error


def visit_math(translator, node: nodes.math) -> None:
    translator.body.append(translator.starttag(node, "span", "", CLASS="math notranslate"))
    translator.body.append(_convert(translator, node, display=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(translator, node: nodes.math_block) -> None:
    # A formula wider than the column scrolls inside it (mathml.css); tabindex lets a
    # keyboard scroll it too.
    translator.body.append(translator.starttag(node, "div", CLASS="math notranslate", tabindex="0"))
    if node["number"]:
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    translator.body.append(_convert(translator, node, display=True) + "</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.add_css_file("mathml.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
