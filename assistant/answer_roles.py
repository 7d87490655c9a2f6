"""What a candidate answer must be beyond its kind (issue 12's near misses):

- the role the question asks about: "Who is the chancellor of Germany?" is not answered by
  "Foreign Minister Annalena Baerbock", nor "Which company builds the drones" by "Russia's
  Ministry of Defense". An office ("chancellor", "spokesperson", "CEO") must be borne by the
  candidate in its sentence ("Chancellor Olaf Scholz", "Olaf Scholz, the German chancellor");
  a commercial kind ("company", "firm") may not be answered by a public body.
- the question's named entities: "What did Peskov say about NATO expansion?" is not answered
  from passages that never name NATO (salient_missing).

Roles that many sentences leave unsaid ("official", "person", "player", "actress") are not
checked: their answers are rarely written beside them.
"""

from __future__ import annotations

import re

from assistant.spans import Span
from index.query_analysis import MONTHS, SourceMatcher
from index.retrieval import Hit
from index.text import MARKER_RE, names, sentences, stem, words

# Offices whose holder a sentence names beside the title, so an answer must carry it. Each
# is a tuple of stems matched as a phrase; alternatives stand for the same office.
_SPOKES = (("spokesperson",), ("spokesman",), ("spokeswoman",))
_CHAIR = (("chairman",), ("chair",), ("chairwoman",))
_CEO = (("ceo",), ("chief", "execut"))
_OFFICES: dict[str, tuple[tuple[str, ...], ...]] = {
    "chancellor": (("chancellor",),),
    "prime minister": (("prime", "minist"), ("premier",)),
    "president": (("presid",),),
    # A cabinet secretary is a minister ("UK Defense Secretary John Healey").
    "minister": (("minist",), ("secretari",)),
    "secretary": (("secretari",), ("minist",)),
    "ceo": _CEO,
    "chief executive": _CEO,
    "spokesperson": _SPOKES,
    "spokesman": _SPOKES,
    "spokeswoman": _SPOKES,
    "governor": (("governor",),),
    "mayor": (("mayor",),),
    "ambassador": (("ambassador",),),
    "chairman": _CHAIR,
    "chairwoman": _CHAIR,
    "senator": (("senat",), ("sen",)),
    "vice president": (("vice", "presid"), ("vp",)),
    "vp": (("vice", "presid"), ("vp",)),
}
_COMMERCIAL = frozenset(
    ["company", "companies", "firm", "firms", "startup", "startups", "maker", "manufacturer",
     "business", "businesses", "corporation", "brand", "brands", "retailer", "automaker"]
)  # fmt: skip
# A name holding one of these is a public body, never a company.
_PUBLIC_BODY = frozenset(
    stem(w)
    for w in [
        "ministry", "department", "agency", "council", "commission", "committee", "parliament",
        "senate", "congress", "kremlin", "pentagon", "administration", "bureau", "government",
        "army", "military", "police", "court", "party", "navy",
    ]
)  # fmt: skip
_OFFICE_ALT = "|".join(sorted((re.escape(k) for k in _OFFICES), key=len, reverse=True))
# "Who is the chancellor of Germany?", "Which Kremlin spokesperson ...", "the name of the CEO".
_ASKED_OFFICE = re.compile(
    rf"^\s*who\s+(?:is|was|are|were)\s+(?:the\s+|\w+['’]s\s+)?(?:[\w-]+\s+)?(?P<a>{_OFFICE_ALT})\b"
    rf"|\b(?:which|what)\s+(?:[\w’'-]+\s+){{0,3}}?(?P<b>{_OFFICE_ALT})\b"
    rf"|\bname\s+of\s+(?:the\s+|\w+['’]s\s+)?(?:\w+\s+)?(?P<c>{_OFFICE_ALT})\b",
    re.I,
)
_ASKED_KIND = re.compile(
    rf"\b(?:which|what)\s+(?:[\w’'-]+\s+){{0,3}}?(?P<k>{'|'.join(sorted(_COMMERCIAL))})\b", re.I
)
# Dates are written in many ways ("on December 7", "12/7"): a month is no entity to find.
_CALENDAR = frozenset(MONTHS) | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
_ATTRIBUTED = re.compile(
    r"\b(?:according\s+to|(?:reported|published|written|said)\s+(?:by|in)|as\s+(?:\w+\s+)?by)"
    r"\s+(?:the\s+)?(?:(?-i:[A-Z])[\w&.’'-]*\s*)+",
    re.I,
)
BEFORE, AFTER = 3, 6  # words before a name, and in an apposition after it, for its title


def asked_office(question: str) -> str | None:
    """The office the question asks who holds ("chancellor"), or None."""
    m = _ASKED_OFFICE.search(" ".join(question.split()))
    if m is None:
        return None
    return (m.group("a") or m.group("b") or m.group("c")).lower()


