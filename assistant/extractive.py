"""Extractive answering: rank the sentences of the retrieved passages against the question.

Used as the `extractive` backend, as the candidate list the local model chooses from, and as
the fallback whenever the citation check leaves nothing of a generated answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from assistant.answer_types import classify
from assistant.settings import AnswerSettings
from assistant.text import (
    NUM_RE,
    content_words,
    is_complete,
    names,
    numbers,
    split_sentences,
    stem,
    words,
)
from index.embeddings import Embedder
from index.query_analysis import SourceMatcher
from index.retrieval import Hit

# A sentence holds a date or time (what a "when" question asks for).
_TIME_WORDS = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|\d{4}|yesterday|today|week|month|year)\b", re.I)  # fmt: skip
_DEFAULTS = AnswerSettings()
# Words too common in questions to show the question is on topic.
_GENERIC = {stem(w) for w in ["happen", "happened", "event", "events", "say", "said", "state", "stated", "claim", "claims", "according"]}  # fmt: skip


@dataclass
class Candidate:
    """One source sentence that may answer the question."""

    passage: int  # 1-based passage number
    text: str
    start: int  # offsets in the passage text
    end: int
    score: float
    lexical: float
    dense: float
    type_match: float


def cite(cand: Candidate) -> str:
    """The candidate sentence with its passage marker before the closing stop."""
    text = cand.text.strip()
    end = text[-1] if text[-1:] in ".!?" else "."
    body = text[:-1] if text[-1:] in ".!?" else text
    return f"{body} [{cand.passage}]{end}"


def _type_match(kind: str, sentence: str, question: str) -> float:
    """Whether the sentence holds something of the asked kind (assistant/answer_types.py)
    that the question does not: a cheap test, the spans themselves are assistant/spans.py's."""
    if kind == "number":
        fresh = numbers(sentence) - numbers(question)
        return 1.0 if fresh else 0.0
    if kind == "date":
        return 1.0 if _TIME_WORDS.search(sentence) else 0.0
    if kind in ("person", "organisation", "publication", "place"):
        fresh = names(sentence) - names(question) - content_words(question)
        return 1.0 if fresh else 0.0
    return 0.5


def _idf(sents: list[set[str]]) -> dict[str, float]:
    n = len(sents)
    df: dict[str, int] = {}
    for s in sents:
        for w in s:
            df[w] = df.get(w, 0) + 1
    return {w: math.log(1 + (n + 1) / (d + 0.5)) for w, d in df.items()}


