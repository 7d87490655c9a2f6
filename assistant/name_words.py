"""Which capitalised words are name words, judged from the passages' own writing.

A capital letter says little at a sentence start ("Check India's squad") or in a title-case
headline or sub-head ("Top 10 Batsmen of ODI World Cup 2023:", "Winners List from 1975"),
and a title-case run in prose may open with common words ("the five-time World Champions
Australia"). The passages themselves tell the two apart: a word they also write lower-case
("check", "winners", "world") is a common word; one they write capitalised after a sentence
start in prose ("the New York Times") is a name word; and a run's remainder that the passages
write on its own ("won by Australia") is the name. At a sentence or headline start, where the
passages may not hold the word lower-case, WordNet writing it lower-case ("Check", "Winners";
not "India", which its noun list spells with a capital) counts as common too, unless the
passages capitalise it in prose ("actor Will Smith").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from assistant import lexicon
from assistant.wordnet_files import wordnet_files

_WORD = re.compile(r"[A-Za-z][\w’'-]*")
# A headline segment: the text between a sentence start or a colon and the next colon.
_SEGMENT = re.compile(r"[^:]+")
# Function words a headline leaves lower-case ("Winners List from 1975 to 2023").
_HEADLINE_GLUE = frozenset(
    ["a", "an", "the", "of", "for", "to", "in", "on", "at", "and", "or", "vs", "by", "from"]
)
_POSSESSIVE = re.compile(r"['’]s?$")


def title_case(text: str) -> bool:
    """Whether a stretch of text is written as a title: three or more words, and nearly all
    of those that are not function words or figures capitalised."""
    toks = [w for w in _WORD.findall(text) if w.lower() not in _HEADLINE_GLUE]
    if len(toks) < 3:
        return False
    caps = sum(1 for w in toks if w[:1].isupper())
    # Nearly all: a short sentence of names ("Golden State Warriors won") is prose.
    return caps >= 0.9 * len(toks)


def headline_spans(sentence: str) -> list[tuple[int, int]]:
    """The character ranges of a sentence's title-case segments (split at colons)."""
    return [(m.start(), m.end()) for m in _SEGMENT.finditer(sentence) if title_case(m.group(0))]


@dataclass
class NameWords:
    """What the passages' writing says about capitalised words (module docstring)."""

    lower: set[str] = field(default_factory=set)  # words written lower-case
    # Capitalised in prose after a lower-case word ("the New York Times", "actor Will Smith");
    # not in a run ("Full List of ..." is a sub-head's start).
    capital_mid: set[str] = field(default_factory=set)
    alone: set[str] = field(default_factory=set)  # capitalised runs standing on their own
    alone_mid: set[str] = field(default_factory=set)  # the same, not at a sentence start

    @classmethod
    def from_sentences(cls, sents: Iterable[str]) -> NameWords:
        out = cls()
        for sent in sents:
            heads = headline_spans(sent)
            # Each capitalised run, with whether it opens a sentence or clause.
            runs: list[tuple[list[str], bool]] = []
            prev_end = -1
            prev_lower = False
            for i, m in enumerate(_WORD.finditer(sent)):
                word = _POSSESSIVE.sub("", m.group(0))
                in_head = any(a <= m.start() < b for a, b in heads)
                opening = i == 0 or _opens_clause(sent, m.start())
                if word[:1].islower():
                    out.lower.add(word.lower())
                elif prev_lower and not opening and not in_head:
                    out.capital_mid.add(word)
                prev_lower = word[:1].islower()
                joined = prev_end >= 0 and sent[prev_end : m.start()].strip(" ") == ""
                if word[:1].isupper() and not in_head:
                    if not (runs and joined and runs[-1][0]):
                        runs.append(([], opening))
                    runs[-1][0].append(word)
                    if word != m.group(0):  # "Australia's": a possessive ends the run
                        runs.append(([], False))
                elif runs and runs[-1][0]:
                    runs.append(([], False))
                prev_end = m.end()
            for run, opened in runs:
                if run:
                    out.alone.add(" ".join(run).lower())
                    if not opened:
                        out.alone_mid.add(" ".join(run).lower())
        return out

    def common(self, word: str, opening: bool) -> bool:
        """Whether a capitalised word is a common word written with a capital (module doc)."""
        word = _POSSESSIVE.sub("", word)
        if word in self.capital_mid and opening:
            return False
        if word.lower() in self.lower:
            return True
        return opening and word[1:].islower() and _dictionary_word(word)

    def all_common(self, words: list[str]) -> bool:
        """Whether every word of a run is one the passages write lower-case."""
        return all(_POSSESSIVE.sub("", w).lower() in self.lower for w in words)

    def trim(self, words: list[str], opening: bool, headline: bool) -> int:
        """How many leading words of a capitalised run are common words, not the name's.
        At a sentence or headline start, or in a headline: those before a remainder the
        passages write on its own ("Check India" -> "India"), or all of a headline run of
        common words ("Winners List"). In prose: a prefix of common words that the passages
        also write as a run of its own, before a remainder of name words written on its own
        ("World Champions Australia" -> "Australia"; not "Will Smith", "New York Times")."""
        words = [_POSSESSIVE.sub("", w) for w in words]
        if opening or headline:
            # At a sentence start only the first word's capital is owed to its place.
            n = 0
            while n < (len(words) if headline else 1) and self.common(words[n], True):
                n += 1
            if n == len(words):
                return n if headline else 0
            while n and n < len(words) - 1 and words[n][:1].islower():
                n += 1  # "Fans of India": the connector goes with the common word
            return n if n and " ".join(words[n:]).lower() in self.alone else 0
        for n in range(1, len(words)):
            head, rest = words[:n], words[n:]
            if not all(self.common(w, False) or _dictionary_word(w) for w in head):
                return 0
            if (
                " ".join(head).lower() in self.alone_mid
                and all(_name_shaped(w) and w.lower() not in self.lower for w in rest)
                and " ".join(rest).lower() in self.alone
            ):
                return n
        return 0


def _dictionary_word(word: str) -> bool:
    """Whether WordNet writes the word, in one of its base forms, lower-case."""
    low = word.lower()
    forms = lexicon.base_forms(low) | ({low[:-1]} if low.endswith("s") else set())
    return any(_written_lower(f) for f in forms)


@lru_cache(maxsize=65536)
def _written_lower(form: str) -> bool:
    """Whether WordNet has the form as a one-word lemma it writes lower-case ("winner",
    "check", "champion"; not "India" or "European"); False without the WordNet files
    (assistant/lexicon.py says where they are read). Read on demand (assistant.wordnet_files):
    parsing every data file for the whole set cost ~1.4 s a process."""
    return wordnet_files().written_lower(form)


def _name_shaped(word: str) -> bool:
    # "Australia", "Bankman-Fried"; not an acronym ("Steam Deck OLED" is one product).
    return word[:1].isupper() and any(c.islower() for c in word)


def _opens_clause(sentence: str, at: int) -> bool:
    # After a quote mark, a dash or a colon a capital may start a new clause.
    before = sentence[:at].rstrip()
    return not before or before[-1] in "\"“‘'—–-:(;"
