"""The text tools of the answer and check steps: index.text, the one toolkit, re-exported
under the names the assistant's modules import."""

from __future__ import annotations

from index.text import (
    ABBREVIATIONS,
    MARKER_RE,
    NUM_RE,
    NUMBER_WORDS,
    STOPWORDS,
    WORD_RE,
    content_words,
    is_complete,
    markers,
    names,
    numbers,
    sentences,
    split_sentences,
    squash,
    stem,
    strip_markers,
    words,
)

__all__ = [
    "ABBREVIATIONS",
    "MARKER_RE",
    "NUMBER_WORDS",
    "NUM_RE",
    "STOPWORDS",
    "WORD_RE",
    "content_words",
    "is_complete",
    "markers",
    "names",
    "numbers",
    "sentences",
    "split_sentences",
    "squash",
    "stem",
    "strip_markers",
    "words",
]
