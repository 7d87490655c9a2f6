"""The fast paths of retrieval at scale give what the plain computations they replace give:
top-n through a sampled threshold, BM25 column sums without the column copy, the sentence
split's scan, and the metadata bonuses read from small tables."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from scipy import sparse

from index import scoring
from index.bm25 import BM25
from index.chunking import Chunk
from index.columns import ordinal
from index.lexicon import TermCounts
from index.retrieval import HybridIndex
from index.text import _SPLIT_RE


def _plain_top(score: np.ndarray, allowed: np.ndarray | None, n: int) -> np.ndarray:
    if allowed is not None:
        score = np.where(allowed, score, -np.inf)
    n = min(n, int(np.isfinite(score).sum()))
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-score, n - 1)[:n] if n < score.size else np.arange(score.size)
    return top[np.argsort(-score[top], kind="stable")]


@pytest.mark.parametrize("case", range(12))
def test_top_indices_prefilter_keeps_the_best_scores(case: int) -> None:
    rng = np.random.default_rng(case)
    size = scoring.PREFILTER_MIN * (1 + case % 3)
    score = rng.random(size).astype(np.float32 if case % 2 else np.float64)
    if case % 3 == 0:
        score = np.round(score * 40) / 40  # many ties at the cut
    if case % 4 == 1:
        score[rng.random(size) < 0.95] = 0.0  # most chunks tied at 0
    allowed = rng.random(size) < 0.2 if case % 5 == 2 else None
    n = (1, 30, 60, 500)[case % 4]
    got = scoring.top_indices(score, allowed, n)
    want = _plain_top(score, allowed, n)
    masked = score if allowed is None else np.where(allowed, score, -np.inf)
    assert len(set(got.tolist())) == len(got) == len(want)
    assert np.array_equal(masked[got], masked[want])  # the same scores, best first
    ties = masked[got][1:] == masked[got][:-1]
    assert np.all(got[1:][ties] > got[:-1][ties])  # ties in order of index


def test_top_indices_prefilter_falls_back_when_too_few_are_finite() -> None:
    score = np.full(scoring.PREFILTER_MIN, -np.inf)
    score[[5, 70_000, 99_999]] = [0.1, 0.3, 0.2]
    assert scoring.top_indices(score, None, 10).tolist() == [70_000, 99_999, 5]


@pytest.mark.parametrize("case", range(8))
def test_rank_prefilters_give_the_plain_ranks(case: int) -> None:
    """Reciprocal ranks of chunks and of their articles, from the scores above the lowest
    asked about, equal those from sorting every score (ties, runs of one article)."""
    rng = np.random.default_rng(case)
    size = scoring.PREFILTER_MIN * (1 + case % 2)
    score = rng.random(size).astype(np.float32 if case % 2 else np.float64)
    if case % 4 == 0:
        score = np.round(score * 40) / 40  # many ties
    if case % 4 == 1:
        score[rng.random(size) < 0.9] = 0.0
    # Articles of 1 to 12 consecutive chunks; for odd cases one article also owns a second run.
    doc = np.repeat(np.arange(size), rng.integers(1, 13, size))[:size]
    if case % 2:
        doc[-5:] = 0
    ids = rng.choice(size, 40 if case < 6 else 3, replace=False)
    if case == 7:  # one low candidate: more than half the scores above it (the fallback)
        ids[0] = int(np.argmin(score))
    plain = 1.0 / (1.0 + size - np.searchsorted(np.sort(score), score[ids], side="right"))
    assert np.array_equal(scoring.reciprocal_ranks(score, ids), plain)

    def doc_max(x: np.ndarray) -> np.ndarray:
        out = np.full(int(doc.max()) + 1, -np.inf, dtype=x.dtype)
        np.maximum.at(out, doc, x)
        return out

    best = doc_max(score)
    by_doc = 1.0 / (1.0 + best.size - np.searchsorted(np.sort(best), best[doc[ids]], "right"))
    assert np.array_equal(scoring.doc_reciprocal_ranks(score, doc, ids, doc_max), by_doc)


def test_bm25_scores_equal_scipy_column_sums_to_the_bit() -> None:
    rng = np.random.default_rng(0)
    n_docs, n_terms = 5_000, 300
    dense = (rng.random((n_docs, n_terms)) < 0.05) * rng.integers(1, 6, (n_docs, n_terms))
    rows, cols = np.nonzero(dense)
    counts = TermCounts(
        {f"t{j}": j for j in range(n_terms)},
        rows.astype(np.int64),
        cols.astype(np.int64),
        dense[rows, cols].astype(np.float32),
        n_docs,
    )
    bm = BM25([], counts=counts)
    assert isinstance(bm.matrix, sparse.csc_matrix)
    for q in range(20):
        ids = sorted(random.Random(q).sample(range(n_terms), 1 + q % 7))
        text = " ".join(f"t{j}" for j in ids)
        plain = np.asarray(bm.matrix[:, ids].sum(axis=1), dtype=np.float32).ravel()
        assert np.array_equal(bm.scores(text), plain)


# The sentence-split pattern before its leading (?=\s): the same matches are expected.
_PLAIN_SPLIT = re.compile(
    r"(?<=[.!?][\"'”’)\]])\s+(?=[\"'“‘(\[]?[A-Z0-9$£€—–])"
    r"|(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9$£€—–])|\n+"
)


def test_sentence_split_scan_matches_the_plain_pattern() -> None:
    rng = random.Random(0)
    pieces = [*"aB. !?\n\t  \"'”’)](“‘([A9$£€—–", "Mr. ", "U.S. ", "\u00a0", "\u2028"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    for text in texts:
        want = [(m.span(), m.group(0)) for m in _PLAIN_SPLIT.finditer(text)]
        assert [(m.span(), m.group(0)) for m in _SPLIT_RE.finditer(text)] == want


class _Zero:
    dimension = 4

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 4), dtype=np.float32)


def test_bonuses_from_tables_equal_the_elementwise_arithmetic() -> None:
    days = ["2023-10-01", "2023-10-02", "2023-10-03", "", "2023-11-30"]
    chunks = [
        Chunk(f"d{i}:0", f"d{i}", f"text {i}", 0, 6, {"source": s, "published_at": d})
        for i, (s, d) in enumerate((s, d) for s in ("Fortune", "Wired", "") for d in days)
    ]
    vecs = np.eye(len(chunks), 4, dtype=np.float32)
    idx = HybridIndex(chunks, vecs, _Zero())  # type: ignore[arg-type]
    dates = ["2023-10-02", "2023-11-30"]
    day = idx._day
    plain: np.ndarray = np.zeros(len(chunks), dtype=np.float32)
    for iso in dates:
        gap = np.abs(day - ordinal(iso))
        plain = np.maximum(plain, np.where(gap == 0, 1.0, np.where(gap == 1, 0.5, 0.0)))
    got = idx._date_match(dates)
    assert got.dtype == plain.dtype and np.array_equal(got, plain)
    mask = np.array([c.source == "Wired" for c in chunks])
    by_source = np.where(mask, np.float32(0.3), np.float32(0.0))
    score = np.linspace(0.1, 0.9, len(chunks), dtype=np.float32)
    cases = [
        ((["Wired"], dates), by_source + np.float32(0.2) * plain),
        ((["Wired"], []), by_source),
        (([], dates), np.float32(0.0) + np.float32(0.2) * plain),
    ]
    for (sources, named_days), bonus in cases:
        got_bonus = idx._bonus(sources, named_days, 0.3, 0.2)
        assert got_bonus is not None
        # Added to the touched rows only, yet the scores and dtype of the whole-array sum.
        want = score + bonus
        added = got_bonus.added_to(score)
        assert added.dtype == want.dtype and np.array_equal(added, want)
        in_place, whole = score.copy(), score.copy()
        got_bonus.add_to(in_place)
        whole += bonus
        assert in_place.dtype == np.float32 and np.array_equal(in_place, whole)
    assert idx._bonus([], [], 0.3, 0.2) is None
    assert idx._bonus(["Wired"], dates, 0.0, 0.0) is None
