"""A news question-answering assistant whose answers cite, and are checked against, the articles.

from assistant import Assistant
a = Assistant()
a.ingest(["seeds/"])
print(a.ask("How many drones did Russia say it intercepted?").answer)
"""

from assistant.answer import REFUSAL, Answer, Citation, RefusalReason
from assistant.conversations import ConversationStore
from assistant.core import Assistant
from assistant.engine import NewsQueryEngine, NewsRetriever
from assistant.settings import Settings
from index.errors import AssistantError
from index.ingest import IngestReport
from index.retrieval import Filters

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
