"""Score arithmetic shared by the retrieval stages: fusion, top-k, ranks, per-article caps."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np


def fuse(bm: np.ndarray, dense: np.ndarray, w: float) -> np.ndarray:
    """w * BM25 / max(BM25) + (1 - w) * median-rescaled cosine."""
    if w >= 1.0:
        return scale_max(bm)
    if w <= 0.0:
        return scale_median(dense)
    # In place: the same float32 products and sum as w * a + (1 - w) * b, without two of the
    # temporaries (each a fresh whole array at 1M chunks).
    out = scale_max(bm)
    out *= w
    part = scale_median(dense)
    part *= 1 - w
    out += part
    return out


def scale_max(x: np.ndarray) -> np.ndarray:
    hi = float(x.max()) if x.size else 0.0
    return x / hi if hi > 0 else np.zeros_like(x)


# Above this many chunks the median cosine comes from an evenly strided sample of about this
# size: np.median over 1M scores cost ~20 ms a question; the sample's median is within a
# fraction of a percentile of it.
MEDIAN_SAMPLE = 32_768


def _strided(n: int) -> slice:
    return slice(None, None, max(1, n // MEDIAN_SAMPLE))


_BLAS: Any = None


def one_blas_thread() -> Any:
    """A context in which numpy's BLAS runs on one thread. For the few small products of a
    question past HybridIndex.ann_above: at 1M chunks and load ~7 on 2 cores, a second BLAS
    thread cost the reader ~20% more CPU a question (149 against 169-192 ms, benchmarks/
    scale.py); on one thread the products are deterministic (two threads moved a few sampled
    cosines by an ulp)."""
    global _BLAS
    if _BLAS is None:
        try:  # installed with sentence-transformers (scikit-learn's dependency)
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - then BLAS keeps its own thread count
            _BLAS = False  # and the import is not tried again every question
        else:
            _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas") if _BLAS else contextlib.nullcontext()


def scale_median(x: np.ndarray) -> np.ndarray:
    """Cosines rescaled so the median chunk is 0 and the best is 1 (clipped below 0)."""
    if x.size == 0:
        return x
    hi = float(x.max())
    lo = float(np.median(x[_strided(x.size)]))
    if hi <= lo:
        return np.zeros_like(x)
    out = x - lo  # one array, then in place: the values of np.clip((x - lo) / (hi - lo), 0, 1)
    out /= hi - lo
    return np.clip(out, 0.0, 1.0, out=out)


# From this many scores on, top_indices first keeps the scores at or above a threshold read
# from a strided sample, and partitions only those: at 1M chunks a full argpartition cost
# ~5 ms a call, several calls a question.
PREFILTER_MIN = 100_000


def top_indices(score: np.ndarray, allowed: np.ndarray | None, n: int) -> np.ndarray:
    """Indices of the n best (allowed) scores, best first (from PREFILTER_MIN scores on, ties
    in order of index)."""
    if allowed is not None:
        score = np.where(allowed, score, -np.inf)
    if score.size >= PREFILTER_MIN and n > 0 and n * 64 <= score.size:
        top = _top_prefiltered(score, n)
        if top is not None:
            return top
    n = min(n, int(np.isfinite(score).sum()))
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-score, n - 1)[:n] if n < score.size else np.arange(score.size)
    return top[np.argsort(-score[top], kind="stable")]


def _top_prefiltered(score: np.ndarray, n: int) -> np.ndarray | None:
    """top_indices through a threshold, or None where too few scores pass it (fall back)."""
    sample = score[_strided(score.size)]
    # The sample's r-th best leaves ~4n + 16 strides of scores above it in expectation: far
    # more than n, so that the fallback is rare; every score of the true top n is >= it
    # whenever at least n are.
    r = min(sample.size - 1, (4 * n * sample.size) // score.size + 16)
    cut = np.partition(sample, sample.size - 1 - r)[sample.size - 1 - r]
    if not np.isfinite(cut):
        return None
    idx = np.flatnonzero(score >= cut)
    if idx.size < n:
        return None
    top = idx[np.argpartition(-score[idx], n - 1)[:n]] if idx.size > n else idx
    top.sort()  # ties in order of index, whatever the partition left
    return top[np.argsort(-score[top], kind="stable")]


def cap_per_doc(order: list[int], doc: np.ndarray, cap: int, k: int) -> list[int]:
    """The first k of order with at most cap chunks per article (refilled if that is short)."""
    if not cap:
        return order[:k]
    seen: dict[int, int] = {}
    kept: list[int] = []
    spill: list[int] = []
    for i in order:
        d = int(doc[i])
        (kept if seen.get(d, 0) < cap else spill).append(i)
        seen[d] = seen.get(d, 0) + 1
    return (kept + spill)[:k]


def interleave(
    rankings: list[list[int]], doc: np.ndarray, cap: int, pool: int, k: int
) -> list[int]:
    """The rankings taken in turn (each one's best not yet taken) up to pool entries, then the
    first k of them with at most cap chunks per article (cap_per_doc)."""
    merged: list[int] = []
    taken: set[int] = set()
    cursors = [0] * len(rankings)
    while len(merged) < pool:
        progressed = False
        for r, ranking in enumerate(rankings):
            while cursors[r] < len(ranking) and ranking[cursors[r]] in taken:
                cursors[r] += 1
            if cursors[r] < len(ranking):
                merged.append(ranking[cursors[r]])
                taken.add(ranking[cursors[r]])
                progressed = True
        if not progressed:
            break
    return cap_per_doc(merged, doc, cap, k)


def reciprocal_ranks(score: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """1 / (1 + rank) of the given entries of score (rank 0 = best; ties share a rank)."""
    return 1.0 / (1.0 + _higher(score, score[ids]))


def _higher(score: np.ndarray, values: np.ndarray) -> np.ndarray:
    """How many scores are above each value."""
    if score.size >= PREFILTER_MIN and values.size:
        # Only scores above the lowest value can be above any of them: at 1M chunks a
        # question's candidates usually leave a few percent, and sorting those instead of
        # every score saved ~1.5 ms a call (ten calls a question). The counts are the same.
        above = score[score > values.min()]
        if above.size < score.size // 2:
            score = above
    ordered = np.sort(score)
    return score.size - np.searchsorted(ordered, values, side="right")


def doc_reciprocal_ranks(
    score: np.ndarray, doc: np.ndarray, ids: np.ndarray, doc_max: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """1 / (1 + rank) of the articles of the given entries, articles ranked by their best
    score (`doc`: each entry's article number; `doc_max`: the best score of every article)."""
    if score.size < PREFILTER_MIN or not ids.size:
        return reciprocal_ranks(doc_max(score), doc[ids])
    # An article's best score is at least that of its entry among ids, so only the rows at or
    # above the lowest of those decide the ranks; an article with none there ranks below
    # every one asked about. The counts equal those over every article's maximum.
    rows = np.flatnonzero(score >= score[ids].min())
    if rows.size >= score.size // 2:
        return reciprocal_ranks(doc_max(score), doc[ids])
    docs, best = doc[rows], score[rows]
    starts = np.r_[0, np.flatnonzero(docs[1:] != docs[:-1]) + 1]
    runs = np.maximum.reduceat(best, starts)
    per_doc = np.full(int(doc.max()) + 1, -np.inf, dtype=score.dtype)
    np.maximum.at(per_doc, docs[starts], runs)
    present = per_doc[np.isfinite(per_doc)]
    return 1.0 / (1.0 + _higher(present, per_doc[doc[ids]]))


def within_group_rr(groups: np.ndarray, score: np.ndarray) -> np.ndarray:
    """1 / (1 + rank of each entry among the entries of its own group)."""
    order = np.lexsort((-score, groups))
    g = groups[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    lengths = np.diff(np.r_[starts, g.size])
    pos = np.arange(g.size) - np.repeat(starts, lengths)
    out = np.empty(g.size, dtype=np.float32)
    out[order] = 1.0 / (1.0 + pos)
    return out
