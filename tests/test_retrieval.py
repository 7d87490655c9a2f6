"""Fast unit tests of retrieval: query analysis, filters, fusion, the second stage, metrics.

A tiny hashing embedder stands in for MiniLM, so nothing here loads a model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval_metrics import (
    all_facts_at,
    fact_recall_at,
    hits_at,
    mrr_at,
    relevant,
    score_query,
)
from index.chunking import Chunk
from index.embeddings import Embedder
from index.query_analysis import (
    SourceMatcher,
    analyse,
    find_dates,
    source_aliases,
    unindexed_sources,
)
from index.retrieval import Filters, HybridIndex, RetrievalConfig

SOURCES = [
    "TechCrunch",
    "The Verge",
    "Fortune",
    "FOX News - Health",
    "FOX News - Lifestyle",
    "Cnbc | World Business News Leader",
    "CBSSports.com",
]


class FakeEmbedder(Embedder):
    """Bag of hashed words -> unit vector: deterministic, and similar texts are close."""

    name = "fake"
    dimension = 512

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


def make_chunk(doc: str, i: int, text: str, source: str, date: str, title: str = "") -> Chunk:
    meta = {
        "doc_id": doc,
        "title": title or f"{doc} story",
        "source": source,
        "published_at": f"{date}T12:00:00+00:00" if date else "",
        "date": date,
        "chunk": i,
    }
    return Chunk(f"{doc}:{i}", doc, text, 0, len(text), meta)


def corpus() -> list[Chunk]:
    return [
        make_chunk(
            "a",
            0,
            "Google unveiled the Pixel 8 phone at its hardware event.",
            "TechCrunch",
            "2023-10-07",
            "Google hardware event",
        ),
        make_chunk(
            "a",
            1,
            "The Pixel 8 costs $699 and ships next week.",
            "TechCrunch",
            "2023-10-07",
            "Google hardware event",
        ),
        make_chunk(
            "b",
            0,
            "Epic Games won its antitrust case against Google in court.",
            "The Verge",
            "2023-12-12",
            "Epic v Google verdict",
        ),
        make_chunk(
            "b",
            1,
            "The jury found Google's app store an illegal monopoly.",
            "The Verge",
            "2023-12-12",
            "Epic v Google verdict",
        ),
        make_chunk(
            "c",
            0,
            "Sam Bankman-Fried was convicted of fraud by a jury in New York.",
            "Fortune",
            "2023-11-02",
            "SBF convicted",
        ),
        make_chunk(
            "d",
            0,
            "Google faces an antitrust suit from news publishers over ad revenue.",
            "TechCrunch",
            "2023-12-15",
            "Publishers sue Google",
        ),
        make_chunk(
            "e",
            0,
            "Sleep and exercise help the heart, doctors say.",
            "FOX News - Health",
            "2023-10-20",
            "Heart health",
        ),
    ]


@pytest.fixture(scope="module")
def index() -> HybridIndex:
    chunks = corpus()
    embedder = FakeEmbedder()
    return HybridIndex(chunks, embedder.embed([c.text for c in chunks]), embedder)


# -- query analysis ------------------------------------------------------------------------
def test_source_aliases_take_the_brand_before_a_section() -> None:
    assert "FOX News" in source_aliases("FOX News - Health")
    assert "Cnbc" in source_aliases("Cnbc | World Business News Leader")
    assert "CBSSports" in source_aliases("CBSSports.com")


def test_source_detection_uses_the_known_sources() -> None:
    matcher = SourceMatcher(SOURCES)
    qa = analyse(
        "Did The Verge and 'TechCrunch' both report on Google, according to Cnbc?", matcher
    )
    assert qa.source_names == ["The Verge", "TechCrunch", "Cnbc | World Business News Leader"]
    # A shared brand names every section; the exact name wins over the brand.
    assert set(analyse("as FOX News reported", matcher).source_names) == {
        "FOX News - Health",
        "FOX News - Lifestyle",
    }
    assert analyse("per FOX News - Health", matcher).source_names == ["FOX News - Health"]
    # Common words are not sources unless capitalised or quoted.
    assert analyse("He tried to use his fortune to sway politics.", matcher).source_names == []
    assert analyse("as reported by 'fortune'", matcher).source_names == ["Fortune"]
    assert analyse("anything", SourceMatcher([])).source_names == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "What did an article in The Wall Street Journal say about Apple?",
            ["The Wall Street Journal"],
        ),
        ("According to Bloomberg, which bank cut rates?", ["Bloomberg"]),
        ("Does the Reuters report agree with TechCrunch?", ["Reuters"]),
        # indexed sources, their brands and parts of their names are not foreign
        ("What did the article by The Verge say?", []),
        ("As reported by CNBC, what fell?", []),
        ("What did the FOX News article say?", []),
        # months, possessives and back-references are not publications
        ("What did the October report from TechCrunch say?", []),
        ("Does Google's article mention it?", []),
        ("Did the same article by the other outlet say so?", []),
        ("Who is the CEO of Apple?", []),
    ],
)
def test_unindexed_sources(question: str, expected: list[str]) -> None:
    assert unindexed_sources(question, SourceMatcher(SOURCES)) == expected


def test_unindexed_sources_need_an_index() -> None:
    assert unindexed_sources("What did Reuters report?", SourceMatcher([])) == []
    assert unindexed_sources("What did Reuters report?", None) == []


def test_dates_and_bounds() -> None:
    found = find_dates("published on October 7, 2023 and before 5 December 2023, or 2023-11-02")
    assert [d.iso for d in found] == ["2023-10-07", "2023-12-05", "2023-11-02"]
    assert [d.bound for d in found] == [False, True, False]
    qa = analyse("the report published before December 5, 2023", SourceMatcher(SOURCES))
    assert qa.date_values == []  # a bound is not a publication date
    assert find_dates("on February 30, 2023") == []


def test_decomposition_one_subquery_per_source_and_claim() -> None:
    q = (
        "Does the TechCrunch article published on October 7, 2023 say Google unveiled a phone, "
        "while the The Verge article reports that Epic Games won an antitrust case?"
    )
    qa = analyse(q, SourceMatcher(SOURCES))
    by_source = {s.sources: s for s in qa.subqueries if s.kind == "source"}
    assert set(by_source) == {("TechCrunch",), ("The Verge",)}
    assert by_source[("TechCrunch",)].dates == ("2023-10-07",)
    assert "TechCrunch" not in by_source[("TechCrunch",)].text  # names are constraints
    clauses = [s for s in qa.subqueries if s.kind == "clause"]
    assert len(clauses) == 2
    assert clauses[0].sources == ("TechCrunch",) and "unveiled" in clauses[0].text
    assert clauses[1].sources == ("The Verge",) and "Epic Games" in clauses[1].text
    # Sources listed side by side share the whole question as their text.
    listed = analyse("Which company did TechCrunch and The Verge cover?", SourceMatcher(SOURCES))
    texts = {s.text for s in listed.subqueries if s.kind == "source"}
    assert texts == {"Which company did and cover?"}
    assert analyse("hello", None).subqueries == []


# -- search ---------------------------------------------------------------------------------
@pytest.mark.parametrize("config", [RetrievalConfig.plain(), RetrievalConfig()])
def test_lexically_exact_chunk_ranks_first(index: HybridIndex, config: RetrievalConfig) -> None:
    hits = index.search("the jury found the app store an illegal monopoly", k=3, config=config)
    assert hits[0].chunk.id == "b:1"
    assert hits[0].bm25 > 0 and len(hits) == 3
    scores = [h.score for h in hits]  # Hit.score is the rank's own score, best first
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_named_source_and_date_lift_their_chunks(index: HybridIndex) -> None:
    hits = index.search("What did TechCrunch report about Google antitrust news publishers?", k=3)
    assert hits[0].chunk.id == "d:0"
    hits = index.search("What happened to Google on October 7, 2023?", k=2)
    assert hits[0].chunk.doc_id == "a"


def test_filters_are_honoured(index: HybridIndex) -> None:
    q = "Google antitrust"
    only_verge = index.search(q, k=10, filters=Filters(sources=["the verge"]))
    assert only_verge and {h.chunk.source for h in only_verge} == {"The Verge"}
    dated = index.search(q, k=10, filters=Filters(date_from="2023-12-01", date_to="2023-12-13"))
    assert dated and all("2023-12-01" <= h.chunk.metadata["date"] <= "2023-12-13" for h in dated)
    assert index.search(q, k=10, filters=Filters(sources=["Nobody"])) == []
    assert [h.chunk.id for h in index.search(q, k=5, filters=Filters())] == [
        h.chunk.id for h in index.search(q, k=5)
    ]


def test_the_vector_side_can_come_from_the_stores_nearest_neighbours() -> None:
    embedder = FakeEmbedder()
    chunks = corpus()
    exact = HybridIndex(chunks, embedder.embed([c.text for c in chunks]), embedder)
    approx = HybridIndex(chunks, exact.embeddings, embedder)
    asked: list[int] = []

    def nearest(vec: np.ndarray, k: int) -> list[tuple[str, float]]:
        asked.append(k)
        sims = exact.embeddings @ vec
        return [(chunks[i].id, float(sims[i])) for i in np.argsort(-sims)[:k]]

    approx.ann, approx.ann_above = nearest, 0
    q = "Which court ruled on the Google antitrust case?"
    # k covering the corpus: the same ranking as exact scoring.
    approx.ann_k = len(chunks)
    assert [(h.chunk.id, h.score) for h in approx.search(q, 5)] == [
        (h.chunk.id, h.score) for h in exact.search(q, 5)
    ]
    # A short list: the rest get the median cosine, and the lexical best stay exact.
    approx.ann_k = 2
    hits = approx.search(q, 5)
    assert asked[-1] == 2 and hits[0].chunk.id == exact.search(q, 1)[0].chunk.id
    approx.ann_above = len(chunks) + 1  # below the size: exact again, the store is not asked
    calls = len(asked)
    approx.search("Pixel 8 price", 3)
    assert len(asked) == calls


def test_the_stores_nearest_neighbours_without_counting_first(tmp_path: Path) -> None:
    from index.store import ChunkStore

    store = ChunkStore("fake", 4, persist_dir=tmp_path / "chroma")
    assert store.query(np.ones(4, dtype=np.float32), 10) == []  # empty: no error
    chunks = [Chunk(f"a:{i}", "a", f"text {i}", 0, 6, {"doc_id": "a"}) for i in range(3)]
    store.add(chunks, np.eye(4, dtype=np.float32)[:3])
    got = store.query(np.array([1, 0.1, 0, 0], dtype=np.float32), 10)  # more than it holds
    assert [cid for cid, _ in got][:1] == ["a:0"] and len(got) == 3
    assert got[0][1] == pytest.approx(1 / np.linalg.norm([1, 0.1]), rel=1e-4)
    assert len(store.query(np.ones(4, dtype=np.float32), 2)) == 2
    store.close()


def test_a_source_filter_matches_the_outlets_that_carried_a_wire_copy() -> None:
    chunk = corpus()[4]  # Fortune's story
    only_fox = Filters(sources=["fox news - health"])
    assert not only_fox.accepts(chunk)
    assert only_fox.accepts(chunk, ["CBSSports.com", "FOX News - Health"])
    assert Filters(sources=["Fortune"]).accepts(chunk, ["FOX News - Health"])
    dated = Filters(sources=["FOX News - Health"], date_to="2023-10-31")
    assert not dated.accepts(chunk, ["FOX News - Health"])  # the date still applies
    embedder = FakeEmbedder()
    chunks = corpus()
    carried = HybridIndex(
        chunks,
        embedder.embed([c.text for c in chunks]),
        embedder,
        also_sources={"c": ["FOX News - Health"]},
    )
    hits = carried.search("convicted of fraud", k=10, filters=only_fox)
    assert {h.chunk.doc_id for h in hits} == {"c", "e"}  # search and accepts agree
    assert all(
        only_fox.accepts(h.chunk, carried.also_sources.get(h.chunk.doc_id, ())) for h in hits
    )


@pytest.mark.parametrize("config", [RetrievalConfig(), RetrievalConfig(max_per_doc=1)])
def test_any_query_on_tiny_corpora(config: RetrievalConfig) -> None:
    embedder = FakeEmbedder()
    one = [make_chunk("x", 0, "A single article about tennis.", "", "")]
    idx = HybridIndex(one, embedder.embed([one[0].text]), embedder, config=config)
    for q in ["tennis", "", "???", "Did The Verge say so on October 7, 2023, while Fortune..."]:
        hits = idx.search(q, k=10)
        assert [h.chunk.id for h in hits] == ["x:0"]
        assert np.isfinite(hits[0].score)  # no 0/0 from an empty or unknown-word query
    assert idx.search("tennis", k=10, filters=Filters(date_from="2023-01-01")) == []
    empty = HybridIndex([], np.zeros((0, 512), dtype=np.float32), embedder)
    assert empty.search("tennis") == []


def test_diversity_cap_and_k(index: HybridIndex) -> None:
    capped = index.search("Google Pixel 8 phone", k=4, config=RetrievalConfig(max_per_doc=1))
    docs = [h.chunk.doc_id for h in capped]
    assert len(capped) == 4 and len(set(docs)) == 4
    assert index.search("Google", k=0) == []


# -- the reranker's sentence features -------------------------------------------------------
TRICKY = [
    "The U.S. President met Mr. Peskov on Jan. 5 in D.C. at 3 p.m. Then he left!",
    "İstanbul's mayor (İmamoğlu) said: 'It's 3,400 drones.' A lone x and 7 remain.\nNew line",
    "Zelensky’s running analyses weren't intercepted. “Quoted.” —PV",
    "",
    "   ",
    "no end punctuation here",
]


@pytest.mark.parametrize("text", TRICKY)
def test_sentence_terms_are_those_of_each_sentence_tokenized_apart(text: str) -> None:
    from index.rerank_features import sentence_terms
    from index.text import sentences

    chunks = [make_chunk("t", 0, " ".join(TRICKY), "TechCrunch", "2023-10-07")]
    embedder = FakeEmbedder()
    idx = HybridIndex(chunks, embedder.embed([chunks[0].text]), embedder)
    assert idx._bm25 is not None
    terms, sent, n = sentence_terms(idx._bm25, text, {})
    expected = [frozenset(idx._bm25.term_ids(s)) for s in sentences(text)]
    assert n == len(expected)
    assert [frozenset(terms[sent == k].tolist()) for k in range(n)] == expected
    assert len(terms) == sum(len(e) for e in expected)  # each term once per sentence


def test_sentence_cover_is_the_best_sentences_share_of_the_idf_mass(index: HybridIndex) -> None:
    from index.rerank_features import _sentence_covers
    from index.text import sentences

    bm = index._bm25
    assert bm is not None
    cand = np.arange(len(index.chunks))
    questions = ["Did the jury find Google's app store a monopoly?", "Pixel 8 price", "zzz"]
    got = _sentence_covers(index, questions, cand)
    for text, cover in zip(questions, got, strict=True):
        ids = set(bm.term_ids(text))
        total = sum(float(bm.idf[t]) for t in ids)
        for j, i in enumerate(cand):
            best = max(
                (
                    sum(float(bm.idf[t]) for t in ids & set(bm.term_ids(s)))
                    for s in sentences(index.chunks[i].text)
                ),
                default=0.0,
            )
            assert cover[j] == pytest.approx(best / total if total else 0.0, rel=1e-6)
    assert got[0].max() == pytest.approx(1.0) and not got[2].any()


def test_per_article_maxima_whether_or_not_an_articles_chunks_are_stored_together() -> None:
    embedder = FakeEmbedder()
    together = corpus()
    apart = [together[i] for i in (0, 2, 1, 4, 3, 6, 5)]  # a, b, a, c, b, e, d
    for chunks in (together, apart):
        idx = HybridIndex(chunks, embedder.embed([c.text for c in chunks]), embedder)
        score = np.random.default_rng(0).random(len(chunks)).astype(np.float32)
        best = np.full(idx._doc.max() + 1, -np.inf, dtype=np.float32)
        np.maximum.at(best, idx._doc, score)
        assert np.array_equal(idx.doc_max(score), best)
    assert not idx._runs_are_docs  # the second layout took the scattered path


# -- metrics --------------------------------------------------------------------------------
def test_metrics_follow_the_benchmark_rules() -> None:
    texts = ["Intro text.", "The jury  found\nGoogle liable.", "Other words; Pixel 8 ships."]
    facts = ["The jury found Google liable.", "Pixel 8\tships."]
    assert relevant(texts[1], facts) and not relevant(texts[0], facts)
    assert hits_at(texts, facts, 1) == 0.0 and hits_at(texts, facts, 2) == 1.0
    assert mrr_at(texts, facts) == 0.5
    assert fact_recall_at(texts, facts) == 1.0 and fact_recall_at(texts[:2], facts) == 0.5
    assert all_facts_at(texts[:2], facts) == 0.0
    assert score_query(texts, facts)["all_facts@10"] == 1.0
