"""Named events as time anchors: "What did the mayor promise before the election?", "After
the vote, what happened to the barrier?". The event's day comes from the corpus itself
(event_day): the earliest article up to the reference date whose title names it (headlines
name an event when it happens), else the earliest whose text does. When no article names it,
the question cannot be placed in time: UnknownEvent says so, and the Assistant searches the
question as written and puts that sentence in the answer's time_note. It does not refuse: an
event the articles word otherwise ("the dam strike" in an article saying "struck a dam") is
often what the question is about, not when it was published.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from index.columns import chunk_date
from index.errors import AssistantError

if TYPE_CHECKING:
    from index.retrieval import HybridIndex
    from index.timeref import TimeScope

_MONTHS = re.compile(r"\b(" + "|".join(n for n in calendar.month_name if n) + ")\\b", re.I)
# A named event as the anchor of the whole question: ending it ("... before the election?") or
# opening it ("After the vote, ..."), one to four words after "the". In MultiHop-RAG's dev
# queries the anchors name reports ("after the TechCrunch report on October 7, ...") and sit
# mid-question; none of the 2,044 matches these with the words below left out.
_ANCHOR = r"(?P<word>before|after|since|until|till|prior to|ahead of|following)\s+(?P<event>the\s+(?:[\w’'&.-]+\s+){0,3}?[\w’'&.-]+)"
_EVENT_END = re.compile(rf"\b{_ANCHOR}\s*[?.!]?\s*$", re.I)
_EVENT_START = re.compile(rf"^\s*{_ANCHOR}\s*,", re.I)
_NOT_EVENT = re.compile(
    r"\b(report\w*|article\w*|publication|published|date|story|stories|piece|coverage|interview"
    r"|review|post|blog|news|week\w*|month|year|day|morning|afternoon|evening|night|time|period"
    r"|start|beginning|end|past|moment)\b|\d",
    re.I,
)


class UnknownEvent(AssistantError):
    """A question anchored on an event ("before the election") that no article names."""


def event_anchor(question: str) -> re.Match[str] | None:
    """The "before/after the <event>" anchoring the whole question, if any."""
    for pattern in (_EVENT_END, _EVENT_START):
        m = pattern.search(question)
        if m and not _NOT_EVENT.search(m.group("event")) and not _MONTHS.search(m.group("event")):
            return m
    return None


def event_day(
    index: HybridIndex, event: str, as_of: date, subject: Sequence[str] = ()
) -> date | None:
    """The day a named event happened, read off the corpus: the earliest article up to `as_of`
    that names every word of it (a word matches its longer forms: vote, votes; plea, plead),
    in this order of preference: the title names it and the article its subject (the
    question's names: "Binance" for "what did Binance do after the guilty plea"), the text
    names both, the title names the event, the text does (the article naming any of the
    question's names counts as on its subject). None when no article names it."""
    from index.text import STOPWORDS

    words = [w for w in re.findall(r"[\w’'&-]+", event.lower()) if w not in STOPWORDS]
    if not words:
        return None
    pats = [re.compile(rf"\b{re.escape(w)}\w*", re.I) for w in words]
    about = [re.compile(rf"\b{re.escape(w)}\b") for w in subject]
    limit = as_of.isoformat()
    tiers: list[list[str]] = [[], [], [], []]
    for chunk in index.chunks:
        day = chunk_date(chunk)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) or day > limit:
            continue
        titled = all(p.search(chunk.title or "") for p in pats)
        if not titled and not all(p.search(chunk.text) for p in pats):
            continue
        on_subject = bool(about) and any(a.search(f"{chunk.title}\n{chunk.text}") for a in about)
        tiers[(0 if titled else 1) if on_subject else (2 if titled else 3)].append(day)
    found = next((min(t) for t in tiers if t), None)
    return date.fromisoformat(found) if found else None


def anchored(index: HybridIndex, scope: TimeScope) -> TimeScope:
    """The scope with its event's range filled in; UnknownEvent when no article names it."""
    if not scope.event or scope.has_range:
        return scope
    day = event_day(index, scope.event, scope.as_of, scope.event_subject)
    if day is None:
        raise UnknownEvent(
            f"No indexed article up to {scope.as_of.isoformat()} names {scope.event}, so "
            f"'{scope.phrase}' could not be dated and did not narrow the articles searched; "
            f"for a date range ask with a date (e.g. '{scope.event_word} "
            f"{scope.as_of.isoformat()}')."
        )
    one = timedelta(days=1)
    if scope.event_word in ("before", "prior to", "ahead of"):
        return replace(scope, date_to=day - one)
    if scope.event_word in ("until", "till"):
        return replace(scope, date_to=day)
    # After (since, following) starts on the event's day: its own articles report what came of
    # it ("Which river is at risk of flooding after the dam strike?").
    return replace(scope, date_from=day, date_to=scope.as_of)
