"""The repository's own promises: configuration, environment, stored notebooks, glue."""

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import sync_environment  # noqa: E402
from book_toc import toc_pages  # noqa: E402

from tests.notebook_levels import METHOD_PAGES, glued, notebook_key  # noqa: E402

NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
CLAIM_PAGES = [p for p in NOTEBOOKS if notebook_key(p) not in METHOD_PAGES]


def test_toc_has_the_four_chapters_of_the_design_numbered_under_their_own_part_names():
    parts = yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]
    openers = [part["chapters"][0]["file"] for part in parts[:4]]
    assert openers == [
        "book/ch1-what-is-deep-learning",
        "book/ch2-dl-vs-ml",
        "book/ch3-advantages",
        "book/ch4-disadvantages",
    ]
    for number, (part, opener) in enumerate(zip(parts, openers), start=1):
        assert part.get("numbered") is True, f"part {number} is not numbered: its chapter should read {number}."
        assert part["caption"].startswith(f"Part {number} · "), part["caption"]
        title = (ROOT / f"{opener}.md").read_text().splitlines()[0].lstrip("# ").strip()
        name = part["caption"].split(" · ", 1)[1]
        assert name.lower() != title.lower(), f"part {number} and its chapter share a name: {title!r}"


def test_every_toc_entry_exists_and_every_notebook_is_in_the_toc():
    files = list(toc_pages())
    for f in files:
        assert (ROOT / f"{f}.md").exists() or (ROOT / f"{f}.ipynb").exists(), f"_toc.yml names a missing page: {f}"
    listed = {f for f in files if f.startswith("notebooks/")}
    assert {str(p.relative_to(ROOT).with_suffix("")) for p in NOTEBOOKS} == listed


def test_build_renders_stored_outputs_and_fails_on_errors():
    execute = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]
    assert execute["execute_notebooks"] == "off" and execute["raise_on_error"] is True
    assert "allow_errors" not in execute


def test_environment_yml_and_lock_do_not_drift_apart():
    assert sync_environment.pins_of_environment() == sync_environment.pins_of_lock()
    assert (ROOT / "environment.yml").read_text() == sync_environment.render()


def test_lock_pins_everything_exactly_and_torch_to_the_local_cpu_build():
    pins = sync_environment.pins_of_lock()
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", p) for p in pins), [p for p in pins if "==" not in p]
    from importlib.metadata import version

    assert f"torch=={version('torch').split('+')[0]}" in pins  # the installed build, without its +cpu tag


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme.split("##")[0], "the README opens with its commands"
    assert re.search(r"^make test$", ci, re.M)


def test_colab_cells_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "colab_cell.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_executed_in_order_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and "colab-setup" not in c.metadata.get("tags", [])]
    counts = [c.execution_count for c in code]
    assert None not in counts, "run `make execute`: some cells have never been executed"
    assert counts == list(range(counts[0], counts[0] + len(counts))), "cells were executed out of order"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    stderr = [o.text for c in code for o in c.outputs if o.get("name") == "stderr"]
    assert not stderr, (
        f"a warning was stored (it holds this machine's paths, so nbval fails elsewhere): {stderr[0][:200]}"
    )
    assert not any("execution" in c.metadata for c in code), "cell timings were recorded"
    record = nb.metadata.get("dlml", {}).get("execution", {})
    assert {"date", "seconds", "cores", "threads", "device", "platform"} <= set(record), (
        "no execution record in the metadata (the execution-statistics page needs it): run `make execute`"
    )
    assert {"python", "cpu", "cpu_capability", "blas", "packages", "packages_sha256"} <= set(record["platform"]), (
        "the record does not identify the reference platform: run `make execute`"
    )


