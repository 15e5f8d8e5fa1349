"""One set of numbers: each headline quantity of the book is measured in one notebook.

``tests/quantities.toml`` registers the book's headline quantities (the MNIST-1D accuracy of
each model, the CNN's lead, the digits, ...). Each has a *source*, the one glued key that
measures it under the book's protocol; *others*, keys that measure the same kind of quantity
under other conditions, each with the phrases that name those conditions; and *copies*, keys
that measure it again under the same conditions. The rules, one test each:

1. The registry names keys that the stored notebooks glue, says what each quantity is, and
   gives every other key its condition phrases.
2. A copy stores the source's value (within 0.1, the last digit the book prints).
3. A page (a book/*.md page of the table of contents, or a notebook's markdown) that cites a
   registered key cites the source, a copy from the copy's own notebook, or an other key in a
   paragraph that contains one of its condition phrases. Paragraphs are separated by blank
   lines; each row of a table is a paragraph of its own. A condition phrase may be the name of
   the glued key that states the condition (``perf_cnn_epochs``).
4. Across the book, each quantity is stated without its conditions from one notebook only.
5. A signed key (a difference or a lead: the network minus the best classical model) and the
   direction words beside it agree: "ahead", "leads", "beats", "higher", "above" need a positive
   value, "behind", "trails", "below", "lower" a negative one (the other way round for a key
   marked ``sign = "reversed"``, a gap). "Beside" means in the same clause: the words between
   the citation and the nearest other citation or clause mark (``, ; : ( ) — |``). The rule
   assumes the network is the subject of the clause.
6. In book/*.md, a model named in words beside a cited best-classical accuracy (between that
   citation and its neighbouring citations in the sentence) is the model its notebook stored
   under the quantity's ``name_key``.

The checks are functions of a registry, pages and stored values, so that the tests at the end
can show each of them failing on a small fake page.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from tests.notebook_levels import glued, notebook_key, parse_value
from tests.test_book import NOTEBOOKS, ROOT, toc_pages

REGISTRY_FILE = ROOT / "tests" / "quantities.toml"
ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`]+)`")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z{*(])|\s+(?=[-*] )")  # or a list item
CLAUSE_MARK = re.compile(r"[,;:](?=\s)|[()|—]")  # a comma in "1,000" is no clause mark
AHEAD = ("ahead", "lead", "leads", "led", "beat", "beats", "higher", "above")
BEHIND = ("behind", "trail", "trails", "trailed", "below", "lower")
DIRECTION = re.compile(r"(?<!\w)(" + "|".join(AHEAD + BEHIND) + r")(?!\w)", re.IGNORECASE)
MODEL_WORDS = {  # words for a classical model -> the name the notebooks store
    "random forest": "random forest",
    "forest": "random forest",
    "gradient boosting": "gradient boosting",
    "boosting": "gradient boosting",
    "svm": "SVM (RBF)",
    "k-nn": "k-nearest neighbours",
    "nearest neighbour": "k-nearest neighbours",
    "logistic regression": "logistic regression",
    "decision tree": "decision tree",
}
MODEL = re.compile(r"(?<!\w)(" + "|".join(MODEL_WORDS) + ")", re.IGNORECASE)


# ---------------------------------------------------------------- reading the book


@dataclass
class Citation:
    page: Path
    paragraph: str
    sentence: str
    ref: str  # "<chapter>/<notebook>::<key>"
    beside: str  # the sentence's words between this citation and its neighbouring ones
    clause: str  # the same, cut at the nearest clause marks


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, each table row apart, with their whitespace collapsed."""
    found = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().splitlines()
        rows = lines if lines and all(line.startswith("|") for line in lines) else [block]
        found += [" ".join(row.split()) for row in rows if row.strip()]
    return found


def resolve(page: Path, role: str) -> str:
    """A glue role's content (``../notebooks/x/y.ipynb::key:.1f`` or ``key``) as "x/y::key"."""
    target, _, key = role.rpartition("::")
    notebook = (page.parent / target).resolve() if target else page
    return f"{notebook_key(notebook)}::{key.split(':')[0]}"


