""" "How did X develop?": a short dated timeline, one cited line per article, oldest first.

Retrieval already orders the articles about the subject oldest first, one passage each
(index.timeref.search_in_time for a timeline question). Here each passage gives its best
sentence for the question, headed by its article's date from the catalog's metadata:

    20 October 2023: Veldmark council approved the flood barrier by 31 votes to 9 [2].

The sentences go through the citation check like any answer; the dates are added after it,
each from the article the line's [n] cites (a date taken from the cited article's metadata is
supported by that citation). Checking the dated line instead would read the sentence's first
word after the date as a name ("5 November 2023: Construction began").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from assistant.extractive import Candidate, cite, rank_sentences
from assistant.text import MARKER_RE, split_sentences
from index.columns import chunk_date
from index.embeddings import Embedder
from index.retrieval import Hit
from index.subject import question_names, subject_of
from index.timeref import LATEST_NEWS, TIMELINE_ASK

MAX_EVENTS = 6
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def is_timeline(question: str) -> bool:
    """Whether the question asks how something developed (index.timeref.TIMELINE_ASK)."""
    return bool(TIMELINE_ASK.search(question))


def article_day(hit: Hit) -> date | None:
    """The day the passage's article was published (catalog metadata), or None."""
    m = _ISO_DAY.match(chunk_date(hit.chunk))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def spoken(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def timeline_events(
    question: str, passages: list[Hit], embedder: Embedder | None
) -> list[tuple[date, str]]:
    """One event per dated article among the passages, oldest first: its date and the
    passage's best sentence for the question with its [n] marker. Undated articles are left
    out: an event without a date orders nothing."""
    ranked = rank_sentences(question, passages, embedder, limit=10_000)
    best: dict[int, str] = {}
    for cand in ranked:  # best first: the first sentence seen of each passage is its best
        best.setdefault(cand.passage, cite(cand))
    events: list[tuple[date, int, str]] = []
    seen_docs: set[str] = set()
    for n, hit in enumerate(passages, 1):
        day = article_day(hit)
        if day is None or n not in best or hit.chunk.doc_id in seen_docs:
            continue
        seen_docs.add(hit.chunk.doc_id)
        events.append((day, n, best[n]))
    events.sort(key=lambda e: (e[0], e[1]))
    return [(day, line) for day, _, line in events[:MAX_EVENTS]]


def timeline_answer(
    question: str, passages: list[Hit], embedder: Embedder | None
) -> Iterator[str] | None:
    """The answer's pieces for a timeline question with at least two dated articles: the
    events' cited sentences, oldest first, which the citation check then reads like any
    answer (dated() adds the dates after it); None for any other question."""
    if not is_timeline(question):
        return None
    events = timeline_events(question, passages, embedder)
    if len(events) < 2:
        return None  # one event is no development: the ordinary answer says it better
    return iter([events[0][1], *(f" {line}" for _, line in events[1:])])


def dated(text: str, passages: list[Hit]) -> str:
    """The checked timeline as lines, each headed by the date of the article its first [n]
    cites (the date comes from that citation's metadata, so it needs no other support)."""
    lines = []
    for a, b in split_sentences(text):
        sentence = text[a:b].strip()
        marker = MARKER_RE.search(sentence)
        n = int(marker.group(1).split(",")[0]) if marker else 0
        day = article_day(passages[n - 1]) if 1 <= n <= len(passages) else None
        lines.append(f"{spoken(day)}: {sentence}" if day else sentence)
    return "\n".join(lines)


def subject_first(
    question: str, passages: list[Hit], candidates: list[Candidate]
) -> list[Candidate]:
    """For "what is the latest news about X": the sentences in which X is a clause's subject
    first (in their order), then the other sentences of passages that have none, so that the
    answer says what X did or what happened to X, not a photo caption or a sentence naming X
    in passing beside it. Other questions: as given."""
    if not LATEST_NEWS.search(question):
        return candidates
    names = question_names(question)
    texts = {n: hit.chunk.text for n, hit in enumerate(passages, 1)}
    about = [c for c in candidates if subject_of(c.text, names, texts.get(c.passage, ""))]
    said = {c.passage for c in about}
    return [*about, *(c for c in candidates if c.passage not in said)] if about else candidates
