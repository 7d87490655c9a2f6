"""The reranker's features of a question's candidate chunks (index.rerank.FEATURES): how each
facet of the question ranks them, their article's rank, their neighbours, and how much of the
question one of their sentences holds. A friend of HybridIndex: it reads the index's arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from index.bm25 import BM25
from index.rerank import FEATURES
from index.retrieval_config import RetrievalConfig
from index.scoring import doc_reciprocal_ranks, reciprocal_ranks, top_indices, within_group_rr
from index.text import _INDEX_TOKEN, INDEX_STOPWORDS, split_sentences, stem

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
    # Only the candidates' rows are divided or looked up: at 1M chunks each whole-array
    # operation costs a few milliseconds.
    f: dict[str, np.ndarray] = {
        "main_norm": main[cand] / max(float(main.max()), 1e-9),
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
    doc_rr = [doc_reciprocal_ranks(x.score, idx._doc, cand, idx.doc_max) for x in qs.facets]
    f["doc_rr_best"] = np.max(doc_rr, axis=0)
    f["doc_rr_mean"] = np.mean(doc_rr, axis=0)
    f["within_doc_rr"] = within_group_rr(docs, main[cand])
    # How much better the best adjacent chunk of the same article matches the text of the
    # question than this one (0 without neighbours).
    top = max(float(qs.text.max()), 1e-9)
    own = qs.text[cand] / top
    prev, nxt = idx._prev[cand], idx._next[cand]
    before = np.where(prev >= 0, qs.text[prev] / top, own)
    after = np.where(nxt >= 0, qs.text[nxt] / top, own)
    best = np.maximum(before, after)
    f["neighbour_gap"] = best - own
    f["source_named"] = idx._source_mask(qs.analysis.source_names, cand).astype(np.float32)
    f["date_named"] = idx._date_match(qs.analysis.date_values, cand)
    f["lead"] = idx._lead[cand]
    f["n_facets"] = np.full(len(cand), len(qs.facets) / 5.0, dtype=np.float32)
    # Sentence level: the best share of the question's (or a claim's) idf mass that one
    # sentence of the chunk holds, and how far each score is below the best chunk of the
    # same article among the candidates (the right chunk of the right article).
    clauses = [x.text for x in qs.analysis.subqueries if x.kind == "clause"]
    clauses = clauses if cfg.decompose else []
    covers = _sentence_covers(idx, [qs.analysis.query, *clauses], cand)
    f["sent_main"] = covers[0]
    f["sent_clause"] = (
        np.max(covers[1:], axis=0) if clauses else np.zeros(len(cand), dtype=np.float32)
    )
    for name in ("sent_main", "sent_clause", "main_dense"):
        best = np.zeros(int(docs.max()) + 1, dtype=np.float32)
        np.maximum.at(best, docs, f[name])
        f[name + "_gap"] = best[docs] - f[name]
    return cand, np.stack([f[name] for name in FEATURES], axis=1).astype(np.float32)


def sentence_terms(
    bm25: BM25, text: str, words: dict[str, int] | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """(term ids, sentence number of each, number of sentences): the distinct index terms of
    each sentence of text, as BM25.term_ids of that sentence gives them. `words` remembers the
    term id of each lower-cased word (-1: none), so that a word is stemmed once."""
    spans = split_sentences(text)
    low = text.lower()
    n = len(bm25.idf)  # ids the index has no weight for (a vocabulary grown since) are left out
    keys: set[int] = set()
    if len(low) != len(text):  # a letter that lower-cases to two: the spans do not apply
        for s, (a, b) in enumerate(spans):
            keys.update(s * n + t for t in bm25.term_ids(text[a:b]) if t < n)
    else:
        words = {} if words is None else words
        vocab = bm25.vocab
        for s, (a, b) in enumerate(spans):
            base = s * n
            for w in _INDEX_TOKEN.findall(low, a, b):
                t = words.get(w)
                if t is None:
                    kept = w not in INDEX_STOPWORDS and (len(w) > 1 or w.isdigit())
                    t = words[w] = vocab.get(stem(w), -1) if kept else -1
                if 0 <= t < n:
                    keys.add(base + t)
    key = np.fromiter(keys, np.int64, len(keys))
    return key % n, key // n, len(spans)


def _sentence_terms(idx: HybridIndex, i: int) -> tuple[np.ndarray, np.ndarray, int]:
    got = idx._sent_cache.get(i)
    if got is None:
        assert idx._bm25 is not None
        got = sentence_terms(idx._bm25, idx.chunks[i].text, idx._word_ids)
        idx._sent_cache[i] = got
    return got


def _sentence_covers(idx: HybridIndex, texts: list[str], cand: np.ndarray) -> list[np.ndarray]:
    """For each text, the best share of its idf mass that one sentence of each candidate
    holds; the candidates' sentences are gathered once for all the texts."""
    out = [np.zeros(len(cand), dtype=np.float32) for _ in texts]
    if idx._bm25 is None or not len(cand):
        return out
    parts = [_sentence_terms(idx, i) for i in cand.tolist()]
    n_sent = np.fromiter((p[2] for p in parts), np.int64, len(parts))
    offset = np.r_[0, np.cumsum(n_sent)[:-1]]
    terms = np.concatenate([p[0] for p in parts])
    sent = np.concatenate([p[1] for p in parts]) + np.repeat(offset, [len(p[1]) for p in parts])
    has = n_sent > 0
    idf = idx._bm25.idf
    weight = np.zeros(len(idf), dtype=np.float64)
    for j, text in enumerate(texts):
        ids = set(idx._bm25.term_ids(text))
        total = sum(float(idf[t]) for t in ids)
        if total <= 0 or not has.any():
            continue
        q = list(ids)
        weight[q] = idf[q]
        per_sentence = np.bincount(sent, weights=weight[terms], minlength=int(n_sent.sum()))
        weight[q] = 0.0
        out[j][has] = np.maximum.reduceat(per_sentence, offset[has]) / total
    return out
