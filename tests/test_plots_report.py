import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")

from dlml import plots, report, tables  # noqa: E402


def test_decision_boundary_shades_each_class():
    import matplotlib.pyplot as plt

    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    y = np.array([0, 1, 1])
    fig, ax = plt.subplots()
    plots.plot_decision_boundary(lambda Z: (Z.sum(1) > 0.5).astype(int), X, y, ax, resolution=20, title="t")
    zones, points = ax.collections  # the shaded regions (one path per class), then the scatter
    below, above = zones.get_paths()
    # a point well inside each region is shaded as the class the rule predicts there
    assert below.contains_point((0.0, 0.1)) and not above.contains_point((0.0, 0.1))
    assert above.contains_point((0.9, 0.9)) and not below.contains_point((0.9, 0.9))
    assert points.get_array().tolist() == [0, 1, 1] and ax.get_title() == "t"
    plt.close(fig)


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.zeros((3, 3)), np.zeros(3), r"X must have shape \(n, 2\)"),
        (np.zeros((3, 2)), np.zeros(2), "same length; got 3 and 2"),
    ],
)
def test_decision_boundary_rejects_bad_shapes(X, y, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_decision_boundary(lambda Z: Z[:, 0], X, y)


def test_book_style_uses_the_colour_blind_safe_palette():
    plots.use_book_style()
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][:3] == list(plots.PALETTE[:3])


def test_report_names_device_and_versions():
    info = report.environment("cpu")
    assert info["device"] == "cpu" and info["torch"] == report.public_version(torch.__version__)
    assert report.describe("cpu").splitlines()[0].split() == ["device", "cpu"]


def test_figure_data_records_lines_scatters_bars_and_images_rounded():
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2)
    a.plot([0, 1], [0.123456, 2.0], label="curve")
    a.scatter(np.arange(20), np.arange(20) * 1.5, label="dots")
    a.scatter([], [])
    a.set(title="Accuracy, 95.6 %", xlabel="epoch", ylabel="accuracy (%)", yscale="log")
    b.bar(["a", "b"], [3.0, 4.0])
    b.imshow(np.arange(6.0).reshape(2, 3))
    b.text(0, 0, "note")
    axes = plots.figure_data(fig)["axes"]
    plt.close(fig)
    assert axes[0]["title"] == "Accuracy, 95.6 %" and axes[0]["scales"] == ["linear", "log"]
    line, dots, empty = axes[0]["artists"]
    assert line == {"line": "curve", "n": 2, "x": [0.0, 1.0], "y": [0.123, 2.0]}
    assert dots == {"points": "dots", "n": 20, "x": [0.0, 9.5, 19.0], "y": [0.0, 14.2, 28.5]}  # min, mean, max
    assert empty == {"points": "", "n": 0}
    bars, image = axes[1]["artists"]
    assert bars["bars"] == 2 and bars["y_height"] == [3.0, 4.0]
    assert image["image"] == [2, 3] and image["v"] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert axes[1]["texts"] == ["note"]


def test_figure_data_masks_what_a_clock_measured():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(["CNN", "forest"], [2.5, 9.1], label="fit: k = 1.3")
    ax.text(0, 2.5, "1.17\n(59%)")
    ax.set(xlabel="model", ylabel="CPU time to fit (s, log scale)", title="Speedup 1.3x")
    data = plots.figure_data(fig)["axes"][0]
    assert data["title"] == "Speedup #x" and data["texts"] == ["#\n(#%)"]
    bars = data["artists"][0]
    plt.close(fig)
    assert bars["y"] == "clock" and bars["y_height"] == "clock" and bars["x"] == [-0.4, 0.6]
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [4, 5, 6], gid=plots.CLOCK_GID, label="frontier")
    assert plots.figure_data(fig)["axes"][0]["artists"] == [{"line": "frontier", "n": "clock"}]
    plt.close(fig)
    assert plots.figure_text(fig).startswith("<Figure: 1 axes; plotted data, rounded>\n{")


@pytest.mark.parametrize(
    "fig, digits, message",
    [
        ("not a figure", 3, "fig must be a matplotlib Figure; got str"),
        (None, 0, "digits must be an integer from 1 to 15; got 0"),
    ],
)
def test_figure_data_rejects_bad_input(fig, digits, message):
    import matplotlib.pyplot as plt

    figure = plt.figure() if fig is None else fig
    with pytest.raises((TypeError, ValueError), match=message):
        plots.figure_data(figure, digits=digits)
    plt.close("all")


def test_platform_record_identifies_what_changes_arithmetic(monkeypatch):
    record = report.platform_record()
    assert record["python"].count(".") == 2 and record["packages"]["torch"] == torch.__version__
    assert record["cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert set(record) == {
        "python",
        "system",
        "cpu",
        "cpu_capability",
        "blas",
        "settings",
        "packages",
        "packages_sha256",
    }
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert report.platform_record()["settings"] == {"OPENBLAS_CORETYPE": "Haswell"}


def test_describe_names_no_patch_release_and_no_build_tag():
    info = report.environment("cpu")
    assert info["python"].count(".") == 1 and "+" not in info["torch"]


def test_the_sites_own_check_tools_and_the_data_packages_are_not_part_of_the_platform(monkeypatch):
    # latex2mathml, pypdf and axe-core build, print and inspect the website; no notebook imports them, so another
    # version of either must not demote the strict comparison of stored outputs. Other packages count.
    import dlml.report as report

    before = report.platform_record()["packages_sha256"]
    real = report.distributions

    def with_extra(name):
        extra = type("Dist", (), {"metadata": {"Name": name}, "version": "99.0"})()
        return lambda: [*(d for d in real() if d.metadata["Name"].lower() != name.lower()), extra]

    assert {"latex2mathml", "pypdf", "ruff", "selenium-axe-python"} <= set(report.SITE_TOOLS)
    assert set(report.DATA_PACKAGES) == set(tables.PACKAGES)  # they ship data files only
    for tool in (*report.SITE_TOOLS, *report.DATA_PACKAGES):
        monkeypatch.setattr(report, "distributions", with_extra(tool))
        assert report.platform_record()["packages_sha256"] == before, tool
    monkeypatch.setattr(report, "distributions", with_extra("numpy"))
    assert report.platform_record()["packages_sha256"] != before


def test_pct_rounds_a_share_to_a_percentage_with_one_decimal():
    assert report.pct(0.87349) == 87.3 and report.pct(np.float32(0.5)) == 50.0
    assert isinstance(report.pct(np.float64(0.25)), float)


def test_interval_plot_shows_the_column_asked_for_and_explains_an_unknown_one():
    import matplotlib.pyplot as plt
    import pandas as pd

    runs = pd.DataFrame(
        {"model": ["a", "a", "b", "b"], "test_accuracy": [0.8, 0.9, 0.6, 0.7], "test_auc": [0.6, 0.7, 0.9, 0.95]}
    )
    fig, ax = plt.subplots()
    plots.interval_plot(ax, runs, value="test_auc")
    assert ax.get_xlabel() == "test ROC AUC (%)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]  # b has the higher AUC: top row
    with pytest.raises(ValueError, match=r"value must be one of \['test_accuracy', 'test_auc'\]; got 'auc'"):
        plots.interval_plot(ax, runs, value="auc")
    plt.close(fig)
