"""Small text tools shared by the answer and check steps: sentences, words, numbers, names."""

from __future__ import annotations

import re
from functools import lru_cache

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st",
    "jr", "sr", "inc", "corp", "co", "ltd", "vs", "no", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.g", "i.e", "etc", "fig",
}  # fmt: skip
STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "if", "then", "else", "of", "in", "on", "at", "to", "for", "from", "by", "with", "without", "about", "into", "over", "under", "after", "before", "between", "during", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "have", "has", "had", "having", "i", "you", "he", "she", "it", "we", "they", "them", "his", "her", "its", "our", "their", "this", "that", "these", "those", "there", "here", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "whether", "not", "no", "yes", "can", "could", "will", "would", "shall", "should", "may", "might", "must", "also", "than", "too", "very", "so", "such", "just", "only", "any", "all", "some", "each", "both", "either", "neither", "more", "most", "other", "another", "much", "many", "own", "same", "up", "down", "out", "off", "again", "further", "once", "per", "via", "according", "reported", "report", "reports", "said", "says", "say", "told", "article", "articles", "news", "published", "while", "amid", "among", "against", "s", "t"]
)  # fmt: skip
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "billion": 1_000_000_000,
}  # fmt: skip
# Dotted acronyms ("U.S.") are one word; otherwise letters, digits, inner apostrophes/hyphens.
WORD_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z0-9][A-Za-z0-9'’\-]*")
NUM_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")
MARKER_RE = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_SPLIT_RE = re.compile(
    r"(?<=[.!?][\"'”’)\]])\s+(?=[\"'“‘(\[]?[A-Z0-9])|(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences in text (abbreviation-aware, newline-aware)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SPLIT_RE.finditer(text):
        end = m.start()
        if m.group(0).strip() == "" and "\n" not in m.group(0):
            prev = text[start:end].rstrip()
            last = prev.rsplit(None, 1)[-1] if prev.split() else ""
            token = last.rstrip(".").lower().lstrip("(\"'“")
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = m.end()
    piece = text[start:]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + len(piece.rstrip())))
    return spans


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'attacks'/'attack', 'claimed'/'claims'."""
    w = word.lower().replace("’", "'").replace(".", "")
    if w.endswith("'s"):
        w = w[:-2]
    for suf in ("ations", "ation", "ings", "ing", "edly", "ies", "ied", "ed", "es", "s", "ly"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            base = w[: -len(suf)]
            return base + ("y" if suf in ("ies", "ied") else "")
    return w


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def content_words(text: str) -> set[str]:
    """Stemmed, lower-cased words that carry meaning (no stopwords, no markers)."""
    text = MARKER_RE.sub(" ", text)
    return {stem(w) for w in words(text) if w.lower() not in STOPWORDS and len(w) > 1}


def numbers(text: str) -> set[str]:
    """Numbers in text, normalised ('1,200' -> '1200', 'six' -> '6')."""
    text = MARKER_RE.sub(" ", text)
    out = {m.group(0).replace(",", "").rstrip(".") for m in NUM_RE.finditer(text)}
    for w in words(text):
        lw = w.lower()
        if lw in NUMBER_WORDS and lw not in ("one", "hundred", "thousand", "million", "billion"):
            out.add(str(NUMBER_WORDS[lw]))
    return out


def names(text: str) -> set[str]:
    """Capitalised words that are not the first word of a sentence: likely names."""
    text = MARKER_RE.sub(" ", text)
    out: set[str] = set()
    for a, b in split_sentences(text):
        toks = words(text[a:b])
        for i, tok in enumerate(toks):
            if i == 0 or not tok[:1].isupper() or tok.lower() in STOPWORDS:
                continue
            out.add(stem(tok))
    return out


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", MARKER_RE.sub("", text)).strip()


def markers(text: str) -> list[int]:
    out: list[int] = []
    for m in MARKER_RE.finditer(text):
        out.extend(int(x) for x in m.group(1).split(","))
    return out
