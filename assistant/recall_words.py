"""Which passage words stand for a claim word in the citation check's recall (issue 15).

Recall (the share of a claim's content words found in a window of the passage) is the first
gate of the check; a faithful paraphrase failed it when it wrote a number in words the passage
gives in digits ("three billion dollars" / "$3B": "three", "billion" and "dollars" counted as
missing words although number_values reads both as 3000000000), split a compound
("three-year" / "three years"), named a country by its demonym ("Russian" / "Russia") or
chose a noun of the same WordNet synset. Here each claim stem gets the stems that may stand
for it, from WordNet as Debian ships it (`wordnet-base`, as assistant/lexicon.py reads it):
- its base forms and verb synonyms (as before, moved from assistant/citations.py);
- for a noun, the synonyms of its first NOUN_SENSES senses (not their hypernyms or
  hyponyms: "board" / "director", "sport" / "business" let overclaims through on dev);
- for an adjective, the noun it pertains to ("\\" pointers: Russian -> Russia).
Words that are part of a number ("three", "billion", "dollars" beside a number) leave recall
altogether: numbers are checked exactly, as values, before recall is read. Only recall uses
these; names, numbers and the entailment rules stay exact. Tried and left out: derivational
links ("merge" / "merger", "intend" / "intent") kept no faithful probe of dev, test2 or
test3 and let two unfaithful dev probes past recall; noun hypernyms and hyponyms likewise.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from assistant import lexicon
from assistant.relations import _NUMBER_WORD, number_values
from assistant.text import STOPWORDS, content_words, stem, words
from assistant.wordnet_files import wordnet_files

NOUN_SENSES = 2  # a noun's most frequent senses only: rare ones join unrelated words
# Units a number is written with: "dollars" where the passage has "$", "per cent" for "%".
_UNITS = frozenset(["dollar", "dollars", "percent", "per", "cent", "pound", "pounds", "euro", "euros"])  # fmt: skip


def variants(text: str) -> set[str]:
    """A passage's content stems, those of their WordNet base forms ("laid" -> lay) and of
    the parts of a hyphenated compound ("three-year" -> year)."""
    out = content_words(text)
    for w in words(text):
        if len(w) > 3 and w.lower() not in STOPWORDS:
            out |= {stem(b) for b in lexicon.base_forms(w)}
        if "-" in w:
            out |= {stem(p) for p in w.split("-") if p and p.lower() not in STOPWORDS}
    return out


def number_words(claim: str) -> set[str]:
    """Stems of the claim's words that write a number or its unit ("three billion dollars"):
    number_values checks the number itself, exactly."""
    out = {stem(w) for m in _NUMBER_WORD.finditer(claim) for w in words(m.group(0))}
    if number_values(claim):
        out |= {stem(w) for w in _UNITS}
    for w in words(claim):
        if "-" in w and any(number_values(p) for p in w.split("-")):
            out.add(stem(w))  # "forty-five", "three-year": read as a number and a noun
    return out


def alternatives(claim: str, wanted: set[str]) -> dict[str, set[str]]:
    """Each wanted claim stem with the stems that stand for it in a passage (see above)."""
    out = {w: {w} for w in wanted}
    for w in words(claim):
        st = stem(w)
        if st not in out:
            continue
        low = w.lower()
        if w[:1].isupper():
            out[st] |= {stem(x) for x in _pertains(low)}  # "Russian" -> Russia only
            continue
        out[st] |= {stem(x) for x in lexicon.base_forms(w) | lexicon.synonyms(w)}
        out[st] |= {
            stem(x) for b in lexicon.base_forms(low) | {_singular(low)} for x in _related(b)
        }
    return out


def _singular(word: str) -> str:
    return re.sub(r"(?<=[^s])s$", "", word)


@lru_cache(maxsize=16384)
def _related(lemma: str) -> set[str]:
    """The other single-word lemmas of a noun's NOUN_SENSES most frequent senses."""
    wn = wordnet_files()
    own = {m for key in wn.senses("n", lemma, NOUN_SENSES) for m in wn.synset(key).members}
    return {w for w in own if "_" not in w and w != lemma}


@lru_cache(maxsize=16384)
def _pertains(lemma: str) -> set[str]:
    """The nouns an adjective's most frequent sense pertains to (WordNet's lexical
    pertainym pointers: "russian" -> russia), single words only."""
    wn = wordnet_files()
    out: set[str] = set()
    for key in wn.senses("a", lemma, 1):
        own = wn.synset(key).members
        pos_in = own.index(lemma) + 1 if lemma in own else 0
        for src, target, tgt in wn.synset(key).pertainyms:
            targets = wn.synset(target).members
            if src in (0, pos_in) and 0 < tgt <= len(targets):
                out.add(targets[tgt - 1])
    return {w for w in out if "_" not in w}


def name_forms(name: str) -> set[str]:
    """Stems a name may stand as: itself, the country of its demonym and the demonyms of its
    country ("russian" <-> "russia", "norwegian" <-> "norway"), from WordNet's pertainyms."""
    return {name} | {stem(x) for x in _pertains(name)} | _demonyms().get(name, set())


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, set[str]]:
    """Noun stems with the stems of the adjectives that pertain to them: only the adjectives
    whose most frequent sense has a pertainym pointer are read."""
    wn = wordnet_files()
    out: dict[str, set[str]] = defaultdict(set)
    pointing = wn.with_pointer("a", "\\")
    for adj, first in wn.lemmas("a"):
        if first in pointing and "_" not in adj:
            for n in _pertains(adj):
                out[stem(n)].add(stem(adj))
    return dict(out)
