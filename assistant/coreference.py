"""Who a passage sentence means when it does not name them (issue 15, faithful paraphrases).

A news sentence often carries its actor or speaker by reference: a pronoun ("..., he said."),
a role noun ("The watchdog ...", "The Qatari banker's patience"), a quote that continues the
one before, or an acronym of a name spelled out earlier ("CFPB" for "Consumer Financial
Protection Bureau"). A faithful answer names the party; the check must then find that name
where the passage does: in the nearest earlier sentence that names anyone, however many
name-less sentences lie between (a quote of three sentences), not only in the one or two just
before. Only the nearest named sentence is taken, so a party named further up (the other side
of a swapped attribution) still does not count.

Role nouns come from WordNet's noun hierarchy (Debian's `wordnet-base`, the files
assistant/slot_opposites.py reads): a noun whose most frequent sense is a kind of person,
organisation or social group refers to a party ("watchdog", "banker", "regulator", "insurer"),
with no word list to keep up.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant import lexicon
from assistant.relations import TEMPORAL_NAMES, _speakers, follow, is_name, tokens
from assistant.slot_opposites import parents
from assistant.text import STOPWORDS, stem
from assistant.wordnet_files import wordnet_files

# WordNet 3.0 noun synsets a party descends from: person.n.01, organization.n.01,
# social_group.n.01 (offsets in data.noun).
_PARTY_ROOTS = frozenset(["n:00007846", "n:08008335", "n:07950920"])
_PRONOUNS = frozenset(["it", "they", "he", "she", "we"])
_DETERMINERS = frozenset(["the", "this", "that"])
_AGE = re.compile(r"^\d+-year-old$")  # "The 35-year-old, who ...": a person
SENSES = 1  # the most frequent noun sense only: "panel" is a sheet before it is a jury


@lru_cache(maxsize=4096)
def is_role_noun(word: str) -> bool:
    """Whether the word's most frequent noun sense is a person, organisation or group."""
    wn = wordnet_files()
    low = word.lower()
    for base in {*lexicon.base_forms(low), low[:-1] if low.endswith("s") else low}:
        frontier = set(wn.senses("n", base, SENSES))
        seen = set(frontier)
        while frontier:
            if frontier & _PARTY_ROOTS:
                return True
            frontier = {p for s in frontier for p in parents(s)} - seen
            seen |= frontier
    return False


def refers_back(toks: list[str]) -> bool:
    """Whether a sentence's subject, in its first words, is a pronoun or a determiner with a
    role noun ("The watchdog, created in 2011, is facing ...", "The Qatari banker's
    patience"): its party is named before it."""
    lead = [t.lower().split("'")[0] for t in toks[:6]]
    if any(t in _PRONOUNS for t in lead[:4]):
        return True
    for i, t in enumerate(lead[:-1]):
        if t in _DETERMINERS:
            # Up to two modifiers between ("the Qatari banker", "the new regulator").
            mods = [w for w in lead[i + 1 : i + 4] if w not in STOPWORDS and w not in _PRONOUNS]
            return any(is_role_noun(w) or _AGE.match(w) for w in mods)
    return False


def names_of(sentence: str, passage: str) -> set[str]:
    """Stems of the names a sentence holds (months and weekdays are no parties)."""
    toks = tokens(sentence)
    found = {
        stem(t)
        for i, t in enumerate(toks[1:], 1)
        if is_name(t, False, passage, follow(toks, i)) and t.lower().split("'")[0] not in _PRONOUNS
    }
    # A sentence's first word is a name where WordNet knows no such word ("Podzuweit
    # spoke.", not "Maybe", "It's"); is_name would ask the passage to capitalise it
    # mid-sentence, which a quote's first word also passes.
    if toks and toks[0][:1].isupper() and not _known(toks[0].split("'")[0]):
        found.add(stem(toks[0]))
    return found - TEMPORAL_NAMES


def _known(word: str) -> bool:
    low = word.lower()
    return low in STOPWORDS or low in _PRONOUNS or lexicon.is_word(low) or is_role_noun(low)


def antecedent_start(sents: list[str], first: int, passage: str, least: int = 2) -> int:
    """Index of the first sentence of the window before sents[first] that may name its
    party: at least `least` sentences, and back to the nearest one that names anyone."""
    start = max(0, first - least)
    if any(names_of(s, passage) for s in sents[start:first]):
        return start
    return next((k for k in range(start - 1, -1, -1) if names_of(sents[k], passage)), start)


def speaker_start(sents: list[str], first: int, passage: str, steps: int = 4) -> int:
    """Index of the first sentence of the window before sents[first] that may name its
    speaker: back to the nearest sentence that names anyone, past those whose own speaker is
    a pronoun ("“It's leaner,” he said, ... include ING." after "..., said Podzuweit."), at
    most `steps` sentences back. Where sents[first] names its own speaker ("The New York
    Times reports that"), only the sentence just before counts, as for any sentence."""
    if first < len(sents) and _named_speaker(sents[first], passage):
        return max(0, first - 1)
    for k in range(first - 1, max(-1, first - 1 - steps), -1):
        who, found = _speakers(tokens(sents[k]))
        if found and "*" in who and not _named_speaker(sents[k], passage):
            continue  # "he said": the speaker is named further back
        if names_of(sents[k], passage):
            return k
    return max(0, first - 1)


def _named_speaker(sentence: str, passage: str) -> bool:
    """Whether a sentence's reporting verb has a named speaker ("..., said Podzuweit.")."""
    who, found = _speakers(tokens(sentence))
    return found and bool((who - {"*"}) & names_of(sentence, passage))


_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")


@lru_cache(maxsize=2048)
def spelled_out(text: str) -> frozenset[str]:
    """Acronyms of the runs of capitalised words in a text ("Consumer Financial Protection
    Bureau" -> "cfpb"), lower-cased as stems are; small words inside a run are skipped
    ("Bank of America" -> "boa")."""
    out: set[str] = set()
    run: list[str] = []
    for tok in [*re.findall(r"[A-Za-z][A-Za-z'’-]*", text), ""]:
        if tok[:1].isupper() and not _ACRONYM.match(tok):
            run.append(tok[0].lower())
        elif tok.lower() in ("of", "for", "and", "the") and run:
            continue
        else:
            for i in range(len(run)):
                for j in range(i + 2, len(run) + 1):
                    out.add("".join(run[i:j]))
            run = []
    return frozenset(out)


def acronym_in(name: str, text: str) -> bool:
    """Whether a claim word written as an acronym ("CFPB") is spelled out in the text."""
    return bool(_ACRONYM.match(name)) and name.lower().rstrip("s") in spelled_out(text)
