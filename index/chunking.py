"""Split articles into passages with LlamaIndex's SentenceSplitter, keeping character offsets."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from index.loaders import Article

# Metadata fields that travel with every chunk (and count towards its token budget, as in
# the MultiHop-RAG paper's LlamaIndex set-up, so our numbers compare with theirs).
DOC_METADATA = ("title", "source", "published_at")


@dataclass
class Chunk:
    """One passage: text is article.text[start:end]."""

    id: str
    doc_id: str
    text: str
    start: int
    end: int
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.metadata.get("title") or "")

    @property
    def source(self) -> str:
        return str(self.metadata.get("source") or "")

    @property
    def published_at(self) -> str | None:
        return self.metadata.get("published_at") or None


@lru_cache(maxsize=4)
def _splitter(chunk_size: int, chunk_overlap: int) -> Any:
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)


def chunk_metadata(article: Article) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": article.doc_id,
        "title": article.title,
        "source": article.source,
        "published_at": article.published_at or "",
        "url": article.url or "",
        "path": article.path or "",
        "content_hash": article.content_hash,
    }
    meta["date"] = (article.published_at or "")[:10]
    return meta


def chunk_article(article: Article, chunk_size: int = 256, chunk_overlap: int = 32) -> list[Chunk]:
    """Passages of one article, each with its [start, end) offsets into article.text."""
    from llama_index.core import Document

    meta = chunk_metadata(article)
    doc = Document(
        text=article.text,
        metadata={k: meta[k] for k in DOC_METADATA},
        excluded_llm_metadata_keys=[],
        excluded_embed_metadata_keys=[],
    )
    nodes = _splitter(chunk_size, chunk_overlap).get_nodes_from_documents([doc])
    chunks: list[Chunk] = []
    cursor = 0
    for i, node in enumerate(nodes):
        text = node.get_content()
        start = node.start_char_idx
        if start is None or article.text[start : start + len(text)] != text:
            start = article.text.find(text, max(0, cursor - len(text)))
            if start < 0:
                start = article.text.find(text)
        if start < 0:
            # The splitter normalised whitespace; keep the text as the article has it.
            start = _fuzzy_start(article.text, text, cursor)
            end = min(len(article.text), start + len(text))
            text = article.text[start:end]
        end = start + len(text)
        cursor = start + 1
        chunks.append(
            Chunk(
                # The content hash in the id: a changed article's new chunks never overwrite its
                # old ones, so the old stay until the catalog has committed the new.
                id=f"{article.doc_id}:{article.content_hash[:8]}:{i}",
                doc_id=article.doc_id,
                text=text,
                start=start,
                end=end,
                # The PDF page the passage starts on ("" for texts without pages).
                metadata=dict(meta, chunk=i, page=article.page_at(start) or ""),
            )
        )
    return chunks


def _fuzzy_start(haystack: str, needle: str, cursor: int) -> int:
    probe = needle[:40]
    while probe:
        pos = haystack.find(probe, max(0, cursor - len(needle)))
        if pos >= 0:
            return pos
        probe = probe[: len(probe) // 2]
    return min(cursor, len(haystack))