# What only describes the machine that ran a notebook belongs in its metadata: in an
# output it would fail every other machine's comparison and say nothing to a reader.
MACHINE_SPECIFIC = {
    "a Python patch release": re.compile(r"(?i)python\W+3\.\d+\.\d+"),
    "a build tag of torch": re.compile(r"\b2\.\d+\.\d+\+(cpu|cu\d+|rocm[\d.]+)\b"),
    "a path of this machine": re.compile(r"(/work/|/home/|/root/|/tmp/|/Users/|site-packages|\\Users\\)"),
    "a CPU model": re.compile(r"Xeon|EPYC|Ryzen|Core\(TM\)|Apple M\d|AuthenticAMD|GenuineIntel"),
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_do_not_name_the_machine(path):
    nb = nbformat.read(path, as_version=4)
    texts = [
        o.get("text", "")
        if o.get("output_type") == "stream"
        else "\n".join(v for k, v in o.get("data", {}).items() if isinstance(v, str) and not k.startswith("image/"))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    ]
    for what, pattern in MACHINE_SPECIFIC.items():
        found = [m.group(0) for t in texts for m in [pattern.search(t)] if m]
        assert not found, f"an output names {what} ({found[0]!r}); print it in the metadata instead"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_have_an_opaque_white_background(path):
    """Readable in the site's dark mode: a figure must not be transparent."""
    import base64
    import io

    from PIL import Image

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                image = Image.open(io.BytesIO(base64.b64decode(out["data"]["image/png"]))).convert("RGBA")
                corners = [image.getpixel((x, y)) for x in (0, image.width - 1) for y in (0, image.height - 1)]
                assert all(c == (255, 255, 255, 255) for c in corners), f"{cell.source[:60]!r}: corners {corners}"


@pytest.mark.parametrize("path", CLAIM_PAGES, ids=lambda p: p.name)
def test_notebook_has_a_verdict_an_exercise_and_alt_text(path):
    nb = nbformat.read(path, as_version=4)
    sources = [c.source for c in nb.cells]
    declared = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "Claim(" in c.source]
    decided = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and ".decide(" in c.source]
    assert len(declared) == 1 and len(decided) == 1, "one Claim(...) declared and one .decide(...) cell"
    assert '_verdict"' in nb.cells[decided[0]].source, "the verdict's summary is glued as <prefix>_verdict"
    # Declared before the numbers are seen: no figure or table is output above the claim.
    assert not any(
        o.get("output_type") in ("display_data", "execute_result")
        and set(o.get("data", {})) & {"image/png", "text/html"}
        for c in nb.cells[: declared[0]]
        if c.cell_type == "code"
        for o in c.outputs
    ), "the claim and its cases are declared after results were shown"
    printed = "".join(o.get("text", "") for o in nb.cells[decided[0]].outputs)
    assert re.match(r"(HOLDS|HOLDS UNDER CONDITIONS|DOES NOT HOLD): ", printed), "the verdict cell prints no outcome"
    assert any("{exercise}" in s for s in sources) and any("{solution-start}" in s for s in sources)
    text = "\n".join(sources)
    assert text.count("{solution-start}") == text.count("{solution-end}"), "a solution-start without its solution-end"
    for cell in nb.cells:
        if cell.cell_type == "code" and any("image/png" in o.get("data", {}) for o in cell.outputs):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) > 20, f"a figure without alt text: {cell.source[:60]!r}"


def glue_references():
    """Every {glue...}`...` role in the book's pages, with the notebook it must come from."""
    pages = [ROOT / f"{f}.md" for f in toc_pages() if (ROOT / f"{f}.md").exists()]
    for page in pages + NOTEBOOKS:
        if page.suffix == ".ipynb":
            text = "\n".join(c.source for c in nbformat.read(page, as_version=4).cells if c.cell_type == "markdown")
        else:
            text = page.read_text()
        for ref in re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", text):
            target, _, key = ref.rpartition("::")
            key = key.split(":")[0]
            yield page, (page.parent / target).resolve() if target else page, key


def test_every_glue_reference_resolves_to_a_stored_value():
    # A bare key glued on another page renders as empty text without any warning,
    # so each reference must name a notebook that stores that key.
    refs = list(glue_references())
    assert refs, "the book cites no glued numbers"
    for page, source, key in refs:
        assert source.suffix == ".ipynb", f"{page.name}: glue key {key!r} must name its notebook (path::key)"
        assert key in glued(nbformat.read(source, as_version=4)), (
            f"{page.name}: {source.name} stores no glued value {key!r}"
        )


