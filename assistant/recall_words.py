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


def _related(lemma: str) -> set[str]:
    return _graph()[0].get(lemma, set())


def _pertains(lemma: str) -> set[str]:
    return _graph()[1].get(lemma, set())


def name_forms(name: str) -> set[str]:
    """Stems a name may stand as: itself, the country of its demonym and the demonyms of its
    country ("russian" <-> "russia", "norwegian" <-> "norway"), from WordNet's pertainyms."""
    return {name} | {stem(x) for x in _pertains(name)} | _demonyms().get(name, set())


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for adj, nouns in _graph()[1].items():
        for n in nouns:
            out[stem(n)].add(stem(adj))
    return dict(out)


@lru_cache(maxsize=1)
def _graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(related lemmas by lemma, the nouns an adjective pertains to), single words only."""
    root = lexicon.WORDNET_DIR
    related: dict[str, set[str]] = defaultdict(set)
    pertains: dict[str, set[str]] = defaultdict(set)
    if not (root / "data.noun").exists():
        return {}, {}
    synsets: dict[str, list[str]] = {}
    pointers: dict[str, list[tuple[str, str, str]]] = {}
    for pos in ("noun", "adj"):
        p = pos[0]
        for line in (root / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            head = line.split(" | ", 1)[0].split()
            key, n_words = f"{p}:{head[0]}", int(head[3], 16)
            synsets[key] = [re.sub(r"\(.*\)$", "", head[4 + 2 * i].lower()) for i in range(n_words)]
            i = 4 + 2 * n_words
            ptrs = []
            for j in range(int(head[i])):
                symbol, target, tpos, srctgt = head[i + 1 + 4 * j : i + 5 + 4 * j]
                tkey = f"{'a' if tpos == 's' else tpos}:{target}"
                ptrs.append((symbol, tkey, srctgt))
            pointers[key] = ptrs
    for pos, senses in (("noun", NOUN_SENSES), ("adj", 1)):
        p = pos[0]
        for line in (root / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            f = line.split()
            lemma, n_sense, n_ptr = f[0], int(f[2]), int(f[3])
            if "_" in lemma:
                continue
            for off in f[4 + n_ptr + 2 :][:n_sense][:senses]:
                key = f"{p}:{off}"
                own = synsets.get(key, [])
                pos_in = own.index(lemma) + 1 if lemma in own else 0
                if p == "n":
                    related[lemma].update(own)
                for symbol, tkey, srctgt in pointers.get(key, []):
                    src, tgt = int(srctgt[:2], 16), int(srctgt[2:], 16)
                    targets = synsets.get(tkey, [])
                    if symbol == "\\" and src in (0, pos_in) and 0 < tgt <= len(targets):
                        pertains[lemma].add(targets[tgt - 1])  # russian -> russia
    single = {k: {w for w in v if "_" not in w and w != k} for k, v in related.items()}
    return single, {k: {w for w in v if "_" not in w} for k, v in pertains.items()}
