"""WordNet's data and index files read on demand (Debian's `wordnet-base`, where
assistant/lexicon.py finds it). A synset's key is its byte offset in its data file and the
index files are sorted, as WordNet lays them out for random access: a lookup is a binary
search and one line's parse, where parsing whole files cost seconds a process (the noun and
adjective files: ~3 s under load, on every process's first check)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from assistant import lexicon

POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}


@dataclass(frozen=True)
class Synset:
    lexfile: int  # the lexicographer file's number (verb.competition is 33)
    members: tuple[str, ...]  # lower-cased lemmas, adjective markers such as "(a)" dropped
    spellings: tuple[str, ...]  # the same as WordNet writes them ("India", "check")
    ptrs: dict[str, frozenset[str]]  # synset keys by pointer symbol ("!", "&", "@", ...)
    # Lexical pertainym pointers ("\\"): (source word number, 0 = the whole synset; target
    # synset key; target word number).
    pertainyms: tuple[tuple[int, str, int], ...]


class WordNetFiles:
    """Senses, synsets and pointers of WordNet, each read when first asked for."""

    def __init__(self) -> None:
        root = lexicon.WORDNET_DIR
        self.index: dict[str, bytes] = {}
        self.data: dict[str, bytes] = {}
        for p, name in POS_FILES.items():
            if (root / f"data.{name}").exists():
                self.index[p] = (root / f"index.{name}").read_bytes()
                self.data[p] = (root / f"data.{name}").read_bytes()

    def available(self) -> bool:
        return bool(self.data)

    def _index_line(self, p: str, lemma: str) -> list[str]:
        """The index entry of a lemma (binary search over the sorted lines), split."""
        text, key = self.index.get(p, b""), lemma.encode("latin-1", "replace")
        lo, hi = 0, len(text)
        while lo < hi:  # lo: the first line whose lemma is not below key
            start = text.rfind(b"\n", 0, (lo + hi) // 2) + 1
            end = text.find(b"\n", start)
            end = len(text) if end < 0 else end
            if text[start : start + 1] == b" " or text[start:end].split(b" ", 1)[0] < key:
                lo = end + 1
            else:
                hi = start
        line = text[lo : text.find(b"\n", lo)]
        return line.decode("latin-1").split() if line.split(b" ", 1)[0] == key else []

    @lru_cache(maxsize=65536)  # noqa: B019 (one instance per process)
    def senses(self, p: str, lemma: str, limit: int) -> tuple[str, ...]:
        """Keys of the lemma's `limit` most frequent senses in part of speech p."""
        f = self._index_line(p, lemma)
        if not f:
            return ()
        n_sense, n_ptr = int(f[2]), int(f[3])
        return tuple(f"{p}:{o}" for o in f[4 + n_ptr + 2 :][:n_sense][:limit])

    @lru_cache(maxsize=65536)  # noqa: B019
    def synset(self, key: str) -> Synset:
        p, off = key.split(":")
        data = self.data.get(p, b"")
        end = data.find(b"\n", int(off))
        head = data[int(off) : end].decode("latin-1").split(" | ", 1)[0].split()
        n_words = int(head[3], 16)
        spellings = tuple(_unmarked(head[4 + 2 * i]) for i in range(n_words))
        ptrs: dict[str, set[str]] = defaultdict(set)
        pertainyms = []
        i = 4 + 2 * n_words
        for j in range(int(head[i])):
            symbol, target, tpos, srctgt = head[i + 1 + 4 * j : i + 5 + 4 * j]
            tkey = f"{'a' if tpos == 's' else tpos}:{target}"
            ptrs[symbol].add(tkey)
            if symbol == "\\":
                pertainyms.append((int(srctgt[:2], 16), tkey, int(srctgt[2:], 16)))
        frozen = {k: frozenset(v) for k, v in ptrs.items()}
        members = tuple(w.lower() for w in spellings)
        return Synset(int(head[1]), members, spellings, frozen, tuple(pertainyms))

    def written_lower(self, word: str) -> bool:
        """Whether some synset has the word as a member spelled all lower-case ("check", not
        "India"): a member's synsets are those its lower-cased index entry lists."""
        if not word.islower() or "_" in word:
            return False
        for p in POS_FILES:
            f = self._index_line(p, word)
            if f:
                keys = f[4 + int(f[3]) + 2 :][: int(f[2])]
                if any(word in self.synset(f"{p}:{k}").spellings for k in keys):
                    return True
        return False

    def with_pointer(self, p: str, symbol: str) -> set[str]:
        """Keys of the synsets of part of speech p with at least one `symbol` pointer (a scan
        of the data file's bytes, not a parse)."""
        pattern = re.compile(rb"^(\d{8}) [^\n]* " + re.escape(symbol.encode()) + rb" ", re.M)
        return {f"{p}:{m.group(1).decode()}" for m in pattern.finditer(self.data.get(p, b""))}

    def lemmas(self, p: str) -> list[tuple[str, str]]:
        """(lemma, its most frequent sense's key) of every index entry of part of speech p."""
        out = []
        for line in self.index.get(p, b"").decode("latin-1").splitlines():
            if line.startswith(" "):
                continue
            f = line.split()
            n_sense, n_ptr = int(f[2]), int(f[3])
            if n_sense:
                out.append((f[0], f"{p}:{f[4 + n_ptr + 2]}"))
        return out


def _unmarked(member: str) -> str:
    # An adjective's syntactic marker ("galore(ip)"): as re.sub(r"\(.*\)$", "", member).
    return member[: member.index("(")] if member.endswith(")") and "(" in member else member


@lru_cache(maxsize=1)
def wordnet_files() -> WordNetFiles:
    return WordNetFiles()