# Where the book states the verdicts of the notebooks, beside them: each page must take the
# outcome words from the notebooks' glued summaries (`<prefix>_verdict`), never type them.
VERDICT_PAGES = {
    "book/ch1-what-is-deep-learning.md": "01-what-is-deep-learning",
    "book/ch2-dl-vs-ml.md": "02-dl-vs-ml",
    "book/ch2-the-table-measured.md": "02-dl-vs-ml",
    "book/ch3-advantages.md": "03-advantages",
    "book/ch4-disadvantages.md": "04-disadvantages",
    "book/conclusion.md": "0[234]-*",
}
TYPED_OUTCOME = re.compile(r"\*\*(holds|does not hold|not)\b[^*]*\*\*", re.IGNORECASE)


@pytest.mark.parametrize("page, chapters", VERDICT_PAGES.items(), ids=lambda v: str(v))
def test_pages_take_every_verdict_from_its_notebook(page, chapters):
    text = (ROOT / page).read_text()
    assert not TYPED_OUTCOME.findall(text), f"{page} types an outcome in bold instead of gluing it"
    cited = {(source, key) for p, source, key in glue_references() if p == ROOT / page and key.endswith("_verdict")}
    for notebook in sorted(p for p in (ROOT / "notebooks").glob(f"{chapters}/*.ipynb") if p in CLAIM_PAGES):
        keys = [k for k in glued(nbformat.read(notebook, as_version=4)) if k.endswith("_verdict")]
        assert len(keys) == 1, f"{notebook.name} glues {len(keys)} verdict summaries; one expected"
        assert (notebook, keys[0]) in cited, f"{page} does not state the verdict of {notebook.name} ({keys[0]})"


OUTCOME_ROLE = re.compile(r"\{outcome\}`([^`]+)`")


def test_the_home_page_states_the_outcome_of_every_claim_of_the_article():
    # The preface's table of findings shows each outcome with the {outcome} role, which reads
    # the notebook's printed verdict at build time (book/_ext/verdicts.py).
    page = ROOT / "book/preface.md"
    text = page.read_text()
    assert not TYPED_OUTCOME.findall(text), "the preface types an outcome in bold instead of reading it"
    cited = {(page.parent / target).with_suffix(".ipynb").resolve() for target in OUTCOME_ROLE.findall(text)}
    claims = [p for p in CLAIM_PAGES if p.parent.name[:2] in ("02", "03", "04")]
    missing = [p.name for p in claims if p not in cited]
    assert not missing, f"the preface states no outcome for {missing}"
    assert cited <= set(claims), (
        f"the preface cites outcomes of pages that decide no claim: {sorted(cited - set(claims))}"
    )


def test_method_pages_decide_no_claim_and_still_teach():
    for key in METHOD_PAGES:
        nb = nbformat.read(ROOT / "notebooks" / f"{key}.ipynb", as_version=4)
        text = "\n".join(c.source for c in nb.cells)
        assert "Claim(" not in text and ".decide(" not in text, f"{key} is a method page but decides a claim"
        assert "{exercise}" in text and text.count("{solution-start}") == text.count("{solution-end}")


def test_the_tuning_page_selected_what_dlml_recipes_stores():
    # The search of 00-a-fair-fight, as executed and stored, chose dlml.recipes.SELECTED: changing
    # the search space, the protocol or the stored selection without the other fails here.
    from dlml import recipes

    values = glued(nbformat.read(ROOT / "notebooks/02-dl-vs-ml/00-a-fair-fight.ipynb", as_version=4))
    stored = {family: recipes.SEARCH[family].index(config) + 1 for family, config in recipes.SELECTED.items()}
    selected = dict(item.split("=#") for item in values["tune_selection"].strip("'\"").split())
    names = {short: family for family, short in recipes.SHORT_NAMES.items()}
    assert {names[k]: int(v) for k, v in selected.items()} == stored
    assert values["tune_selection_matches"].strip("'\"") == "yes"


def test_page_descriptions_are_short_and_cut_at_a_word():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from page_meta import MAX_DESCRIPTION, description

    long = "A neuron computes a weighted sum of its inputs, adds a bias and applies a function. " * 3
    short = description(long)
    assert len(short) <= MAX_DESCRIPTION and short.endswith("…") and long.startswith(short[:-1])
    assert description("  two\n words ") == "two words"


def test_the_version_is_one_number_everywhere_it_is_stated():
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["version"] == version, "CITATION.cff states another version than pyproject.toml"
    bibtex = re.search(r"version\s*=\s*\{([^}]+)\}", (ROOT / "book/preface.md").read_text())
    assert bibtex and bibtex.group(1) == version, "the preface's BibTeX states another version than pyproject.toml"
    assert (ROOT / "LICENSE-TEXT").exists() and (ROOT / "LICENSE-CODE").exists()


