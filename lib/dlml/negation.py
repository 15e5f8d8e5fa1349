"""A synthetic text task: sentiment sentences in which a negator flips the meaning.

Each sentence holds random filler words, one polarity word and one negator; its label is
the polarity word's, flipped when the negator comes *before* it (:func:`label`). The same
words in another order can have the other label, so a bag of words cannot read it, while a
model of word order can. :func:`dlml.data.load` serves two variants, ``negation`` and
``negation_long``, which differ only in how far apart the two words are. This is not real
text; it isolates one thing that sequence models are for.

Examples
--------
>>> X, y = sentences(3, distance=(1, 1), length=8, seed=0)
>>> [label(s.split()) for s in tokens_to_text(X, VOCABULARY)] == y.tolist()
True
"""

from __future__ import annotations

import numpy as np

NEGATORS = ("not", "never")
POSITIVE = ("good", "great", "fine", "superb", "lovely", "brilliant", "pleasant", "excellent")
NEGATIVE = ("bad", "awful", "poor", "dull", "boring", "terrible", "weak", "clumsy")
FILLERS = (
    "the",
    "a",
    "this",
    "that",
    "it",
    "film",
    "movie",
    "plot",
    "story",
    "acting",
    "cast",
    "music",
    "ending",
    "script",
    "scene",
    "was",
    "is",
    "seemed",
    "felt",
    "really",
    "quite",
    "very",
    "so",
    "and",
    "i",
    "we",
    "found",
    "thought",
    "of",
    "with",
    "overall",
    "today",
)
VOCABULARY = ("<pad>", *NEGATORS, *POSITIVE, *NEGATIVE, *FILLERS)  # id 0 pads


def sentences(n: int, *, distance: tuple[int, int], length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` labelled sentences as rows of ``length`` token ids (ids of ``VOCABULARY``, 0 pads).

    The negator and the polarity word stand ``distance[0]`` to ``distance[1]`` positions
    apart (1: neighbours); each sentence has between ``length // 2`` and ``length`` words.
    Returns ``X`` (float32, as the networks take it) and the labels ``y`` (0 or 1).
    """
    near, far = distance
    rng = np.random.default_rng(seed)
    ids = {w: i for i, w in enumerate(VOCABULARY)}
    rows = np.arange(n)
    gap = rng.integers(near, far + 1, size=n)  # 1: the two words are neighbours
    size = rng.integers(np.maximum(gap + 3, length // 2), length + 1)  # words per sentence
    X = rng.choice([ids[w] for w in FILLERS], size=(n, length))
    X[np.arange(length) >= size[:, None]] = 0  # padding after the last word
    first = (rng.random(n) * (size - gap)).astype(np.int64)  # where the pair starts
    negator = rng.choice([ids[w] for w in NEGATORS], size=n)
    polar = rng.choice([ids[w] for w in POSITIVE + NEGATIVE], size=n)
    negated = rng.random(n) < 0.5  # the negator comes first and flips the polarity word
    X[rows, first] = np.where(negated, negator, polar)
    X[rows, first + gap] = np.where(negated, polar, negator)
    y = (np.isin(polar, [ids[w] for w in POSITIVE]) != negated).astype(np.int64)  # = label()
    return X.astype(np.float32), y


def label(words: list[str] | tuple[str, ...]) -> int:
    """The rule that labels the synthetic text sets: 1 (positive) or 0 (negative).

    A sentence holds one polarity word (from ``POSITIVE`` or ``NEGATIVE``) and one
    negator (``NEGATORS``). Its label is the polarity word's, flipped when the negator
    comes *before* it. The same words in another order can have the other label, so the
    rule cannot be read off a bag of words.

    Examples
    --------
    >>> label("the plot was not good".split()), label("good plot , not".split())
    (0, 1)
    """
    polar = [i for i, w in enumerate(words) if w in POSITIVE or w in NEGATIVE]
    negators = [i for i, w in enumerate(words) if w in NEGATORS]
    if len(polar) != 1 or len(negators) != 1:
        raise ValueError(f"a sentence needs exactly one polarity word and one negator; got {' '.join(words)!r}.")
    positive = words[polar[0]] in POSITIVE
    return int(positive != (negators[0] < polar[0]))


def tokens_to_text(X: np.ndarray, vocabulary: tuple[str, ...] | list[str]) -> list[str]:
    """Turn rows of token ids back into sentences, one string per row, padding dropped.

    Useful to feed the text sets to scikit-learn's ``CountVectorizer`` (use
    ``token_pattern=r"\\S+"`` to keep one-letter words such as "a").

    Parameters
    ----------
    X : array of shape (n, length)
        Token ids (integers, stored as any numeric dtype); 0 is padding.
    vocabulary : sequence of str
        The word of each id, e.g. ``Dataset.meta["vocabulary"]``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokens_to_text(np.array([[5.0, 2.0, 0.0]]), ["<pad>", "not", "never", "good", "bad", "it"])
    ['it never']
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of token ids (n, length); got shape {X.shape}.")
    ids = X.astype(np.int64)
    if not np.array_equal(ids, X) or (ids < 0).any() or (ids >= len(vocabulary)).any():
        raise ValueError(f"X must hold whole numbers from 0 to {len(vocabulary) - 1} (the vocabulary's ids).")
    words = np.asarray(vocabulary, dtype=object)
    return [" ".join(words[row[row > 0]]) for row in ids]
