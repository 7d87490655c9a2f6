"""Done or only possible, planned or wanted? The overclaim rule of issue 15, round 5.

A claim that states an action as done ("Bankman-Fried gave up his wealth", "Scalable has
already used the funds") overclaims where the aligned passage sentence has that verb only
under a modal ("will be using", "could open") or as an infinitive governed by a word that
does not entail it ("was willing to give up", "agreed to pay", "plans to cut"). Heads that
do entail their infinitive ("managed to", "was able to", "went on to", "began to") leave it
done; an infinitive after a noun ("launched drones to attack") is a purpose, left alone: the
action usually happened. The verbs are matched through their WordNet base forms
(role_frames.verb_lemmas), so every inflection counts; claim_rules.hedges and intent cover
the wording around a shared verb ("could flood", "plans to").
"""

from __future__ import annotations

import re

from assistant import lexicon
from assistant.claim_rules import HEDGES, INTENT_CLAIM, UNCERTAIN
from assistant.relations import is_name, tokens
from assistant.role_frames import BE, MODALS, frames, is_verb_at, same_verb, verb_lemmas
from assistant.text import STOPWORDS

# Heads whose infinitive happened: implicative verbs and adjectives of English grammars
# (Karttunen 1971: manage, remember, bother, dare, happen, get; "able" as their adjective),
# and aspect verbs (begin, start, continue, go on, proceed).
IMPLICATIVE = frozenset(["manage", "remember", "bother", "dare", "happen", "get", "able", "begin", "start", "continue", "go", "proceed", "come", "use", "help", "succeed", "tend", "seem", "appear", "prove", "turn", "serve"])  # fmt: skip
_ADVERB_SKIP = frozenset(["also", "still", "then", "now", "already", "soon", "eventually", "further", "not", "never", "on"])  # fmt: skip
_NEGATIONS = frozenset(["not", "never", "no", "n't", "didn't", "hasn't", "haven't", "wasn't"])


def _governor(st: list[str], k: int, text: str, conceded: bool = False) -> str:
    """What governs the verb at st[k]: a modal ("will"), "to:<head>" for an infinitive (its
    head the word before "to", "to:" where that is a noun or a name), or "" where nothing
    does (a finite verb)."""
    j = k - 1
    while j >= 0 and (st[j].lower() in BE or st[j].lower() in ("have", "has") or st[j].lower() in _ADVERB_SKIP):  # fmt: skip
        j -= 1
    if j < 0:
        return ""
    low = st[j].lower()
    if low in MODALS:
        if conceded and st[j + 1 : j + 2] == ["have"]:
            return ""  # "Match may have settled ..., but Epic ...": conceded, not hedged
        return low
    if low != "to":
        return ""
    h = j - 1
    while h >= 0 and (st[h].lower() in _ADVERB_SKIP or st[h].endswith("ly")):
        h -= 1
    if h < 0 or is_name(st[h], h == 0, text) or st[h].lower() in STOPWORDS:
        return "to:"
    head = st[h].lower()
    b = h - 1
    while b >= 0 and (st[b].lower() in _ADVERB_SKIP or st[b].endswith("ly")):
        b -= 1
    after_be = b >= 0 and st[b].lower() in BE  # "was willing to", "is set to"
    if not (is_verb_at(st, h, text) or after_be):
        return "to:"  # a noun's purpose ("launched 145 drones to attack")
    return f"to:{head}"


def _entailed(governor: str) -> bool:
    """Whether the governor leaves its verb done: none, a purpose, or an implicative head."""
    if not governor or governor == "to:":
        return True
    if not governor.startswith("to:"):
        return False  # a modal
    head = governor[3:]
    return bool((verb_lemmas(head) | lexicon.base_forms(head)) & IMPLICATIVE)


def _occurrences(sentence: str, lemmas: frozenset[str], text: str) -> list[str]:
    """Governors of every occurrence of a verb with these lemmas in the sentence."""
    st = tokens(sentence)
    conceded = re.search(r",\s+but\b", sentence) is not None
    return [_governor(st, k, text, conceded) for k, t in enumerate(st) if verb_lemmas(t) & lemmas]


def tense_overclaim(claim: str, span: str, passage: str) -> list[str]:
    """The claim states as done what the aligned sentence has only under a modal or a
    non-implicative head (module docstring)."""
    ct = tokens(claim)
    low = [t.lower() for t in ct]
    if set(low) & (HEDGES | UNCERTAIN | INTENT_CLAIM):
        return []  # the claim itself conveys doubt or intent ("whether ... should be")
    s_frames = frames(span, passage)
    for c in frames(claim, passage):
        if not c.past or c.irrealis or c.passive:
            continue
        at = low.index(c.verb) if c.verb in low else -1
        if at < 0 or _NEGATIONS & set(low[max(0, at - 3) : at]) or _governor(ct, at, passage):
            continue  # negated (the polarity rules' business) or itself governed
        if not any(same_verb(c, s) for s in s_frames):
            continue
        govs = _occurrences(span, c.lemmas, passage)
        if govs and not any(_entailed(g) for g in govs):
            how = govs[0].replace("to:", "") + (" to" if govs[0].startswith("to:") else "")
            return [f"“{c.verb}”: the passage has it only after “{how}”"]
    return []


# Evidential verbs by strength (the hedging of science reporting): a study that "suggests"
# or "indicates" has not "shown" or "proved".
STRONG_EVIDENCE = frozenset(["show", "prove", "demonstrate", "establish"])
WEAK_EVIDENCE = frozenset(["suggest", "indicate", "hint", "imply", "speculate", "suspect"])
# Adverbs by which a passage only reports a charge ("Trump allegedly highlighted").
ALLEGED = frozenset(["allegedly", "purportedly", "supposedly", "reputedly"])
_ALLEGED_CLAIM = frozenset(["alleged", "allegedly", "allegation", "allegations", "purportedly", "supposedly", "reputedly", "reportedly", "reports", "reported", "according", "claimed", "claims"])  # fmt: skip


def _lemmas(toks: list[str]) -> set[str]:
    return {b for t in toks for b in lexicon.base_forms(t.lower())}


def evidence_overclaim(claim: str, span: str) -> list[str]:
    """A claim may not make a finding stronger than the passage ("a new study shows" where
    "a new study suggests"), nor state what the passage has only as alleged."""
    ct, st = tokens(claim), tokens(span)
    c_lem, s_lem = _lemmas(ct), _lemmas(st)
    out = []
    strong = c_lem & STRONG_EVIDENCE
    if strong and s_lem & WEAK_EVIDENCE and not s_lem & STRONG_EVIDENCE:
        out.append(f"“{min(strong)}” where the passage only has “{min(s_lem & WEAK_EVIDENCE)}”")
    if not {t.lower() for t in ct} & _ALLEGED_CLAIM:
        c_stems = {verb for t in ct for verb in verb_lemmas(t)}
        for i, t in enumerate(st[:-1]):
            if t.lower() in ALLEGED and verb_lemmas(st[i + 1]) & c_stems:
                out.append(f"the passage only says “{st[i + 1]}” is alleged")
    return out[:1]
