"""Metadata filters of a search: sources and a publication date range."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from index.chunking import Chunk
from index.columns import chunk_date


@dataclass
class Filters:
    """Restrict retrieval to some sources and/or a publication date range (ISO dates)."""

    sources: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None

    def accepts(self, chunk: Chunk, also_sources: Iterable[str] = ()) -> bool:
        """True for a chunk within the filters; `also_sources` are the outlets that carried a
        wire copy of its article (HybridIndex.also_sources), each as good as its own source."""
        if self.sources:
            wanted = {s.lower() for s in self.sources}
            outlets = {chunk.source.lower(), *(o.lower() for o in also_sources)}
            if not outlets & wanted:
                return False
        date = chunk_date(chunk)
        if self.date_from and (not date or date < self.date_from):
            return False
        return not (self.date_to and (not date or date > self.date_to))

    def is_empty(self) -> bool:
        return not (self.sources or self.date_from or self.date_to)
