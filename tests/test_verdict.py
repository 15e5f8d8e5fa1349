import numpy as np
import pytest

from dlml.verdict import DOES_NOT_HOLD, HOLDS, UNDER_CONDITIONS, Claim, SanityCheckFailed, Verdict, outcome_of, verdict


def test_a_claim_whose_every_check_holds_holds_and_prints_every_check(capsys):
    v = verdict("it works", {"a holds": True, "b holds": np.bool_(True)})
    assert (v.outcome, v.summary) == (HOLDS, "holds")
    assert capsys.readouterr().out == "HOLDS: it works\n  [x] a holds\n  [x] b holds\n"


def test_one_failed_check_of_a_single_case_claim_means_it_does_not_hold(capsys):
    v = verdict("it works", {"a holds": True, "b holds": False})
    assert (v.outcome, v.holds_for, v.fails_for) == (DOES_NOT_HOLD, (), ())
    assert capsys.readouterr().out == "DOES NOT HOLD: it works\n  [x] a holds\n  [ ] b holds\n"


def test_a_claim_that_holds_in_some_cases_holds_under_those_conditions(capsys):
    claim = Claim("more data helps", cases=("for a CNN", "for a tree", "for an MLP"))
    v = claim.decide(
        {
            "for a CNN": {"gain 5 > 1": True},
            "for a tree": {"gain 0 > 1": False},
            "for an MLP": {"gain 2 > 1": True, "and not worse": True},
        }
    )
    assert v == Verdict("more data helps", UNDER_CONDITIONS, ("for a CNN", "for an MLP"), ("for a tree",))
    assert v.summary == "holds under conditions: for a CNN; for an MLP"
    assert capsys.readouterr().out.splitlines()[:4] == [
        "HOLDS UNDER CONDITIONS: more data helps",
        "  holds for: for a CNN; for an MLP",
        "  does not hold for: for a tree",
        "  for a CNN:",
    ]


def test_no_case_holding_means_it_does_not_hold():
    v = verdict("c", {"case 1": {"x": False}, "case 2": {"y": False}})
    assert (v.outcome, v.fails_for) == (DOES_NOT_HOLD, ("case 1", "case 2"))


def test_sanity_checks_print_apart_and_do_not_decide_the_outcome(capsys):
    v = verdict("c", {"x": False}, sanity={"autograd equals the hand formula": True})
    assert v.outcome == DOES_NOT_HOLD
    assert capsys.readouterr().out.endswith(
        "  sanity checks (true by construction, not evidence):\n  [x] autograd equals the hand formula\n"
    )


def test_a_failed_sanity_check_means_a_broken_experiment_and_raises():
    with pytest.raises(SanityCheckFailed, match="broken.*\n  - gap < 1e-6"):
        verdict("c", {"x": True}, sanity={"gap < 1e-6": False})


def test_evidence_must_give_the_declared_cases_in_order():
    claim = Claim("c", cases=("a", "b"))
    with pytest.raises(ValueError, match=r"declared cases, in order: \['a', 'b'\]; got \['b', 'a'\]"):
        claim.decide({"b": {"x": True}, "a": {"y": True}})
    with pytest.raises(ValueError, match=r"got \['a'\]"):
        claim.decide({"a": {"x": True}})


@pytest.mark.parametrize(
    "evidence, message",
    [
        ({}, "non-empty mapping"),
        ({"x": 1}, "maps to int"),
        ([("x", True)], "non-empty mapping"),
        ({"case": {}}, "evidence for 'case' must be a non-empty mapping"),
    ],
)
def test_verdict_rejects_empty_or_non_boolean_evidence(evidence, message):
    with pytest.raises(ValueError, match=message):
        verdict("claim", evidence)


@pytest.mark.parametrize(
    "article, cases, message",
    [
        ("", None, "article's words"),
        ("c", "ab", "sequence of names"),
        ("c", (), "sequence of names"),
        ("c", ("a", "a"), "distinct"),
    ],
)
def test_claim_rejects_bad_declarations(article, cases, message):
    with pytest.raises(ValueError, match=message):
        Claim(article, cases)


def test_sanity_must_be_boolean_checks_too():
    with pytest.raises(ValueError, match="sanity: each check"):
        verdict("c", {"x": True}, sanity={"s": "yes"})


def test_outcome_of_reads_the_outcome_a_verdict_printed(capsys):
    verdict("c", {"a": {"x": True}, "b": {"y": False}})
    lines = capsys.readouterr().out.splitlines()
    assert [outcome_of(line) for line in lines[:2]] == [UNDER_CONDITIONS, None]
    assert outcome_of("HOLDSX: no") is None and outcome_of("DOES NOT HOLD: c") == DOES_NOT_HOLD


def test_a_printed_verdict_reads_back_as_decided(capsys):
    from dlml.verdict import read_printed

    claim = Claim("networks win: on images, text", cases=("images: MNIST-1D", "text"))
    v = claim.decide(
        {
            "images: MNIST-1D": {"lead 12.7 >= 3": True, "complex: gap 61.9 >= 30": True},
            "text": {"lead -0.8 >= 3": False},
        },
        sanity={"two gradients agree": True},
    )
    printed = read_printed(capsys.readouterr().out)
    assert (printed.outcome, printed.claim) == (v.outcome, v.claim)
    assert printed.cases == {"images: MNIST-1D": True, "text": False}
    assert printed.checks[1] == ("images: MNIST-1D", "complex: gap 61.9 >= 30", True)
    assert printed.sanity == ("two gradients agree",)


def test_reading_a_printed_verdict_refuses_other_text(capsys):
    from dlml.verdict import read_printed

    verdict("one claim", {"a check": False})
    flat = read_printed(capsys.readouterr().out)
    assert flat.outcome == DOES_NOT_HOLD and flat.cases == {None: False}
    assert read_printed("HOLDS: c\n  [x] fine\nsomething else printed") is None
    assert read_printed("the best model: HOLDS: no") is None
