"""Opposite words for the citation check's polarity rule: WordNet antonyms, read offline.

The antonyms come from Princeton WordNet 3.0 as Debian ships it (package `wordnet-base`,
files under /usr/share/wordnet; .ci/run installs it): every antonym pointer ("!") of the verb,
adjective and adverb data files, widened to the synsets on both sides (increase.v.01 is the
antonym of decrease.v.01, so "lessen" is opposite to "increase") and, for adjectives, to their
satellites ("similar to": "biggest" -> big -> large <-> small). Inflected forms are reduced with
WordNet's own exception lists and suffix rules. Without the files (ASSISTANT_WORDNET_DIR
unset and nothing at the default path) only the news pairs below are known.

NEWS_OPPOSITES are the pairs WordNet misses that matter in news: claims confirmed or denied,
comparatives ("more than" vs "fewer than"), and reporting verbs of opposite polarity.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

WORDNET_DIR = Path(os.environ.get("ASSISTANT_WORDNET_DIR", "/usr/share/wordnet"))

# Verbs that deny or refuse what follows them, and those that affirm it.
DENY = frozenset(
    [
        "deny",
        "deni",
        "refute",
        "reject",
        "dismiss",
        "disput",
        "rebuff",
        "decline",
        "repudiat",
        "contradict",
        "disavow",
    ]
)
AFFIRM = frozenset(
    ["confirm", "admit", "acknowledg", "accept", "agree", "verif", "corroborat", "concede"]
)
# Verbs that end what follows them: "stopped targeting" says the targeting no longer happens.
CEASE = frozenset(["stop", "cease", "halt", "quit", "discontinue", "abandon"])
# Verbs that assign blame: a claim that someone blamed or accused needs a passage that says so.
BLAME = frozenset(["blame", "accuse", "fault", "condemn", "denounce"])
NEWS_OPPOSITES = [
    ("more", "fewer"), ("more", "less"), ("most", "fewest"), ("most", "least"),
    ("over", "under"), ("above", "below"), ("rise", "fall"), ("rising", "falling"),
    ("increase", "reduce"), ("increase", "cut"), ("amplify", "reduce"), ("amplify", "cut"),
    ("increase", "cuts"), ("hire", "lay"), ("hiring", "laying"), ("praise", "denounce"),
    ("praise", "criticize"), ("praise", "condemn"), ("confidence", "doubt"),
    ("confident", "doubt"), ("concerning", "reassuring"), ("rare", "common"),
    ("essential", "unnecessary"), ("win", "lose"), ("won", "lost"), ("seize", "lose"),
    ("seized", "lost"), ("complete", "break"), ("completed", "broke"), ("quick", "slow"),
    ("stabilize", "destabilize"), ("continue", "stop"), ("started", "stopped"),
    ("highlight", "downplay"), ("highlighted", "played"), ("largest", "smallest"),
    ("early", "late"), ("high", "low"), ("succeed", "fail"), ("wary", "open"),
    ("hike", "cut"), ("hikes", "cuts"),
]  # fmt: skip
_SUFFIXES = {
    "v": [("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
          ("ing", ""), ("s", "")],
    "a": [("est", ""), ("est", "e"), ("er", ""), ("er", "e"), ("iest", "y"), ("ier", "y")],
    "r": [],
}  # fmt: skip


@lru_cache(maxsize=1)
def _wordnet() -> tuple[dict[str, set[str]], dict[str, dict[str, str]], dict[str, set[str]]]:
    """(antonyms by lemma, exceptions by part of speech, lemmas by part of speech)."""
    return _read_wordnet()[:3]


@lru_cache(maxsize=1)
def _synonym_table() -> dict[str, set[str]]:
    return _read_wordnet()[3]


@lru_cache(maxsize=1)
def _read_wordnet() -> tuple[
    dict[str, set[str]], dict[str, dict[str, str]], dict[str, set[str]], dict[str, set[str]]
]:
    opposite: dict[str, set[str]] = defaultdict(set)
    synonyms: dict[str, set[str]] = defaultdict(set)
    exceptions: dict[str, dict[str, str]] = {}
    lemmas: dict[str, set[str]] = {}
    for a, b in NEWS_OPPOSITES:
        opposite[a].add(b)
        opposite[b].add(a)
    if not (WORDNET_DIR / "data.verb").exists():
        return dict(opposite), exceptions, lemmas, {}
    for pos, name in (("v", "verb"), ("a", "adj"), ("r", "adv")):
        synsets: dict[str, list[str]] = {}
        pairs: list[tuple[str, str]] = []
        similar: list[tuple[str, str]] = []
        for line in (WORDNET_DIR / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            head = line.split(" | ", 1)[0].split()
            offset, n_words = head[0], int(head[3], 16)
            words = [head[4 + 2 * i].lower() for i in range(n_words)]
            synsets[offset] = [re.sub(r"\(.*\)$", "", w) for w in words]
            i = 4 + 2 * n_words
            for j in range(int(head[i])):
                symbol, target = head[i + 1 + 4 * j], head[i + 2 + 4 * j]
                if symbol == "!":
                    pairs.append((offset, target))
                elif symbol == "&":
                    similar.append((offset, target))
        group: dict[str, set[str]] = {k: set(v) for k, v in synsets.items()}
        for a, b in similar:  # satellites join their head adjective's antonym group
            group[a] |= set(synsets.get(b, []))
            group[b] |= set(synsets.get(a, []))
        for a, b in pairs:
            # Each side's satellites oppose the other side's head, not its satellites too:
            # two satellites of opposed heads can be near-synonyms ("previous" and "earlier"
            # both hang, by other senses, off "preceding" and "following").
            for x in group.get(a, ()):
                opposite[x] |= set(synsets.get(b, []))
            for x in synsets.get(a, []):
                opposite[x] |= group.get(b, set())
        lemmas[pos] = {w for ws in synsets.values() for w in ws}
        # Verb synsets only: adjective synsets join words of opposite polarity in some
        # sense ("quick" and "ready"), verbs are where paraphrases differ ("cut"/"reduce").
        for ws in synsets.values() if pos == "v" else ():
            single = [w for w in ws if "_" not in w]
            for w in single:
                synonyms[w].update(single)
        exc = WORDNET_DIR / f"{name}.exc"
        if exc.exists():
            exceptions[pos] = dict(
                line.split()[:2] for line in exc.read_text(encoding="latin-1").splitlines()
                if len(line.split()) >= 2
            )  # fmt: skip
    return dict(opposite), exceptions, lemmas, dict(synonyms)


def available() -> bool:
    """Whether the WordNet files were found (otherwise only NEWS_OPPOSITES are used)."""
    return bool(_wordnet()[2])


@lru_cache(maxsize=65536)
def base_forms(word: str) -> frozenset[str]:
    """The word and its WordNet base forms ("smallest" -> small, "broke" -> break)."""
    w = word.lower().replace("’", "'")
    out = {w}
    _, exceptions, lemmas = _wordnet()
    for pos, rules in _SUFFIXES.items():
        if w in exceptions.get(pos, {}):
            out.add(exceptions[pos][w])
        for suffix, repl in rules:
            if w.endswith(suffix) and len(w) > len(suffix) + 2:
                cand = w[: -len(suffix)] + repl
                if not lemmas or cand in lemmas.get(pos, set()):
                    out.add(cand)
    return frozenset(out)


def opposite(a: str, b: str) -> bool:
    """Whether two words are antonyms (in any of their base forms)."""
    table = _wordnet()[0]
    bs = base_forms(b)
    return any(table.get(x, set()) & bs for x in base_forms(a))


def synonyms(word: str) -> frozenset[str]:
    """Single-word lemmas sharing a WordNet verb synset with one of the word's base forms
    ("cutting" -> reduce)."""
    table = _synonym_table()
    return frozenset(x for b in base_forms(word) for x in table.get(b, ()))


def is_word(word: str) -> bool:
    """Whether WordNet knows the word as a verb, adjective or adverb (so a capitalised first
    word like "Former" is not taken for a name)."""
    lemmas = _wordnet()[2]
    return any(b in lemmas.get(pos, set()) for b in base_forms(word) for pos in lemmas)


def is_verb(word: str) -> bool:
    """Whether WordNet knows one of the word's base forms as a verb ("declined", not
    "defense"); True without the WordNet files, so callers then fall back to their word."""
    lemmas = _wordnet()[2]
    return not lemmas or any(b in lemmas.get("v", set()) for b in base_forms(word))


def stem_in(word: str, stems: frozenset[str]) -> bool:
    return any(word.lower().startswith(s) for s in stems)


def is_deny(word: str) -> bool:
    return stem_in(word, DENY)


def is_cease(word: str) -> bool:
    return bool(base_forms(word) & CEASE)


def is_blame(word: str) -> bool:
    return bool(base_forms(word) & BLAME)


def is_affirm(word: str) -> bool:
    return stem_in(word, AFFIRM)
