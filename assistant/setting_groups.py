"""The settings groups (Settings.retrieval, .refusal, .check, .answer, .feeds): every tuned
constant, with where its value was measured. assistant/settings.py composes them."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel, Field

from index.retrieval_config import RetrievalConfig

_TUNED = RetrievalConfig()


def _tuned(name: str, what: str) -> Any:
    """A ranking field: RetrievalConfig's default (one place for each value) and what it does,
    measured with benchmarks/multihop_retrieval.py (the rows named, or `--set FIELD=VALUE`)."""
    where = "MultiHop-RAG dev, benchmarks/multihop_retrieval.py"
    return Field(default=getattr(_TUNED, name), description=f"{what} ({where}).")


class RetrievalSettings(BaseModel):
    """How passages are found (index/retrieval.py) and how many the answer step gets.

    The ranking fields are RetrievalConfig's (index/retrieval_config.py), tuned on the
    MultiHop-RAG dev queries with benchmarks/multihop_retrieval.py, whose table has a row per
    step (vector, bm25, fusion, +metadata, +decompose(interleave), +rerank=full) and `--set
    FIELD=VALUE` to measure another value (shipped method, sample 300 seed 1: Hits@4 0.917,
    MRR@10 0.782, FactRecall@10 0.770). top_k, retrieve_k, chunk_size and chunk_overlap also
    keep their names from before this group: ASSISTANT_TOP_K, Settings(top_k=...) and
    settings.top_k still work; ASSISTANT_RETRIEVAL__TOP_K wins over ASSISTANT_TOP_K.
    """

    top_k: int = Field(
        default=4,
        description="Passages given to the answer step, numbered [1..k] (the eval's hits@4).",
    )
    retrieve_k: int = Field(
        default=10,
        description="Passages retrieved before the answer step takes its top_k (the eval's "
        "hits@10, mrr@10 and fact_recall@10 window).",
    )
    chunk_size: int = Field(
        default=256,
        description="Chunk size in tokens (LlamaIndex SentenceSplitter). Every retrieval and "
        "answer figure was measured with 256/32; applies to articles indexed afterwards.",
    )
    chunk_overlap: int = Field(default=32, description="Chunk overlap in tokens; see chunk_size.")
    bm25_weight: float = _tuned(
        "bm25_weight",
        "Share of BM25 in the fused score, 1 = BM25 only, 0 = vectors only: rows vector, bm25, "
        "fusion",
    )
    source_boost: float = _tuned(
        "source_boost", "Bonus for chunks of a source the question names: row +metadata"
    )
    date_boost: float = _tuned(
        "date_boost", "Bonus for chunks published on a date the question names: row +metadata"
    )
    decompose: bool = _tuned(
        "decompose",
        "Split compound questions into sub-queries, one per named source and per claim "
        "(index/query_analysis.py): row +decompose(interleave)",
    )
    sub_constraint: float = _tuned(
        "sub_constraint", "Bonus inside a sub-query for chunks of its own source or date"
    )
    sub_dense: bool = _tuned(
        "sub_dense",
        "Embed each sub-query too, not only BM25: the same figures for 4-5x the encode time",
    )
    rerank: bool = _tuned(
        "rerank",
        "Order the candidates of all sub-queries with the logistic second stage (index/rerank.py, "
        "weights from --fit-reranker); off, their rankings are interleaved: row +rerank=full",
    )
    sub_context: float = _tuned(
        "sub_context",
        "With rerank off only: share of the whole question's score in each sub-query's ranking",
    )
    max_per_doc: int = _tuned(
        "max_per_doc",
        "Most chunks of one article in the top k, 0 for none: a cap of 2-3 lowered the figures, "
        "row full-max2-per-article",
    )
    pool_main: int = _tuned("pool_main", "Second-stage candidates from the whole question")
    pool_sub: int = _tuned("pool_sub", "Second-stage candidates from each sub-query")

    def config(self) -> RetrievalConfig:
        """The ranking fields as index/ takes them (index/ reads no settings)."""
        return RetrievalConfig(
            **{f.name: getattr(self, f.name) for f in dataclasses.fields(RetrievalConfig)}
        )


class RefusalSettings(BaseModel):
    """When a question is declined before any answer is written (assistant/refusal.py).

    Calibrated by a grid search (benchmarks/calibrate_refusal.py --held-out 600) on 128 null
    and 400 answerable MultiHop-RAG dev queries plus seeds/questions.jsonl, keeping at most 7%
    of answerable ones refused; the other dev queries are the held-out check.
    """

    min_dense: float = Field(
        default=0.45,
        description="Off topic when the best sentence's MiniLM cosine to the question is below "
        "this and its lexical share is below min_lexical (calibrate_refusal.py).",
    )
    min_lexical: float = Field(
        default=0.3,
        description="Share of the question's words in the best sentence; see min_dense.",
    )
    min_coverage: float = Field(
        default=0.2,
        description="Decline when the passages hold less than this share of the question's "
        "content words (calibrate_refusal.py).",
    )
    min_missing_names: int = Field(
        default=2,
        description="This many question names absent from the passages need a close match "
        "(min_dense_if_names_missing) to be answered (calibrate_refusal.py).",
    )
    min_dense_if_names_missing: float = Field(
        default=0.5, description="The close match that min_missing_names asks for."
    )
    max_question_chars: int = Field(
        default=2000,
        description="Longest question accepted; longer ones are declined with "
        "question_too_long before retrieval (a 100 KB question would fan out over every chunk).",
    )


class CheckSettings(BaseModel):
    """The citation check's switches (assistant/citations.py)."""

    judge: bool | None = Field(
        default=None,
        description="LLM verification pass after the offline check; None means on with the "
        "openai backend, off otherwise.",
    )


