"""Relative time in questions ("latest", "this week", "yesterday", "last month", "since
October", "before November 15") resolved against a reference date: now, or the `as_of` a
caller gives, into a publication-date range and an ordering intent.

Calendar conventions: weeks run Monday to Sunday ("last week" is the previous calendar week,
"past week" the seven days up to the reference date); a month or day named without a year is
the most recent one not after the reference date. A named event ("before the election",
"after the vote") takes its date from the corpus itself (event_day): the earliest article up to
the reference date whose title names it (headlines name an event when it happens), else the
earliest whose text does; when no article names it, search_in_time raises UnknownEvent, and the
Assistant searches the question as written and says so in the answer's time_note.

Where to apply it: to questions whose time words scope the whole question ("the latest on X",
"what happened last week"), or when the user gives a reference date. Not blindly to every
question: in MultiHop-RAG's multi-hop questions the dates describe the reports being compared
("the TechCrunch report on October 7 ... and the article on October 30"), and "Latest" is part
of a source's name; applied to all 150 sampled dev queries with time words, search_in_time
lowered fact recall@10 from 0.61 to 0.30 (benchmarks/time_questions.py --multihop 150).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from index.columns import chunk_date
from index.errors import AssistantError
from index.events import anchored, event_anchor
from index.latest import newer_about
from index.retrieval import Filters, Hit, HybridIndex
from index.subject import question_names, subject_words
from index.text import content_words, stem

MONTHS = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
} | {"sept": 9}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
# A day: "November 5", "Nov. 5th, 2023", "5 November 2023", "2023-11-05"; or a month: "October
# 2023", "October".
_DAY = rf"(?:{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?|(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+(\d{{4}})\b)?|(\d{{4}})-(\d{{2}})-(\d{{2}})\b)"
_MONTH_ONLY = rf"(?:{_MONTH}(?:\s+(\d{{4}}))?)"
_WHEN = rf"(?:{_DAY}|{_MONTH_ONLY})"
_WHEN_GROUPS = re.compile(_WHEN).groups  # 11: see _span for what each holds
WEEKDAYS = [calendar.day_name[i].lower() for i in range(7)]
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "a": 1, "an": 1, "few": 3, "several": 5, "ten": 10}  # fmt: skip

LATEST = re.compile(
    r"\b(latest|most recent(?:ly)?|newest|recent(?:ly)?|lately|current(?:ly)?|up[- ]to[- ]date"
    r"|last (?:thing|update|news)|right now|these days)\b",
    re.I,
)
EARLIEST = re.compile(r"\b(earliest|first reported|oldest|initially|at first)\b", re.I)
TIMELINE = re.compile(
    r"\b(timeline|chronolog\w*|how did .{2,80}? (?:develop|evolve|unfold|progress|change)"
    r"|how has .{2,80}? (?:developed|evolved|unfolded|changed)|sequence of events)\b",
    re.I,
)


@dataclass
class TimeScope:
    """What a question says about time. Dates are inclusive ISO days (None: open)."""

    as_of: date
    date_from: date | None = None
    date_to: date | None = None
    latest: bool = False  # prefer the newest relevant articles
    earliest: bool = False  # prefer the oldest
    timeline: bool = False  # a dated, oldest-first list of events
    phrase: str = ""  # the words that set the range, to drop from a search query
    event: str = ""  # a named event the range hangs on ("the election"), resolved by event_day
    event_word: str = ""  # before, after, since, until ...
    event_subject: tuple[str, ...] = ()  # the question's names, to tell which event it means

    @property
    def has_range(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def iso_range(self) -> tuple[str | None, str | None]:
        return (
            self.date_from.isoformat() if self.date_from else None,
            self.date_to.isoformat() if self.date_to else None,
        )


def to_date(value: date | datetime | str | None) -> date:
    """A reference date from a date, a datetime or an ISO string; None is today."""
    if value is None:
        return date.today()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        raise AssistantError(f"'{value}' is not a date; give one as YYYY-MM-DD.") from None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, day: int, ref: date) -> int:
    """The most recent year in which month/day is not after the reference date."""
    return ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1


def _span(m: re.Match[str], groups: tuple[int, ...], ref: date) -> tuple[date, date] | None:
    """The first and last day a _WHEN match names (groups: where its groups start)."""
    g = [m.group(i) for i in range(groups[0], groups[0] + 10)]
    try:
        if g[0]:  # Month day[, year]
            month, day = MONTHS[g[0].lower().rstrip(".")], int(g[1])
            year = int(g[2]) if g[2] else _year_for(month, day, ref)
            d = date(year, month, day)
            return d, d
        if g[3]:  # day Month[ year]
            month, day = MONTHS[g[4].lower().rstrip(".")], int(g[3])
            year = int(g[5]) if g[5] else _year_for(month, day, ref)
            d = date(year, month, day)
            return d, d
        if g[6]:  # ISO
            d = date(int(g[6]), int(g[7]), int(g[8]))
            return d, d
        if g[9]:  # Month [year]
            month = MONTHS[g[9].lower().rstrip(".")]
            year_text = m.group(groups[0] + 10)
            year = int(year_text) if year_text else _year_for(month, 1, ref)
            return date(year, month, 1), _month_end(year, month)
    except (KeyError, ValueError):
        return None
    return None


_RELATIVE = re.compile(
    r"\b(?P<rel>today|yesterday|the day before yesterday|tonight|this (?:week|month|year)"
    r"|earlier this (?:week|month|year)|last (?:week|month|year)|past (?:week|month|year)"
    r"|(?:in )?the (?:past|last) (?P<n>\d+|\w+) (?P<unit>days?|weeks?|months?)"
    r"|(?P<ago_n>\d+|\w+) (?P<ago_unit>days?|weeks?) ago"
    r"|(?P<wd_word>last|this past|on) (?P<wd>monday|tuesday|wednesday|thursday|friday|saturday"
    r"|sunday))\b",
    re.I,
)
_BOUND = re.compile(
    rf"\b(?P<word>since|after|before|until|till|through|by|prior to|as of|from|in|during|on)\s+"
    rf"(?:the\s+(?:start|beginning|end)\s+of\s+)?{_WHEN}",
    re.I,
)
_BETWEEN = re.compile(rf"\bbetween\s+{_WHEN}\s+and\s+{_WHEN}", re.I)


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMBERS.get(word.lower())


def _relative(m: re.Match[str], ref: date) -> tuple[date, date] | None:
    rel = m.group("rel").lower()
    monday = ref - timedelta(days=ref.weekday())
    if rel in ("today", "tonight"):
        return ref, ref
    if rel == "yesterday":
        return ref - timedelta(days=1), ref - timedelta(days=1)
    if rel == "the day before yesterday":
        return ref - timedelta(days=2), ref - timedelta(days=2)
    if rel.endswith("this week"):
        return monday, ref
    if rel.endswith("this month"):
        return ref.replace(day=1), ref
    if rel.endswith("this year"):
        return ref.replace(month=1, day=1), ref
    if rel == "last week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if rel == "last month":
        last = ref.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if rel == "last year":
        return date(ref.year - 1, 1, 1), date(ref.year - 1, 12, 31)
    if rel.startswith("past "):
        days = {"week": 7, "month": 30, "year": 365}[rel.split()[1]]
        return ref - timedelta(days=days), ref
    if m.group("n"):
        n = _count(m.group("n"))
        unit = m.group("unit").lower().rstrip("s")
        if n is None:
            return None
        days = n * {"day": 1, "week": 7, "month": 30}[unit]
        return ref - timedelta(days=days), ref
    if m.group("wd"):
        back = (ref.weekday() - WEEKDAYS.index(m.group("wd").lower())) % 7
        if back == 0 and m.group("wd_word").lower() != "on":
            back = 7  # "last Monday" said on a Monday is a week ago
        d = ref - timedelta(days=back)
        return d, d
    if m.group("ago_n"):
        n = _count(m.group("ago_n"))
        if n is None:
            return None
        if m.group("ago_unit").lower().startswith("week"):
            start = monday - timedelta(days=7 * n)
            return start, start + timedelta(days=6)
        d = ref - timedelta(days=n)
        return d, d
    return None


def resolve_time(question: str, as_of: date | datetime | str | None = None) -> TimeScope:
    """The time scope of a question, relative to `as_of` (default: today). A question about
    the latest news is bounded by the reference date too: nothing after it exists yet."""
    ref = to_date(as_of)
    scope = TimeScope(as_of=ref)
    scope.latest = bool(LATEST.search(question))
    scope.earliest = bool(EARLIEST.search(question)) and not scope.latest
    scope.timeline = bool(TIMELINE.search(question))
    between = _BETWEEN.search(question)
    if between:
        first = _span(between, (1,), ref)
        second = _span(between, (1 + _WHEN_GROUPS,), ref)
        if first and second:
            scope.date_from, scope.date_to = first[0], second[1]
            scope.phrase = between.group(0)
    if not scope.has_range:
        rel = _RELATIVE.search(question)
        span = _relative(rel, ref) if rel else None
        if rel and span:
            scope.date_from, scope.date_to = span
            scope.phrase = rel.group(0)
    if not scope.has_range:
        for bound in _BOUND.finditer(question):
            span = _span(bound, (2,), ref)
            if span is None:
                continue
            word = bound.group("word").lower()
            if word in ("since", "from", "as of"):
                scope.date_from, scope.date_to = span[0], ref
            elif word == "after":
                scope.date_from, scope.date_to = span[1] + timedelta(days=1), ref
            elif word in ("before", "prior to"):
                scope.date_to = span[0] - timedelta(days=1)
            elif word in ("until", "till", "through", "by"):
                scope.date_to = span[1]
            else:  # in, during, on
                scope.date_from, scope.date_to = span
            scope.phrase = bound.group(0)
            break
    if not scope.has_range:
        anchor = event_anchor(question)
        if anchor:
            scope.event, scope.event_word = anchor.group("event"), anchor.group("word").lower()
            scope.phrase = anchor.group(0).strip(" ,?.!")
            scope.event_subject = tuple(subject_words(question.replace(anchor.group(0), " ")))
    # Nothing published after the reference date exists yet as of then.
    ordered = scope.latest or scope.timeline or scope.earliest
    if ordered and (scope.date_to is None or scope.date_to > ref):
        scope.date_to = ref
    return scope


# A question that asks for a timeline as a whole (not one that mentions "the timeline" of a
# release, as three of MultiHop-RAG's 2,044 dev queries do): none of those dev queries match.
TIMELINE_ASK = re.compile(
    r"^\s*(?:how did .{2,80}? (?:develop|evolve|unfold|progress)\b"
    r"|how has .{2,80}? (?:developed|evolved|unfolded|progressed)\b"
    r"|(?:give|show|tell)(?: me)? (?:a |the )?(?:timeline|chronology) of\b"
    r"|what (?:is|was) the (?:timeline|chronology|sequence of events) of\b)",
    re.I,
)


# "What is the latest on X?": asking for the latest news itself, not a claim that is recent
# ("which company, recently reported by..."). None of MultiHop-RAG's 2,044 dev queries has it.
LATEST_NEWS = re.compile(
    r"\b(?:what(?:'s|’s| is| are)|tell me|give me|any)\b[^?]{0,20}\b(?:latest|most recent|newest)"
    r"\b(?:\s+(?:news|updates?|developments?|reports?))?\s+(?:on|about|in|with|regarding|for)\b",
    re.I,
)


def needs_time(question: str) -> bool:
    """Whether a question asked without a reference date still needs its time resolved (against
    today): a timeline ("how did X develop") orders articles by date whatever the date, "what
    is the latest on X" asks for the newest articles, and a named event ("after the election")
    places the question in time."""
    return bool(
        TIMELINE_ASK.search(question) or LATEST_NEWS.search(question) or event_anchor(question)
    )


def strip_time(question: str, scope: TimeScope) -> str:
    """The question without the words that set its time, for the search query."""
    text = question.replace(scope.phrase, " ") if scope.phrase else question
    text = LATEST.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


# Words that ask for news rather than say what it is about.
_FRAMING = content_words(
    "what whats tell give show news update updates development developments report reports "
    "story stories happen happened happening going on new going about regarding"
)


def _date_of(hit: Hit) -> str:
    return chunk_date(hit.chunk)


def search_in_time(
    index: HybridIndex,
    question: str,
    scope: TimeScope,
    k: int = 10,
    pool: int = 30,
    base: Filters | None = None,
) -> list[Hit]:
    """Passages for a question with a time scope: its period as a date filter, its time words
    out of the query, and for latest/earliest/timeline questions an article order by date.

    Latest (earliest): among the articles about the subject the newest (oldest) comes first,
    its best passage first, and only passages of that day's articles follow. About the subject: a title naming every subject word
    (subject_words), even when none of its passages made the pool; when no title does, a
    passage naming them that scores at least half the best one; else any such close passage.
    Latest also looks past the pool: a newer article whose headline names the subject (or
    what the articles call it) and a passage of which has it as a clause's subject wins
    (index.latest.newer_about). A timeline lists those articles oldest first, one passage each. `base` filters (sources,
    dates the user set) apply too; date ranges intersect.
    """
    scope = anchored(index, scope)
    start, end = scope.iso_range()
    if base is not None:
        start = max(filter(None, (start, base.date_from)), default=None)
        end = min(filter(None, (end, base.date_to)), default=None)
    filters = Filters(sources=list(base.sources) if base else [], date_from=start, date_to=end)
    query = strip_time(question, scope) or question
    ordered = scope.latest or scope.earliest or scope.timeline
    hits = index.search(query, k=max(k, pool) if ordered else k, filters=filters)
    if not ordered or not hits:
        return hits[:k]
    names = [re.compile(rf"\b{re.escape(w)}\b") for w in subject_words(query)]

    def names_all(text: str) -> bool:
        return bool(names) and all(n.search(text) for n in names)

    best: dict[str, Hit] = {}
    for h in hits:  # best passage per article, in score order
        best.setdefault(h.chunk.doc_id, h)
    top = hits[0].score
    # About the subject: articles whose title names all of it (the pool's, then any in range
    # that the pool missed); failing those, close passages that name it; failing those, any
    # close passage.
    # A title naming the subject counts when it also holds one of the question's other words,
    # if it has any, or its passage is close: "the US v Google antitrust trial" is not Sony
    # Music's "...Google's recent filing with the US Copyright Office".
    topic = content_words(query) - {stem(w) for w in subject_words(query)} - _FRAMING

    def on_topic(title: str, score: float = 0.0) -> bool:
        return names_all(title) and (
            not topic or bool(topic & content_words(title)) or score >= 0.5 * top
        )

    about = {doc: h for doc, h in best.items() if on_topic(h.chunk.title, h.score)}
    for chunk in index.chunks if names else []:
        if (
            chunk.doc_id not in about
            and on_topic(chunk.title)
            and filters.accepts(chunk, index.also_sources.get(chunk.doc_id, ()))
        ):
            about[chunk.doc_id] = Hit(chunk, 0.0)  # its first passage stands for it
    close = {doc: h for doc, h in best.items() if h.score >= 0.5 * top}
    if not about:
        about = {doc: h for doc, h in close.items() if names_all(h.chunk.text)} or close
    newest_first = not (scope.earliest or scope.timeline)
    docs = sorted(about.values(), key=lambda h: h.score, reverse=True)
    docs.sort(key=_date_of, reverse=newest_first)  # stable: best score first within a day
    if scope.timeline:
        return docs[:k]
    # Only the newest (oldest) day's articles go on: an answer drawn from the passages must
    # not quote an older article as the latest.
    lead, day = docs[0], _date_of(docs[0])
    if scope.latest:
        # A newer article about the subject whose headline does not name it (index.latest).
        newer = newer_about(index, query, hits, question_names(query), filters, day)
        if newer:
            return newer[:k]
    same_day = {h.chunk.doc_id for h in docs if _date_of(h) == day}
    return [lead, *(h for h in hits if h.chunk.doc_id in same_day and h is not lead)][:k]