def _book_extension(name: str):
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    return __import__(name)


def test_the_shown_code_leaves_out_only_the_glue_lines():
    without_glue = _book_extension("hide_glue").without_glue
    cell = (
        "from dlml.report import glue\nx = 1\n"
        'for k in ("a", "b"):\n    print(k)\n    glue(f"key_{k}", x,\n         display=False)\n'
        'for k in "ab":\n    glue(k, 1)\nreport.glue("y", 2)\nprint(x)'
    )
    assert without_glue(cell) == 'x = 1\nfor k in ("a", "b"):\n    print(k)\nprint(x)'
    assert without_glue('glue("a", 1, display=False)\nglue("b", 2)') == ""  # the cell is not shown
    assert without_glue("%matplotlib inline\nglue('a', 1)") == "%matplotlib inline\nglue('a', 1)"  # not Python
    assert without_glue("glued = glue_free(1)") == "glued = glue_free(1)"  # an assignment computes something


def test_formulas_become_mathml_that_browsers_draw():
    mathml = _book_extension("mathml")
    html = mathml.to_mathml(r"\max(0, \mathbf w^\top \mathbf x) \in \mathbb R", display=False)
    assert html.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
    assert "<mi>𝐰</mi>" in html and "<mi>𝐱</mi>" in html and "<mi>ℝ</mi>" in html  # no mathvariant
    assert "mathvariant" not in html and "<mi>max</mi>" in html
    assert 'display="block"' in mathml.to_mathml(r"\lVert w \rVert^2", display=True)
    assert mathml.styled_character("7", "bold") == "𝟕" and mathml.styled_character("+", "bold") == "+"


def test_figures_are_compressed_only_where_they_look_the_same(tmp_path):
    import matplotlib
    import numpy as np
    from PIL import Image

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    compress_figure = _book_extension("light_pages").compress_figure
    figure, axes = plt.subplots(figsize=(4, 3))
    axes.scatter(*np.random.default_rng(0).normal(size=(2, 300)), c=np.arange(300), s=8)
    plot = tmp_path / "plot.png"
    figure.savefig(plot, dpi=100)
    plt.close(figure)
    plot_png = plot.read_bytes()
    before, original = plot.stat().st_size, np.asarray(Image.open(plot).convert("RGB"), dtype=float)
    assert compress_figure(plot) and plot.stat().st_size < before
    assert np.abs(np.asarray(Image.open(plot).convert("RGB"), dtype=float) - original).mean() < 1.0
    assert not compress_figure(plot)  # a palette image is left alone

    notebook = tmp_path / "page.ipynb"  # the copy of a notebook that the site offers for download
    figure_output = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": base64.b64encode(plot_png).decode(), "text/plain": "<Figure>"},
    }
    notebook.write_text(
        json.dumps(
            {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [figure_output]}], "metadata": {}}
        )
    )
    assert _book_extension("light_pages").compress_notebook_figures(notebook) == 1
    stored = json.loads(notebook.read_text())["cells"][0]["outputs"][0]["data"]["image/png"]
    assert len(base64.b64decode(stored)) < len(plot_png)

    noise = tmp_path / "noise.png"  # a photograph-like image: 256 colours would change it visibly
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(noise)
    unchanged = noise.read_bytes()
    assert not compress_figure(noise) and noise.read_bytes() == unchanged


def test_wide_outputs_shrink_up_to_a_limit_and_then_wrap():
    wide_outputs = _book_extension("wide_outputs")
    fits, most = wide_outputs.FITS, wide_outputs.MAX_SHRUNK
    assert wide_outputs.output_class("x" * fits + "\nshort") is None
    assert wide_outputs.output_class("x" * (fits + 1)) == "fit-80"
    assert wide_outputs.output_class("x" * most) == f"fit-{most}"
    assert wide_outputs.output_class("x" * (most + 1)) == "wrap-output"
    css = (ROOT / "book/_ext/static/outputs.css").read_text()
    for width in range(80, most + 1, wide_outputs.STEP):  # one rule for every class the extension gives
        assert f".fit-{width} pre" in css
