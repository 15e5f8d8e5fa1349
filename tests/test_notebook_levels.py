"""The everywhere level of the book's guarantee: what it accepts and what it catches."""

import copy
import fnmatch
import json

import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from dlml.plots import figure_text  # noqa: E402
from tests import notebook_levels as levels  # noqa: E402

TOLERANCES = {
    "defaults": {"glue": {"abs": 0.0, "why": "exact"}, "figures": {"span": 0.0, "why": "exact"}},
    "ch/page": {
        "glue": {"abs": 2.0, "why": "trained networks"},
        "keys": {"n_exact": {"abs": 0}},
        "figures": {"span": 0.05, "why": "curves of trained networks"},
    },
}


def glue_output(name, text):
    return nbformat.v4.new_output(
        "display_data",
        data={levels.GLUE_MIME: text},
        metadata={"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}},
    )


def figure_output(ys):
    fig, ax = plt.subplots()
    ax.plot(range(len(ys)), ys, label="CNN")
    ax.set(title="Accuracy", xlabel="epoch", ylabel="accuracy (%)")
    output = nbformat.v4.new_output("display_data", data={"image/png": "", "text/plain": figure_text(fig)})
    plt.close(fig)
    return output


def notebook(
    acc="95.6", n="100", best="'random forest'", verdict="HOLDS: CNN wins\n  [x] 95.6 > 80\n", ys=(50.0, 80.0, 95.0)
):
    cells = [
        nbformat.v4.new_code_cell(
            "x",
            outputs=[glue_output("acc", acc), glue_output("n_exact", n), glue_output("best", best), figure_output(ys)],
        ),
        nbformat.v4.new_code_cell("v", outputs=[nbformat.v4.new_output("stream", name="stdout", text=verdict)]),
    ]
    return nbformat.v4.new_notebook(cells=cells)


def problems(new, stored=None):
    return levels.compare_notebooks("ch/page", stored or notebook(), new, TOLERANCES)


def test_the_same_notebook_holds():
    assert problems(notebook()) == []


def test_glued_number_within_its_declared_tolerance_holds():
    assert problems(notebook(acc="94.1", verdict="HOLDS: CNN wins\n  [x] 94.1 > 80\n")) == []


def test_glued_number_outside_its_tolerance_fails_and_names_the_reason():
    found = problems(notebook(acc="92.0"))
    assert len(found) == 1 and "glued acc: stored 95.6, now 92.0" in found[0] and "trained networks" in found[0]


def test_a_key_declared_exact_overrides_the_notebook_tolerance():
    assert any("n_exact" in p for p in problems(notebook(n="101")))


def test_a_key_pattern_sets_the_tolerance_of_the_keys_it_matches():
    tolerances = {**TOLERANCES, "ch/page": {**TOLERANCES["ch/page"], "keys": {"n_*": {"abs": 5, "why": "w"}}}}
    assert levels.tolerance_for(tolerances, "ch/page", "n_exact") == {"abs": 5, "why": "w"}
    assert levels.tolerance_for(tolerances, "ch/page", "acc")["abs"] == 2.0
    assert levels.tolerance_for(tolerances, "other/page", "acc")["why"] == "exact"


def test_a_changed_string_fails():
    assert any("'gradient boosting'" in p for p in problems(notebook(best="'gradient boosting'")))


def test_a_string_declared_any_text_may_change():
    tolerances = {
        **TOLERANCES,
        "ch/page": {**TOLERANCES["ch/page"], "keys": {"best": {"text": "any", "why": "a near-tie"}}},
    }
    found = levels.compare_notebooks("ch/page", notebook(), notebook(best="'gradient boosting'"), tolerances)
    assert not any("'gradient boosting'" in p for p in found)


def test_a_missing_glued_key_fails():
    new = notebook()
    new.cells[0].outputs.pop(0)
    assert problems(new) == ["glued key 'acc' is missing now"]


def test_a_verdict_that_no_longer_prints_fails():
    found = problems(notebook(verdict="something else\n"))
    assert found == ["1 verdict(s) stored, 0 printed now"]


def test_a_verdict_with_other_checks_fails():
    found = problems(notebook(verdict="HOLDS: CNN wins\n  [x] 95.6 > 80\n  [x] extra\n"))
    assert len(found) == 1 and found[0].startswith("verdict in cell 1")


def test_figure_data_within_span_holds_and_beyond_fails():
    assert problems(notebook(ys=(50.5, 80.0, 95.0))) == []  # 0.5 <= 0.05 x 95
    found = problems(notebook(ys=(40.0, 80.0, 95.0)))
    assert len(found) == 1 and "figure 1 (cell 0), axes 1" in found[0] and "50.0 became 40.0" in found[0]


def test_a_panel_can_have_its_own_span_by_title():
    tolerances = {
        **TOLERANCES,
        "ch/page": {**TOLERANCES["ch/page"], "figure_axes": {"Acc*": {"span": 0.2, "why": "w"}}},
    }
    new = notebook(ys=(40.0, 80.0, 95.0))
    assert levels.compare_notebooks("ch/page", notebook(), new, tolerances) == []


def test_a_changed_figure_structure_fails():
    assert any("axes" in p for p in problems(notebook(ys=(1.0,))))  # fewer points: count off by 2
    new = notebook()
    data = json.loads(new.cells[0].outputs[3]["data"]["text/plain"].splitlines()[1])
    data["title"] = "Loss"
    lines = new.cells[0].outputs[3]["data"]["text/plain"].splitlines()
    new.cells[0].outputs[3]["data"]["text/plain"] = "\n".join([lines[0], json.dumps(data)])
    assert any("title 'Accuracy' became 'Loss'" in p for p in problems(new))


def test_numbers_inside_titles_may_move():
    assert levels.mask_numbers("CNN, 95.6 % (n=1,000)") == levels.mask_numbers("CNN, 94.1 % (n=2,000)")


def test_platform_differences_name_the_fields():
    recorded = {"cpu": "Intel Xeon", "cpu_capability": "AVX512", "python": "3.11.7"}
    current = {**recorded, "cpu": "AMD EPYC"}
    assert levels.platform_differences(recorded, current) == ["cpu"]
    assert levels.platform_differences(None, current) == ["no platform recorded"]
    assert levels.platform_differences(copy.deepcopy(recorded), recorded) == []


def test_every_tolerance_has_a_reason_and_names_a_real_notebook_and_key():
    tolerances = levels.load_tolerances()
    notebooks = {levels.notebook_key(p): p for p in levels.notebook_paths()}
    assert tolerances["defaults"]["glue"].get("why") and tolerances["defaults"]["figures"].get("why")
    for name, section in tolerances.items():
        if name == "defaults":
            continue
        assert name in notebooks, f"tests/tolerances.toml names {name!r}, which is not a notebook"
        keys = levels.glued(nbformat.read(notebooks[name], as_version=4))
        entries = [
            section.get("glue"),
            section.get("figures"),
            *section.get("keys", {}).values(),
            *section.get("figure_axes", {}).values(),
        ]
        assert set(section) <= {"glue", "figures", "keys", "figure_axes"}, f"unknown entries in {name}"
        for key in section.get("keys", {}):
            assert fnmatch.filter(keys, key), f"tests/tolerances.toml: {name} glues no key {key!r}"
        titles = [
            ax["title"] for _, axes in levels.figures(nbformat.read(notebooks[name], as_version=4)) for ax in axes or []
        ]
        for pattern in section.get("figure_axes", {}):
            assert fnmatch.filter(titles, pattern), f"tests/tolerances.toml: no panel of {name} is titled {pattern!r}"
        for entry in filter(None, entries):
            assert entry.get("why"), f"tests/tolerances.toml: an entry of {name} gives no reason: {entry}"
            assert set(entry) <= {"abs", "rel", "span", "text", "why"}, f"unknown fields in {name}: {entry}"
            assert entry.get("text", "any") == "any", f'{name}: text can only be "any"; got {entry}'


@pytest.mark.parametrize("value", ["", "1abc", "a-b", 3])
def test_glue_rejects_names_the_book_cannot_reference(value):
    from dlml.report import glue

    with pytest.raises(ValueError, match="a glue name must be letters"):
        glue(value, 1, display=False)


def test_exactly_changed_cells_counts_what_strict_nbval_would_flag():
    assert levels.exactly_changed_cells(notebook(), notebook()) == (0, 2)
    assert levels.exactly_changed_cells(notebook(), notebook(acc="94.1")) == (1, 2)
    timing = notebook(verdict="HOLDS: fast\n  [x] fit took 1.5 s\n")
    assert levels.exactly_changed_cells(timing, notebook(verdict="HOLDS: fast\n  [x] fit took 2.7 s\n")) == (0, 2)
    split = notebook()
    text = split.cells[1].outputs[0]["text"]
    split.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in (text[:10], text[10:])]
    assert levels.exactly_changed_cells(notebook(), split) == (0, 2)


