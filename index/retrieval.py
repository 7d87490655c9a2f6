"""Hybrid retrieval over the indexed chunks: BM25 plus dense vectors, fused, with metadata
awareness, query decomposition and per-article diversity; metadata filters are honoured.

The whole chunk table (texts, metadata, vectors) is held in memory, loaded once from Chroma;
scoring every chunk exactly costs about a millisecond per ten thousand chunks, so a question
can afford several sub-queries.

How a question is answered (each step can be switched off in RetrievalConfig):
1. fused score = bm25_weight * BM25/max(BM25) + (1 - bm25_weight) * rescaled cosine; BM25
   sees title + source + text of each chunk;
2. chunks of sources the question names ("according to 'Fortune'") and chunks published on a
   date it names get a bonus (the sources are matched against the index's own metadata);
3. compound questions are split into sub-queries, one per named source and one per claim,
   each scored the same way and constrained to its own source/date;
4. the final top-k interleaves the main ranking with the sub-query rankings (so every claim is
   covered) and caps the chunks taken from one article.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from index.bm25 import BM25
from index.chunking import Chunk
from index.query_analysis import QueryAnalysis, SourceMatcher, analyse

if TYPE_CHECKING:
    from index.embeddings import Embedder

TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['’][a-z]+)?")


@dataclass
class Filters:
    """Restrict retrieval to some sources and/or a publication date range (ISO dates)."""

    sources: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None

    def accepts(self, chunk: Chunk) -> bool:
        if self.sources:
            wanted = {s.lower() for s in self.sources}
            if chunk.source.lower() not in wanted:
                return False
        date = _chunk_date(chunk)
        if self.date_from and (not date or date < self.date_from):
            return False
        return not (self.date_to and (not date or date > self.date_to))

    def is_empty(self) -> bool:
        return not (self.sources or self.date_from or self.date_to)


@dataclass
class Hit:
    chunk: Chunk
    score: float
    bm25: float = 0.0
    dense: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RetrievalConfig:
    """Knobs of HybridIndex.search; the defaults are the tuned method (MultiHop-RAG dev)."""

    bm25_weight: float = 0.75  # share of BM25 in the fused score: 1 = BM25 only, 0 = vectors only
    source_boost: float = 0.3  # bonus for chunks of a source the question names
    date_boost: float = 0.3  # bonus for chunks published on a date the question names
    decompose: bool = True  # sub-queries per named source and per claim
    sub_constraint: float = 1.0  # bonus inside a sub-query for its own source/date
    main_share: int = 1  # main-ranking picks per interleaving round
    max_per_doc: int = 2  # chunks of one article in the top k (0: no cap)
    prf_terms: int = 0  # pseudo-relevance feedback: expansion terms from the top chunks
    prf_docs: int = 5
    prf_weight: float = 0.5
    sub_context: float = 0.0  # share of the whole question's score mixed into each sub-query
    lead_bonus: float = 0.0  # bonus for an article's opening chunks (news put facts up front)
    doc_weight: float = 0.0  # weight of the whole article's fused score added to its chunks
    pool: int = 100  # candidates considered per ranking

    def replace(self, **changes: Any) -> RetrievalConfig:
        return dataclasses.replace(self, **changes)

    @classmethod
    def plain(cls) -> RetrievalConfig:
        """Fusion only: no metadata, decomposition, diversity or feedback."""
        return cls(source_boost=0.0, date_boost=0.0, decompose=False, max_per_doc=0, prf_terms=0)

    @staticmethod
    def ablation_steps() -> list[tuple[str, dict[str, Any]]]:
        """The improvements in the order the benchmark stacks them on plain fusion."""
        d = RetrievalConfig()
        return [
            ("+metadata", {"source_boost": d.source_boost, "date_boost": d.date_boost}),
            ("+decompose", {"decompose": True}),
            ("+diversity", {"max_per_doc": d.max_per_doc}),
            ("+prf", {"prf_terms": d.prf_terms or 10}),
        ]


def tokenize(text: str) -> list[str]:
    return [t.lower() for t in TOKEN_RE.findall(text)]


def _chunk_date(chunk: Chunk) -> str:
    return str(chunk.metadata.get("date") or (chunk.published_at or "")[:10])


class HybridIndex:
    """BM25 and dense scores over all chunks, fused, then assembled per RetrievalConfig."""

    def __init__(
        self,
        chunks: list[Chunk],
        embeddings: np.ndarray,
        embedder: Embedder,
        bm25_weight: float | None = None,
        config: RetrievalConfig | None = None,
    ) -> None:
        self.chunks = chunks
        self.embeddings = np.asarray(embeddings, dtype=np.float32)
        self.embedder = embedder
        cfg = config or RetrievalConfig()
        if bm25_weight is not None:
            cfg = cfg.replace(bm25_weight=bm25_weight)
        self.config = cfg
        self.sources = sorted({c.source for c in chunks if c.source})
        self.matcher = SourceMatcher(self.sources)
        code = {s: i for i, s in enumerate(self.sources)}
        self._source_code = np.array([code.get(c.source, -1) for c in chunks], dtype=np.int64)
        self._day = np.array([_ordinal(_chunk_date(c)) for c in chunks], dtype=np.int64)
        doc_index: dict[str, int] = {}
        self._doc = np.array(
            [doc_index.setdefault(c.doc_id, len(doc_index)) for c in chunks], dtype=np.int64
        )
        self.n_docs = len(doc_index)
        position = np.array([_position(c) for c in chunks], dtype=np.float32)
        self._lead = 1.0 / (1.0 + position)  # 1 for an article's first chunk, 1/2, 1/3, ...
        self._bm25 = BM25([self._index_text(c) for c in chunks]) if chunks else None
        self._doc_bm25 = BM25(self._doc_texts()) if chunks else None

    @property
    def bm25_weight(self) -> float:
        return self.config.bm25_weight

    @staticmethod
    def _index_text(chunk: Chunk) -> str:
        return f"{chunk.title}\n{chunk.source}\n{chunk.text}"

    def _doc_texts(self) -> list[str]:
        """Each article as one text: title, source and its chunks in order."""
        parts: list[list[str]] = [[] for _ in range(self.n_docs)]
        for c, d in zip(self.chunks, self._doc, strict=True):
            if not parts[d]:
                parts[d].extend([c.title, c.source])
            parts[d].append(c.text)
        return ["\n".join(p) for p in parts]

    def __len__(self) -> int:
        return len(self.chunks)

    # -- scores -------------------------------------------------------------------------
    def bm25_scores(self, query: str) -> np.ndarray:
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        return self._bm25.scores(query)

    def dense_scores(self, query: str) -> np.ndarray:
        if not self.chunks:
            return np.zeros(0, dtype=np.float32)
        q = self.embedder.embed_query(query)
        return np.asarray(self.embeddings @ q, dtype=np.float32)

    def _score(self, text: str, dense: np.ndarray, cfg: RetrievalConfig) -> np.ndarray:
        """Fused chunk score for one query text, plus the fused score of each chunk's article."""
        w = cfg.bm25_weight
        bm = self._bm25.scores(text) if self._bm25 is not None and w > 0 else None
        score = _fuse(bm, dense if w < 1 else None, w)
        if cfg.doc_weight > 0 and self._doc_bm25 is not None:
            doc_bm = self._doc_bm25.scores(text) if w > 0 else None
            doc_dn = None
            if w < 1:
                doc_dn = np.full(self.n_docs, -1.0, dtype=np.float32)
                np.maximum.at(doc_dn, self._doc, dense)
            score = score + cfg.doc_weight * _fuse(doc_bm, doc_dn, w)[self._doc]
        if cfg.lead_bonus:
            score = score + cfg.lead_bonus * self._lead
        return score

    def _source_mask(self, sources: list[str] | tuple[str, ...]) -> np.ndarray:
        codes = [self.sources.index(s) for s in sources if s in self.sources]
        if not codes:
            return np.zeros(len(self.chunks), dtype=bool)
        return np.isin(self._source_code, codes)

    def _date_bonus(self, dates: list[str] | tuple[str, ...]) -> np.ndarray:
        """1 for chunks published on a named date, 0.5 a day either side (time zones)."""
        out = np.zeros(len(self.chunks), dtype=np.float32)
        for iso in dates:
            gap = np.abs(self._day - _ordinal(iso))
            out = np.maximum(out, np.where(gap == 0, 1.0, np.where(gap == 1, 0.5, 0.0)))
        return out

    # -- search -------------------------------------------------------------------------
    def analyse(self, query: str) -> QueryAnalysis:
        return analyse(query, self.matcher)

    def search(
        self,
        query: str,
        k: int = 10,
        filters: Filters | None = None,
        config: RetrievalConfig | None = None,
    ) -> list[Hit]:
        if not self.chunks or k <= 0:
            return []
        cfg = config or self.config
        allowed = None
        if filters and not filters.is_empty():
            allowed = np.array([filters.accepts(c) for c in self.chunks])
            if not allowed.any():
                return []
        qa = self.analyse(query)
        subs = qa.subqueries if cfg.decompose else []
        dense_all = self._dense_many([query] + [s.text for s in subs], cfg)
        main = self._score(query, dense_all[0], cfg)
        if cfg.prf_terms > 0 and self._bm25 is not None:
            main = self._feedback(query, main, dense_all[0], cfg)
        main = main + self._metadata_bonus(
            qa.source_names, qa.date_values, cfg.source_boost, cfg.date_boost
        )
        rankings = [self._ranking(main, allowed, cfg.pool)]
        for sub, dn in zip(subs, dense_all[1:], strict=True):
            score = self._score(sub.text, dn, cfg)
            score = score + self._metadata_bonus(
                list(sub.sources), list(sub.dates), cfg.sub_constraint, cfg.sub_constraint
            )
            if not sub.sources:
                score = score + self._metadata_bonus(qa.source_names, [], cfg.source_boost, 0.0)
            if cfg.sub_context:
                score = score + cfg.sub_context * main
            rankings.append(self._ranking(score, allowed, cfg.pool))
        order = self._assemble(rankings, k, cfg)
        return [Hit(self.chunks[i], float(main[i]), dense=float(dense_all[0][i])) for i in order]

    def _dense_many(self, texts: list[str], cfg: RetrievalConfig) -> list[np.ndarray]:
        if cfg.bm25_weight >= 1.0:
            return [np.zeros(len(self.chunks), dtype=np.float32) for _ in texts]
        if len(texts) > 1:
            vecs = np.asarray(self.embedder.embed(texts), dtype=np.float32)
        else:
            vecs = np.asarray(self.embedder.embed_query(texts[0]), dtype=np.float32)[None, :]
        sims = self.embeddings @ vecs.T  # one matrix product for all the texts
        return [np.ascontiguousarray(sims[:, j]) for j in range(len(texts))]

    def _metadata_bonus(
        self, sources: list[str], dates: list[str], source_boost: float, date_boost: float
    ) -> np.ndarray:
        bonus = np.zeros(len(self.chunks), dtype=np.float32)
        if sources and source_boost:
            bonus += source_boost * self._source_mask(sources)
        if dates and date_boost:
            bonus += date_boost * self._date_bonus(dates)
        return bonus

    def _feedback(
        self, query: str, score: np.ndarray, dense: np.ndarray, cfg: RetrievalConfig
    ) -> np.ndarray:
        """Re-score BM25 with the query plus the strongest terms of the top chunks."""
        assert self._bm25 is not None
        top = np.argsort(-score)[: cfg.prf_docs]
        own = set(self._bm25.term_ids(query))
        extra = self._bm25.top_terms(top.tolist(), own, cfg.prf_terms)
        if not extra:
            return score
        weights = {t: cfg.prf_weight * w * max(1, len(own)) for t, w in extra.items()}
        return _fuse(self._bm25.scores(query, weights), dense, cfg.bm25_weight)

    @staticmethod
    def _ranking(score: np.ndarray, allowed: np.ndarray | None, pool: int) -> list[int]:
        if allowed is not None:
            score = np.where(allowed, score, -np.inf)
        n = min(pool, score.size)
        top = np.argpartition(-score, n - 1)[:n] if n < score.size else np.arange(score.size)
        top = top[np.argsort(-score[top], kind="stable")]
        return [int(i) for i in top if np.isfinite(score[i])]

    def _assemble(self, rankings: list[list[int]], k: int, cfg: RetrievalConfig) -> list[int]:
        """Interleave the main ranking (main_share picks a round) with each sub-query ranking
        (one pick a round), skipping repeats and articles already at max_per_doc."""
        chosen: list[int] = []
        taken: set[int] = set()
        per_doc: dict[int, int] = {}
        cursors = [0] * len(rankings)
        schedule = [0] * max(1, cfg.main_share) + list(range(1, len(rankings)))

        def take(r: int, cap: int) -> bool:
            ranking = rankings[r]
            while cursors[r] < len(ranking):
                i = ranking[cursors[r]]
                cursors[r] += 1
                doc = int(self._doc[i])
                if i in taken or (cap and per_doc.get(doc, 0) >= cap):
                    continue
                chosen.append(i)
                taken.add(i)
                per_doc[doc] = per_doc.get(doc, 0) + 1
                return True
            return False

        for cap in (cfg.max_per_doc, 0):  # relax the cap if it leaves the list short
            cursors = [0] * len(rankings)
            while len(chosen) < k:
                progressed = False
                for r in schedule:
                    if len(chosen) >= k:
                        break
                    progressed = take(r, cap) or progressed
                if not progressed:
                    break
            if len(chosen) >= k or not cap:
                break
        return chosen[:k]


