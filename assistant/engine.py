"""LlamaIndex adapters (retriever and query engine) and the refusal gate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.response.schema import Response
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import ConfigDict

from assistant.extractive import Candidate, question_coverage
from index.retrieval import Hit

if TYPE_CHECKING:
    from assistant.core import Assistant

# Calibrated by a grid search over 60 null and 60 answerable MultiHop-RAG dev queries plus
# seeds/questions.jsonl (benchmarks/calibrate_refusal.py): 82% of null queries declined with
# 6.7% of answerable ones refused on MultiHop, 8/8 and 0/25 on the seed set.
MIN_DENSE = 0.45  # best sentence's MiniLM cosine to the question ...
MIN_LEXICAL = 0.3  # ... and its share of the question's words: both low means off topic
MIN_COVERAGE = 0.4  # share of the question's content words found in the passages
MIN_DENSE_IF_NAMES_MISSING = 0.5  # a name the passages never mention needs a close match


def refusal_features(
    question: str, passages: list[Hit], candidates: list[Candidate]
) -> dict[str, float]:
    coverage, missing_names = question_coverage(question, passages)
    return {
        "coverage": coverage,
        "missing_names": float(len(missing_names)),
        "lexical": max((c.lexical for c in candidates), default=0.0),
        "dense": max((c.dense for c in candidates), default=0.0),
    }


def should_refuse(question: str, passages: list[Hit], candidates: list[Candidate]) -> bool:
    """True when the retrieved passages cannot hold the answer."""
    if not passages or not candidates:
        return True
    f = refusal_features(question, passages, candidates)
    if f["dense"] < MIN_DENSE and f["lexical"] < MIN_LEXICAL:
        return True
    if f["coverage"] < MIN_COVERAGE:
        return True
    return f["missing_names"] >= 1 and f["dense"] < MIN_DENSE_IF_NAMES_MISSING


def hit_to_node(hit: Hit) -> NodeWithScore:
    c = hit.chunk
    node = TextNode(
        id_=c.id,
        text=c.text,
        metadata=dict(c.metadata),
        start_char_idx=c.start,
        end_char_idx=c.end,
    )
    return NodeWithScore(node=node, score=hit.score)


class NewsRetriever(BaseRetriever):
    """The assistant's hybrid retrieval as a LlamaIndex retriever."""

    def __init__(self, assistant: Assistant, k: int = 10) -> None:
        super().__init__()
        self.assistant = assistant
        self.k = k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [hit_to_node(h) for h in self.assistant.retrieve(query_bundle.query_str, self.k)]


class NewsQueryEngine(CustomQueryEngine):
    """A LlamaIndex query engine whose answers carry checked citations.

    `engine.query("...")` returns a Response whose source_nodes are the cited passages and
    whose metadata holds the full Answer as a dict.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    assistant: Any

    def custom_query(self, query_str: str) -> Response:
        answer = self.assistant.ask(query_str)
        nodes = []
        for c in answer.citations:
            node = TextNode(
                id_=f"{c.doc_id}:{c.start}",
                text=c.text,
                metadata={"n": c.n, "title": c.title, "source": c.source, "url": c.url},
                start_char_idx=c.start,
                end_char_idx=c.end,
            )
            nodes.append(NodeWithScore(node=node, score=c.score))
        return Response(response=answer.answer, source_nodes=nodes, metadata=answer.to_dict())
