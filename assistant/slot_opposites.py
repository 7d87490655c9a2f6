"""Opposites in the same slot: a claim that keeps the aligned sentence's words around a word
or two and swaps those for their opposite ("sales rose 15%" where "sales dropped a stunning
15%"; "climbing in position" where "slipping in position"; "will step down as CEO" where
"will stay on as CEO").

Word pairs fitted to a few articles did not carry to unseen ones (round 3), so opposition is
read from WordNet's structure rather than listed: two words are opposed when one's verb or
noun senses, or their hypernyms up to HOPS levels, are WordNet antonyms of the other's
(increase/decrease is then the opposition of "rise"/"drop", "expand"/"scale back",
"climb"/"slip"; obey/disobey that of "comply"/"flout"; continue/discontinue that of
"stay on"/"step down"). A word with senses on both sides decides nothing. Phrasal verbs are
read as WordNet's collocations ("scaling back" -> scale_back).

Only a substitution in the same slot counts (difflib's alignment of the two token
sequences: a replaced run of at most three tokens with the same words on at least one side),
so a paraphrase that reorders the sentence or tells it from the other side ("Tottenham lost"
/ "West Ham won") is not compared word by word.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache

from assistant import lexicon
from assistant.relations import NEG_CUES, tokens
from assistant.text import STOPWORDS
from assistant.wordnet_files import wordnet_files

HOPS = 2  # hypernym levels: deeper reaches "change" / "stay", which oppose almost anything
# Senses read per lemma, most frequent first (WordNet's order), and hypernym levels per part
# of speech: a word's rare senses ("board" a ship, "fall" into a category) and noun
# hierarchies ("cause" under "origin", opposite "result") oppose paraphrases by accident.
SENSES = {"v": 4, "n": 2}
LEVELS = {"v": HOPS, "n": 0}
SLOT_MAX = 3  # tokens on either side of a substitution
_POS = ("v", "n")


def senses(lemma: str) -> tuple[str, ...]:
    """The lemma's verb and noun synsets, SENSES[pos] of each, verbs first; keys are
    "<pos>:<offset>" (assistant.wordnet_files reads them on demand)."""
    wn = wordnet_files()
    return tuple(k for pos in _POS for k in wn.senses(pos, lemma, SENSES[pos]))


def parents(key: str) -> frozenset[str]:
    """A synset's hypernyms, instance hypernyms included."""
    ptrs = wordnet_files().synset(key).ptrs
    return ptrs.get("@", frozenset()) | ptrs.get("@i", frozenset())


def _antonyms(key: str) -> frozenset[str]:
    return wordnet_files().synset(key).ptrs.get("!", frozenset())


_BARE = NEG_CUES | {"yet", "longer", "still", "ever"}
_NOUN_AFTER = frozenset(["the", "a", "an", "its", "his", "her", "their", "our", "this", "that"])


def _lemmas(phrase: list[str], before: str = "") -> set[str]:
    """The WordNet lemmas a run of tokens may stand for: each word's base forms and the
    collocation of a verb with its particle ("scaling back" -> scale_back). A word after a
    determiner or a possessive is a noun ("its ban", "OpenAI's board"): "n:" marks it."""
    out: set[str] = set()
    words_ = [w.lower() for w in phrase]
    prev = [before.lower(), *words_]
    for w, p in zip(words_, prev, strict=False):
        if w not in STOPWORDS:
            noun = p in _NOUN_AFTER or p.endswith("'s")
            out |= {f"n:{b}" if noun else b for b in lexicon.base_forms(w)}
    for a, b in itertools.pairwise(words_):
        out |= {f"{x}_{b}" for x in lexicon.base_forms(a)}
    return out


@lru_cache(maxsize=8192)
def _reach(lemma: str) -> frozenset[str]:
    """The lemma's verb and noun synsets (nouns only for "n:<lemma>") and their hypernyms,
    LEVELS[pos] levels up."""
    noun_only = lemma.startswith("n:")
    seen: set[str] = set()
    for sense in senses(lemma.removeprefix("n:")):
        if noun_only and not sense.startswith("n:"):
            continue
        frontier = {sense}
        seen |= frontier
        for _ in range(LEVELS[sense[0]]):
            frontier = {p for s in frontier for p in parents(s)} - seen
            seen |= frontier
    return frozenset(seen)


def opposed(
    a: list[str], b: list[str], before_a: str = "", before_b: str = ""
) -> tuple[str, str] | None:
    """A lemma of run a and one of run b that WordNet opposes (through their hypernyms), or
    None. Runs that share a sense, or where one's sense is the other's hypernym, are a
    paraphrase whatever else their other senses oppose."""
    if not wordnet_files().available():
        return None
    la, lb = _lemmas(a, before_a), _lemmas(b, before_b)
    if {x.removeprefix("n:") for x in la} & {y.removeprefix("n:") for y in lb}:
        return None  # the same word stands on both sides: the slot did not change meaning
    own_a = {s for x in la for s in _reach(x) if s in senses(x.removeprefix("n:"))}
    if any(_reach(y) & own_a for y in lb):
        return None  # a sense in common (or one a hypernym of the other): a paraphrase
    for x in sorted(la):
        opp = {t for s in _reach(x) for t in _antonyms(s)}
        y = next((y for y in sorted(lb) if _reach(y) & opp), None)
        if y:
            return x.removeprefix("n:"), y.removeprefix("n:")
    return None


