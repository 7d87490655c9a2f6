"""The reranker's features of a question's candidate chunks (index.rerank.FEATURES): how each
facet of the question ranks them, their article's rank, their neighbours, and how much of the
question one of their sentences holds. A friend of HybridIndex: it reads the index's arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from index.rerank import FEATURES
from index.retrieval_config import RetrievalConfig
from index.scoring import reciprocal_ranks, top_indices, within_group_rr
from index.text import sentences

if TYPE_CHECKING:
    from index.retrieval import HybridIndex, _QueryScores


def candidate_features(
    idx: HybridIndex, qs: _QueryScores, allowed: np.ndarray | None, cfg: RetrievalConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate chunk ids (the best of every facet) and their rows of rerank.FEATURES."""
    pools = [cfg.pool_main] + [cfg.pool_sub] * (len(qs.facets) - 1)
    cand = np.unique(
        np.concatenate(
            [top_indices(f.score, allowed, n) for f, n in zip(qs.facets, pools, strict=True)]
        )
    )
    docs = idx._doc[cand]
    main = qs.main
    main_norm = main / max(float(main.max()), 1e-9)
    f: dict[str, np.ndarray] = {
        "main_norm": main_norm[cand],
        "main_rr": reciprocal_ranks(main, cand),
        "main_dense": np.clip(qs.dense[cand], 0.0, 1.0),
    }
    for kind in ("source", "clause"):
        scores = [x.score for x in qs.facets if x.kind == kind]
        zero = np.zeros(len(cand), dtype=np.float32)
        f[f"{kind}_norm"] = (
            np.max([s[cand] / max(float(s.max()), 1e-9) for s in scores], axis=0)
            if scores
            else zero
        )
        f[f"{kind}_rr"] = (
            np.max([reciprocal_ranks(s, cand) for s in scores], axis=0) if scores else zero
        )
        f[f"has_{kind}"] = np.full(len(cand), float(bool(scores)), dtype=np.float32)
    doc_rr = [
        reciprocal_ranks(np.maximum.reduceat(x.score[idx._by_doc], idx._doc_starts), docs)
        for x in qs.facets
    ]
    f["doc_rr_best"] = np.max(doc_rr, axis=0)
    f["doc_rr_mean"] = np.mean(doc_rr, axis=0)
    f["within_doc_rr"] = within_group_rr(docs, main[cand])
    # How much better the best adjacent chunk of the same article matches the text of the
    # question than this one (0 without neighbours).
    text = qs.text / max(float(qs.text.max()), 1e-9)
    own = text[cand]
    prev, nxt = idx._prev[cand], idx._next[cand]
    best = np.maximum(np.where(prev >= 0, text[prev], own), np.where(nxt >= 0, text[nxt], own))
    f["neighbour_gap"] = best - own
    f["source_named"] = idx._source_mask(qs.analysis.source_names)[cand].astype(np.float32)
    f["date_named"] = idx._date_match(qs.analysis.date_values)[cand]
    f["lead"] = idx._lead[cand]
    f["n_facets"] = np.full(len(cand), len(qs.facets) / 5.0, dtype=np.float32)
    # Sentence level: the best share of the question's (or a claim's) idf mass that one
    # sentence of the chunk holds, and how far each score is below the best chunk of the
    # same article among the candidates (the right chunk of the right article).
    f["sent_main"] = _sentence_cover(idx, qs.analysis.query, cand)
    clauses = [x.text for x in qs.analysis.subqueries if x.kind == "clause"]
    f["sent_clause"] = (
        np.max([_sentence_cover(idx, t, cand) for t in clauses], axis=0)
        if clauses and cfg.decompose
        else np.zeros(len(cand), dtype=np.float32)
    )
    for name in ("sent_main", "sent_clause", "main_dense"):
        best = np.zeros(int(docs.max()) + 1, dtype=np.float32)
        np.maximum.at(best, docs, f[name])
        f[name + "_gap"] = best[docs] - f[name]
    return cand, np.stack([f[name] for name in FEATURES], axis=1).astype(np.float32)


def _sentence_terms(idx: HybridIndex, i: int) -> list[frozenset[int]]:
    got = idx._sent_cache.get(i)
    if got is None:
        assert idx._bm25 is not None
        got = [frozenset(idx._bm25.term_ids(s)) for s in sentences(idx.chunks[i].text)]
        idx._sent_cache[i] = got
    return got


def _sentence_cover(idx: HybridIndex, text: str, cand: np.ndarray) -> np.ndarray:
    """Best share of the text's idf mass that one sentence of each candidate holds."""
    out = np.zeros(len(cand), dtype=np.float32)
    if idx._bm25 is None:
        return out
    ids = set(idx._bm25.term_ids(text))
    weight = {t: float(idx._bm25.idf[t]) for t in ids}
    total = sum(weight.values())
    if total <= 0:
        return out
    for j, i in enumerate(cand.tolist()):
        best = 0.0
        for sent in _sentence_terms(idx, i):
            v = sum(weight[t] for t in ids & sent)
            best = max(best, v)
        out[j] = best / total
    return out