def asked_commercial(question: str) -> bool:
    """Whether the question asks for a company (not any organisation)."""
    return bool(_ASKED_KIND.search(question))


def bears_office(span: Span, sentence: str, office: str) -> bool:
    """Whether the name carries the office's title: right before it ("Germany's Chancellor
    Olaf Scholz") or in an apposition after it ("Olaf Scholz, the German chancellor,"). A
    title further off is someone else's ("the VP of the centre said AI ...")."""
    before = [stem(w) for w in words(sentence[: span.start])][-BEFORE:]
    rest = sentence[span.end :]
    after = [stem(w) for w in words(rest)][:AFTER] if rest.lstrip().startswith(",") else []
    inside = [stem(w) for w in words(span.text)]
    return any(
        _has_phrase(toks, phrase) for phrase in _OFFICES[office] for toks in (before, after, inside)
    )


def _has_phrase(toks: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(toks[i : i + n]) == phrase for i in range(len(toks) - n + 1))


def fits_role(span: Span, sentence: str, question: str) -> bool:
    """Whether a name span can be what the question asks for beyond its kind (module doc)."""
    if span.kind in ("number", "date"):
        return True
    if span.kind == "person" and re.fullmatch(r"[A-Z0-9&.-]+", span.text):
        return False  # an acronym ("AI", "IIHS") names no person
    office = asked_office(question)
    if office is not None and not bears_office(span, sentence, office):
        return False
    return not (asked_commercial(question) and {stem(w) for w in words(span.text)} & _PUBLIC_BODY)


def salient_missing(question: str, answer: str, passages: list[Hit]) -> list[str]:
    """The question's names (not its outlets) that no passage given to the answer step holds,
    in its text or title: an answer that cites any of them is about something else. Not the
    cited passages alone: a multi-hop question names more than its answer's sentences hold
    (MultiHop-RAG dev sample 200 seed 2: a correct OpenAI answer declined for "Turbo")."""
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer)}
    if not any(1 <= n <= len(passages) for n in cited):
        return []
    held = passages
    outlets = SourceMatcher(h.chunk.source for h in passages if h.chunk.source)
    q = " ".join(question.split())
    for m in reversed(outlets.find(q)):
        q = q[: m.start] + q[m.end :]
    # An outlet the passages do not come from ("According to AP, ...": a wire copy's outlet,
    # or one a filter narrows to) is who reported it, not what it is about.
    q = _ATTRIBUTED.sub(" ", q)
    # A name as the question writes it, matched by its first five letters ("Russia" holds
    # "Russian"), as the citation check matches names.
    text = MARKER_RE.sub(" ", " ".join(f"{h.chunk.title} {h.chunk.text}" for h in held))
    capitalised = {w for w in words(text) if w[:1].isupper()}
    have = {stem(w)[:5] for w in capitalised}
    wanted = {
        re.sub(r"['’]s$", "", w): stem(w)
        for w in words(q)[1:]
        if w[:1].isupper() and stem(w) in names(q) and w.lower() not in _CALENDAR
    }
    return sorted(
        w
        for w, s in wanted.items()
        if s[:5] not in have and not any(misspelt(s, c) for c in capitalised)
    )


def misspelt(typed: str, name: str) -> bool:
    """Whether a name as a user typed it is one slip from a name in the passages ("Trunp",
    "Zelenksy"): one letter changed, added, dropped or two swapped; two slips in names of
    eight letters or more. Short names must match: "NATO" is not "NASA"."""
    a, b = typed.lower(), name.lower()
    if min(len(a), len(b)) < 5 or a == b:
        return False
    slips = 1 if min(len(a), len(b)) < 8 else 2
    if abs(len(a) - len(b)) > slips or a[0] != b[0]:
        return False
    # Optimal string alignment distance (Damerau-Levenshtein without repeated edits).
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1] <= slips


def bare_lead(answer: str) -> bool:
    """Whether a direct answer is its lead alone ("Peter Dilworth [3]."): the citation check
    dropped every sentence that said who or what it is, so nothing in the answer shows it."""
    parts = [MARKER_RE.sub("", x).strip(" .") for x in sentences(answer)]
    if len(parts) != 1 or not parts[0]:
        return False
    leads = re.split(r",\s*|\s+and\s+", parts[0])
    return all(0 < len(words(n)) <= 6 and all(map(_name_word, words(n))) for n in leads)


def _name_word(word: str) -> bool:
    # A lead is names or figures: "Institute for the Study of War", "$26.3 billion".
    return word[:1].isupper() or word[:1].isdigit() or word.lower() in _LEAD_GLUE


_LEAD_GLUE = frozenset(
    ["of", "for", "the", "de", "da", "van", "von", "al", "bin", "million", "billion", "percent"]
)