_ANSWER_SAMPLE = "MultiHop-RAG dev sample 300 seed 1, benchmarks/multihop_answers.py"


def _answer(default: float, what: str, where: str = _ANSWER_SAMPLE) -> Any:
    """An answer field: its default and what it does, with where its value was measured."""
    return Field(default=default, description=f"{what} (measured on {where}).")


class AnswerSettings(BaseModel):
    """How the answer is chosen from the ranked passages: the sentence ranking
    (assistant/extractive.py), the answer spans of the asked type (assistant/direct.py) and
    the local model's near-ties (assistant/backends.py). Each was tuned on the MultiHop-RAG dev
    sample named in its description and seeds/questions.jsonl; ASSISTANT_ANSWER__<FIELD> sets
    one (ASSISTANT_ANSWER__SEARCH_DEPTH=12).
    """

    lexical_weight: float = _answer(
        0.5, "Sentence ranking: weight of the idf-weighted share of the question's words"
    )
    dense_weight: float = _answer(
        0.35, "Sentence ranking: weight of the MiniLM cosine between question and sentence"
    )
    type_weight: float = _answer(
        0.1,
        "Sentence ranking: weight of holding something of the asked type (a fresh name, "
        "number or date)",
    )
    rank_prior_weight: float = _answer(
        0.05, "Sentence ranking: weight of the passage's retrieval rank"
    )
    min_relative: float = _answer(
        0.5,
        "Direct answers: a sentence scored below this share of the best is not about the "
        "question and its spans are no answers",
        f"{_ANSWER_SAMPLE} and seeds/questions.jsonl",
    )
    search_depth: int = _answer(
        8, "Direct answers: how many ranked sentences are searched for spans"
    )
    also_weight: float = _answer(
        0.8,
        "Direct answers: a kind accepted in place of the asked one (a 'who' question "
        "answered by a company) counts this much",
    )
    neighbour_weight: float = _answer(
        0.6,
        "Direct answers: a sentence next to one about the question counts this share of "
        "its score (the answer often follows the sentence that repeats the question)",
    )
    salience_weight: float = _answer(
        0.3,
        "Direct answers: a candidate of the asked kind gains this share of its score for each "
        "further article among the passages that names it (a multi-source question is about "
        "the one named across its articles; 0.15-0.5 measured alike)",
    )
    list_share: float = _answer(
        0.5,
        "Direct answers: a 'which companies' list keeps spans scoring at least this share "
        "of the best",
        "seeds/typed_questions.jsonl",
    )
    list_most: int = _answer(
        4, "Direct answers: most names in a list answer", "seeds/typed_questions.jsonl"
    )
    local_choices: int = _answer(
        3,
        "Local model: most options it chooses among; it picked worse than the ranker when "
        "always choosing among three (10/25 against 23/25)",
        "seeds/questions.jsonl",
    )
    local_tie: float = _answer(
        0.95,
        "Local model: options scoring at least this share of the best are a near-tie it "
        "breaks; below it the ranker's best is kept",
        "seeds/questions.jsonl",
    )


class FeedSettings(BaseModel):
    """Feed refreshes (index/watch.py, `assistant watch`)."""

    host_delay_s: float = Field(
        default=1.0,
        description="Least time between two requests to one host during a refresh; a longer "
        "robots.txt Crawl-delay wins.",
    )
    respect_robots: bool = Field(
        default=True, description="Skip pages that the site's robots.txt disallows."
    )
    page_every_minutes: float = Field(
        default=30.0,
        description="How often the page (`assistant ui`) refreshes every watched feed in its own "
        "process; 0: only when asked (the Feeds tab's Refresh now).",
    )
