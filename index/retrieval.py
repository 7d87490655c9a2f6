"""Hybrid retrieval over the indexed chunks: BM25 plus dense vectors, fused, with metadata
awareness, query decomposition and a learned second stage; metadata filters are honoured.

The whole chunk table (texts, metadata, vectors) is held in memory, loaded once from Chroma;
scoring every chunk exactly costs about a millisecond per ten thousand chunks, so a question
can afford several sub-queries ("facets").

How a question is answered (each step can be switched off in RetrievalConfig,
index/retrieval_config.py):
1. fused score = bm25_weight * BM25/max(BM25) + (1 - bm25_weight) * rescaled cosine; BM25
   sees title + source + text of each chunk;
2. chunks of sources the question names ("according to 'Fortune'", matched against the
   index's own source names) and chunks published on a date it names get a bonus;
3. compound questions are split into sub-queries, one per named source and one per claim
   (index.query_analysis), each scored the same way and constrained to its own source/date;
4. the candidates of all facets are ordered by a logistic scorer over their ranks and scores
   in every facet (index.rerank); without it, the facet rankings are interleaved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from index.ann_side import AnnSide
from index.bm25 import BM25
from index.bonus import Bonus, CodeRows
from index.chunking import Chunk
from index.columns import ChunkColumns, ordinal
from index.filters import Filters
from index.lexicon import TermCounts
from index.query_analysis import QueryAnalysis, SourceMatcher, analyse
from index.rerank import LinearScorer
from index.retrieval_config import RetrievalConfig
from index.scoring import cap_per_doc, fuse, interleave, top_indices

if TYPE_CHECKING:
    from index.embeddings import Embedder


@dataclass
class Hit:
    chunk: Chunk
    score: float
    bm25: float = 0.0
    dense: float = 0.0


@dataclass
class _Facet:
    kind: str  # main | source | clause
    score: np.ndarray  # over all chunks, metadata bonuses included


@dataclass
class _QueryScores:
    analysis: QueryAnalysis
    facets: list[_Facet]
    bm25: np.ndarray  # whole question, raw
    dense: np.ndarray  # whole question, cosine
    text: np.ndarray  # whole question, fused, without the metadata bonuses

    @property
    def main(self) -> np.ndarray:
        return self.facets[0].score


class HybridIndex:
    """BM25 and dense scores over all chunks, fused, then ranked per RetrievalConfig."""

    # Exact scoring measured 53 ms p50 at 100k chunks and 214 ms at 1M (docs/scaling.md); from
    # here on the vector side takes the HNSW's ann_k nearest when `ann` is set.
    ann_above = 250_000
    ann_k = 1000

    def __init__(
        self,
        chunks: list[Chunk],
        embeddings: np.ndarray,
        embedder: Embedder,
        config: RetrievalConfig | None = None,
        token_counts: TermCounts | None = None,
        also_sources: dict[str, list[str]] | None = None,
        columns: ChunkColumns | None = None,
    ) -> None:
        """`columns` (index.columns) and `token_counts` (index.lexicon), where the caller has
        them, spare the per-chunk Python work: an update passes those of the kept chunks."""
        self.chunks = chunks
        self.embeddings = np.asarray(embeddings, dtype=np.float32)
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.scorer = LinearScorer.default()
        # Outlets that carried a wire copy of an article (its story) count as its sources
        # for source filters and for matching the publications a question names.
        self.also_sources = also_sources or {}
        also = {x for v in self.also_sources.values() for x in v}
        cols = columns if columns is not None else ChunkColumns.of(chunks)
        self.columns = cols
        outlets, code = np.unique(cols.source, return_inverse=True)
        self.sources = sorted(({str(s) for s in outlets} - {""}) | also)
        self.matcher = SourceMatcher(self.sources)
        self._code = {s: i for i, s in enumerate(self.sources)}
        known = np.array([self._code.get(str(s), -1) for s in outlets], dtype=np.int64)
        self._source_code = known[code] if len(chunks) else np.zeros(0, dtype=np.int64)
        # Nearest neighbours from the vector store's own index (ChunkStore.query), used from
        # ann_above chunks on; None: exact cosines over every vector.
        self.ann: Callable[[np.ndarray, int], list[tuple[str, float]]] | None = None
        self._ann_side: AnnSide | None = None
        lower = np.array([str(s).lower() for s in outlets], dtype=str)
        self._source_lower = lower[code] if len(chunks) else np.zeros(0, dtype=str)
        self._date = cols.date
        self._day = cols.day
        # Days numbered 0..n-1: a date bonus is a lookup in a table over the distinct days
        # (a few hundred) instead of comparisons over every chunk (1M: ~15 ms a facet).
        self._days, day_code = np.unique(cols.day, return_inverse=True)
        self._day_code = day_code.astype(np.int32).ravel()
        # Articles numbered 0..n-1 (per-article maxima index an array by this number).
        self._doc = np.unique(cols.doc, return_inverse=True)[1].astype(np.int64).ravel()
        position = cols.position
        self._lead = (1.0 / (1.0 + position)).astype(np.float32)
        # Chunks grouped by article (for per-article maxima) and their neighbours in it.
        self._by_doc = np.lexsort((position, self._doc))
        grouped = self._doc[self._by_doc]
        same = grouped[1:] == grouped[:-1] if len(chunks) else np.zeros(0, dtype=bool)
        self._prev = np.full(len(chunks), -1, dtype=np.int64)
        self._next = np.full(len(chunks), -1, dtype=np.int64)
        self._prev[self._by_doc[1:][same]] = self._by_doc[:-1][same]
        self._next[self._by_doc[:-1][same]] = self._by_doc[1:][same]
        # Runs of consecutive rows of one article (an article's chunks are usually stored
        # together): per-article maxima reduce over the runs in row order, without gathering
        # every score into article order (at 1M chunks 21 -> 9 ms a facet).
        self._n_docs = int(self._doc.max()) + 1 if len(chunks) else 0
        self._run_starts = np.r_[0, np.flatnonzero(self._doc[1:] != self._doc[:-1]) + 1]
        self._run_doc = self._doc[self._run_starts] if len(chunks) else self._doc
        self._runs_are_docs = len(self._run_starts) == self._n_docs
        # The reranker's sentence terms per chunk and term id per word (index.rerank_features).
        self._sent_cache: dict[int, tuple[np.ndarray, np.ndarray, int]] = {}
        self._word_ids: dict[str, int] = {}
        self._last_analysis: QueryAnalysis | None = None
        self._code_rows: tuple[CodeRows, CodeRows] | None = None
        # token_counts (index.lexicon) come from the caller's cache: no re-tokenizing on updates.
        if token_counts is None:
            from index.lexicon import Lexicon

            token_counts = Lexicon().counts([(c.id, self.index_text(c)) for c in chunks])
        self.token_counts = token_counts
        self._bm25 = BM25([], counts=token_counts) if chunks else None

    def updated(
        self,
        keep: np.ndarray,
        added: list[Chunk],
        added_vectors: np.ndarray,
        added_counts: TermCounts,
        also_sources: dict[str, list[str]] | None = None,
    ) -> HybridIndex:
        """A new index of the kept rows (in order) plus the added chunks, reusing the kept
        rows' columns, vectors and token counts; equal to a full build of the same chunks."""
        old = self.token_counts
        if len(keep) == len(self.chunks):  # nothing removed (the usual update): no gathers
            rows, cols, tfs = old.rows, old.cols, old.tfs
            chunks, vectors, columns = self.chunks, self.embeddings, self.columns
        else:
            row = np.full(len(self.chunks), -1, dtype=np.int64)
            row[keep] = np.arange(len(keep))
            mine = row[old.rows] >= 0
            rows, cols, tfs = row[old.rows[mine]], old.cols[mine], old.tfs[mine]
            chunks = [self.chunks[i] for i in keep.tolist()]
            vectors, columns = self.embeddings[keep], self.columns.take(keep)
        counts = TermCounts(
            vocab=added_counts.vocab,
            rows=np.concatenate([rows, added_counts.rows + len(keep)]),
            cols=np.concatenate([cols, added_counts.cols]),
            tfs=np.concatenate([tfs, added_counts.tfs]),
            n_docs=len(keep) + len(added),
        )
        out = HybridIndex(
            chunks + added,
            np.concatenate([vectors, added_vectors]),
            self.embedder,
            config=self.config,
            token_counts=counts,
            also_sources=also_sources,
            columns=columns.concat(ChunkColumns.of(added)),
        )
        out.ann = self.ann
        return out

    @staticmethod
    def index_text(chunk: Chunk) -> str:
        return f"{chunk.title}\n{chunk.source}\n{chunk.text}"

    def __len__(self) -> int:
        return len(self.chunks)

    # -- scores -------------------------------------------------------------------------
    def bm25_scores(self, query: str) -> np.ndarray:
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        return self._bm25.scores(query)

    def _dense_many(
        self, texts: list[str], cfg: RetrievalConfig, bm: np.ndarray
    ) -> list[np.ndarray]:
        if cfg.bm25_weight >= 1.0:
            return [np.zeros(len(self.chunks), dtype=np.float32) for _ in texts]
        if len(texts) > 1:
            vecs = np.asarray(self.embedder.embed(texts), dtype=np.float32)
        else:
            vecs = np.asarray(self.embedder.embed_query(texts[0]), dtype=np.float32)[None, :]
        if self.ann is not None and len(self.chunks) >= self.ann_above:
            return [self._dense_ann(v, bm, self.ann_k) for v in vecs]
        sims = self.embeddings @ vecs.T  # one matrix product for all the texts
        return [np.ascontiguousarray(sims[:, j]) for j in range(len(texts))]

    def _dense_ann(self, vec: np.ndarray, bm: np.ndarray, k: int) -> np.ndarray:
        assert self.ann is not None
        if self._ann_side is None:
            self._ann_side = AnnSide(self.chunks, self.embeddings)
        return self._ann_side.cosines(self.ann, vec, bm, k)

    def doc_max(self, score: np.ndarray) -> np.ndarray:
        """The best score of each article, indexed by article number."""
        runs = np.maximum.reduceat(score, self._run_starts)
        if self._runs_are_docs:
            out = np.empty(self._n_docs, dtype=score.dtype)
            out[self._run_doc] = runs
            return out
        out = np.full(self._n_docs, -np.inf, dtype=score.dtype)
        np.maximum.at(out, self._run_doc, runs)
        return out

    def _source_mask(
        self, sources: list[str] | tuple[str, ...], rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Chunks (all, or these rows) of the named sources."""
        # A lookup table over source codes: np.isin sorted all 1M codes per call.
        table = self._source_table(sources)
        return table[self._source_code if rows is None else self._source_code[rows]]

    def _source_table(self, sources: list[str] | tuple[str, ...]) -> np.ndarray:
        """Whether each source code is one of these sources (the last entry: code -1)."""
        table = np.zeros(len(self.sources) + 1, dtype=bool)
        table[[self._code[s] for s in sources if s in self._code]] = True
        return table

    def _date_match(
        self, dates: list[str] | tuple[str, ...], rows: np.ndarray | None = None
    ) -> np.ndarray:
        """1 for chunks (all, or these rows) published on a named date, 0.5 a day either
        side (time zones)."""
        code = self._day_code if rows is None else self._day_code[rows]
        if not dates:
            return np.zeros(len(code), dtype=np.float32)
        return self._date_table(dates)[code]

    def _date_table(self, dates: list[str] | tuple[str, ...]) -> np.ndarray:
        """_date_match of each distinct day (float64, as the comparisons over all chunks gave)."""
        out: np.ndarray = np.zeros(len(self._days), dtype=np.float32)
        for iso in dates:
            gap = np.abs(self._days - ordinal(iso))
            out = np.maximum(out, np.where(gap == 0, 1.0, np.where(gap == 1, 0.5, 0.0)))
        return out

    def _bonus(self, sources: list[str], dates: list[str], ws: float, wd: float) -> Bonus | None:
        """A facet's source and date bonus (index.bonus; None where nothing applies, as for
        most facets), from lookups in small tables per source and per distinct day."""
        src = None
        if sources and ws:
            src = np.where(self._source_table(sources), np.float32(ws), np.float32(0.0))
        date = np.float32(wd) * self._date_table(dates) if dates and wd else None
        if src is None and date is None:
            return None
        if self._code_rows is None:
            self._code_rows = (
                CodeRows(self._source_code, len(self.sources)),
                CodeRows(self._day_code, len(self._days)),
            )
        src_rows, day_rows = self._code_rows
        return Bonus.of(src, src_rows, self._source_code, date, day_rows, self._day_code)

    def _allowed(self, filters: Filters | None) -> np.ndarray | None:
        """Vectorised Filters.accepts over all chunks (None when nothing is filtered)."""
        if not filters or filters.is_empty():
            return None
        ok = np.ones(len(self.chunks), dtype=bool)
        if filters.sources:
            wanted = {s.lower() for s in filters.sources}
            by_source = np.isin(self._source_lower, list(wanted))
            # Stories a wanted outlet carried as a wire copy count too (no per-chunk loop unless
            # there is such a story).
            carried = {
                d for d, outs in self.also_sources.items() if any(o.lower() in wanted for o in outs)
            }
            if carried:
                by_source |= np.fromiter(
                    (c.doc_id in carried for c in self.chunks), bool, len(self.chunks)
                )
            ok &= by_source
        dated = self._date != ""
        if filters.date_from:
            ok &= dated & (self._date >= filters.date_from)
        if filters.date_to:
            ok &= dated & (self._date <= filters.date_to)
        return ok

    def _query_scores(self, query: str, cfg: RetrievalConfig) -> _QueryScores:
        """The fused score of every chunk for the whole question and for each sub-query."""
        qa = self.analyse(query)
        subs = qa.subqueries if cfg.decompose else []
        sub_texts = [s.text for s in subs] if cfg.sub_dense else []
        w = cfg.bm25_weight
        bm = self.bm25_scores(query) if w > 0 else np.zeros(len(self.chunks), dtype=np.float32)
        dense = self._dense_many([query, *sub_texts], cfg, bm)
        text = fuse(bm, dense[0], w)
        bonus = self._bonus(qa.source_names, qa.date_values, cfg.source_boost, cfg.date_boost)
        # Without a bonus the main facet shares text's array: neither is changed after this.
        facets = [_Facet("main", text if bonus is None else bonus.added_to(text))]
        named: Bonus | None = None
        for j, sub in enumerate(subs):
            sub_bm = self.bm25_scores(sub.text) if w > 0 else bm
            if cfg.sub_dense or w <= 0:
                score = fuse(sub_bm, dense[j + 1 if cfg.sub_dense else 0], w)
            else:  # one MiniLM encode per question: the sub-queries are BM25 only
                score = fuse(sub_bm, dense[0], 1.0)
            own = self._bonus(
                list(sub.sources), list(sub.dates), cfg.sub_constraint, cfg.sub_constraint
            )
            if own is not None:
                own.add_to(score)
            if not sub.sources:  # the same for every such facet: computed once
                if named is None:
                    named = self._bonus(qa.source_names, [], cfg.source_boost, 0.0)
                if named is not None:
                    named.add_to(score)
            facets.append(_Facet(sub.kind, score))
        return _QueryScores(qa, facets, bm, dense[0], text)

    # -- search -------------------------------------------------------------------------
    def analyse(self, query: str) -> QueryAnalysis:
        """The question's sources, dates and sub-queries; the last one is remembered, since
        the answer step asks again for the question it has just retrieved for."""
        last = self._last_analysis
        if last is not None and last.query == query:
            return last
        qa = analyse(query, self.matcher)
        self._last_analysis = qa
        return qa

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
        allowed = self._allowed(filters)
        if allowed is not None and not allowed.any():
            return []
        qs = self._query_scores(query, cfg)
        if cfg.rerank:
            cand, features = self.candidate_features(qs, allowed, cfg)
            prob = self.scorer(features)
            order = cand[np.argsort(-prob, kind="stable")]
            score = dict(zip(cand.tolist(), prob.tolist(), strict=True))
            ranked = cap_per_doc(order.tolist(), self._doc, cfg.max_per_doc, k)
        else:
            ranked = self._interleave(qs, allowed, k, cfg)
            score = {i: float(qs.main[i]) for i in ranked}
        return [
            Hit(self.chunks[i], score[i], float(qs.bm25[i]), float(qs.dense[i])) for i in ranked
        ]

    def candidate_features(
        self, qs: _QueryScores | str, allowed: np.ndarray | None, cfg: RetrievalConfig
    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidate chunk ids (the best of every facet) and their rows of rerank.FEATURES."""
        from index.rerank_features import candidate_features

        if isinstance(qs, str):
            qs = self._query_scores(qs, cfg)
        return candidate_features(self, qs, allowed, cfg)

    def _interleave(
        self, qs: _QueryScores, allowed: np.ndarray | None, k: int, cfg: RetrievalConfig
    ) -> list[int]:
        """The whole question's ranking and each sub-query's (mixed with sub_context of the
        whole question), taken in turn, skipping repeats and capped articles."""
        rankings = [top_indices(qs.main, allowed, cfg.pool_main).tolist()]
        for facet in qs.facets[1:]:
            mixed = facet.score + cfg.sub_context * qs.main
            rankings.append(top_indices(mixed, allowed, cfg.pool_main).tolist())
        return interleave(rankings, self._doc, cfg.max_per_doc, max(cfg.pool_main, k), k)