def citations(page: Path, text: str) -> list[Citation]:
    """Every glue role of a page's text, with its paragraph, sentence and neighbouring words."""
    found = []
    for paragraph in paragraphs(text):
        for sentence in SENTENCE_END.split(paragraph):
            parts = ROLE.split(sentence)  # text, role, text, role, ..., text
            for i in range(1, len(parts), 2):
                before, after = parts[i - 1], parts[i + 1]
                clause = CLAUSE_MARK.split(before)[-1] + " " + CLAUSE_MARK.split(after)[0]
                found.append(Citation(page, paragraph, sentence, resolve(page, parts[i]), before + " " + after, clause))
    return found


def page_text(page: Path) -> str:
    """A book page's text, or a notebook's markdown cells (each starting a paragraph)."""
    if page.suffix == ".ipynb":
        return "\n\n".join(c.source for c in nbformat.read(page, as_version=4).cells if c.cell_type == "markdown")
    return page.read_text()


def book_pages() -> list[Path]:
    return [ROOT / f"{f}.md" for f in toc_pages() if (ROOT / f"{f}.md").exists()]


@functools.cache
def stored_values() -> dict[str, object]:
    """Every glued value of the stored notebooks, as "<chapter>/<notebook>::<key>" -> value."""
    return {
        f"{notebook_key(path)}::{key}": parse_value(text)
        for path in NOTEBOOKS
        for key, text in glued(nbformat.read(path, as_version=4)).items()
    }


@functools.cache
def registry() -> dict:
    return tomllib.loads(REGISTRY_FILE.read_text())


# ---------------------------------------------------------------- the registry


def entries(quantity: dict) -> list[dict]:
    """The quantity's keys, each as a dict with its role (source, copy, other) and its rules."""
    sign = quantity.get("sign")
    found = [{"key": quantity["source"], "role": "source", "sign": sign, "name_key": quantity.get("name_key")}]
    found += [{"key": key, "role": "copy", "sign": sign} for key in quantity.get("copies", [])]
    found += [
        {
            "key": o["key"],
            "role": "other",
            "condition": o.get("condition", []),
            "sign": o.get("sign", sign),
            "name_key": o.get("name_key"),
        }
        for o in quantity.get("others", [])
    ]
    return found


def index(quantities: dict) -> dict[str, list[tuple[str, dict]]]:
    """Each registered key -> the (quantity, entry) pairs that register it."""
    found: dict[str, list[tuple[str, dict]]] = {}
    for name, quantity in quantities.items():
        for entry in entries(quantity):
            found.setdefault(entry["key"], []).append((name, entry))
    return found


def where(c: Citation) -> str:
    return c.page.relative_to(ROOT).as_posix() if c.page.is_relative_to(ROOT) else str(c.page)


def own_notebook(c: Citation, ref: str) -> bool:
    return c.page.suffix == ".ipynb" and notebook_key(c.page) == ref.split("::")[0]


def has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


def excused(c: Citation, entry: dict) -> bool:
    """Whether a citation of this entry's key needs nothing more (rule 3)."""
    if entry["role"] == "source":
        return True
    if entry["role"] == "copy":
        return own_notebook(c, entry["key"])
    return any(has_phrase(c.paragraph, phrase) for phrase in entry["condition"])


# ---------------------------------------------------------------- the checks


def registry_problems(name: str, quantity: dict, stored: dict) -> list[str]:
    """Rule 1 for one quantity."""
    problems = []
    if not str(quantity.get("what", "")).strip():
        problems.append(f"[{name}] says nothing in `what`: describe the quantity and its conditions")
    if quantity.get("sign") not in (None, "signed"):
        problems.append(f"[{name}] sign = {quantity['sign']!r}: only 'signed' is known")
    named = [e["key"] for e in entries(quantity)] + [e["name_key"] for e in entries(quantity) if e.get("name_key")]
    for key in named:
        if key not in stored:
            problems.append(
                f"[{name}] names {key}, which no stored notebook glues: fix the key, or re-execute "
                "the notebook that glues it"
            )
    for other in quantity.get("others", []):
        condition = other.get("condition", [])
        if not condition or not all(isinstance(p, str) and p.strip() for p in condition):
            problems.append(
                f"[{name}] other key {other['key']} has no condition phrases: name the conditions "
                '(e.g. "20 epochs") or the glued key that states them'
            )
        if other.get("sign") not in (None, "reversed"):
            problems.append(f"[{name}] other key {other['key']}: sign = {other['sign']!r}; only 'reversed' is known")
    if "name" in quantity and stored.get(quantity.get("name_key")) != quantity["name"]:
        problems.append(
            f"[{name}] is the {quantity['name']}'s, but {quantity.get('name_key')} stores "
            f"{stored.get(quantity.get('name_key'))!r}: the source measures another model now"
        )
    return problems


