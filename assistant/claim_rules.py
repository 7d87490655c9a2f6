"""What a claim may not add to the passage sentence it is aligned to, beyond the relation
rules of assistant/relations.py: a limit ("only affected large teams" where the passage says
"teams of all sizes"), blame ("Filashkin blamed Ukraine" where he only warned), and what a
rank is in ("10th in points" where the passage has "10th in yardage"), an admission the
passage only reports, and "free" where it names a price. Each rule returns one-line
reasons; an empty list means the rule holds.
"""

from __future__ import annotations

import re

from assistant import lexicon
from assistant.relations import REPORTING, tokens
from assistant.text import STOPWORDS, stem


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
