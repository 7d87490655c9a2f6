"""Token counts per chunk, kept across index updates and on disk, so the BM25 side is rebuilt
from arrays (a few numpy calls) and never by re-tokenizing the corpus.

A process that starts reads the counts from HOME/lexicon.npz (written after each build, keyed by
a fingerprint of the tokenizer so a changed tokenizer recomputes them); an update tokenizes only
the chunks it adds.
"""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.bm25 import tokenize

# Text whose tokens change whenever the tokenizer (stemmer, stop words, splitting) changes.
_PROBE = "The U.S. officials' 3,400 drones weren't intercepted; Zelensky's running analyses."


def tokenizer_fingerprint() -> str:
    return "|".join(tokenize(_PROBE))


@dataclass
class TermCounts:
    """The term counts of an ordered list of documents, as flat arrays."""

    vocab: dict[str, int]
    rows: np.ndarray  # document index of each (document, term) pair
    cols: np.ndarray  # term id
    tfs: np.ndarray  # count
    n_docs: int


class Lexicon:
    """Term ids and counts per chunk id, with one growing vocabulary."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.terms: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def _count(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(tokenize(text))
        ids = np.fromiter(
            (self.vocab.setdefault(t, len(self.vocab)) for t in counts), np.int32, len(counts)
        )
        return ids, np.fromiter(counts.values(), np.float32, len(counts))

    def counts(self, keyed_texts: Sequence[tuple[str, str]]) -> TermCounts:
        """The counts of these (chunk id, text) pairs in this order; new ids are tokenized."""
        parts = []
        for key, text in keyed_texts:
            got = self.terms.get(key)
            if got is None:
                got = self.terms[key] = self._count(text)
            parts.append(got)
        sizes = np.fromiter((len(p[0]) for p in parts), np.int64, len(parts))
        empty_i, empty_f = np.zeros(0, np.int32), np.zeros(0, np.float32)
        return TermCounts(
            vocab=self.vocab,
            rows=np.repeat(np.arange(len(parts), dtype=np.int64), sizes),
            cols=np.concatenate([p[0] for p in parts] or [empty_i]).astype(np.int64),
            tfs=np.concatenate([p[1] for p in parts] or [empty_f]),
            n_docs=len(parts),
        )

    def forget(self, keys: Iterable[str]) -> None:
        for k in keys:
            self.terms.pop(k, None)

    def save(self, path: Path) -> None:
        """Atomically write the counts (another process may be reading the old file)."""
        keys = list(self.terms)
        sizes = np.array([len(self.terms[k][0]) for k in keys], dtype=np.int64)
        vocab = sorted(self.vocab, key=self.vocab.__getitem__)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
        np.savez(
            tmp,
            fingerprint=np.array(tokenizer_fingerprint()),
            keys=np.array(keys, dtype=str),
            vocab=np.array(vocab, dtype=str),
            sizes=sizes,
            ids=np.concatenate([self.terms[k][0] for k in keys] or [np.zeros(0, np.int32)]),
            tfs=np.concatenate([self.terms[k][1] for k in keys] or [np.zeros(0, np.float32)]),
        )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        """The saved counts, or an empty lexicon when the file is missing, broken or stale."""
        lex = cls()
        try:
            # No pickles: a file in the home must not be able to run code when loaded.
            with np.load(path, allow_pickle=False) as data:
                if str(data["fingerprint"]) != tokenizer_fingerprint():
                    return lex
                lex.vocab = {str(t): i for i, t in enumerate(data["vocab"])}
                ends = np.cumsum(data["sizes"])
                ids, tfs = data["ids"], data["tfs"]
                starts = ends - data["sizes"]
                for key, s, e in zip(data["keys"], starts, ends, strict=True):
                    lex.terms[str(key)] = (ids[s:e], tfs[s:e])
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return cls()
        return lex