def copy_problems(name: str, quantity: dict, stored: dict) -> list[str]:
    """Rule 2 for one quantity."""
    source = stored.get(quantity["source"])
    return [
        f"[{name}] copy {key} stores {stored[key]!r}, its source {quantity['source']} {source!r}: the same "
        "measurement must give the same number (re-execute both, or register the copy as an other key "
        "with the conditions that make it differ)"
        for key in quantity.get("copies", [])
        if key in stored and source is not None and not same_value(stored[key], source)
    ]


def same_value(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 0.1 + 1e-9
    return a == b


def citation_problems(quantities: dict, pages: dict[Path, str]) -> list[str]:
    """Rule 3: every citation of a registered key names its source, its own copy or its conditions."""
    keys, problems = index(quantities), []
    for page, text in pages.items():
        for c in citations(page, text):
            for name, entry in keys.get(c.ref, []):
                if excused(c, entry):
                    continue
                source = quantities[name]["source"]
                if entry["role"] == "copy":
                    fix = f"cite the source, {source}"
                else:
                    fix = (
                        f"cite the source, {source}, or name the conditions in the paragraph, with one of: "
                        + ", ".join(repr(p) for p in entry["condition"])
                    )
                role = "a copy" if entry["role"] == "copy" else "a key measured under other conditions"
                problems.append(
                    f"{where(c)}: “{c.sentence}” cites {c.ref}, {role} for [{name}] ({quantities[name]['what']}): {fix}"
                )
    return problems


def two_source_problems(name: str, quantities: dict, pages: dict[Path, str]) -> list[str]:
    """Rule 4 for one quantity: the notebooks it is stated from without conditions, and by which pages."""
    keys, stated = index(quantities), {}
    for page, text in pages.items():
        for c in citations(page, text):
            for quantity, entry in keys.get(c.ref, []):
                if quantity == name and (entry["role"] == "source" or not excused(c, entry)):
                    stated.setdefault(c.ref.split("::")[0], set()).add(where(c))
    if len(stated) < 2:
        return []
    sources = "; ".join(f"{notebook} (on {', '.join(sorted(on))})" for notebook, on in sorted(stated.items()))
    return [
        f"[{name}] ({quantities[name]['what']}) is stated without conditions from {len(stated)} notebooks: "
        f"{sources}. Cite {quantities[name]['source']} everywhere, or name the conditions beside the others"
    ]


def sign_problems(quantities: dict, pages: dict[Path, str], stored: dict) -> list[str]:
    """Rule 5: direction words beside a signed key agree with the sign of its stored value."""
    keys, problems = index(quantities), []
    for page, text in pages.items():
        for c in citations(page, text):
            for _name, entry in keys.get(c.ref, []):
                if entry["sign"] not in ("signed", "reversed") or not isinstance(stored.get(c.ref), (int, float)):
                    continue
                value = stored[c.ref]
                ahead = value > 0 if entry["sign"] == "signed" else value < 0
                for word in DIRECTION.findall(c.clause):
                    if value == 0 or (word.lower() in AHEAD) != ahead:
                        meaning = "the network ahead" if ahead and value else "the network behind" if value else "a tie"
                        problems.append(
                            f"{where(c)}: “{c.sentence}” says {word!r} beside {c.ref}, which stores "
                            f"{value:+g} ({meaning}): reword the clause to match, or state the signed "
                            "number without a direction word (format :+.1f)"
                        )
    return problems


def name_problems(quantities: dict, pages: dict[Path, str], stored: dict) -> list[str]:
    """Rule 6: a classical model named beside a best-classical accuracy is the one stored as best."""
    keys, problems = index(quantities), []
    for page, text in pages.items():
        for c in citations(page, text):
            for _name, entry in keys.get(c.ref, []):
                best = stored.get(entry.get("name_key"))
                if best is None:
                    continue
                for word in MODEL.findall(c.beside):
                    if MODEL_WORDS[word.lower()] != best:
                        problems.append(
                            f"{where(c)}: “{c.sentence}” names the {word} beside {c.ref}, but the best "
                            f"classical model there is the {best} ({entry['name_key']}): cite that "
                            "key instead of naming the model in words"
                        )
    return problems


# ---------------------------------------------------------------- the book's checks

# Cases blocked by a notebook (its markdown breaks a rule, or its stored outputs predate its code),
# to be fixed in the notebook: test id -> what to do. Strict: remove the entry once it passes.
PENDING: dict[str, str] = {}


def cases(ids: list[str]) -> list:
    return [
        pytest.param(i, id=i, marks=pytest.mark.xfail(reason=PENDING[i], strict=True)) if i in PENDING else i
        for i in ids
    ]


def page_ids() -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in book_pages() + NOTEBOOKS]


