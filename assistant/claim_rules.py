"""What a claim may not add to the passage sentence it is aligned to, beyond the relation
rules of assistant/relations.py: a limit ("only affected large teams" where the passage says
"teams of all sizes"), blame ("Filashkin blamed Ukraine" where he only warned), and what a
rank is in ("10th in points" where the passage has "10th in yardage"), an admission the
passage only reports, "free" where it names a price, and certainty the passage does not
have (hedges: "could flood" is not "flooded"; intent: "will soon be available", "set to go
to trial", "attempted to ban" are not done). Each rule returns one-line reasons; an empty
list means the rule holds.
"""

from __future__ import annotations

import re

from assistant import lexicon
from assistant.relations import REPORTING, tokens
from assistant.text import STOPWORDS, stem

HEDGES = frozenset(
    ["could", "may", "might", "would", "potential", "potentially", "possible", "possibly"]
)
_CLAUSE_WORDS = frozenset(["though", "although", "but", "while", "whereas", "which", "who", "because"])  # fmt: skip
_OBJECT_START = frozenset(["its", "their", "his", "her", "the", "a", "an", "this", "that", "these"])
# Adjectival hedges qualify the next word only; modal verbs the verb phrase after them.
_HEDGE_ADJ = frozenset(["potential", "potentially", "possible", "possibly"])
_HEDGE_SKIP = frozenset(["be", "been", "have", "also", "still", "then", "now", "further", "eventually", "soon"])  # fmt: skip
# Modals by which a claim states no fact ("parents should be responsible for approving").
DEONTIC = frozenset(["should", "must", "ought"])
# Words by which a claim itself conveys doubt, so it does not overstate a hedged passage.
UNCERTAIN = frozenset(["threaten", "threatened", "threatening", "threatens", "unless", "plan", "plans", "planned", "expected", "research", "unclear", "uncertain", "unknown", "whether", "if", "risk", "risks", "fear", "fears", "warn", "warned"])  # fmt: skip


def blame(claim: str, span: str) -> list[str]:
    """A claim that someone blamed or accused ("Filashkin blamed Ukraine for striking the dam")
    needs a passage sentence that assigns blame, not one that only warns."""
    said = [t for t in tokens(claim) if lexicon.is_blame(t)]
    if said and not any(lexicon.is_blame(t) or stem(t) == "respons" for t in tokens(span)):
        return [f"“{said[0]}”: the passage blames no one"]
    return []


# Words by which a claim restricts what it states to one case ("only affected large teams").
RESTRICTORS = frozenset(["only", "solely", "exclusively"])


# Words by which a claim says a statement holds without exception ("intercepted all 145").
UNIVERSALS = frozenset(["all", "every", "entire", "entirely", "completely", "fully", "whole"])


def restriction(claim: str, span: str) -> list[str]:
    """A claim may not say "only" where the passage sets no such limit ("affected teams of all
    sizes"), nor "all" or "every" where the passage has no such word ("largely intercepted",
    "three major Moscow airports")."""
    words = {t.lower() for t in tokens(claim)}
    there = {t.lower() for t in tokens(span)}
    out = []
    said = RESTRICTORS & words
    if said and not (RESTRICTORS | {"just", "merely", "alone", "sole", "exclusive"}) & there:
        out.append(f"“{sorted(said)[0]}” is a limit the passage does not set")
    said = UNIVERSALS & words
    if said and not (UNIVERSALS | {"each", "everyone", "everything", "none"}) & there:
        out.append(f"“{sorted(said)[0]}” claims more than the passage says")
    return out


