"""The page shows the computation; the lines that only hand numbers to the prose are left out.

A notebook passes each number its text quotes through ``glue("key", value, display=False)``
(see ``dlml.report.glue``); a page has twenty or thirty such lines. They are bookkeeping,
not the idea, so the website leaves them out of the code it shows: a top-level call of
``glue`` or a ``glue_*`` helper, a loop whose body only glues, the import of ``glue`` and the
definition of a ``glue_*`` helper. A cell left with no code is not shown at all. The
notebooks themselves (download, Colab, Binder) keep every line, and the page on running the
book says so.

>>> print(without_glue('x = 1\\nglue("x", x, display=False)\\nfor k in "ab":\\n    glue(k, 1)\\nprint(x)'))
x = 1
print(x)
"""

from __future__ import annotations

import ast

from docutils import nodes


def _glues(statement: ast.stmt) -> bool:
    """Whether a statement only glues numbers for the text."""
    if isinstance(statement, ast.Expr) and isinstance(call := statement.value, ast.Call):
        name = getattr(call.func, "id", getattr(call.func, "attr", ""))
        return name == "glue" or name.startswith("glue_")
    if isinstance(statement, ast.For):
        return not statement.orelse and all(_glues(s) for s in statement.body)
    if isinstance(statement, ast.ImportFrom):
        return all(alias.name == "glue" for alias in statement.names)
    if isinstance(statement, ast.FunctionDef):
        return statement.name.startswith("glue_")
    return False


def _glue_lines(statements: list[ast.stmt]) -> set[int]:
    """Line numbers (from 1) of the glue-only statements, looking inside loops and branches."""
    lines: set[int] = set()
    for statement in statements:
        if _glues(statement):
            first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])])
            lines.update(range(first, statement.end_lineno + 1))
        elif isinstance(statement, (ast.For, ast.If, ast.With, ast.While)) and not all(
            _glues(s) for s in statement.body
        ):
            lines |= _glue_lines(statement.body) | _glue_lines(statement.orelse if hasattr(statement, "orelse") else [])
    return lines


def without_glue(source: str) -> str:
    """``source`` without its glue-only statements; unchanged if it is not plain Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: left as they are
        return source
    dropped = _glue_lines(tree.body)
    if not dropped:
        return source
    kept = [line for number, line in enumerate(source.splitlines(), start=1) if number not in dropped]
    text = "\n".join(kept)
    while "\n\n\n\n" in text:  # no gap wider than the two blank lines PEP 8 puts between definitions
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text.strip("\n")


def _hide_glue(app, doctree, docname) -> None:
    for cell in list(doctree.findall(nodes.container)):
        if "cell" not in cell["classes"]:
            continue
        for code_input in [c for c in cell.children if "cell_input" in c.get("classes", [])]:
            for block in code_input.findall(nodes.literal_block):
                source = block.astext()
                if (shown := without_glue(source)) == source:
                    continue
                if shown:
                    block.children = [nodes.Text(shown)]
                    block.rawsource = shown
                else:
                    cell.remove(code_input)
        if not any(isinstance(child, nodes.Element) for child in cell.children):
            cell.parent.remove(cell)


def setup(app):
    app.connect("doctree-resolved", _hide_glue)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