def rank_sentences(
    question: str,
    passages: list[Hit],
    embedder: Embedder | None,
    limit: int = 8,
    focus: str | None = None,
    weights: AnswerSettings | None = None,
) -> list[Candidate]:
    """Sentences of the passages, best first, with the parts of their score.

    `focus` is the user's own follow-up when `question` is its rewrite: the rewrite carries
    the earlier topic, the follow-up says what is new, so lexical overlap counts both.
    """
    pieces: list[tuple[int, int, int, str]] = []
    for n, hit in enumerate(passages, 1):
        for a, b in split_sentences(hit.chunk.text):
            text = hit.chunk.text[a:b]
            if len(words(text)) >= 4:
                pieces.append((n, a, b, text))
    pieces = _drop_fragments(pieces)
    if not pieces:
        return []
    qwords = content_words(question) - _GENERIC
    sent_words = [content_words(p[3]) for p in pieces]
    idf = _idf(sent_words)
    default_idf = max(idf.values(), default=1.0)

    def overlap(q: set[str]) -> np.ndarray:
        weight = sum(idf.get(w, default_idf) for w in q) or 1.0
        return np.array(
            [sum(idf.get(w, default_idf) for w in q & sw) / weight for sw in sent_words]
        )

    lexical = overlap(qwords)
    if focus and focus != question:
        lexical = 0.5 * lexical + 0.5 * overlap(content_words(focus) - _GENERIC)
    if embedder is not None:
        vecs = embedder.embed([question] + [p[3] for p in pieces])
        dense = np.asarray(vecs[1:] @ vecs[0], dtype=np.float64)
    else:
        dense = np.zeros(len(pieces))
    kind = classify(question).kind
    type_m = np.array([_type_match(kind, p[3], question) for p in pieces])
    # A passage retrieved higher is a little more likely to hold the answer.
    rank_prior = np.array([1.0 / (1 + 0.15 * (p[0] - 1)) for p in pieces])
    # Copying the question back is no answer: penalise sentences that add nothing new.
    novelty = np.array(
        [
            1.0 if (sw - qwords) or NUM_RE.search(p[3]) else 0.5
            for sw, p in zip(sent_words, pieces, strict=True)
        ]
    )
    # Headlines and sub-heads (no closing punctuation) name topics but rarely answer.
    complete = np.array([1.0 if is_complete(p[3]) else 0.75 for p in pieces])
    w = weights or _DEFAULTS
    mix = (
        w.lexical_weight * lexical
        + w.dense_weight * dense
        + w.type_weight * type_m
        + w.rank_prior_weight * rank_prior
    )
    score = mix * novelty * complete
    order = np.argsort(-score)[:limit]
    return [
        Candidate(
            passage=pieces[i][0],
            text=pieces[i][3],
            start=pieces[i][1],
            end=pieces[i][2],
            score=float(score[i]),
            lexical=float(lexical[i]),
            dense=float(dense[i]),
            type_match=float(type_m[i]),
        )
        for i in order
    ]


def _drop_fragments(pieces: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    """Overlapping chunks repeat sentences, and a chunk edge cuts one in two: keep each
    sentence once, in its fullest form."""
    texts = [p[3] for p in pieces]
    out = []
    seen: set[str] = set()
    for i, p in enumerate(pieces):
        if p[3] in seen:
            continue
        if any(j != i and len(t) > len(p[3]) and p[3] in t for j, t in enumerate(texts)):
            continue
        seen.add(p[3])
        out.append(p)
    return out


def question_coverage(question: str, passages: list[Hit]) -> tuple[float, set[str]]:
    """Share of the question's content words found in the passages, and the names missing."""
    qwords = content_words(question) - _GENERIC
    if not qwords:
        return 1.0, set()
    found: set[str] = set()
    for hit in passages:
        found |= content_words(f"{hit.chunk.title} {hit.chunk.source} {hit.chunk.text}")
    missing_names = {n for n in names(question) if n not in found}
    return len(qwords & found) / len(qwords), missing_names


def per_source(
    question: str, passages: list[Hit], candidates: list[Candidate], most: int = 3
) -> list[Candidate]:
    """For a question that names two or more of the passages' sources ("does TechCrunch say
    X, while The Verge says Y?"): the best sentence of each, in the order the question names
    them, so the reader sees what each source said. Empty when that does not apply."""
    # The passages' own sources, matched as retrieval matches them ("his fortune" is not
    # the source Fortune); mentions come in question order.
    mentions = SourceMatcher(h.chunk.source for h in passages).find(question)
    named = list(dict.fromkeys(s for m in mentions for s in m.sources))
    chosen = []
    for source in named[:most]:
        best = next((c for c in candidates if passages[c.passage - 1].chunk.source == source), None)
        if best is not None:
            chosen.append(best)
    return chosen if len(chosen) >= 2 else []


def compose(candidates: list[Candidate], max_sentences: int = 2) -> list[Candidate]:
    """The sentences to answer with: the best, plus a close runner-up from the same passage."""
    if not candidates:
        return []
    best = candidates[0]
    chosen = [best]
    for cand in candidates[1:]:
        if len(chosen) >= max_sentences:
            break
        if cand.passage == best.passage and cand.score >= 0.9 * best.score:
            chosen.append(cand)
    return sorted(chosen, key=lambda c: (c.passage, c.start))