_ORDINALS = {w: i for i, w in enumerate(["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], 1)}  # fmt: skip


def _ranks(toks: list[str]) -> set[tuple[int, str]]:
    """(rank, what it ranks in) for "<ordinal> in <word>": "10th in yardage", "second in
    points"."""
    out = set()
    for i, t in enumerate(toks[:-2]):
        m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", t.lower())
        rank = int(m.group(1)) if m else _ORDINALS.get(t.lower())
        if rank and toks[i + 1].lower() == "in" and toks[i + 2].lower() not in STOPWORDS:
            out.add((rank, stem(toks[i + 2])))
    return out


def ranks(claim: str, span: str) -> list[str]:
    """A rank keeps what it ranks in: "10th in points" where the passage has "10th in
    yardage" (and "second in points")."""
    c, s = _ranks(tokens(claim)), _ranks(tokens(span))
    out = []
    for rank, what in sorted(c - s):
        there = sorted(w for r, w in s if r == rank)
        if there:
            out.append(f"“{rank} in {what}” where the passage has “{rank} in {there[0]}”")
    return out


# Verbs by which a claim says someone conceded or confirmed something ("Russia admitted
# striking the dam"): a passage that only reports it ("reportedly struck") concedes nothing.
ADMISSIONS = frozenset(["admit", "acknowledg", "confirm", "concede"])


def admission(claim: str, span: str) -> list[str]:
    """A claim that someone admitted or confirmed needs a passage sentence where someone
    says or confirms something, not one that only reports the event."""
    said = [t for t in tokens(claim) if lexicon.stem_in(t, ADMISSIONS)]
    if not said:
        return []
    st = tokens(span)
    if any(t.lower() in REPORTING or lexicon.is_affirm(t) or lexicon.is_deny(t) for t in st):
        return []
    return [f"“{said[0]}”: no one in the passage says so"]


_PRICE_RE = re.compile(r"(?:[$€£¥]\s?\d|\d+(?:\.\d+)?\s?(?:dollars|euros|cents)\b)", re.I)


def price(claim: str, span: str) -> list[str]:
    """ "Free" where the passage puts a price on it ("for just $1.99 per month")."""
    if "free" not in {t.lower() for t in tokens(claim)}:
        return []
    if "free" in {t.lower() for t in tokens(span)} or not _PRICE_RE.search(span):
        return []
    return ["“free” where the passage names a price"]


# What the passage says is only meant, planned or tried ("will soon be available", "set to
# go to trial", "attempted to ban"): a claim stating it as done overclaims. A bare "will" is
# left out: news describes what a product or rule does with it ("which will allow users").
_INTENT = re.compile(
    r"\b(?:will soon(?: be)?|(?:plans?|planned|planning|set|expected|aims?|aiming|intends?|seeks?|"
    r"seeking|vowed|vows|pledged|pledges|promised|promises|wants?|attempt(?:s|ed)?|tried|"
    r"tries|trying|hopes?|hoping) to|in hopes? of|hopes? that)\s+((?:\S+\s+){0,3}\S+)",
    re.I,
)
INTENT_CLAIM = frozenset(["will", "would", "plan", "plans", "planned", "planning", "set", "expected", "expects", "aim", "aims", "intend", "intends", "seek", "seeks", "vowed", "vows", "pledged", "pledges", "promised", "promises", "want", "wants", "attempt", "attempted", "attempts", "tried", "tries", "hope", "hopes", "hoping", "soon", "upcoming"])  # fmt: skip


_INTENT_LEMMAS = frozenset(["plan", "expect", "aim", "intend", "seek", "vow", "pledge", "promise", "want", "attempt", "try", "hope"])  # fmt: skip


def intent(claim: str, span: str) -> list[str]:
    """A claim may not state as done what the passage says is only planned or tried."""
    ct = [t.lower() for t in tokens(claim)]
    if set(ct) & (INTENT_CLAIM | HEDGES | UNCERTAIN):
        return []
    # Any inflection of an intent verb keeps the intent ("trying", "aimed", "sought"): the
    # list above missed some, and a claim quoting the passage's "trying to" was refused.
    if any(lexicon.base_forms(t) & _INTENT_LEMMAS for t in ct):
        return []
    # What is planned is an action: a name after it ("tried to paddle-sweep off Motie") is
    # a party to it, not the plan.
    scope = {
        stem(w) for m in _INTENT.finditer(span.replace("’", "'"))
        for w in tokens(m.group(1)) if w.lower() not in STOPWORDS and not w[:1].isupper()
    }  # fmt: skip
    # A word after a possessive names the attempt itself ("Brook's paddle-sweep" where he
    # "tried to paddle-sweep"): the attempt happened.
    owned = {k for k in range(1, len(ct)) if ct[k - 1].endswith("'s")}
    hit = scope & {stem(t) for k, t in enumerate(ct) if t not in STOPWORDS and k not in owned}
    return [f"the passage only says “{sorted(hit)[0]}” is planned or tried"] if hit else []


def hedges(claim: str, span: str) -> list[str]:
    """A claim may not state as done what the passage only says could happen."""
    ct = {t.lower() for t in tokens(claim)}
    if ct & (HEDGES | UNCERTAIN | DEONTIC):
        return []
    st = tokens(span)
    scope: set[str] = set()
    for i, t in enumerate(st):
        if t.lower() not in HEDGES or (t == "May" and i > 0):
            continue  # "May" within a sentence is the month ("who left in May")
        rest = [x for x in st[i + 1 : i + 6] if x.lower() not in _HEDGE_SKIP]
        if t.lower() in _HEDGE_ADJ and rest[:1] and rest[0].lower() == "to":
            rest = rest[1:]  # "has the potential to upend": a modal noun, its verb phrase
        elif t.lower() in _HEDGE_ADJ:
            scope |= {stem(x) for x in rest[:1]}  # "potentially sensitive images": one word
            continue
        if st[i + 1 : i + 2] and st[i + 1].lower() == "have" and re.search(r",\s+but\b", span):
            continue  # "Match may have settled ..., but Epic ...": conceded, not hedged
        # The hedged verb and what it governs, past "be"/"have" and adverbs.
        # The hedged verb phrase up to an object's determiner: "may account for its slip"
        # hedges the accounting, not the slip it presupposes.
        upto = next((k for k, x in enumerate(rest[:4]) if x.lower() in _OBJECT_START), 4)
        if "will" in ct:
            # A claim that it will happen overstates all the passage hedges, object too:
            # "will fund additional acquisitions" where "could open the door to additional
            # acquisitions", up to the next clause.
            rest = [x for x in st[i + 1 : i + 9] if x[:1].islower()]
            upto = next((k for k, x in enumerate(rest) if x.lower() in _CLAUSE_WORDS), len(rest))
        scope |= {stem(x) for x in rest[:upto] if x.lower() not in STOPWORDS}
    hit = scope & {stem(t) for t in ct if t not in STOPWORDS} - {"result", "lead"}
    return [f"the passage only says “{sorted(hit)[0]}” could happen"] if hit else []
