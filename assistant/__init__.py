"""A news question-answering assistant whose answers cite, and are checked against, the articles.

from assistant import Assistant
a = Assistant()
a.ingest(["seeds/"])
print(a.ask("How many drones did Russia say it intercepted?").answer)

Names load on first use: `from assistant import Assistant` pulls in neither llama_index, torch
nor chromadb until a question, an ingest or the LlamaIndex adapters need them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from index import quiet_blas_threads

quiet_blas_threads()  # before numpy loads OpenBLAS (index/__init__.py says why)

if TYPE_CHECKING:
    from assistant.answer import REFUSAL, Answer, Citation, RefusalReason
    from assistant.conversations import ConversationStore
    from assistant.core import Assistant
    from assistant.engine import NewsQueryEngine, NewsRetriever
    from assistant.settings import Settings
    from index.errors import AssistantError
    from index.ingest import IngestReport
    from index.retrieval import Filters

_WHERE = {
    "REFUSAL": "assistant.answer",
    "Answer": "assistant.answer",
    "Assistant": "assistant.core",
    "AssistantError": "index.errors",
    "Citation": "assistant.answer",
    "ConversationStore": "assistant.conversations",
    "Filters": "index.retrieval",
    "IngestReport": "index.ingest",
    "NewsQueryEngine": "assistant.engine",
    "NewsRetriever": "assistant.engine",
    "RefusalReason": "assistant.answer",
    "Settings": "assistant.settings",
}
__all__ = [
    "REFUSAL",
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "ConversationStore",
    "Filters",
    "IngestReport",
    "NewsQueryEngine",
    "NewsRetriever",
    "RefusalReason",
    "Settings",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
