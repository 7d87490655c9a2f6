"""Negation by its head: the word a "not" governs must be negated on both sides or neither.

Round 3's polarity rule compared whole sentences: a negated claim passed whenever the
aligned sentence held any negation ("his side did not dominate the game" over "we've
dominated a game ... but we haven't taken advantage", where the negation falls on "taken"),
and a negation in the passage needed two of its next four words in the claim. Here each
negation cue is read with its head, the first word after it past auxiliaries and adverbs
("did not dominate" -> dominate, "hasn't yet looked" -> look), and:
- a head the claim negates must not stand un-negated in the aligned sentence;
- a verb or adjective the passage negates ("not", "n't", "never", "cannot"; not "no" or
  "without", which take nouns: "no plan") must not stand un-negated in the claim.
Heads match by WordNet base form ("dominated" / "dominate").
"""

from __future__ import annotations

from assistant import lexicon
from assistant.relations import NEG_CUES, tokens
from assistant.text import STOPWORDS

_VERBAL = frozenset(["not", "never", "cannot"])  # cues that take a verb or an adjective
_SKIP = frozenset(["be", "been", "being", "have", "has", "had", "yet", "even", "ever", "always", "really", "necessarily", "just", "only", "also", "so", "too", "very", "fully", "quite", "to"])  # fmt: skip


def _cue(tok: str, deny: bool = False) -> bool:
    """A negation cue; with deny, also a deny or cease verb, which governs its head as a
    negation does ("declined to comment" asserts no commenting)."""
    if tok in NEG_CUES or tok.endswith("n't"):
        return True
    return deny and (lexicon.is_deny(tok) or lexicon.is_cease(tok))


def _heads(
    toks: list[str], verbal_only: bool = False, deny: bool = False
) -> tuple[set[str], set[int]]:
    """(base forms of the negated heads, their positions)."""
    bases: set[str] = set()
    at: set[int] = set()
    for i, t in enumerate(toks):
        if not _cue(t, deny) or (verbal_only and t not in _VERBAL and not t.endswith("n't")):
            continue
        if t == "no" and (i == 0 or (i + 1 < len(toks) and toks[i + 1][:1].isdigit())):
            continue  # "No. The Kremlin ...": a verdict; "No. 1": a rank
        if t == "no" and i + 1 < len(toks) and toks[i + 1] == "longer":
            continue  # "no longer" negates what follows "longer"; read as not-continuing
        for j in range(i + 1, min(i + 5, len(toks))):
            w = toks[j]
            if w in _SKIP or w in STOPWORDS:
                continue
            if _cue(w, deny=True):
                break  # "did not deny": the deny rules read it
            bases |= lexicon.base_forms(w)
            at.add(j)
            break
    return bases, at


def _asserted(toks: list[str], bases: set[str], negated_at: set[int]) -> str | None:
    """A token whose base form is among bases and that no negation governs."""
    for j, w in enumerate(toks):
        if j in negated_at or w in STOPWORDS:
            continue
        if lexicon.base_forms(w) & bases:
            return w
    return None


def negation_heads(claim: str, span: str) -> list[str]:
    ct = [t.lower() for t in tokens(claim)]
    st = [t.lower() for t in tokens(span)]
    out = []
    c_heads, c_at = _heads(ct)
    s_heads_all, s_at_all = _heads(st, deny=True)
    hit = _asserted(st, c_heads - s_heads_all, s_at_all)
    if hit:
        out.append(f"the claim negates “{hit}”, which the passage asserts")
    s_heads, _ = _heads(st, verbal_only=True)
    verbal = {b for b in s_heads if lexicon.is_verb(b) or lexicon.is_word(b)}
    # A word the passage also asserts elsewhere ("want ... if you don't want") is left open.
    also = {b for j, w in enumerate(st) if j not in s_at_all for b in lexicon.base_forms(w)}
    hit = _asserted(ct, verbal - c_heads - also, c_at)
    if hit:
        out.append(f"the passage negates “{hit}”, which the claim asserts")
    return out