@functools.cache
def all_pages() -> dict[Path, str]:
    return {page: page_text(page) for page in book_pages() + NOTEBOOKS}


@pytest.mark.parametrize("name", cases(list(registry())))
def test_registry_names_stored_keys_and_says_what_they_are(name):
    problems = registry_problems(name, registry()[name], stored_values())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", cases([f"copies:{n}" for n, q in registry().items() if q.get("copies")]))
def test_copies_store_the_value_of_their_source(name):
    name = name.removeprefix("copies:")
    problems = copy_problems(name, registry()[name], stored_values())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", cases(page_ids()))
def test_a_page_cites_the_source_or_names_the_conditions(page):
    problems = citation_problems(registry(), {ROOT / page: all_pages()[ROOT / page]})
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", cases([f"stated:{n}" for n in registry()]))
def test_a_quantity_is_stated_from_one_notebook(name):
    name = name.removeprefix("stated:")
    problems = two_source_problems(name, registry(), all_pages())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", cases([f"signs:{p}" for p in page_ids()]))
def test_direction_words_agree_with_signed_values(page):
    page = ROOT / page.removeprefix("signs:")
    problems = sign_problems(registry(), {page: all_pages()[page]}, stored_values())
    assert not problems, "\n".join(problems)


def test_book_pages_name_the_best_classical_model_that_was_measured():
    pages = {page: all_pages()[page] for page in book_pages()}
    problems = name_problems(registry(), pages, stored_values())
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- each check fails when it should

CNN, LEAD = "03-advantages/01-accuracy::acc_mnist1d_cnn", "03-advantages/01-accuracy::acc_mnist1d_lead"
BEST = "03-advantages/01-accuracy::acc_mnist1d_best_classical"
BEST_NAME = "03-advantages/01-accuracy::acc_mnist1d_best_classical_name"
SHORT, COPY = "02-dl-vs-ml/05-performance::perf_acc_cnn", "03-advantages/02-learned-features::feat_cnn"
FAKE = {
    "cnn": {
        "what": "the CNN's accuracy",
        "source": CNN,
        "copies": [COPY],
        "others": [{"key": SHORT, "condition": ["20 epochs", "perf_cnn_epochs"]}],
    },
    "lead": {"what": "the CNN's lead", "source": LEAD, "sign": "signed"},
    "best": {"what": "the best classical model's accuracy", "source": BEST, "name_key": BEST_NAME},
}
FAKE_STORED = {CNN: 94.4, COPY: 94.4, SHORT: 93.1, LEAD: 14.8, BEST: 79.6, BEST_NAME: "random forest"}
BOOK_PAGE = ROOT / "book" / "fake.md"


def cite(ref: str, fmt: str = ".1f") -> str:
    """A glue role citing ref from a book/*.md page."""
    notebook, key = ref.split("::")
    return f"{{glue:text}}`../notebooks/{notebook}.ipynb::{key}:{fmt}`"


