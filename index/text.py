"""The text toolkit: the one way the library splits sentences, finds words, stems them, drops
stopwords, reads numbers and squashes whitespace.

Everything that compares texts (BM25 and the reranker's sentence features, answer ranking,
the citation check, question analysis, evaluation) uses these, so they agree on what a
sentence, a word and a number are. Bottom layer: imports nothing from the library.

Sentence splitting is a regex with an abbreviation list. Measured against nltk's punkt (the
copy LlamaIndex ships) and pysbd on MultiHop-RAG articles with `benchmarks/sentence_split.py`:
see that script's docstring for the figures that chose it.
"""

from __future__ import annotations

import re
from functools import lru_cache

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st",
    "jr", "sr", "inc", "corp", "co", "ltd", "vs", "no", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.g", "i.e", "etc", "fig",
    "ft", "mt", "rev", "capt", "cmdr", "adm", "supt", "det", "insp", "pres", "approx",
}  # fmt: skip
# Lucene's English stop words (EnglishAnalyzer): the BM25 index drops only these, because its
# idf already discounts common words and the MultiHop-RAG figures were measured with them.
INDEX_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)
# Words that carry no fact when two texts are compared (answer ranking, citation check):
# function words and the reporting verbs every news sentence has.
STOPWORDS = INDEX_STOPWORDS | frozenset(
    ["else", "from", "without", "about", "over", "under", "after", "before", "between", "during", "were", "been", "being", "am", "do", "does", "did", "done", "have", "has", "had", "having", "i", "you", "he", "she", "we", "them", "his", "her", "its", "our", "here", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "whether", "yes", "can", "could", "would", "shall", "should", "may", "might", "must", "also", "than", "too", "very", "so", "just", "only", "any", "all", "some", "each", "both", "either", "neither", "more", "most", "other", "another", "much", "many", "own", "same", "up", "down", "out", "off", "again", "further", "once", "per", "via", "according", "reported", "report", "reports", "said", "says", "say", "told", "article", "articles", "news", "published", "while", "amid", "among", "against", "those", "s", "t"]
)  # fmt: skip
# Query analysis counts a clause's claim words without these (function words and the
# boilerplate of questions about news). Kept apart from STOPWORDS: the wider list costs 0.004
# Hits@4 on a MultiHop-RAG dev sample (benchmarks/multihop_retrieval.py --sample 300 --seed 1).
QUESTION_STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "for", "by", "with", "from", "at", "as", "is", "was", "are", "were", "be", "been", "has", "have", "had", "do", "does", "did", "that", "this", "these", "those", "which", "who", "whom", "whose", "what", "when", "where", "while", "whereas", "it", "its", "his", "her", "their", "they", "he", "she", "also", "after", "before", "between", "both", "article", "articles", "report", "reports", "reported", "reporting", "published", "according", "source", "sources", "news", "story", "than", "then", "there", "not", "no", "yes", "individual", "person", "company", "entity", "organization", "recently", "covered", "discussed", "mentioned", "suggest", "suggests", "indicate", "indicates", "portrayal", "consistency", "consistent", "change", "changed", "same", "another", "other", "one", "two", "three"]
)  # fmt: skip
UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NUMBER_WORDS = {**UNITS, **TENS, "hundred": 100, **SCALES}
# Words too vague to stand alone as a number ("one of them", "millions").
_VAGUE_NUMBERS = frozenset({"one", "hundred", "thousand", "million", "billion"})