def _fuse(bm: np.ndarray | None, dense: np.ndarray | None, w: float) -> np.ndarray:
    """w * BM25 / max(BM25) + (1 - w) * median-rescaled cosine (either may be absent)."""
    if bm is None and dense is None:
        raise ValueError("nothing to fuse")
    if dense is None or w >= 1.0:
        return _scale_max(bm) if bm is not None else np.zeros_like(dense)
    if bm is None or w <= 0.0:
        return _scale_median(dense)
    return w * _scale_max(bm) + (1 - w) * _scale_median(dense)


def _position(chunk: Chunk) -> int:
    """The chunk's place in its article (0 for the lead)."""
    try:
        return max(0, int(chunk.metadata.get("chunk", 0)))
    except (TypeError, ValueError):
        return 0


def _ordinal(iso: str) -> int:
    try:
        return date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return -(10**9)


def _scale_max(x: np.ndarray) -> np.ndarray:
    hi = float(x.max()) if x.size else 0.0
    return x / hi if hi > 0 else np.zeros_like(x)


def _scale_median(x: np.ndarray) -> np.ndarray:
    """Cosines rescaled so the median chunk is 0 and the best is 1 (clipped below 0)."""
    if x.size == 0:
        return x
    hi = float(x.max())
    lo = float(np.median(x))
    if hi <= lo:
        return np.zeros_like(x)
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)