def test_registry_problems_catch_a_missing_key_an_empty_what_and_no_conditions():
    assert registry_problems("cnn", FAKE["cnn"], FAKE_STORED) == []
    broken = {"what": " ", "source": CNN + "_gone", "others": [{"key": SHORT, "condition": []}]}
    problems = registry_problems("cnn", broken, FAKE_STORED)
    assert len(problems) == 3 and "no stored notebook glues" in problems[1] and "no condition" in problems[2]
    named = {**FAKE["best"], "name": "SVM (RBF)"}
    assert "measures another model" in registry_problems("best", named, FAKE_STORED)[0]


def test_copy_problems_catch_a_copy_that_stores_another_value():
    assert copy_problems("cnn", FAKE["cnn"], FAKE_STORED) == []
    assert "must give the same number" in copy_problems("cnn", FAKE["cnn"], {**FAKE_STORED, COPY: 93.0})[0]


def test_citation_problems_catch_an_other_key_without_its_conditions_and_a_foreign_copy():
    fine = {BOOK_PAGE: f"The CNN reaches {cite(CNN)} %.\n\nTrained for 20 epochs, it reaches {cite(SHORT)} %."}
    assert citation_problems(FAKE, fine) == []
    bare = {BOOK_PAGE: f"Trained for 20 epochs, it gets there.\n\nThe CNN reaches {cite(SHORT)} %."}
    problems = citation_problems(FAKE, bare)
    assert len(problems) == 1 and "'20 epochs'" in problems[0]
    assert problems[0].startswith("book/fake.md: “The CNN reaches")
    assert "cite the source" in citation_problems(FAKE, {BOOK_PAGE: f"It reaches {cite(COPY)} %."})[0]
    own = ROOT / "notebooks" / "03-advantages" / "02-learned-features.ipynb"
    assert citation_problems(FAKE, {own: "It reaches {glue:text}`feat_cnn:.1f` %."}) == []


def test_two_source_problems_catch_two_pages_stating_one_quantity_from_two_notebooks():
    source_page = {BOOK_PAGE: f"The CNN reaches {cite(CNN)} %."}
    assert two_source_problems("cnn", FAKE, source_page) == []
    other_page = {ROOT / "book" / "other.md": f"The CNN reaches {cite(SHORT)} %."}
    problems = two_source_problems("cnn", FAKE, source_page | other_page)
    assert len(problems) == 1 and "02-dl-vs-ml/05-performance (on book/other.md)" in problems[0]


def test_sign_problems_catch_a_direction_word_against_the_stored_sign():
    ahead = {BOOK_PAGE: f"The CNN is {cite(LEAD)} points ahead, and the MLP trails far behind."}
    assert sign_problems(FAKE, ahead, FAKE_STORED) == []
    behind = {BOOK_PAGE: f"With 50 signals the CNN trails by {cite(LEAD)} points."}
    problems = sign_problems(FAKE, behind, FAKE_STORED)
    assert len(problems) == 1 and "'trails'" in problems[0] and "+14.8 (the network ahead)" in problems[0]
    reversed_gap = {
        "gap": {
            "what": "a gap",
            "source": CNN,
            "sign": "signed",
            "others": [{"key": LEAD, "condition": ["x"], "sign": "reversed"}],
        }
    }
    assert sign_problems(reversed_gap, behind, FAKE_STORED) == []


def test_name_problems_catch_a_model_named_in_words_that_is_not_the_stored_best():
    right = {BOOK_PAGE: f"The random forest ({cite(BEST)} %) trails the CNN ({cite(CNN)} %)."}
    assert name_problems(FAKE, right, FAKE_STORED) == []
    wrong = {BOOK_PAGE: f"The CNN beats the best classical model, an SVM, at {cite(BEST)} %."}
    problems = name_problems(FAKE, wrong, FAKE_STORED)
    assert len(problems) == 1 and "names the SVM" in problems[0] and "is the random forest" in problems[0]


def test_paragraphs_split_at_blank_lines_and_table_rows():
    text = "one\nparagraph\n\n| a | b |\n|---|---|\n| c | d |\n\nlast"
    assert paragraphs(text) == ["one paragraph", "| a | b |", "|---|---|", "| c | d |", "last"]