# Dotted acronyms ("U.S.") are one word; otherwise letters, digits, inner apostrophes/hyphens.
WORD_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z0-9][A-Za-z0-9'’\-]*")
NUM_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")
MARKER_RE = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_INDEX_TOKEN = re.compile(r"[a-z0-9]+")
_WS = re.compile(r"\s+")
_ENDS = re.compile(r"[.!?][\"'”’)\]]*$")
# A sentence ends at . ! ? (and any closing quote or bracket) before a capital, a digit, a
# currency sign or a dash (bylines: "... good time. —PV"), or at a newline.
# Every alternative starts on a whitespace character: the leading lookahead lets the scan
# skip all other positions (the same matches, in half the time).
_SPLIT_RE = re.compile(
    r"(?=\s)(?:(?<=[.!?][\"'”’)\]])\s+(?=[\"'“‘(\[]?[A-Z0-9$£€—–])"
    r"|(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9$£€—–])|\n+)"
)
_INITIALS = re.compile(r"^[A-Z](?:\.[A-Z])+$")  # "A.J.", "D.C." (not "p.m.")


# -- sentences ----------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences in text (abbreviation-aware, newline-aware)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SPLIT_RE.finditer(text):
        end = m.start()
        if "\n" not in m.group(0):
            prev = text[start:end].rstrip()
            # "U.S. President", "Mr. Peskov", "Jan. 5", "J. Smith": not sentence ends. (The
            # last word ends with "." exactly when the sentence does.)
            last = prev.rsplit(None, 1)[-1] if prev.endswith(".") else ""
            token = last.rstrip(".").lower().lstrip("(\"'“")
            if last and (
                token in ABBREVIATIONS
                or (len(token) == 1 and token.isalpha())
                or _INITIALS.match(last.rstrip(".").lstrip("(\"'“"))
            ):
                continue
        _add_span(text, start, end, spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    body = piece.lstrip()
    if body:
        lead = len(piece) - len(body)
        spans.append((start + lead, start + lead + len(body.rstrip())))


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def is_complete(sentence: str) -> bool:
    """Whether a sentence ends as sentences do (headlines and sub-heads do not)."""
    return bool(_ENDS.search(sentence.rstrip()))


# -- words and stems ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem of a word, lower-cased, possessive and dots dropped."""
    w = word.lower().replace("’", "'").replace(".", "")
    if w.endswith("'s"):
        w = w[:-2]
    return str(_stemmer().stemWord(w))  # type: ignore[attr-defined]


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def content_words(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stopwords, no [n] markers)."""
    text = MARKER_RE.sub(" ", text)
    return {stem(w) for w in words(text) if w.lower() not in STOPWORDS and len(w) > 1}


def question_words(text: str) -> list[str]:
    """The words of a question that state its claim, unstemmed and in order (no question
    boilerplate): what query analysis counts to tell a claim from a fragment."""
    return [w for w in words(text) if w.lower() not in QUESTION_STOPWORDS and len(w) > 1]


def index_tokens(text: str) -> list[str]:
    """BM25 tokens: lower-cased alphanumeric runs without Lucene stop words, stemmed
    ("it's" -> "it"; a lone letter is dropped, a lone digit kept)."""
    return [
        stem(w)
        for w in _INDEX_TOKEN.findall(text.lower().replace("’", "'"))
        if w not in INDEX_STOPWORDS and (len(w) > 1 or w.isdigit())
    ]


def names(text: str) -> set[str]:
    """Stems of capitalised words that are not the first word of a sentence: likely names."""
    text = MARKER_RE.sub(" ", text)
    out: set[str] = set()
    for a, b in split_sentences(text):
        toks = words(text[a:b])
        for i, tok in enumerate(toks):
            if i == 0 or not tok[:1].isupper() or tok.lower() in STOPWORDS:
                continue
            out.add(stem(tok))
    return out


# -- numbers ------------------------------------------------------------------------------


def numbers(text: str) -> set[str]:
    """Numbers in text, normalised ('1,200' -> '1200', 'six' -> '6')."""
    text = MARKER_RE.sub(" ", text)
    out = {m.group(0).replace(",", "").rstrip(".") for m in NUM_RE.finditer(text)}
    for w in words(text):
        lw = w.lower()
        if lw in NUMBER_WORDS and lw not in _VAGUE_NUMBERS:
            out.add(str(NUMBER_WORDS[lw]))
    return out


# -- markers and whitespace ---------------------------------------------------------------


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", MARKER_RE.sub("", text)).strip()


def markers(text: str) -> list[int]:
    out: list[int] = []
    for m in MARKER_RE.finditer(text):
        out.extend(int(x) for x in m.group(1).split(","))
    return out


def squash(text: str) -> str:
    """The text with all whitespace removed (MultiHop-RAG's relevance normalisation)."""
    return _WS.sub("", text)