# ------------------------------------------------------------------ the seeds level

CONDITIONS = (
    "HOLDS UNDER CONDITIONS: data helps\n  holds for: a CNN\n  does not hold for: an MLP\n  a CNN:\n  [x] 95.6 > 80\n"
)


def test_seeds_level_accepts_other_numbers_and_check_marks_with_the_same_outcome_and_cases():
    new = CONDITIONS.replace("95.6 > 80", "91.2 > 80") + "  [ ] a new check\n"
    assert levels.compare_outcomes(notebook(verdict=CONDITIONS), notebook(acc="50", verdict=new)) == []


@pytest.mark.parametrize(
    "new",
    [
        CONDITIONS.replace("HOLDS UNDER CONDITIONS", "HOLDS"),
        CONDITIONS.replace("holds for: a CNN\n  does not hold for: an MLP", "holds for: a CNN; an MLP"),
        "something else\n",
    ],
)
def test_seeds_level_fails_when_the_outcome_or_its_cases_change(new):
    assert levels.compare_outcomes(notebook(verdict=CONDITIONS), notebook(verdict=new)) != []


def test_seeds_level_refuses_a_notebook_with_no_stored_verdict():
    assert levels.compare_outcomes(notebook(verdict="no verdict\n"), notebook(verdict="no verdict\n")) == [
        "no verdict is stored: the seeds level has nothing to compare"
    ]


