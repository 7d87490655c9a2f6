"""Candidate answers in passage text, found without a trained tagger (PyPI has no official
spaCy model wheels and GLiNER downloads its weights at run time): capitalised runs typed by
their own words ("Vovcha River", "Institute for ..."), the words around them ("spokesperson
Dmitry Peskov", "X reported"), the indexed sources' names, and number and date patterns. A
`Lexicon` built from all the passages links a bare surname to the full name found elsewhere
("Peskov" -> "Dmitry Peskov") and lets the typing of one mention inform the others.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.name_words import NameWords, headline_spans
from assistant.span_words import (
    EVENT_HEADS,
    ORG_HEADS,
    PLACE_HEADS,
    PUB_HEADS,
    SAYS,
    STYLES,
    TITLES,
)
from index.query_analysis import MONTHS, SourceMatcher
from index.text import NUMBER_WORDS, STOPWORDS, content_words, sentences, stem

_TOKEN = re.compile(r"[A-Za-z0-9$£€][\w$£€.’'&%-]*[\w%.]|[A-Za-z0-9$£€%&]")
_CONNECT = frozenset({"of", "for", "the", "de", "da", "van", "von", "der", "al", "bin", "&", "on"})
_CALENDAR = frozenset(MONTHS) | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
# Capitalised words that start sentences or titles without naming anything.
_NOT_NAMES = STOPWORDS | frozenset(
    [
        "i", "mr", "mrs", "ms", "dr", "however", "meanwhile", "still", "yet", "now", "then",
        "after", "while", "but", "and", "or", "so", "in", "on", "at", "this", "that", "these",
        "those", "it", "its", "they", "we", "our", "he", "she", "his", "her", "their", "there",
        "here", "today", "yesterday", "tomorrow", "also", "although", "though", "despite",
        "according", "read", "getting", "table", "contents", "update", "watch", "photo", "video",
        "click", "subscribe", "sign", "advertisement", "related", "more"
    ]
)  # fmt: skip
_WORDS = re.compile(r"[A-Za-z0-9][\w’'-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
# "Russian", "European", "Chinese": adjectives of a place, not answers.
_DEMONYM = re.compile(r"(?:ian|ean|ese|ish|ic)$")
_PLACE_BEFORE = frozenset(
    ["in", "near", "at", "from", "across", "into", "outside", "toward", "towards", "of"]
)
_ORG_BEFORE = frozenset(
    ["company", "firm", "startup", "maker", "giant", "rival", "retailer", "platform", "app"]
)
_NUM_SPAN = re.compile(
    r"(?:(?:at least|about|around|nearly|almost|more than|over|some|up to|roughly|"
    r"approximately)\s+)?"
    r"(?:[$£€]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?)"
    r"(?:\s?(?:%|percent|per cent|trillion|billion|million|thousand|bn|m)\b)?"
    r"(?:[- ](?:years?|months?|weeks?|days?|hours?|minutes?|decades?)(?:-old)?\b)?"
    r"|(?:(?:at least|about|around|nearly|almost|more than|over|some|up to)\s+)?\b(?:"
    + "|".join(sorted((w for w in NUMBER_WORDS if w not in ("hundred",)), key=len, reverse=True))
    + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"(?:\s(?:hundred|thousand|million|billion))?\b"
    r"(?:[- ](?:years?|months?|weeks?|days?|hours?|minutes?|decades?)(?:-old)?\b)?",
    re.I,
)
_MONTH_ALT = "|".join(sorted((m for m in MONTHS if len(m) > 2), key=len, reverse=True))
_DATE_SPAN = re.compile(
    rf"\b(?:(?:{_MONTH_ALT})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_ALT})(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTH_ALT})\s+\d{{4}}"
    r"|(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?:in\s+)?(?:19|20)\d{2}"
    r"|\d{1,2}:\d{2}\s?(?:a\.m\.|p\.m\.|am|pm)?(?:\s?[A-Z]{2,3}T)?"
    r"|(?:last|next|this)\s+(?:week|month|year|weekend)|yesterday|earlier this (?:week|month|year))\b",
    re.I,
)


@dataclass(frozen=True)
class Span:
    """A candidate answer in a sentence: offsets are into that sentence."""

    text: str
    start: int
    end: int
    kind: str  # a FACTOID kind, or "name" for a name of unknown kind
    confidence: float


@dataclass
class Lexicon:
    """The names found in a set of passages: full forms and typing votes for each."""

    sources: SourceMatcher | None = None
    full: dict[str, str] = field(default_factory=dict)  # last word / short form -> fullest
    votes: dict[str, Counter[str]] = field(default_factory=dict)
    words: NameWords | None = None  # which capitalised words the passages write as names

    @classmethod
    def from_texts(cls, texts: Iterable[str], sources: Iterable[str] = ()) -> Lexicon:
        split = [sentences(text) for text in texts]
        lex = cls(
            SourceMatcher(sources), words=NameWords.from_sentences(s for t in split for s in t)
        )
        forms: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for sents in split:
            for span in (s for sent in sents for s in find_spans(sent, lex, True)):
                words = span.text.split()
                key = span.text.lower()
                lex.votes.setdefault(key, Counter())[span.kind] += 1
                if len(words) >= 2 and span.kind == "person":
                    forms[words[-1].lower()][span.text] += 1
        # The form the passages use most ("Sam Bankman-Fried", not his brother "Gabe
        # Bankman-Fried"), the longer on a tie.
        for last, seen in forms.items():
            lex.full[last] = max(seen, key=lambda f: (seen[f], len(f)))
        return lex

    def kind_of(self, text: str, kind: str, confidence: float) -> tuple[str, float]:
        """The kind a name most often got in the passages, when this mention is untyped."""
        if kind != "name":
            return kind, confidence
        votes = self.votes.get(text.lower())
        if text.lower() in self.full and len(text.split()) == 1:
            return "person", 0.7
        if votes:
            typed = [(n, k) for k, n in votes.items() if k != "name"]
            if typed:
                return max(typed)[1], 0.6
        return kind, confidence

    def expand(self, text: str) -> str:
        """The fullest form of a name seen in the passages ("Trump" -> "Donald Trump")."""
        if len(text.split()) == 1:
            return self.full.get(text.lower(), text)
        return text


def find_spans(
    sentence: str, lexicon: Lexicon | None = None, names_only: bool = False
) -> list[Span]:
    """Candidate answers in one sentence: names (typed where the text says), numbers, dates."""
    out = _name_spans(sentence, lexicon)
    if names_only:
        return out
    taken: list[tuple[int, int]] = []
    for m in _DATE_SPAN.finditer(sentence):
        text = re.sub(r"^(?:on|in)\s+", "", m.group(0), flags=re.I)
        start = m.end() - len(text)
        out.append(Span(text, start, m.end(), "date", 0.9))
        taken.append((m.start(), m.end()))
    for m in _NUM_SPAN.finditer(sentence):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        text = m.group(0).rstrip(",.")
        if text.lower() in ("one", "some") or sentence[m.end() : m.end() + 1].isalpha():
            continue  # "1970s", "5G": not a count
        out.append(Span(text, m.start(), m.start() + len(text), "number", 0.9))
    return out


def _name_spans(sentence: str, lexicon: Lexicon | None) -> list[Span]:
    toks = [(m.start(), m.end(), m.group(0).rstrip(".")) for m in _TOKEN.finditer(sentence)]

    def joined(a: int, b: int) -> bool:
        # Tokens a and b belong to one name: only spaces between them, and a does not end a
        # sentence ("Ukraine. Trump").
        gap = sentence[toks[a][1] : toks[b][0]]
        raw = sentence[toks[a][0] : toks[a][1]]
        ends = raw.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,3}\.", raw)
        return gap.strip(" ") == "" and "\n" not in gap and not ends

    spans: list[Span] = []
    heads = headline_spans(sentence) if lexicon is not None and lexicon.words else []
    i = 0
    while i < len(toks):
        if not _capital(toks[i][2]) or toks[i][2].lower() in _NOT_NAMES:
            i += 1
            continue
        j = i + 1
        while j < len(toks) and not _POSSESSIVE.search(toks[j - 1][2]) and joined(j - 1, j):
            if _capital(toks[j][2]) and toks[j][2].lower() not in _NOT_NAMES:
                j += 1
                continue
            k = j
            while (
                k < len(toks) and toks[k][2].lower() in _CONNECT and k - j < 2 and joined(k - 1, k)
            ):
                k += 1
            if k > j and k < len(toks) and _capital(toks[k][2]) and joined(k - 1, k):
                j = k + 1
                continue
            break
        # "U.S. President-elect Donald Trump": the name starts after the last title word.
        titled = [
            k
            for k in range(i, j - 1)
            if toks[k][2].lower().split("-")[0] in TITLES and toks[k][2].lower() not in STYLES
        ]
        if titled:
            i = titled[-1] + 1
            while i < j - 1 and not _capital(toks[i][2]):
                i += 1  # "Head of AI": a name does not start with its connector
        if lexicon is not None and lexicon.words is not None:
            # "Check India", "World Champions Australia", "Winners List": common words
            # capitalised by their place, not names (assistant/name_words.py).
            opening = i == 0 or sentence[: toks[i][0]].rstrip()[-1:] in ':"“‘—–('
            headline = any(a <= toks[i][0] < b for a, b in heads)
            i += lexicon.words.trim([t[2] for t in toks[i:j]], opening, headline)
            if i >= j:
                continue
        words = [t[2] for t in toks[i:j]]
        if words[0].lower() in _CALENDAR or (len(words) == 1 and _DEMONYM.search(words[0])):
            i = j
            continue
        # "Trump’s" -> "Trump"; a possessive ends the name.
        last = _POSSESSIVE.sub("", words[-1])
        start, end = toks[i][0], toks[j - 1][0] + len(last)
        text = sentence[start:end]
        prev = toks[i - 1][2].lower() if i > 0 else ""
        nxt = toks[j][2].lower() if j < len(toks) else ""
        kind, conf = _name_kind([*words[:-1], last], prev, nxt, i == 0, lexicon)
        if lexicon is not None:
            kind, conf = lexicon.kind_of(text, kind, conf)
        if i == 0 and j == 1 and kind == "name":
            i = j
            continue  # one capitalised word opening a sentence: most likely not a name
        after_place = spans and spans[-1].kind == "place"
        if kind == "name" and after_place and sentence[spans[-1].end : start].strip() == ",":
            kind, conf = "place", 0.7  # "Kurakhove, Donetsk"
        if last != words[-1]:
            # "Diana’s partner Dodi Fayed", "Trump’s communications director, Steven Cheung":
            # the possessor is rarely the one asked about.
            conf *= 0.6
        spans.append(Span(text, start, end, kind, conf))
        i = j
    return spans


def _capital(tok: str) -> bool:
    return tok[:1].isupper() or (tok[:1].isdigit() and any(c.isupper() for c in tok))


def _name_kind(
    words: list[str], prev: str, nxt: str, opening: bool, lexicon: Lexicon | None
) -> tuple[str, float]:
    low = [w.lower() for w in words]
    text = " ".join(words)
    if lexicon is not None and lexicon.sources is not None and lexicon.sources.find(text):
        return "publication", 0.95
    if low[-1] in PUB_HEADS:
        return "publication", 0.85
    if nxt in ("reported", "reports") or (prev == "according" and low[-1] in PUB_HEADS):
        return "publication", 0.6
    if low[-1] in PLACE_HEADS:
        return "place", 0.85
    if low[-1] in ORG_HEADS or low[0] in ("institute", "university", "bank", "ministry"):
        return "organisation", 0.85
    if low[-1] in EVENT_HEADS:
        return "event", 0.8
    if prev in TITLES or low[0] in STYLES or (nxt in SAYS and len(words) >= 2):
        return "person", 0.9
    if prev in _ORG_BEFORE or nxt in ("inc", "corp", "shares", "stock"):
        return "organisation", 0.8
    if len(words) == 1 and "." in text:
        return "place", 0.6  # "U.S.", "U.K."
    if len(words) == 1 and ((text.isupper() and len(text) >= 2) or _camel(text)):
        return "organisation", 0.6  # "NATO", "FTX", "OpenAI"
    if len(words) == 1 and prev in _PLACE_BEFORE:
        return "place", 0.5
    # Not a run of words the passages also write lower-case ("the World Champions").
    common = lexicon is not None and lexicon.words is not None and lexicon.words.all_common(words)
    if 2 <= len(words) <= 3 and all(_titlecase(w) for w in words) and not common:
        return "person", 0.6
    return "name", 0.4


def _camel(word: str) -> bool:
    # "OpenAI", "iPhone"; not "Bankman-Fried", whose capital starts a part of a surname.
    parts = word.split("-")
    return any(any(c.isupper() for c in p[1:]) for p in parts) and any(c.islower() for c in word)


def _titlecase(word: str) -> bool:
    """ "Peskov", "Bankman-Fried", "O'Brien": how a part of a person's name is written."""
    return all(
        p[:1].isupper() and p[1:].replace("'", "").replace("’", "").islower()
        for p in word.split("-")
        if p
    )


