import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from dlml import plots, report  # noqa: E402
from dlml.verdict import ClaimNotSupported, verdict  # noqa: E402


def test_supported_claim_prints_every_check(capsys):
    verdict("it works", {"a holds": True, "b holds": np.bool_(True)})
    assert capsys.readouterr().out == "SUPPORTED: it works\n  [x] a holds\n  [x] b holds\n"


def test_unsupported_claim_fails_loudly_and_names_the_failed_check():
    with pytest.raises(ClaimNotSupported, match=r"no longer supports: it works\nfailed checks:\n  - b holds"):
        verdict("it works", {"a holds": True, "b holds": False})


def test_verdict_is_an_assertion_error_so_pytest_reports_it_as_a_failure():
    assert issubclass(ClaimNotSupported, AssertionError)


@pytest.mark.parametrize("evidence, message", [({}, "at least one check"), ({"x": 1}, "must be bool")])
def test_verdict_rejects_empty_or_non_boolean_evidence(evidence, message):
    with pytest.raises(ValueError, match=message):
        verdict("claim", evidence)


def test_decision_boundary_shades_each_class():
    import matplotlib.pyplot as plt

    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    y = np.array([0, 1, 1])
    fig, ax = plt.subplots()
    plots.plot_decision_boundary(lambda Z: (Z.sum(1) > 0.5).astype(int), X, y, ax, resolution=20, title="t")
    assert ax.get_title() == "t" and len(ax.collections) >= 2
    plt.close(fig)


@pytest.mark.parametrize("X, y, message", [
    (np.zeros((3, 3)), np.zeros(3), r"X must have shape \(n, 2\)"),
    (np.zeros((3, 2)), np.zeros(2), "same length; got 3 and 2"),
])
def test_decision_boundary_rejects_bad_shapes(X, y, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_decision_boundary(lambda Z: Z[:, 0], X, y)


def test_book_style_uses_the_colour_blind_safe_palette():
    plots.use_book_style()
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][:3] == list(plots.PALETTE[:3])


def test_report_names_device_and_versions():
    info = report.environment("cpu")
    assert info["device"] == "cpu" and info["torch"].startswith("2.13.0")
    assert report.describe("cpu").splitlines()[0].split() == ["device", "cpu"]
