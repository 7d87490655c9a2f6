"""Which clause a number belongs to, where the aligned passage sentence contrasts two
("..., while San Francisco's unit ranks second (16.7)"), and whether a name is there in any
of its forms. Split from assistant/entailment.py (issue 15) to keep that module short."""

from __future__ import annotations

import re

from assistant.relations import _base, number_values, tokens
from assistant.text import STOPWORDS, content_words, stem

_CLAUSE_RE = re.compile(r",?\s+(?:and|but|while|whereas|although|though)\s+|;\s+|,\s+")


def has_name(stems: set[str], name: str) -> bool:
    """A name is there as itself or as a word of its first five letters ("Russia" in
    "Russian attempts", "Ukraine" in "Ukrainian officials"): the same party either way."""
    return name in stems or (len(name) >= 5 and any(s[:5] == name[:5] for s in stems))


_CONTRAST_RE = re.compile(r",?\s+(?:while|whereas|but)\s+|;\s+", re.I)


def _number_owner(claim: str, span: str, runs: list[set[str]], referred: bool = False) -> list[str]:
    """A number must come from the clause about the claim's actor where the aligned sentence
    contrasts two ("The Ravens defense has allowed the fewest points (16.1) ..., while San
    Francisco's unit ranks second in points (16.7)": 16.7 is not the Ravens'). Where the
    sentence refers to the actor ("The 35-year-old, who ..., conceded just 21 while Topley
    ... conceded only 17"), the first clause is the actor's."""
    clauses = [c for c in _CONTRAST_RE.split(span) if c.strip()]
    if len(clauses) < 2 or not runs or len(_CONTRAST_RE.split(claim)) > 1:
        return []  # a claim that itself contrasts two parties names each one's numbers
    actor = set().union(*runs)
    stems = [{stem(w) for w in tokens(c)} for c in clauses]
    own = [i for i, st in enumerate(stems) if any(has_name(st, n) for n in actor)]
    if not own and referred:
        own = [0]
    if not own:
        return []
    # A clause that names no party but the claim's own goes on about the actor ("Belgium
    # sit second ... by one point but two points behind group leaders, Netherlands").
    claim_stems = {stem(w) for w in tokens(claim)}
    own += [
        i for i, c in enumerate(clauses)
        if i not in own and _party_stems(c) and _party_stems(c) <= claim_stems
    ]  # fmt: skip
    out = []
    for n in sorted(number_values(claim)):
        holding = [i for i, c in enumerate(clauses) if n in number_values(c)]
        if holding and not set(holding) & set(own):
            out.append(f"number {n} belongs to another clause than the actor's")
    return out


def _number_predicate(claim: str, span: str) -> list[str]:
    """Where the aligned sentence contrasts two numbers ("97% used their phones during school
    hours, while nearly 60% used them overnight"), a claim clause's number must come from the
    span clause that holds the clause's own words ("97% used them overnight" mixes the two)."""
    clauses = [c for c in _CONTRAST_RE.split(span) if c.strip()]
    if len(clauses) < 2:
        return []
    c_nums = [number_values(c) for c in clauses]
    c_stems = [content_words(c) for c in clauses]
    out = []
    parts = [p for p in _CLAUSE_RE.split(claim) if p.strip()]
    for k, part in enumerate(parts):
        # Only this clause's own words: one it shares with another claim clause ("school"
        # in "during school hours, and ... on school nights") places nothing.
        words_ = content_words(part) - set().union(
            set(), *(content_words(q) for j, q in enumerate(parts) if j != k)
        )
        for n in sorted(number_values(part)):
            holding = [i for i, ns in enumerate(c_nums) if n in ns]
            if len(holding) != 1:
                continue
            home = holding[0]
            # Words of this claim clause found only in another span clause, one with its
            # own, different number.
            elsewhere = {
                w for w in words_ - c_stems[home]
                if any(w in c_stems[i] and c_nums[i] - {n} for i in range(len(clauses)) if i != home)
            }  # fmt: skip
            if elsewhere:
                out.append(f"number {n} goes with another clause than “{sorted(elsewhere)[0]}”")
    return out


def _party_stems(clause: str) -> set[str]:
    """Stems of the capitalised words past a clause's first word: the parties it names."""
    return {stem(w) for w in tokens(clause)[1:] if w[:1].isupper()}


# Words around a number that say nothing of what it counts.
_SKIP = STOPWORDS | {
    "billion",
    "million",
    "thousand",
    "trillion",
    "bn",
    "almost",
    "nearly",
    "about",
    "least",
    "around",
    "some",
}


def neighbour_number(claim: str, n: str, sentence: str) -> bool:
    """Whether number n hangs on the same word in the claim and in a sentence next to the
    aligned one ("offered £1.3 billion" / "Ratcliffe's £1.3billion offer", "a 7-inch LCD" /
    "a 7-inch 800p LCD"): a merged claim's number from the sentence that states it, not a
    number of another thing there."""
    if n not in number_values(sentence):
        return False

    def hooks(text: str) -> set[str]:
        toks = tokens(text)
        out: set[str] = set()
        for i, t in enumerate(toks):
            if not (n in number_values(t) or n in number_values(" ".join(toks[i : i + 2]))):
                continue
            out |= {_base(stem(p)) for p in t.split("-")[1:] if p.isalpha()}  # "7-inch"
            near = [w for w in toks[max(0, i - 2) : i] + toks[i + 1 : i + 3] if w.isalpha()]
            out |= {_base(stem(w)) for w in near if w.lower() not in _SKIP}
        return out

    return bool(hooks(claim) & hooks(sentence))