def slot_opposites(claim: str, span: str) -> list[str]:
    """Runs the claim replaces, in the same slot of the aligned sentence, by an opposite."""
    ct = [t.lower() for t in tokens(claim)]
    st = [t.lower() for t in tokens(span)]
    ops = SequenceMatcher(None, ct, st, autojunk=False).get_opcodes()
    out = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal" or i2 - i1 > SLOT_MAX or j2 - j1 > SLOT_MAX:
            continue
        anchored = (k and ops[k - 1][0] == "equal") or (
            k + 1 < len(ops) and ops[k + 1][0] == "equal"
        )
        if not anchored:
            continue
        before = (ct[i1 - 1] if i1 else "", st[j1 - 1] if j1 else "")
        c_neg = _negated(ct[i1:i2], ct[i2] if i2 < len(ct) else "", i1 == 0)
        s_neg = _negated(st[j1:j2], st[j2] if j2 < len(st) else "", j1 == 0)
        # Where one side has nothing in the slot, the other must be a bare negation ("had
        # not yet started"): a whole deny phrase the claim leaves out ("Peskov denied the
        # reports, calling them" / "Peskov calling them") may be said elsewhere in it.
        bare = all(t in _BARE for t in ct[i1:i2] + st[j1:j2]) or (i1 < i2 and j1 < j2)
        if c_neg != s_neg and bare and _governs(ops, k, ct):
            side = "claim" if c_neg else "passage"
            out.append(
                f"the {side} negates “{' '.join(ct[i2 : i2 + 3])}” in the same slot "
                f"(“{' '.join(ct[i1:i2])}” / “{' '.join(st[j1:j2])}”)"
            )
            continue
        if tag != "replace":
            continue
        pair = opposed(ct[i1:i2], st[j1:j2], *before)
        if pair:
            out.append(
                f"“{' '.join(ct[i1:i2])}” is the opposite of the passage's "
                f"“{' '.join(st[j1:j2])}” ({pair[0]} / {pair[1]})"
            )
    # Opposites WordNet's antonym pointers miss, from a polarity lexicon and WordNet's change
    # verbs (imported here: that module reads this one's slots).
    from assistant.evaluative_opposites import evaluative_opposites

    return out + evaluative_opposites(claim, span)


def _negated(run: list[str], following: str, first: bool) -> bool:
    """Whether a run negates what follows it. A deny or cease verb counts as a negation
    ("declined to comment" / "would not comment"); "No" opening a claim is a verdict, and
    "No. 1" a rank."""
    for i, t in enumerate(run):
        nxt = run[i + 1] if i + 1 < len(run) else following
        if t == "no" and ((first and i == 0) or nxt[:1].isdigit()):
            continue
        if t in NEG_CUES or t.endswith("n't") or lexicon.is_deny(t) or lexicon.is_cease(t):
            return True
    return False


def _governs(ops: Sequence[tuple[str, int, int, int, int]], k: int, ct: list[str]) -> bool:
    """Whether the words right after a negation that one side adds are the same on both
    sides, content words among them ("it can be deployed" / "it cannot be deployed"): the
    negation then falls on the same predicate."""
    if k + 1 >= len(ops) or ops[k + 1][0] != "equal":
        return False
    _, i1, i2, _, _ = ops[k + 1]
    return any(t not in STOPWORDS for t in ct[i1 : min(i2, i1 + 3)])


def slots(claim: str, span: str) -> list[tuple[list[str], list[str], list[str], list[str]]]:
    """Each run the claim replaces in the aligned sentence with the same words on at least
    one side, at most SLOT_MAX tokens either way: (claim run, passage run, the three tokens
    before each), in their own case (a capital tells a name). A short run against a long one
    is left out: read against the long run's edge next to the shared words ("praised its
    founder" / "..., just a year into the job, fired back at its founder"), it opposed
    near-identical sentences of unseen articles 8 times in 4,812 ("matches its all-time low"
    / "a $50 discount and an all-time low")."""
    ct, st = tokens(claim), tokens(span)
    low_c, low_s = [t.lower() for t in ct], [t.lower() for t in st]
    ops = SequenceMatcher(None, low_c, low_s, autojunk=False).get_opcodes()
    out = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "replace" or i2 - i1 > SLOT_MAX or j2 - j1 > SLOT_MAX:
            continue
        if (k and ops[k - 1][0] == "equal") or (k + 1 < len(ops) and ops[k + 1][0] == "equal"):
            out.append((ct[i1:i2], st[j1:j2], ct[max(0, i1 - 3) : i1], st[max(0, j1 - 3) : j1]))
    return out
