"""Follow-up suggestions: questions the cited articles can answer, never invented.

Each suggestion is built from a sentence of a cited article that attributes something to a
named person or body ("Kremlin spokesperson Dmitry Peskov denied the reports" -> "What did
Dmitry Peskov deny?"), so the name and the verb both come from the article. Before it is
shown, a suggestion is checked the way a question is before any answer is written: retrieval
must bring back the article it came from within the passages an answer would use, and the
refusal gate (assistant/refusal.py), fed lexical sentence scores, must let it through. No
answer is generated for it. benchmarks/suggestions.py measures how often they are answered.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from typing import Any

from assistant.answer import Answer, Citation
from assistant.extractive import rank_sentences
from assistant.refusal import refusal_reason
from assistant.text import STOPWORDS, content_words, sentences

log = logging.getLogger("assistant.suggestions")

MAX_SUGGESTIONS = 3
MAX_CHECKS = 8  # retrieval checks per answer
BUDGET_S = 2.5  # time for all checks of one answer (a check is one search, ~0.1 s)

# Reported-speech verbs and the question each one makes ("warned" -> "What did X warn about?").
_VERBS = {
    "said": "say", "says": "say", "told": "say", "added": "say", "wrote": "write",
    "warned": "warn about", "warns": "warn about", "denied": "deny", "denies": "deny",
    "claimed": "claim", "claims": "claim", "announced": "announce", "reported": "report",
    "stressed": "stress", "emphasized": "emphasize", "emphasised": "emphasise",
    "argued": "argue", "confirmed": "confirm", "insisted": "insist on", "urged": "urge",
    "vowed": "vow", "promised": "promise", "predicted": "predict", "estimated": "estimate",
    "revealed": "reveal", "admitted": "admit", "suggested": "suggest", "explained": "explain",
}  # fmt: skip
# Capitalised words that open a sentence without being part of a name.
_OPENERS = {
    "though", "although", "but", "and", "however", "meanwhile", "still", "yet", "when",
    "while", "after", "before", "as", "if", "because", "since", "so", "then", "now", "also",
    "instead", "earlier", "later", "separately", "today", "yesterday",
}  # fmt: skip
_WORD = r"[A-Z][\w’'\-]*[\w]"
_ATTRIBUTION = re.compile(
    rf"(?<![\w’'])(?P<who>{_WORD}(?:\s+(?:of\s+(?:the\s+)?)?{_WORD}){{0,4}})"
    rf"(?:,\s+[^,]{{1,60}},)?\s+(?:\w+ly\s+)?(?P<verb>{'|'.join(_VERBS)})\b"
)


def candidate_questions(text: str) -> Iterator[tuple[str, str, str]]:
    """(question, the sentence it comes from, who) for each attribution in text; a lone
    surname takes the fuller name the text gives it elsewhere ("Naftalis" -> "Josh
    Naftalis")."""
    for sent in sentences(text):
        for m in _ATTRIBUTION.finditer(sent):
            who = m.group("who").strip()
            tokens = who.split()
            if tokens[0].lower() in _OPENERS and sent.lstrip().startswith(who):
                tokens = tokens[1:]  # "Though Epic said" -> "Epic"
                who = " ".join(tokens)
            if not _is_name(tokens):
                continue
            # A lone capitalised word opening a sentence may be any word ("Officials said").
            if len(tokens) == 1 and sent.lstrip().startswith(who):
                continue
            if (
                tokens[0].lower() == "the"
            ):  # "The Washington Post reported" -> "the Washington Post"
                who = " ".join(["the", *tokens[1:]])
            elif tokens[0].lower() in STOPWORDS:
                who = " ".join(tokens[1:])
            if len(who.split()) == 1:
                who = _full_name(who, text)
            yield f"What did {who} {_VERBS[m.group('verb')]}?", sent, who


def _is_name(tokens: list[str]) -> bool:
    """A person's or a body's name, not a noun phrase the pattern caught."""
    if not tokens or all(t.lower().strip("’'") in STOPWORDS for t in tokens):
        return False
    if tokens[-1].endswith(("’s", "'s")):  # "Epic’s claims": a possessive, the verb a noun
        return False
    # A capitalised "Of" or "And" inside: a title ("Sort Of"), not a name.
    if any(t.lower() in STOPWORDS and t[:1].isupper() for t in tokens[1:]):
        return False
    # A plural group ("CEOs", "Officials"), not someone who can be asked about.
    return not (len(tokens) == 1 and re.fullmatch(r"[A-Z]{2,}s|[A-Z][a-z]+als", tokens[0]))


def _full_name(surname: str, text: str) -> str:
    for m in re.finditer(rf"((?:{_WORD}\s+){{1,2}}){re.escape(surname)}\b", text):
        words = [w for w in m.group(1).split() if w.lower() not in STOPWORDS | _OPENERS]
        if words and words == m.group(1).split():
            return " ".join([*words, surname])
    return surname


def _article_texts(assistant: Any, c: Citation) -> list[str]:
    """The cited passage, then the article's other passages nearest it first (from the
    retrieval index); the passage alone when the index cannot be read."""
    index_of = getattr(assistant, "_current_index", None)
    try:
        chunks = [ch for ch in index_of().chunks if ch.doc_id == c.doc_id] if index_of else []
    except Exception as err:  # suggestions are optional: fall back to the passage
        log.warning("reading the cited article failed: %s", err)
        chunks = []
    others = sorted(
        (ch for ch in chunks if (ch.start, ch.end) != (c.start, c.end)),
        key=lambda ch: abs(ch.start - c.start),
    )
    return [c.text, *(ch.text for ch in others)]


def _known(answer: Answer, history: Sequence[Any] | None) -> set[str]:
    """Content words the conversation already covers (its questions and answers)."""
    out = content_words(answer.question) | content_words(answer.answer)
    for m in history or []:
        if isinstance(m, dict):
            out |= content_words(str(m.get("content") or ""))
    return out


def is_answerable(assistant: Any, question: str, doc_id: str) -> bool:
    """Retrieval brings `doc_id` into the passages an answer would use and the refusal gate
    lets the question through (no answer is generated)."""
    s = assistant.settings
    hits = assistant.retrieve(question, s.retrieve_k)
    passages = hits[: s.top_k]
    if doc_id not in {h.chunk.doc_id for h in passages}:
        return False
    # Lexical ranking only: the gate's dense features need every new passage sentence
    # embedded (1 to 4 s a check on a busy 2-core machine). Without them the gate is stricter
    # (a question missing names needs a dense match), never looser.
    candidates = rank_sentences(question, passages, None, focus=question)
    unindexed: Sequence[str] = ()
    index_of = getattr(assistant, "_current_index", None)
    if index_of is not None:
        unindexed = index_of().analyse(question).unindexed_sources
    return refusal_reason(question, passages, candidates, unindexed, s.refusal) is None


def suggest(
    assistant: Any,
    answer: Answer,
    history: Sequence[Any] | None = None,
    limit: int = MAX_SUGGESTIONS,
    budget_s: float = BUDGET_S,
) -> list[str]:
    """Up to `limit` follow-up questions drawn from the answer's cited articles, each checked
    with retrieval and the refusal gate. Empty for a declined answer."""
    if answer.refused or not answer.citations:
        return []
    known = _known(answer, history)
    asked = {" ".join(str(m.get("content", "")).split()).lower() for m in history or []
             if isinstance(m, dict)}  # fmt: skip
    out: list[str] = []
    seen: set[str] = set()  # people and bodies already suggested (by their last word)
    checks = 0
    deadline = time.perf_counter() + budget_s
    for c in answer.citations:
        texts = _article_texts(assistant, c)
        article = "\n".join(texts)
        for question, sent, who in (q for t in texts for q in candidate_questions(t)):
            if len(who.split()) == 1:
                who = _full_name(who, article)
                question = re.sub(r"^What did \S+ ", f"What did {who} ", question)
            key = who.split()[-1].lower()
            if key in seen or question.lower() in asked:
                continue
            seen.add(key)
            # Skip what the conversation already told: the answer's own sentence, or a name
            # the user asked about.
            new_words = content_words(question) - known
            if not new_words or len(content_words(sent) - known) < 3:
                continue
            if checks >= MAX_CHECKS or time.perf_counter() > deadline:
                return out
            checks += 1
            try:
                ok = is_answerable(assistant, question, c.doc_id)
            except Exception as err:  # a suggestion is optional: never fail the answer for it
                log.warning("checking suggestion %r failed: %s", question, err)
                return out
            if ok:
                out.append(question)
                if len(out) >= limit:
                    return out
    return out
