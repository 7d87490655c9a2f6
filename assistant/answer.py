"""The Answer and Citation objects returned by every entry point (API, CLI, UI, eval)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The one reply used whenever the articles do not hold the answer.
REFUSAL = "The articles I have do not say."


@dataclass
class Citation:
    """A passage an answer rests on; start/end are character offsets in the original article."""

    n: int
    doc_id: str
    title: str
    source: str
    url: str | None
    path: str | None
    published_at: str | None
    text: str
    start: int
    end: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """Answer text with [n] markers pointing at `citations` (n is the citation's number)."""

    answer: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    question: str = ""
    standalone_question: str = ""
    backend: str = ""
    dropped_sentences: list[str] = field(default_factory=list)
    repaired_citations: list[dict[str, Any]] = field(default_factory=list)
    fallback: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.answer

    def to_dict(self) -> dict[str, Any]:
        """The `ask --json` object of DESIGN.md, plus the citation check's record."""
        return {
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "question": self.question,
            "standalone_question": self.standalone_question,
            "backend": self.backend,
            "dropped_sentences": self.dropped_sentences,
            "repaired_citations": self.repaired_citations,
            "fallback": self.fallback,
        }
