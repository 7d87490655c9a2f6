"""Wire copies: the same story republished by other outlets (other headline, other
boilerplate, a trimmed last paragraph, copy edits) found with MinHash LSH (datasketch) over
word shingles, each candidate then verified by aligning the two word sequences.

LSH keeps the search sub-linear. The verification keeps precision: in a copy, nearly all of the
shorter text lines up, in order, with runs of the longer one (copy edits break runs, not the
alignment), while two articles on one event share names, numbers and even recycled sentences,
but not one long ordered run of text. Shingle containment alone cannot tell a copy edited at
4% (its five-word shingles drop to 0.66) from an outlet recycling its own round-up (0.82).
benchmarks/near_duplicates.py measures it on pairs built from MultiHop-RAG.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

SHINGLE_WORDS = 5
NUM_PERM = 128
# Candidate search: Jaccard estimate above which LSH reports a pair. Boilerplate and a trimmed
# paragraph pull a copy's Jaccard well below its containment, so this is set low.
LSH_THRESHOLD = 0.3
# Cheap filter before the alignment: share of the shorter text's shingles in the longer one.
MIN_CONTAINMENT = 0.3
# Verification: share of the shorter text's words aligned, in order, in runs of at least
# MIN_RUN words (tune split of the benchmark: copies >= 0.896, distinct articles <= 0.633).
MIN_ALIGNED = 0.8
MIN_RUN = 3
# Texts this short (in words) are never called copies: a two-line brief shares its few
# shingles with too much.
MIN_WORDS = 40
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    w = words(text)
    if len(w) < k:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i : i + k]) for i in range(len(w) - k + 1)}


def containment(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / min(|a|, |b|): 1.0 when the shorter text lies wholly in the longer."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def aligned(a: list[str], b: list[str]) -> float:
    """Share of the shorter word list matched, in order, by runs of >= MIN_RUN words."""
    from difflib import SequenceMatcher

    if not a or not b:
        return 0.0
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(bl.size for bl in blocks if bl.size >= MIN_RUN) / min(len(a), len(b))


@dataclass
class Match:
    key: str
    aligned: float


class CopyIndex:
    """Articles by key; `find(text)` returns the indexed articles that `text` is a copy of."""

    def __init__(
        self,
        lsh_threshold: float = LSH_THRESHOLD,
        min_aligned: float = MIN_ALIGNED,
        num_perm: int = NUM_PERM,
    ) -> None:
        from datasketch import MinHashLSH

        self.min_aligned = min_aligned
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=lsh_threshold, num_perm=num_perm)
        self._shingles: dict[str, set[str]] = {}
        self._words: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self._shingles)

    def __contains__(self, key: object) -> bool:
        return key in self._shingles

    def _minhash(self, grams: set[str]) -> object:
        from datasketch import MinHash

        m = MinHash(num_perm=self.num_perm, seed=1)
        m.update_batch([g.encode("utf-8") for g in grams])
        return m

    def add(self, key: str, text: str) -> None:
        """Index `text` under `key` (replacing what `key` had)."""
        if key in self._shingles:
            self.remove(key)
        grams = shingles(text)
        self._shingles[key] = grams
        self._words[key] = words(text)
        if len(self._words[key]) >= MIN_WORDS:
            self._lsh.insert(key, self._minhash(grams))

    def remove(self, key: str) -> None:
        self._words.pop(key, None)
        if self._shingles.pop(key, None) is not None and key in self._lsh:
            self._lsh.remove(key)

    def find(self, text: str, exclude: str | None = None) -> list[Match]:
        """Indexed articles `text` copies (or that copy it), best first."""
        mine = words(text)
        if len(mine) < MIN_WORDS:
            return []
        grams = shingles(text)
        out = []
        for key in self._lsh.query(self._minhash(grams)):
            if key == exclude or containment(grams, self._shingles[key]) < MIN_CONTAINMENT:
                continue
            score = aligned(mine, self._words[key])
            if score >= self.min_aligned:
                out.append(Match(str(key), round(score, 4)))
        return sorted(out, key=lambda m: (-m.aligned, m.key))


def is_copy(a: str, b: str, min_aligned: float = MIN_ALIGNED) -> bool:
    """Whether one text is a wire copy of the other (the pairwise form of CopyIndex)."""
    wa, wb = words(a), words(b)
    if min(len(wa), len(wb)) < MIN_WORDS:
        return False
    if containment(shingles(a), shingles(b)) < MIN_CONTAINMENT:
        return False
    return aligned(wa, wb) >= min_aligned


def _moment(published_at: str | None) -> datetime | None:
    """A publication time to compare (UTC; a date alone is its midnight), or None."""
    if not published_at:
        return None
    try:
        t = datetime.fromisoformat(published_at.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def earlier(a: str | None, b: str | None) -> bool:
    """Whether publication time a is known to come before b (undated never does)."""
    ta, tb = _moment(a), _moment(b)
    return ta is not None and tb is not None and ta < tb


class Stories:
    """The stories of one ingest run: finds the story an article copies, and keeps the earliest
    copy as the story ("a story keeps its earliest copy's text and date").

    Built from the catalog's stories on first use, so an ingest with nothing new to embed pays
    nothing. When a new copy is dated before the story it copies, it becomes the story: the
    old story and its copies are stored as copies of it (demote), the old story's chunks go.
    """

    def __init__(self, catalog: Any) -> None:
        self.catalog = catalog
        self._index: CopyIndex | None = None
        self._dates: dict[str, str | None] = {}  # stories added in this run

    def _copies(self) -> CopyIndex:
        if self._index is None:
            self._index = CopyIndex()
            for row in self.catalog.articles("WHERE story_id IS NULL"):
                self._index.add(row["doc_id"], self.catalog.article_text(row["doc_id"]))
        return self._index

    def story_of(self, text: str, doc_id: str) -> str | None:
        matches = self._copies().find(text, exclude=doc_id)
        return matches[0].key if matches else None

    def published_at(self, story: str) -> str | None:
        if story in self._dates:
            return self._dates[story]
        row = self.catalog.article(story)
        return row.get("published_at") if row else None

    def add(self, doc_id: str, text: str, published_at: str | None) -> None:
        self._copies().add(doc_id, text)
        self._dates[doc_id] = published_at

    def demote(self, story: str, new_story: str) -> list[dict[str, Any]]:
        """Catalog rows that make a stored story and its stored copies copies of `new_story`
        (each keeps its own text, as a copy does); the story leaves the copy index."""
        self._copies().remove(story)
        rows = []
        for row in self.catalog.articles("WHERE doc_id = ? OR story_id = ?", (story, story)):
            text = self.catalog.article_text(row["doc_id"])
            rows.append({**row, "story_id": new_story, "text": text, "n_chunks": 0})
        return rows

    def forget(self, story: str) -> None:
        """A story of this run that became a copy before it was stored."""
        self._copies().remove(story)
        self._dates.pop(story, None)