def in_question(span: Span, question: str) -> bool:
    """Whether the question already holds the span (it cannot be the answer)."""
    if span.kind in ("number", "date"):
        return span.text.lower() in question.lower()
    words = content_words(span.text)
    asked = content_words(question)
    if (
        span.kind == "person"
        and len(span.text.split()) >= 2
        and stem(span.text.split()[-1]) in asked
    ):
        return True  # "Vladimir Putin" is the question's "Putin"
    # "Ukraine" is in a question about a "Ukrainian region".
    return bool(words) and all(
        w in asked or (len(w) >= 4 and any(q.startswith(w) for q in asked)) for w in words
    )


def focus_in(focus: str | None, sentence: str) -> bool:
    """Whether the sentence mentions what the question counts or measures."""
    return focus is None or stem(focus) in content_words(sentence)


_MONEY_AFTER = re.compile(r"^\s*(?:dollars|pounds|euros|yuan|yen|rupees|usd|eur)\b", re.I)
_MONEY_IN = re.compile(r"[$£€]|\b(?:million|billion|trillion|bn)\b", re.I)


def carries_unit(span: Span, sentence: str, unit: str | None) -> bool:
    """Whether a number span is the kind of amount asked for (money, an age, a percentage)."""
    if unit is None or span.kind != "number":
        return True
    after = sentence[span.end : span.end + 20]
    if unit == "money":
        return bool(_MONEY_IN.search(span.text) or _MONEY_AFTER.match(after))
    if unit == "age":
        before = sentence[max(0, span.start - 8) : span.start].lower()
        return "old" in span.text.lower() or "years old" in after or "aged" in before
    return "%" in span.text or "percent" in (span.text + after[:9]).lower()


def near_focus(span: Span, sentence: str, focus: str | None, window: int = 4) -> bool:
    """Whether the counted noun sits within `window` words of a number span ("84 Ukrainian
    drones", "people and injured 21"): a number far from it counts something else."""
    if focus is None or span.kind != "number":
        return True
    target = stem(focus)
    before = [stem(w) for w in _WORDS.findall(sentence[: span.start])][-window:]
    after = [stem(w) for w in _WORDS.findall(sentence[span.end :])][:window]
    return target in before or target in after
