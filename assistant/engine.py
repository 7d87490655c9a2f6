"""LlamaIndex adapters: the assistant as a retriever and as a query engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.response.schema import Response
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import ConfigDict

from index.retrieval import Hit

if TYPE_CHECKING:
    from assistant.core import Assistant


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
