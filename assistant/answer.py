"""The Answer and Citation objects returned by every entry point (API, CLI, UI, eval)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.retrieval import Hit

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
    # `file`, not `path`: gradio_client 2.7 downloads any output dict with a string `path`.
    file: str | None
    published_at: str | None
    text: str
    start: int
    end: int
    score: float
    page: int | None = None
    # Other outlets that carried the same story: {"source", "url", "published_at"} each.
    also_in: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Why an answer was declined: the machine-readable codes of `RefusalReason.code`.
REFUSAL_CODES = {
    "empty_index": "No articles are indexed.",
    "off_topic": "The passages found are not about the question.",
    "missing_names": "The articles never mention several names the question asks about.",
    "unindexed_source": "The question cites a publication that no indexed article comes from.",
    "no_answer_of_type": "No passage holds an answer of the kind the question asks for.",
    "no_articles_in_range": "No indexed article falls in the requested date range or sources.",
    "question_too_long": "The question is longer than the configured limit.",
    "model_declined": "The model said the articles do not hold the answer.",
    "unsupported": "No sentence of the answer was supported by the passages it cited.",
}


@dataclass
class RefusalReason:
    """Why an answer was declined: a code from REFUSAL_CODES and a sentence for people."""

    code: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in REFUSAL_CODES:
            raise ValueError(f"unknown refusal code {self.code!r}; add it to REFUSAL_CODES")

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass
class Answer:
    """Answer text with [n] markers pointing at `citations` (n is the citation's number)."""

    answer: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    refusal_reason: RefusalReason | None = None
    question: str = ""
    standalone_question: str = ""
    backend: str = ""
    dropped_sentences: list[str] = field(default_factory=list)
    repaired_citations: list[dict[str, Any]] = field(default_factory=list)
    fallback: str | None = None
    # The LLM verification pass (assistant/judge.py): {"status", "verdicts": [{"sentence",
    # "verdict"}]}; None when it did not run.
    judge: dict[str, Any] | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    # Follow-up questions the cited articles can answer (assistant/suggestions.py); filled by
    # the page and the /v1 API, empty from plain ask().
    suggestions: list[str] = field(default_factory=list)
    # How the question's time was read when the reader should know: "before the election" that
    # no article names, so it did not narrow the dates (index/events.py). None otherwise.
    time_note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `ask --json` object (its fields: `assistant ask --help`), then the citation
        check's record."""
        return {
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "refusal_reason": self.refusal_reason.to_dict() if self.refusal_reason else None,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "question": self.question,
            "standalone_question": self.standalone_question,
            "backend": self.backend,
            "dropped_sentences": self.dropped_sentences,
            "repaired_citations": self.repaired_citations,
            "fallback": self.fallback,
            "judge": self.judge,
            "suggestions": self.suggestions,
            "time_note": self.time_note,
        }


def citation_from_hit(n: int, hit: Hit) -> Citation:
    """Citation [n] for a retrieved passage: its article's metadata and its offsets."""
    c = hit.chunk
    m = c.metadata
    return Citation(
        n=n,
        doc_id=c.doc_id,
        title=c.title,
        source=c.source,
        url=m.get("url") or None,
        file=m.get("path") or None,
        page=int(m["page"]) if str(m.get("page") or "").isdigit() else None,
        published_at=c.published_at,
        text=c.text,
        start=c.start,
        end=c.end,
        score=round(float(hit.score), 4),
    )
