"""Metadata filters of a search: sources and a publication date range."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from index.chunking import Chunk
from index.columns import chunk_date
from index.errors import AssistantError


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


def parse_date(value: str | None, label: str) -> str | None:
    """An ISO date from a user's input (None when blank); a one-line error naming `label`."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise AssistantError(
            f"The {label} date '{value}' is not a date; write it as YYYY-MM-DD (e.g. 2024-11-18)."
        ) from None


def make_filters(
    sources: list[str] | None,
    date_from: str | None,
    date_to: str | None,
    labels: tuple[str, str] = ("from", "to"),
) -> Filters | None:
    """Filters from a user's inputs, the page's or the command line's (None when nothing is
    set); `labels` name the two date inputs in errors."""
    d_from = parse_date(date_from, labels[0])
    d_to = parse_date(date_to, labels[1])
    if d_from and d_to and d_from > d_to:
        raise AssistantError(
            f"The date range is empty ({d_from} is after {d_to}); swap the two dates."
        )
    f = Filters(sources=[s for s in (sources or []) if s], date_from=d_from, date_to=d_to)
    return None if f.is_empty() else f