def test_seeds_level_asks_a_method_page_only_to_run():
    plain = notebook(verdict="no verdict\n")
    assert levels.compare_outcomes(plain, plain, method_page=True) == []
    assert levels.compare_outcomes(plain, notebook(verdict=CONDITIONS), method_page=True) != []
    assert set(levels.METHOD_PAGES) <= {levels.notebook_key(p) for p in levels.notebook_paths()}


def test_notebooks_run_longest_first_by_the_last_benchmark(tmp_path):
    record = tmp_path / "results.json"
    record.write_text(
        json.dumps(
            {
                "notebooks": [
                    {"notebook": "notebooks/a/01-short.ipynb", "seconds": 12.5},
                    {"notebook": "notebooks/b/02-long.ipynb", "seconds": 80.0},
                ]
            }
        )
    )
    assert levels.notebook_seconds(record) == {"01-short.ipynb": 12.5, "02-long.ipynb": 80.0}
    assert levels.notebook_seconds(tmp_path / "missing.json") == {}  # no benchmark yet: the collection order


def test_the_book_is_collected_longest_notebook_first_with_cells_in_order(pytestconfig):
    seconds = levels.notebook_seconds()
    paths = sorted((levels.ROOT / "notebooks").rglob("*.ipynb"))
    assert set(seconds) == {p.name for p in paths}, "benchmarks/results.json misses a notebook: run make bench"
    items = [type("Item", (), {"path": p, "cell": c})() for p in paths for c in range(3)]
    levels.pytest_collection_modifyitems(None, pytestconfig, items)
    order = [item.path.name for item in items]
    assert [seconds[name] for name in order] == sorted((seconds[name] for name in order), reverse=True)
    assert [item.cell for item in items] == [0, 1, 2] * len(paths)  # each notebook's cells stay in order
